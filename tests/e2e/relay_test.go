package e2e

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim/relay"
)

// Relay tests (spec §9, issue 7): the same wx calls through the native relay, which the
// page's own server mounts at /relay/ (harness_test.go), as `wxsim` does.

// transports runs a test once per transport: the browser's own and the relay.
var transports = []struct{ name, extra string }{{"direct", ""}, {"relay", "relay: true"}}

// withTransport adds a transport's settings to a config literal.
func withTransport(cfg, extra string) string {
	if extra == "" {
		return cfg
	}
	return "Object.assign(" + cfg + ", {" + extra + "})"
}

// relayCfg is listed with the relay of the page's server.
const relayCfg = `{appId: 'wxrelay1', appVersion: '7', relay: true,
	domains: {request: ['https://api.example.test', 'https://other.example.test'], socket: ['wss://api.example.test'],
		uploadFile: ['https://api.example.test'], downloadFile: ['https://api.example.test']}}`

const wantReferer = "https://servicewechat.com/wxrelay1/7/page-frame.html"

// newRelay returns a relay that reaches the fixture under the test host names (pinned,
// as `--map` does) and trusts its certificate (as `--ca` does) unless o says otherwise.
// Other names go to a test resolver: rebind.example.test "resolves" to loopback, the
// rest fail; no real DNS is ever asked.
func newRelay(o relay.Options) *relay.Relay {
	if o.Token == "" {
		o.Token = "e2e-token"
	}
	if os.Getenv("WXSIM_RELAY_LOG") != "" { // the relay's log lines, when debugging
		o.Logf = log.New(os.Stderr, "relay: ", log.Lmicroseconds).Printf
		o.LogCalls = true
	}
	addr := strings.TrimPrefix(fx.URL, "https://")
	if o.Pins == nil {
		o.Pins = map[string]string{}
		for _, h := range []string{"api.example.test", "other.example.test", "evil.example.test", "port.example.test", "api.weixin.qq.com"} {
			o.Pins[h] = addr
		}
	}
	if o.Roots == nil {
		o.Roots = x509.NewCertPool()
		o.Roots.AppendCertsFromPEM(fx.CertPEM)
	}
	o.Resolve = func(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
		if host == "rebind.example.test" {
			return []netip.AddrPort{netip.MustParseAddrPort(addr)}, nil
		}
		return nil, errors.New("test resolver: no such host " + host)
	}
	return relay.New(o)
}

// crossRelay serves a relay on its own origin that allows the test page's origin with
// token "cross-token" (`--allow-origin`), and returns its URL.
func crossRelay(t *testing.T, o relay.Options) string {
	srv := httptest.NewUnstartedServer(nil)
	u := "http://" + srv.Listener.Addr().String()
	o.Self = []string{u}
	o.Token = "cross-token"
	srv.Config.Handler = newRelay(o)
	srv.Start()
	t.Cleanup(srv.Close)
	return u + "/"
}

func pageOrigin() string { return strings.TrimSuffix(pageURL, "/") }

