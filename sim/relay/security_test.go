package relay

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

// Spec §9 "not an open proxy": each of these calls is refused with a clear message and a
// log line, and the upstream fixture sees no connection and no request. The fixture is
// reachable under every name and address form used, so a hole would show as traffic.
func TestRefusalsWithoutUpstreamTraffic_Spec9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	up := h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {})
	addr := netip.MustParseAddrPort(up.Listener.Addr().String())
	port := strconv.Itoa(int(addr.Port()))
	for _, n := range []string{"unlisted.wxsim.test", "evil.test"} {
		h.pins[n] = addr.String()
	}
	// Not pinned: the resolver hook answers these with local addresses (DNS rebinding).
	h.names["loop.wxsim.test"] = []netip.AddrPort{addr}
	h.names["loop6.wxsim.test"] = []netip.AddrPort{netip.AddrPortFrom(netip.IPv6Loopback(), addr.Port())}
	h.names["mapped.wxsim.test"] = []netip.AddrPort{netip.MustParseAddrPort("[::ffff:127.0.0.1]:" + port)}
	h.names["zero.wxsim.test"] = []netip.AddrPort{netip.MustParseAddrPort("0.0.0.0:" + port)}
	h.names["localhost"] = []netip.AddrPort{addr, netip.AddrPortFrom(netip.IPv6Loopback(), addr.Port())}
	h.start()
	strict := h.session(config(list("request", "https://"+apiHost, "https://loop.wxsim.test",
		"https://loop6.wxsim.test", "https://mapped.wxsim.test", "https://zero.wxsim.test")))
	lax := h.session(config(urlCheckOff))

	setHeader := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }
	cases := []struct {
		name   string
		sess   string
		tg     target
		edit   func(*http.Request)
		status int
		kind   string
		msg    string
	}{
		// the relay's own guards
		{name: "missing token", edit: func(r *http.Request) { r.Header.Del("X-Wxsim-Token") },
			status: 403, kind: "token", msg: "relay refused: missing or wrong relay token"},
		{name: "wrong token", edit: setHeader("X-Wxsim-Token", "test-token-0123456788"),
			status: 403, kind: "token", msg: "relay refused: missing or wrong relay token"},
		{name: "token prefix", edit: setHeader("X-Wxsim-Token", testToken[:10]),
			status: 403, kind: "token", msg: "relay refused: missing or wrong relay token"},
		{name: "token in the query instead of the header", edit: func(r *http.Request) {
			r.Header.Del("X-Wxsim-Token")
			r.URL.RawQuery = "token=" + testToken
		}, status: 403, kind: "token", msg: "missing or wrong relay token"},
		{name: "foreign Origin", edit: setHeader("Origin", "https://evil.test"),
			status: 403, kind: "refused", msg: `relay refused: Origin "https://evil.test" is not allowed (use --allow-origin)`},
		{name: "no Origin", edit: func(r *http.Request) { r.Header.Del("Origin") },
			status: 403, kind: "refused", msg: "relay refused: Origin (none) is not allowed"},
		{name: "null Origin", edit: setHeader("Origin", "null"),
			status: 403, kind: "refused", msg: `Origin "null" is not allowed`},
		{name: "Origin of another port", edit: setHeader("Origin", "http://127.0.0.1:1"),
			status: 403, kind: "refused", msg: `Origin "http://127.0.0.1:1" is not allowed`},
		{name: "Host of another name (DNS rebinding of the relay)", edit: func(r *http.Request) { r.Host = "evil.test:" + portOf(h.srv.URL) },
			status: 403, kind: "refused", msg: "relay refused: Host evil.test:" + portOf(h.srv.URL) + " is not this server (DNS rebinding?)"},
		{name: "Host without the port", edit: func(r *http.Request) { r.Host = "127.0.0.1" },
			status: 403, kind: "refused", msg: "Host 127.0.0.1 is not this server"},
		{name: "unknown session", sess: strings.Repeat("0", 32),
			status: 403, kind: "session", msg: "relay refused: unknown relay session"},
		{name: "no session", sess: "-",
			status: 403, kind: "session", msg: "relay refused: unknown relay session"},
		{name: "malformed target", edit: setHeader("X-Wxsim-Target", "%7Bnot%20json"),
			status: 400, kind: "refused", msg: "relay refused: malformed call description"},
		{name: "no route", edit: func(r *http.Request) { r.URL.Path = "/relay/other" },
			status: 404, kind: "refused", msg: "relay refused: no relay route POST /relay/other"},
		{name: "GET on the http route", edit: func(r *http.Request) { r.Method = http.MethodGet },
			status: 404, kind: "refused", msg: "no relay route GET /relay/http"},

		// §3 policy, checked before any traffic
		{name: "§3.2 unlisted host", tg: get("https://unlisted.wxsim.test/"),
			status: 403, kind: "policy", msg: "url not in domain list: https://unlisted.wxsim.test/"},
		{name: "§3.2 parent-domain trick", tg: get("https://api.wxsim.test.evil.test/"),
			status: 403, kind: "policy", msg: "url not in domain list"},
		{name: "§3.1 http with urlCheck on", tg: get("http://api.wxsim.test/"),
			status: 403, kind: "policy", msg: "url not in domain list: http://api.wxsim.test/"},
		{name: "§3.3 explicit :443", tg: get("https://api.wxsim.test:443/"),
			status: 403, kind: "policy", msg: "url not in domain list"},
		{name: "§3.3 the fixture's port", tg: get("https://api.wxsim.test:" + port + "/"),
			status: 403, kind: "policy", msg: "url not in domain list"},
		{name: "§3.5 api.weixin.qq.com", tg: get("https://api.weixin.qq.com/sns/jscode2session"),
			status: 403, kind: "policy", msg: "url not in domain list"},
		{name: "§3.7 not a URL", tg: get("api.wxsim.test/path"),
			status: 403, kind: "policy", msg: "invalid url"},
		{name: "userinfo trick", tg: get("https://api.wxsim.test@evil.test/"),
			status: 403, kind: "policy", msg: "url not in domain list: https://api.wxsim.test@evil.test/"},
		{name: "userinfo with password", tg: get("https://u:p@api.wxsim.test/"),
			status: 403, kind: "policy", msg: "url not in domain list"},
		{name: "userinfo trick, urlCheck off", sess: lax, tg: get("https://api.wxsim.test@evil.test/"),
			status: 403, kind: "refused", msg: "reads differently to the policy and to the HTTP client"},
		{name: "backslash trick", tg: get(`https://api.wxsim.test\@evil.test/`),
			status: 403, kind: "refused", msg: "reads differently"},
		{name: "backslash trick, urlCheck off", sess: lax, tg: get(`https://api.wxsim.test\@evil.test/`),
			status: 403, kind: "refused", msg: "reads differently"},
		{name: "§3.4 IP literal with urlCheck on", tg: get("https://127.0.0.1:" + port + "/"),
			status: 403, kind: "policy", msg: "url not in domain list"},

		// addresses, checked after resolution even with urlCheck off
		{name: "https://127.1", sess: lax, tg: get("https://127.1:" + port + "/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "https://2130706433", sess: lax, tg: get("https://2130706433:" + port + "/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "https://0x7f000001", sess: lax, tg: get("https://0x7f000001:" + port + "/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "https://0177.0.0.1", sess: lax, tg: get("https://0177.0.0.1:" + port + "/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "https://127.0.0.1", sess: lax, tg: get("https://127.0.0.1:" + port + "/"),
			status: 403, kind: "refused", msg: "127.0.0.1 is a loopback address"},
		{name: "http://127.0.0.1", sess: lax, tg: get("http://127.0.0.1:" + port + "/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "https://[::1]", sess: lax, tg: get("https://[::1]:" + port + "/"),
			status: 403, kind: "refused", msg: "::1 is a loopback address"},
		{name: "https://[::ffff:127.0.0.1]", sess: lax, tg: get("https://[::ffff:127.0.0.1]:" + port + "/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "https://[::ffff:7f00:1]", sess: lax, tg: get("https://[::ffff:7f00:1]:" + port + "/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "https://0.0.0.0", sess: lax, tg: get("https://0.0.0.0:" + port + "/"),
			status: 403, kind: "refused", msg: "an unspecified address"},
		{name: "https://[::]", sess: lax, tg: get("https://[::]:" + port + "/"),
			status: 403, kind: "refused", msg: "an unspecified address"},
		{name: "https://localhost", sess: lax, tg: get("https://localhost:" + port + "/"),
			status: 403, kind: "refused", msg: "localhost resolves to 127.0.0.1, a loopback address"},
		{name: "listed name resolving to loopback", tg: get("https://loop.wxsim.test/"),
			status: 403, kind: "refused", msg: "relay refused: loop.wxsim.test resolves to 127.0.0.1, a loopback address; the relay does not connect there (pin it with --map if you mean it)"},
		{name: "name resolving to loopback, urlCheck off", sess: lax, tg: get("https://loop.wxsim.test/"),
			status: 403, kind: "refused", msg: "loop.wxsim.test resolves to 127.0.0.1, a loopback address"},
		{name: "listed name resolving to ::1", tg: get("https://loop6.wxsim.test/"),
			status: 403, kind: "refused", msg: "loop6.wxsim.test resolves to ::1, a loopback address"},
		{name: "listed name resolving to ::ffff:127.0.0.1", tg: get("https://mapped.wxsim.test/"),
			status: 403, kind: "refused", msg: "a loopback address"},
		{name: "listed name resolving to 0.0.0.0", tg: get("https://zero.wxsim.test/"),
			status: 403, kind: "refused", msg: "an unspecified address"},

		// §4.3 headers
		{name: "CR/LF in a header name", tg: get("https://api.wxsim.test/", [2]string{"X-A\r\nX-Injected", "1"}),
			status: 403, kind: "header", msg: `header name "X-A\r\nX-Injected" is not a valid HTTP field name`},
		{name: "CR/LF in a header value", tg: get("https://api.wxsim.test/", [2]string{"X-A", "v\r\nX-Injected: 1"}),
			status: 403, kind: "header", msg: "header X-A has a value with CR, LF or another control character"},
		{name: "LF in a header value", tg: get("https://api.wxsim.test/", [2]string{"X-A", "v\nX-Injected: 1"}),
			status: 403, kind: "header", msg: "header X-A has a value with CR, LF"},
		{name: "NUL in a header value", tg: get("https://api.wxsim.test/", [2]string{"X-A", "v\x00"}),
			status: 403, kind: "header", msg: "header X-A has a value with CR, LF or another control character"},
		{name: "space in a header name", tg: get("https://api.wxsim.test/", [2]string{"X A", "1"}),
			status: 403, kind: "header", msg: `header name "X A" is not a valid HTTP field name`},
		{name: "empty header name", tg: get("https://api.wxsim.test/", [2]string{"", "1"}),
			status: 403, kind: "header", msg: `header name "" is not a valid HTTP field name`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := h.sub(t)
			sess := strict
			switch c.sess {
			case "":
			case "-":
				sess = ""
			default:
				sess = c.sess
			}
			tg := c.tg
			if tg.API == "" {
				tg = get("https://api.wxsim.test/")
			}
			resp := h.call(sess, tg, nil, func(r *http.Request) {
				if c.edit != nil {
					c.edit(r)
				}
			})
			status, kind, msg := relayErr(t, resp)
			assert.Equal(t, c.status, status, msg)
			assert.Equal(t, c.kind, kind, msg)
			assert.Contains(t, msg, c.msg)
			assert.Empty(t, resp.Header.Get("X-Wxsim-Meta"))
			assert.Zero(t, up.traffic(), "no upstream traffic")
			logged := strings.TrimPrefix(msg, "relay refused: ")
			assert.True(t, h.logged(logged), "a log line for the refusal %q", logged)
			if c.kind == "refused" && c.status == 403 && strings.Contains(c.name, "Origin") {
				assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "no CORS headers for a foreign page")
			}
		})
	}
	// The calls above could only fail by refusal: the same session reaches the fixture.
	assert.Equal(t, 200, metaOf(t, h.call(strict, get("https://api.wxsim.test/"), nil)).Status)
	assert.NotZero(t, up.traffic())
}