type echoRes struct {
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// spec §9, §4.3, §4.5: a server without CORS works through the relay, which sends
// WeChat's Referer and User-Agent and the user's headers, returns all headers and the
// cookies, keeps a per-app cookie jar and fills profile; directly it fails.
func TestRelayRequest(t *testing.T) {
	p := newPage(t, relayCfg)
	var echo struct {
		Res struct {
			Data       echoRes        `json:"data"`
			StatusCode int            `json:"statusCode"`
			Header     map[string]any `json:"header"`
			Cookies    []string       `json:"cookies"`
			Profile    map[string]any `json:"profile"`
			ErrMsg     string         `json:"errMsg"`
		} `json:"res"`
	}
	p.Eval(`T.call('request', {url: '`+api+`/nocors/echo?x=1', header: {'X-User': 'u1', Referer: 'https://evil.example/'}}).then((r) => r)`, &echo)
	require.Equal(t, "request:ok", echo.Res.ErrMsg)
	h := echo.Res.Data.Headers
	assert.Equal(t, wantReferer, h["referer"], "§4.3: the user's Referer is replaced by WeChat's")
	assert.Contains(t, h["user-agent"], "MicroMessenger/")
	assert.Contains(t, h["user-agent"], "miniProgram")
	assert.Equal(t, "u1", h["x-user"])
	assert.Equal(t, "application/json", h["content-type"], "§4.3: through the relay the default content-type is always sent")
	assert.Equal(t, "wxsim", echo.Res.Header["X-Fixture"], "response headers with the server's names")
	assert.NotContains(t, echo.Res.Header, "Access-Control-Allow-Origin", "the server sent no CORS")

	t.Run("cookies and the per-app jar", func(t *testing.T) {
		r := okResult(t, p.Call("request", `{url: '`+api+`/nocors/set-cookie'}`))
		cookies, _ := r["cookies"].([]any)
		require.Len(t, cookies, 2, "§4.5: Set-Cookie strings reach cookies: %v", r)
		var e struct {
			Res struct {
				Data echoRes `json:"data"`
			} `json:"res"`
		}
		p.Eval(`T.call('request', {url: '`+api+`/nocors/echo'})`, &e)
		assert.NotEmpty(t, e.Res.Data.Headers["cookie"], "the jar sends them on the next request of the app")
		q := newPage(t, strings.Replace(relayCfg, "wxrelay1", "wxrelay2", 1))
		var other echoRes
		q.Eval(`T.call('request', {url: '`+api+`/nocors/echo'}).then((r) => r.res.data)`, &other)
		assert.Equal(t, wantReferer[:len(wantReferer)-len("wxrelay1/7/page-frame.html")]+"wxrelay2/7/page-frame.html", other.Headers["referer"])
		assert.Empty(t, other.Headers["cookie"], "another app has its own jar")
	})

	t.Run("profile from the relay's trace", func(t *testing.T) {
		// a relay of its own: a fresh upstream connection, so every phase is measured
		fresh := crossRelay(t, relay.Options{AllowOrigins: []string{pageOrigin()}})
		q := newPage(t, `{relay: '`+fresh+`', relayToken: 'cross-token', domains: {request: ['https://other.example.test']}}`)
		prof := okResult(t, q.Call("request", `{url: 'https://other.example.test/nocors/json'}`))["profile"].(map[string]any)
		for _, k := range []string{"fetchStart", "connectStart", "connectEnd", "SSLconnectionStart", "SSLconnectionEnd",
			"requestStart", "responseStart", "responseEnd"} {
			assert.Greater(t, prof[k], 0.0, "profile.%s", k)
		}
		assert.Equal(t, "127.0.0.1", prof["peerIP"])
		assert.NotEmpty(t, prof["protocol"])
	})

	t.Run("TRACE and redirect manual work only through the relay", func(t *testing.T) {
		var e struct {
			Res struct {
				Data echoRes `json:"data"`
			} `json:"res"`
		}
		p.Eval(`T.call('request', {url: '`+api+`/nocors/echo', method: 'trace'})`, &e)
		assert.Equal(t, "TRACE", e.Res.Data.Method, "§4.2")
		r := okResult(t, p.Call("request", `{url: '`+api+`/nocors/redirect?to=/json', redirect: 'manual'}`))
		assert.Equal(t, 302.0, r["statusCode"])
		assert.Equal(t, "/json", r["header"].(map[string]any)["Location"])
	})

	t.Run("directly the same server fails", func(t *testing.T) {
		q := newPage(t, listed)
		failResult(t, q.Call("request", `{url: '`+api+`/nocors/echo'}`), "request:fail network error: Failed to fetch")
	})
}

// spec §3.6, §9: the relay re-checks every hop and every resolved address; each refusal
// is a clear errMsg with no traffic to the refused target.
func TestRelayRefusals(t *testing.T) {
	p := newPage(t, relayCfg)
	failResult(t, p.Call("request", `{url: '`+api+`/nocors/redirect?to=https://evil.example.test/hit?key=evilhop'}`),
		"request:fail url not in domain list")
	assert.Zero(t, fx.Hits("evilhop"), "the refused hop is never requested")
	assert.True(t, p.ConsoleHas("warn", "through the relay"), "the cause is in the console")

	// CR/LF never leave the page (sim.PlanHeaders); the relay refuses them too (sim/relay tests)
	failResult(t, p.Call("request", `{url: '`+api+`/nocors/json', header: {'X-Bad': 'a\r\nX-Injected: 1'}}`),
		"request:fail invalid header value for X-Bad: CR, LF and NUL are not allowed")

	open := newPage(t, `{urlCheck: false, relay: true}`)
	port := strconv.Itoa(fx.Port)
	for _, u := range []string{"https://127.1:" + port + "/hit?key=lit", "https://2130706433:" + port + "/hit?key=lit",
		"https://[::ffff:127.0.0.1]:" + port + "/hit?key=lit", "https://rebind.example.test/hit?key=lit"} {
		r := open.Call("request", `{url: '`+u+`'}`)
		require.Equal(t, []string{"fail", "complete"}, r.Cbs, u)
		assert.Contains(t, r.Res["errMsg"], "request:fail relay refused: ", u)
		assert.Contains(t, r.Res["errMsg"], "a loopback address", u)
	}
	r := open.Call("request", `{url: '`+api+`/nocors/redirect?to=https://rebind.example.test/hit?key=lit'}`)
	assert.Contains(t, r.Res["errMsg"], "relay refused: rebind.example.test resolves to 127.0.0.1", "a redirect hop to loopback")
	assert.Zero(t, fx.Hits("lit"))
}

// spec §9: TLS is checked like WeChat: an untrusted certificate fails with
// "ssl hand shake error" and the precise cause in the console; urlCheck:false skips it.
// The relay here is on another origin that allows the page (--allow-origin) and is
// given the token explicitly.
func TestRelayTLSAndOrigins(t *testing.T) {
	untrusting := crossRelay(t, relay.Options{AllowOrigins: []string{pageOrigin()}, Roots: x509.NewCertPool()})
	p := newPage(t, `{relay: '`+untrusting+`', relayToken: 'cross-token', domains: {request: ['https://api.example.test'], socket: ['wss://api.example.test']}}`)
	failResult(t, p.Call("request", `{url: '`+api+`/nocors/json'}`), "request:fail ssl hand shake error")
	assert.True(t, p.ConsoleHas("warn", "certificate is self-signed and not trusted"), "%v", p.Console())
	var ev [][]any
	p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/ws/echo'}); await s.closed; return s.ev; })()`, &ev)
	assert.Equal(t, `[["success","connectSocket:ok"],["error","connectSocket:fail ssl hand shake error"],["close",1006,""]]`, events(t, ev))

	lax := newPage(t, `{relay: '`+untrusting+`', relayToken: 'cross-token', urlCheck: false}`)
	okResult(t, lax.Call("request", `{url: '`+api+`/nocors/json'}`))

	wrong := newPage(t, `{relay: '`+untrusting+`', relayToken: 'nope', urlCheck: false}`)
	failResult(t, wrong.Call("request", `{url: '`+api+`/json'}`), "request:fail relay refused: missing or wrong relay token")

	foreign := crossRelay(t, relay.Options{}) // the page's origin is not allowed
	f := newPage(t, `{relay: '`+foreign+`', relayToken: 'cross-token', urlCheck: false}`)
	r := f.Call("request", `{url: '`+api+`/json'}`)
	assert.Contains(t, r.Res["errMsg"], "unreachable", "a refused Origin gets no CORS: the page cannot even read the refusal")

	noToken := newPage(t, `{relay: '`+untrusting+`', urlCheck: false}`)
	r = noToken.Call("request", `{url: '`+api+`/json'}`)
	assert.Contains(t, r.Res["errMsg"], "cannot read the token", "only pages the relay serves get the token")
}

// spec §4.7, §9: abort and time-out through the relay drop the upstream connection.
func TestRelayAbortAndTimeout(t *testing.T) {
	fx.Reset()
	p := newPage(t, relayCfg)
	p.Eval(startCalls, nil)
	p.Eval(`go('flight', {url: '`+api+`/hold?id=rabort'}); true`, nil)
	waitHolds(t, 1, 1)
	p.Eval(`TK.flight.abort(); true`, nil)
	assert.Equal(t, "request:fail abort", p.state("flight").Res["errMsg"])
	waitHolds(t, 1, 0)
	assert.Equal(t, 1, fx.Stats().Aborted, "the fixture sees the relay's upstream connection dropped")

	// 2 s: the hold must reach the fixture (two hops) before the time-out, even on a loaded machine.
	failResult(t, p.Call("request", `{url: '`+api+`/hold?id=rtimeout', timeout: 2000}`), "request:fail timeout")
	waitHolds(t, 2, 0)
	assert.Equal(t, 2, fx.Stats().Aborted, "a time-out drops it too")
}

// spec §6, §9: sockets through the relay send the user's header and protocols upstream,
// with WeChat's Referer and User-Agent; onOpen carries the upstream's handshake headers.
func TestRelaySocketHandshake(t *testing.T) {
	p := newPage(t, relayCfg)
	var out struct {
		Open   map[string]any `json:"open"`
		Echo   []any          `json:"echo"`
		Before string         `json:"before"`
	}
	p.Eval(`(async () => {
		const s = T.sock({url: '`+wss+`/ws/echo?subprotocols=chat,superchat', header: {'X-Token': 'abc', Referer: 'x'}, protocols: ['superchat']});
		let openRes = null; s.t.onOpen((o) => { openRes = o; });
		const before = await new Promise((r) => s.t.send({data: 'early', fail: (e) => r(e.errMsg), success: () => r('sent')}));
		await s.opened;
		const big = new Uint8Array(16 << 20); for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
		s.t.send({data: 'hi'}); s.t.send({data: big.buffer});
		const got = await s.waitMsgs(2);
		const echo = [got[0], got[1].byteLength, await T.sha256(got[1]) === await T.sha256(big.buffer)];
		s.t.close({}); await s.closed;
		return {open: T.plain(openRes), echo, before};
	})()`, &out)
	assert.Equal(t, "sendSocketMessage:fail WebSocket is not connected", out.Before, "§6.3: not open before the upstream is")
	assert.Equal(t, []any{"hi", float64(16 << 20), true}, out.Echo, "a 16 MiB frame passes byte-exact")
	proto, hdr := fx.LastWSHandshake()
	assert.Equal(t, "superchat", proto)
	assert.Equal(t, "abc", hdr.Get("X-Token"))
	assert.Equal(t, wantReferer, hdr.Get("Referer"))
	assert.Contains(t, hdr.Get("User-Agent"), "MicroMessenger/")
	require.NotNil(t, out.Open["header"], "%v", out.Open)
	assert.Equal(t, "superchat", out.Open["header"].(map[string]any)["Sec-Websocket-Protocol"])

	var ev [][]any
	p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/nope'}); await s.closed; return s.ev; })()`, &ev)
	assert.Equal(t, `[["success","connectSocket:ok"],["error","connectSocket:fail network error: server answered the WebSocket handshake with HTTP 404 Not Found"],["close",1006,""]]`, events(t, ev))
}

// events renders T.sock's event list for assertions.
func events(t *testing.T, ev [][]any) string {
	b, err := json.Marshal(ev)
	require.NoError(t, err)
	return string(b)
}

// spec §8.1: ten transfers run at once through the relay too, although Chromium opens at
// most six HTTP/1.1 connections to one host.
func TestRelayTenAtOnce(t *testing.T) {
	fx.Reset()
	p := newPage(t, relayCfg)
	p.Eval(startCalls, nil)
	p.Eval(`for (let i = 0; i < 10; i++) go('r' + i, {url: '`+api+`/hold?id=rten' + i}); true`, nil)
	waitHolds(t, 10, 10)
	fx.ReleaseAll()
	for i := range 10 {
		assert.Equal(t, []string{"success", "complete"}, p.state("r"+strconv.Itoa(i)).Cbs)
	}
}

// spec §9, §C3: a relayed call holds one of the relay origin's lanes. One that ends while
// a §C3 latency step still waits (the relay's answer is in, the page has not seen it yet)
// frees its lane like any other: after 8 such aborted downloads, the next call still
// goes to the relay's own origin, not to its other loopback name (kept for when 6 calls
// are in flight on the first).
func TestRelayLaneFreedWhenAPacedCallEnds(t *testing.T) {
	p := newPage(t, relayCfg)
	var out struct {
		URLs []string `json:"urls"`
		Errs []string `json:"errs"`
	}
	p.Eval(`(async () => {
		const urls = [], orig = window.fetch;
		let answered = null;
		window.fetch = function (u) {
			const r = orig.apply(this, arguments);
			if (String(u).includes('relay/http')) { urls.push(String(u)); r.then(() => answered && answered()); }
			return r;
		};
		const errs = [];
		try {
			wxsim.setNetwork({type: 'wifi', latencyMs: 3000});
			for (let i = 0; i < 8; i++) {
				const head = new Promise((r) => { answered = r; });
				errs.push(await new Promise((r) => {
					const t = wx.downloadFile({url: '`+api+`/file?size=10', complete: (res) => r(res.errMsg)});
					// a macrotask after the answer: the glue's steps up to the wait are microtasks
					head.then(() => setTimeout(() => t.abort(), 0));
				}));
			}
			wxsim.setNetwork({type: 'wifi'});
			errs.push(await new Promise((r) => wx.downloadFile({url: '`+api+`/file?size=10', complete: (res) => r(res.errMsg)})));
		} finally { window.fetch = orig; wxsim.setNetwork({type: 'wifi'}); }
		return {urls, errs};
	})()`, &out)
	want := []string{}
	for range 8 {
		want = append(want, "downloadFile:fail abort")
	}
	assert.Equal(t, append(want, "downloadFile:ok"), out.Errs)
	require.Len(t, out.URLs, 9)
	for i, u := range out.URLs {
		assert.True(t, strings.HasPrefix(u, pageOrigin()+"/relay/http"), "call %d went to %s", i, u)
	}
}

// spec §9: a relay whose answer carries metadata that cannot be read fails the call with
// a network error saying so, whichever primitive carried it (fetch for a request and a
// download without a listener, XHR for a download with one).
func TestRelayUnreadableMetadata(t *testing.T) {
	origin := pageOrigin()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Headers", "*")
		h.Set("Access-Control-Expose-Headers", "X-Wxsim-Meta, X-Wxsim-Error")
		switch {
		case r.Method == http.MethodOptions:
		case r.URL.Path == "/relay/session":
			w.Write([]byte(`{"session":"s1"}`))
		default:
			h.Set("X-Wxsim-Meta", "%%not-encoded")
			w.Write([]byte("body"))
		}
	}))
	t.Cleanup(srv.Close)
	p := newPage(t, `{domains: {request: ['`+api+`'], downloadFile: ['`+api+`']}, relay: '`+srv.URL+`/', relayToken: 't'}`)
	var out map[string]string
	p.Eval(`(async () => {
		const msg = (fn, o, listen) => new Promise((res) => {
			const t = fn(Object.assign({complete: (r) => res(r.errMsg)}, o));
			if (listen) t.onProgressUpdate(() => {});
		});
		return {
			request: await msg(wx.request, {url: '`+api+`/json'}),
			download: await msg(wx.downloadFile, {url: '`+api+`/file?size=4'}),
			downloadListened: await msg(wx.downloadFile, {url: '`+api+`/file?size=4'}, true),
		};
	})()`, &out)
	for _, k := range []string{"request", "download", "downloadListened"} {
		api := map[string]string{"request": "request", "download": "downloadFile", "downloadListened": "downloadFile"}[k]
		assert.Equal(t, api+":fail network error: the relay answered without readable metadata", out[k], k)
	}
}

// A restarted relay has a new token and has forgotten the page's session: the call in
// flight fails with a clear errMsg and the next one reads the token and opens a new
// session by itself, for transfers and sockets alike.
func TestRelayRestarted(t *testing.T) {
	p := newPage(t, relayCfg)
	okResult(t, p.Call("request", `{url: '`+api+`/nocors/json'}`))
	old := pageRelay.Load()
	t.Cleanup(func() { pageRelay.Store(old) })
	restart := func(token string) { pageRelay.Store(newRelay(relay.Options{Token: token, Self: selfOrigins(pageURL)})) }

	restart("e2e-token") // same token (--token): only the session is gone
	r := p.Call("request", `{url: '`+api+`/nocors/json'}`)
	require.Equal(t, []string{"fail", "complete"}, r.Cbs)
	assert.Contains(t, r.Res["errMsg"], "request:fail relay refused: unknown relay session")
	okResult(t, p.Call("request", `{url: '`+api+`/nocors/json'}`))

	restart("e2e-token-2") // a random token, as ./build.sh run makes
	r = p.Call("request", `{url: '`+api+`/nocors/json'}`)
	assert.Equal(t, "request:fail relay refused: missing or wrong relay token", r.Res["errMsg"])
	okResult(t, p.Call("request", `{url: '`+api+`/nocors/json'}`))

	restart("e2e-token-3")
	var ev [][]any
	p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/ws/echo'}); await s.closed; return s.ev; })()`, &ev)
	assert.Equal(t, `[["success","connectSocket:ok"],["error","connectSocket:fail relay refused: missing or wrong relay token"],["close",1006,""]]`, events(t, ev))
	var echoed string
	p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/ws/echo'}); await s.opened; s.t.send({data: 'back'});
		const m = (await s.waitMsgs(1))[0]; s.t.close({}); await s.closed; return m; })()`, &echoed)
	assert.Equal(t, "back", echoed, "the next socket works")
}

// spec §6.1, §6.4: a socket closed before it opens, and bad protocols, behave the same on
// both transports (through the relay the WebSocket is created once the session is open).
func TestRelaySocketEdges(t *testing.T) {
	type out struct {
		Ev    [][]any        `json:"ev"`
		Close map[string]any `json:"close"`
		Bad   map[string]any `json:"bad"`
	}
	var got [2]out
	for i, tr := range transports {
		p := newPage(t, withTransport(sockCfg, tr.extra))
		p.Eval(`(async () => {
			const s = T.sock({url: '`+wss+`/ws/echo'});
			const close = await T.cb((o) => s.t.close(o), {code: 4000, reason: 'early'});
			await s.closed;
			const bad = await T.cb((o) => wx.connectSocket(o), {url: '`+wss+`/ws/echo', protocols: ['a b']});
			return {ev: s.ev, close, bad};
		})()`, &got[i])
		assert.Equal(t, []any{"success", "complete"}, got[i].Close["cbs"], tr.name)
		assert.Equal(t, 1006.0, got[i].Ev[len(got[i].Ev)-1][1], "%s: closed while connecting: %v", tr.name, got[i].Ev)
		assert.Equal(t, []any{"fail", "complete"}, got[i].Bad["cbs"], tr.name)
		assert.Equal(t, 0.0, p.Stats()["sockets"], "%s: nothing left behind", tr.name)
	}
	assert.Equal(t, got[0].Bad["res"], got[1].Bad["res"], "the same errMsg for bad protocols")
}