func portOf(rawURL string) string {
	u, _ := url.Parse(rawURL)
	return u.Port()
}

// Spec §9: the token goes to same-origin pages of the server only (their Origin, or
// Sec-Fetch-Site same-origin), never with CORS headers, and never to another Host.
func TestTokenEndpoint_Spec9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start(func(o *Options) { o.AllowOrigins = []string{"https://ide.wxsim.test"} })
	port := portOf(h.srv.URL)
	cases := []struct {
		name    string
		header  map[string]string
		host    string
		granted bool
	}{
		{"own origin", map[string]string{"Origin": h.origin}, "", true},
		{"own localhost origin", map[string]string{"Origin": "http://localhost:" + port}, "localhost:" + port, true},
		{"same-origin GET without Origin", map[string]string{"Sec-Fetch-Site": "same-origin"}, "", true},
		{"no Origin, no Sec-Fetch-Site", nil, "", false},
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, "", false},
		{"same-site", map[string]string{"Sec-Fetch-Site": "same-site"}, "", false},
		{"foreign origin", map[string]string{"Origin": "https://evil.test"}, "", false},
		{"foreign origin claiming same-origin", map[string]string{"Origin": "https://evil.test", "Sec-Fetch-Site": "same-origin"}, "", false},
		{"allowed but not own origin", map[string]string{"Origin": "https://ide.wxsim.test"}, "", false},
		{"own origin, foreign Host", map[string]string{"Origin": h.origin}, "evil.test:" + port, false},
		{"same-origin, foreign Host", map[string]string{"Sec-Fetch-Site": "same-origin"}, "evil.test:" + port, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := h.sub(t)
			req, err := http.NewRequest(http.MethodGet, h.srv.URL+"/relay/token", nil)
			require.NoError(t, err)
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			if c.host != "" {
				req.Host = c.host
			}
			resp := h.do(req)
			b, _ := io.ReadAll(resp.Body)
			assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "never CORS headers on the token")
			if c.granted {
				assert.Equal(t, http.StatusOK, resp.StatusCode)
				assert.Equal(t, testToken, string(b))
				assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
				return
			}
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, "refused", resp.Header.Get("X-Wxsim-Error"))
			assert.NotContains(t, string(b), testToken)
		})
	}

	// A client that is not on this machine never gets the token, whatever headers it
	// forges (a server bound beyond loopback). Served in-process: no traffic.
	req := httptest.NewRequest(http.MethodGet, h.srv.URL+"/relay/token", nil)
	req.RemoteAddr = "192.0.2.7:40000"
	req.Header.Set("Origin", h.origin)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	h.rl.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusForbidden, rec.Code)
	assert.NotContains(t, rec.Body.String(), testToken)
	assert.Contains(t, rec.Body.String(), "only given to pages on this machine")
}

// CORS preflights: an allowed page's gets the headers it needs; a foreign one gets 403
// and no CORS headers at all.
func TestPreflight(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start(func(o *Options) { o.AllowOrigins = []string{"https://ide.wxsim.test/"} })
	preflight := func(origin, host string, private bool) *http.Response {
		req, err := http.NewRequest(http.MethodOptions, h.srv.URL+"/relay/http", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "x-wxsim-token,x-wxsim-session,x-wxsim-target")
		if private {
			req.Header.Set("Access-Control-Request-Private-Network", "true")
		}
		if host != "" {
			req.Host = host
		}
		return h.do(req)
	}
	for _, origin := range []string{h.origin, "https://ide.wxsim.test"} {
		resp := preflight(origin, "", true)
		assert.Equal(t, http.StatusNoContent, resp.StatusCode)
		assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
		for _, name := range []string{"X-Wxsim-Token", "X-Wxsim-Session", "X-Wxsim-Target", "Content-Type"} {
			assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), name)
		}
		assert.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")
		assert.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Private-Network"))
		assert.Contains(t, resp.Header.Values("Vary"), "Origin")
	}
	assert.Empty(t, preflight(h.origin, "", false).Header.Get("Access-Control-Allow-Private-Network"))
	for _, c := range []struct{ origin, host string }{
		{"https://evil.test", ""}, {"", ""}, {"null", ""}, {h.origin, "evil.test:" + portOf(h.srv.URL)},
	} {
		resp := preflight(c.origin, c.host, true)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode, c)
		for k := range resp.Header {
			assert.False(t, strings.HasPrefix(k, "Access-Control-"), "no CORS header %s for %v", k, c)
		}
	}
}

// Options.AllowOrigins (--allow-origin) and the server's localhost origin may call with
// the token; their answers carry CORS headers for them.
func TestAllowedOrigins(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	h.start(func(o *Options) { o.AllowOrigins = []string{"https://ide.wxsim.test/"} })
	sess := h.session(config())
	for _, origin := range []string{"https://ide.wxsim.test", "http://localhost:" + portOf(h.srv.URL)} {
		resp := h.call(sess, get("https://api.wxsim.test/"), nil, func(r *http.Request) { r.Header.Set("Origin", origin) })
		assert.Equal(t, 200, metaOf(t, resp).Status)
		assert.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
		assert.Equal(t, "X-Wxsim-Meta, X-Wxsim-Error", resp.Header.Get("Access-Control-Expose-Headers"))
	}
}

// Spec §4.3: hop-by-hop and proxy headers from the page never reach the upstream, nor
// do headers that Connection names; the Host is the URL's.
func TestHopByHopHeadersDropped_Spec4_3(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := make(chan seen, 64)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) { got <- record(r) }, fixtureTLS{h1: true})
	h.start()
	sess := h.session(config())
	dropped := [][2]string{
		{"Connection", "X-Secret, x-other"}, {"X-Secret", "s"}, {"X-Other", "o"},
		{"Keep-Alive", "timeout=5"}, {"Proxy-Authorization", "Basic Zm9vOmJhcg=="},
		{"Proxy-Connection", "keep-alive"}, {"Proxy-Foo", "1"}, {"X-Forwarded-For", "10.0.0.1"},
		{"X-Forwarded-Host", "evil.test"}, {"Forwarded", "for=10.0.0.1"}, {"Via", "1.1 evil"},
		{"Host", "evil.test"}, {"Transfer-Encoding", "chunked"}, {"TE", "trailers"}, {"Trailer", "X-T"},
		{"Upgrade", "websocket"}, {"Expect", "100-continue"}, {"Content-Length", "99"},
		{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
	}
	kept := [][2]string{{"X-Kept", "1"}, {"Cookie", "a=b"}, {"content-type", "application/json"}}
	resp := h.call(sess, get("https://api.wxsim.test/h", append(dropped, kept...)...), nil)
	assert.Equal(t, 200, metaOf(t, resp).Status)
	s := recv(t, got, "the upstream request")
	assert.Equal(t, apiHost, s.host)
	assert.Empty(t, s.te)
	assert.Equal(t, int64(0), s.length)
	for _, d := range dropped {
		if d[0] == "Connection" || d[0] == "Upgrade" { // Go's server keeps these visible
			assert.NotContains(t, s.header.Get(d[0]), d[1], d[0])
			continue
		}
		assert.Empty(t, s.header.Values(d[0]), "%s must not reach the upstream", d[0])
	}
	assert.Equal(t, "1", s.header.Get("X-Kept"))
	assert.Equal(t, "a=b", s.header.Get("Cookie"))
	assert.Equal(t, "application/json", s.header.Get("Content-Type"))
}

// Spec §3.4, §3.6: a redirect from an allowed, pinned host to a listed name that resolves
// to a private address is refused at connect time, for the hop (DNS rebinding).
func TestRedirectToPrivateAddressRefused_Spec3_4(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://lan.wxsim.test/admin", http.StatusFound)
	})
	h.names["lan.wxsim.test"] = []netip.AddrPort{netip.MustParseAddrPort("10.0.0.7:443")}
	h.start()
	for _, cfg := range []map[string]any{
		config(list("request", "https://"+apiHost, "https://lan.wxsim.test")),
		config(urlCheckOff),
	} {
		sess := h.session(cfg)
		before := h.resolved.Load()
		status, kind, msg := relayErr(t, h.call(sess, get("https://api.wxsim.test/"), nil))
		assert.Equal(t, http.StatusForbidden, status)
		assert.Equal(t, "refused", kind)
		assert.Equal(t, "relay refused: lan.wxsim.test resolves to 10.0.0.7, a private address; the relay does not connect there (pin it with --map if you mean it)", msg)
		assert.Equal(t, before+1, h.resolved.Load(), "the hop was resolved, then refused")
	}
}

// An empty Options.Token must not let tokenless calls through.
func TestEmptyTokenRefusesEverything(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	up := h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {})
	h.start(func(o *Options) { o.Token = "" })
	body := strings.NewReader(`{"appId":"wx123","urlCheck":false}`)
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/relay/session", body)
	require.NoError(t, err)
	req.Header.Set("Origin", h.origin)
	status, kind, _ := relayErr(t, h.do(req))
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "token", kind)
	assert.Zero(t, up.traffic())
}

// POST /relay/session validates the app's configuration with the simulator's own code.
func TestSessionConfig(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	open := func(body string) (int, string, string) {
		req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/relay/session", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Origin", h.origin)
		req.Header.Set("X-Wxsim-Token", testToken)
		return relayErr(t, h.do(req))
	}
	status, _, body := open(`{"appId":"wx1","domains":{"request":["https://a.wxsim.test"]}}`)
	assert.Equal(t, 200, status, body)
	assert.Contains(t, body, `"session":"`)
	for _, c := range []struct{ body, msg string }{
		{`not json`, "session config is not a JSON object"},
		{`[1]`, "session config is not a JSON object"},
		{`{"urlcheck":false}`, "urlcheck"},
		{`{"domains":{"request":["https://127.0.0.1"]}}`, "IPs cannot be list entries"},
		{`{"domains":{"request":["http://a.wxsim.test"]}}`, "must be a https:// origin"},
		{`{"sdkVersion":"x"}`, "sdkVersion"},
		{`{"appId":"wx1","pad":"` + strings.Repeat("x", maxConfig) + `"}`, "session config is not a JSON object"},
	} {
		status, kind, msg := open(c.body)
		assert.Equal(t, http.StatusBadRequest, status, c.body)
		assert.Equal(t, "refused", kind)
		assert.Contains(t, msg, c.msg)
	}
}

// Sessions are bounded: the oldest is forgotten first.
func TestSessionsEvicted(t *testing.T) {
	t.Parallel()
	s := newSessions()
	cfg, err := sim.ParseConfig(map[string]any{"appId": "wx1"}, urlx.Parse)
	require.NoError(t, err)
	first := s.open(cfg)
	second := s.open(cfg)
	for i := 0; i < maxSessions-1; i++ {
		s.open(cfg)
	}
	assert.Nil(t, s.get(first), "the oldest is evicted")
	require.NotNil(t, s.get(second))
	assert.Same(t, s.get(second).jar, s.jars["wx1"], "one jar per app")
	assert.Equal(t, Referer("wx1", "devtools"), s.get(second).referer)
	assert.Len(t, s.byID, maxSessions)
}

// blocked is the address guard (spec §3.4, §9): a golden table of what the relay will
// not connect to, for a URL host that is the literal itself or a name.
func TestBlockedGolden_Spec3_4(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ip, host, why string
	}{
		{"127.0.0.1", "127.0.0.1", "a loopback address"},
		{"127.255.0.9", "rebind.test", "a loopback address"},
		{"::1", "::1", "a loopback address"},
		{"::ffff:127.0.0.1", "::ffff:7f00:1", "a loopback address"},
		{"64:ff9b::7f00:1", "nat64.test", "a loopback address"},
		{"64:ff9b::a00:1", "nat64.test", "a private address"},
		{"64:ff9b::808:808", "nat64.test", ""},
		{"0.0.0.0", "0.0.0.0", "an unspecified address"},
		{"::", "::", "an unspecified address"},
		{"0.1.2.3", "0.1.2.3", "a private address"},
		{"169.254.169.254", "169.254.169.254", "a link-local address"},
		{"169.254.1.1", "metadata.test", "a link-local address"},
		{"fe80::1", "fe80::1", "a link-local address"},
		{"ff02::1", "ff02::1", "a link-local address"},
		{"224.0.0.251", "mdns.test", "a link-local address"}, // 224.0.0/24 is link-local multicast
		{"239.1.2.3", "239.1.2.3", "a multicast or broadcast address"},
		{"ff05::2", "ff05::2", "a multicast or broadcast address"},
		{"255.255.255.255", "255.255.255.255", "a multicast or broadcast address"},
		// §3.4: a LAN IPv4 literal in the URL is allowed; a name resolving to it is not
		{"10.0.0.1", "10.0.0.1", ""},
		{"10.0.0.1", "lan.test", "a private address"},
		{"10.0.0.1", "10.0.0.2", "a private address"},
		{"172.16.0.1", "172.16.0.1", ""},
		{"172.31.255.254", "172.31.255.254", ""},
		{"172.16.0.1", "lan.test", "a private address"},
		{"192.168.1.10", "192.168.1.10", ""},
		{"192.168.1.10", "printer.test", "a private address"},
		{"::ffff:192.168.1.10", "::ffff:c0a8:10a", "a private address"}, // mapped is not "LAN IPv4"
		{"::ffff:192.168.1.10", "192.168.1.10", ""},                     // the transport unmapped a literal
		{"100.64.0.1", "100.64.0.1", "a private address"},
		{"100.127.255.254", "cgnat.test", "a private address"},
		{"fc00::1", "fc00::1", "a private address"},
		{"fd12:3456::1", "ula.test", "a private address"},
		// public
		{"172.32.0.1", "172.32.0.1", ""},
		{"100.128.0.1", "100.128.0.1", ""},
		{"93.184.216.34", "example.test", ""},
		{"2001:4860:4860::8888", "dns6.test", ""},
		{"11.0.0.1", "11.0.0.1", ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.why, blocked(netip.MustParseAddr(c.ip), c.host), "blocked(%s, %q)", c.ip, c.host)
	}
}

// Spec §3.4: from base library 2.4.0 a LAN IPv4 URL passes the policy with urlCheck on
// (and the address guard lets that literal through); before 2.4.0 it does not; a
// loopback literal never does. No connection is made here.
func TestLANLiteral_Spec3_4(t *testing.T) {
	t.Parallel()
	sess := func(sdk string) *session {
		cfg, err := sim.ParseConfig(map[string]any{"appId": "wx1", "sdkVersion": sdk,
			"domains": map[string]any{"request": []any{"https://api.wxsim.test"}}}, urlx.Parse)
		require.NoError(t, err)
		return &session{cfg: cfg}
	}
	for _, raw := range []string{"https://10.0.0.5/", "https://172.20.1.1:8443/x", "https://192.168.0.9/"} {
		u, err := checkURL(sess("2.4.0"), sim.APIRequest, raw)
		require.NoError(t, err, raw)
		assert.Equal(t, "", blocked(netip.MustParseAddr(u.Hostname()), u.Hostname()), raw)
		_, err = checkURL(sess("2.3.9"), sim.APIRequest, raw)
		var pe *policyError
		assert.ErrorAs(t, err, &pe, raw)
	}
	for _, raw := range []string{"https://127.0.0.1/", "https://[::1]/", "https://localhost/", "https://100.64.0.1/"} {
		_, err := checkURL(sess("3.0.0"), sim.APIRequest, raw)
		var pe *policyError
		assert.ErrorAs(t, err, &pe, raw)
	}
}

// checkURL requests the URL as the policy read it: the host and port are the WHATWG
// parser's normal form whatever Go's parser makes of them, and a URL with credentials,
// or one Go cannot parse, is refused whatever the policy says.
func TestCheckURLOneReading(t *testing.T) {
	t.Parallel()
	cfg, err := sim.ParseConfig(map[string]any{"urlCheck": false}, urlx.Parse)
	require.NoError(t, err)
	lax := &session{cfg: cfg}
	for _, c := range []struct {
		raw  string
		host string // u.Host as requested; "" when refused
	}{
		{"https://api.wxsim.test/a?b=c#d", "api.wxsim.test"},
		{"HTTPS://API.WXSIM.TEST:0443/", "api.wxsim.test:443"},
		{"https://[2001:db8::1]:8443/", "[2001:db8::1]:8443"},
		{"https://127.1/", "127.0.0.1"},
		{"https://2130706433:8443/", "127.0.0.1:8443"},
		{"https://0x7f000001/", "127.0.0.1"},
		{"https://0177.0.0.1/", "127.0.0.1"},
		{"https://[::ffff:127.0.0.1]/", "[::ffff:7f00:1]"},
		{"https://\uff41\uff50\uff49.wxsim.test/", "api.wxsim.test"},
		{"https://a.test@b.test/", ""},
		{"https://:@b.test/", ""}, // empty credentials: Go still sees user info
		{`https://a.test\@b.test/`, ""},
		// no "//" after the scheme: Go reads no authority (found by FuzzCheckURL)
		{"https:api.wxsim.test/x", ""},   // would request "GET api.wxsim.test/x"
		{`https:\\api.wxsim.test\x`, ""}, // the same
		{"https:/api.wxsim.test/y", ""},  // would request /api.wxsim.test/y
		{"https:///api.wxsim.test/y", ""},
	} {
		u, err := checkURL(lax, sim.APIRequest, c.raw)
		if c.host == "" {
			var ref *refusal
			assert.ErrorAs(t, err, &ref, c.raw)
			continue
		}
		require.NoError(t, err, c.raw)
		assert.Equal(t, c.host, u.Host, c.raw)
	}
}

// The dialer checks every resolved address before connecting to any, and pins are the
// operator's choice. The context is cancelled so that no packet can leave even if the
// guard failed.
func TestDialChecksEveryAddress(t *testing.T) {
	t.Parallel()
	rl := New(Options{
		Token: testToken,
		Pins:  map[string]string{"pinned.wxsim.test": "127.0.0.1:9"},
		Resolve: func(_ context.Context, host, port string) ([]netip.AddrPort, error) {
			return []netip.AddrPort{netip.MustParseAddrPort("192.0.2.1:" + port), netip.MustParseAddrPort("127.0.0.1:" + port)}, nil
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := rl.dial(ctx, "tcp", "mixed.wxsim.test:443")
	var ref *refusal
	require.ErrorAs(t, err, &ref)
	assert.Contains(t, ref.msg, "mixed.wxsim.test resolves to 127.0.0.1, a loopback address")

	_, err = rl.dial(ctx, "tcp", "pinned.wxsim.test:443")
	assert.Error(t, err)
	assert.False(t, errors.As(err, &ref), "a pin is exempt from the address checks: %v", err)
	var op *net.OpError
	assert.ErrorAs(t, err, &op, "it got as far as connecting (cancelled)")

	rl = New(Options{Token: testToken, Pins: map[string]string{"bad.wxsim.test": "not-an-ip"}})
	_, err = rl.dial(ctx, "tcp", "bad.wxsim.test:443")
	require.ErrorAs(t, err, &ref)
	assert.Equal(t, "bad --map pin for bad.wxsim.test: not-an-ip", ref.msg)
}
