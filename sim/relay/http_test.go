package relay

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim/internal/tlstest"
)

// seen is an upstream request as the fixture saw it.
type seen struct {
	method, host, uri string
	header            http.Header
	proto             int
	length            int64
	te                []string
}

func record(r *http.Request) seen {
	return seen{method: r.Method, host: r.Host, uri: r.RequestURI, header: r.Header.Clone(),
		proto: r.ProtoMajor, length: r.ContentLength, te: r.TransferEncoding}
}

// Spec §4.3, §4.5, §9: the upstream sees WeChat's Referer and User-Agent and the user's
// other headers; the page gets status, every header, Set-Cookie as `cookies`, the body
// and the measured `profile` fields.
func TestRequestHeadersCookiesProfile_Spec4_3_4_5_9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := make(chan seen, 64)
	up := h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		got <- record(r)
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.Header().Add("Set-Cookie", "sid=abc; Path=/; HttpOnly")
		w.Header().Add("Set-Cookie", "theme=dark; Max-Age=60")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	h.start()
	sess := h.session(config())

	resp := h.call(sess, get("https://api.wxsim.test/hello?q=1",
		[2]string{"Referer", "https://evil.test/page"},
		[2]string{"user-agent", "curl/8.0"},
		[2]string{"X-Custom", "v1"},
		[2]string{"accept-language", "zh-CN"},
		[2]string{"Authorization", "Bearer t0k"}), nil)
	m := metaOf(t, resp)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	s := recv(t, got, "the upstream request")
	assert.Equal(t, "GET", s.method)
	assert.Equal(t, apiHost, s.host)
	assert.Equal(t, "/hello?q=1", s.uri)
	assert.Equal(t, 2, s.proto, "HTTP/2 upstream")
	assert.Equal(t, []string{wantRef}, s.header.Values("Referer"), "§4.3: the user's Referer is replaced by WeChat's")
	ua := s.header.Values("User-Agent")
	require.Len(t, ua, 1)
	assert.Contains(t, ua[0], "MicroMessenger/")
	assert.Contains(t, ua[0], "miniProgram")
	assert.NotContains(t, ua[0], "curl")
	assert.Equal(t, "v1", s.header.Get("X-Custom"))
	assert.Equal(t, "zh-CN", s.header.Get("Accept-Language"))
	assert.Equal(t, "Bearer t0k", s.header.Get("Authorization"))

	assert.Equal(t, h.origin, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "X-Wxsim-Meta")
	assert.Empty(t, resp.Header.Get("X-Wxsim-Error"))
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, 201, m.Status)
	assert.Equal(t, "https://api.wxsim.test/hello?q=1", m.URL)
	assert.Equal(t, []string{"a", "b"}, headerOf(m, "X-Multi"))
	assert.Equal(t, []string{"application/json; charset=utf-8"}, headerOf(m, "Content-Type"))
	assert.Equal(t, []string{"sid=abc; Path=/; HttpOnly", "theme=dark; Max-Age=60"}, m.Cookies)
	assert.Equal(t, []string{"sid=abc; Path=/; HttpOnly", "theme=dark; Max-Age=60"}, headerOf(m, "Set-Cookie"))
	assert.Equal(t, `{"ok":true}`, string(body))

	// §4.5 profile: measured phases are non-zero on a fresh connection.
	p := m.Profile
	for _, k := range []string{"fetchStart", "domainLookupStart", "domainLookupEnd", "connectStart", "connectEnd",
		"SSLconnectionStart", "SSLconnectionEnd", "requestStart", "requestEnd", "responseStart"} {
		assert.Greater(t, p[k], 0.0, "profile.%s", k)
	}
	assert.LessOrEqual(t, p["fetchStart"], p["connectStart"])
	assert.LessOrEqual(t, p["connectStart"], p["SSLconnectionStart"])
	assert.LessOrEqual(t, p["SSLconnectionStart"], p["SSLconnectionEnd"])
	assert.LessOrEqual(t, p["requestStart"], p["responseStart"])
	assert.InDelta(t, float64(time.Now().UnixMilli()), p["fetchStart"], 60e3, "ms since the epoch")
	assert.Equal(t, "127.0.0.1", p["peerIP"])
	assert.Equal(t, float64(up.Listener.Addr().(*net.TCPAddr).Port), p["port"])
	assert.Equal(t, "h2", p["protocol"])
	assert.Equal(t, false, p["socketReused"])

	// A second call reuses the connection: no connect or TLS phase.
	resp = h.call(sess, get("https://api.wxsim.test/again"), nil)
	m = metaOf(t, resp)
	recv(t, got, "the second upstream request")
	assert.Equal(t, true, m.Profile["socketReused"])
	assert.Equal(t, 0.0, m.Profile["connectStart"])
	assert.Equal(t, 0.0, m.Profile["SSLconnectionStart"])
	assert.Greater(t, m.Profile["responseStart"], 0.0)
	assert.Equal(t, int64(1), up.conns.Load())
	assert.True(t, h.logged("request GET https://api.wxsim.test/hello?q=1 → 201"), "one log line per call: %q", h.logLines())
}

// Spec §4.5: any HTTP status is a success: the relay answers 200 and the upstream status
// travels in the meta, with the body.
func TestAnyStatusIsAnAnswer_Spec4_5(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		code, _ := strconv.Atoi(r.URL.Query().Get("code"))
		w.WriteHeader(code)
		_, _ = io.WriteString(w, "status "+strconv.Itoa(code))
	})
	h.start()
	sess := h.session(config())
	for _, code := range []int{200, 204, 404, 500, 503} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			h := h.sub(t)
			resp := h.call(sess, get("https://api.wxsim.test/s?code="+strconv.Itoa(code)), nil)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Empty(t, resp.Header.Get("X-Wxsim-Error"))
			m := metaOf(t, resp)
			assert.Equal(t, code, m.Status)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			if code == 204 {
				assert.Empty(t, b)
			} else {
				assert.Equal(t, "status "+strconv.Itoa(code), string(b))
			}
		})
	}
}

// Spec §9, §4.6: the body is streamed, not buffered: the page gets the head and the first
// chunk while the upstream still holds the rest.
func TestBodyStreamed_Spec4_6_9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	release := make(chan struct{})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "first chunk;")
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		_, _ = io.WriteString(w, "the rest")
	})
	h.start()
	t.Cleanup(free)
	sess := h.session(config())

	type result struct {
		resp  *http.Response
		first string
		err   error
	}
	out := make(chan result, 1)
	go func() {
		resp, err := h.client.Do(h.request(context.Background(), sess, get("https://api.wxsim.test/stream"), nil))
		if err != nil {
			out <- result{err: err}
			return
		}
		buf := make([]byte, len("first chunk;"))
		_, err = io.ReadFull(resp.Body, buf)
		out <- result{resp: resp, first: string(buf), err: err}
	}()
	r := recv(t, out, "the first chunk while the upstream holds the rest")
	require.NoError(t, r.err)
	defer r.resp.Body.Close()
	assert.Equal(t, "first chunk;", r.first)
	assert.Equal(t, 200, metaOf(t, r.resp).Status)
	free()
	rest, err := io.ReadAll(r.resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "the rest", string(rest))
}

// Spec §9: a per-app cookie jar: cookies set on one call go with the next calls of the
// same appId, across sessions, and never with another app's.
func TestCookieJarPerApp_Spec9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "abc123", Path: "/"})
		}
		_, _ = io.WriteString(w, r.Header.Get("Cookie"))
	})
	h.start()
	body := func(sess, path string) (meta, string) {
		resp := h.call(sess, get("https://api.wxsim.test"+path), nil)
		m := metaOf(t, resp)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return m, string(b)
	}
	a1 := h.session(config())
	_, c := body(a1, "/before")
	assert.Empty(t, c)
	m, _ := body(a1, "/login")
	assert.Equal(t, []string{"sid=abc123; Path=/"}, m.Cookies)
	_, c = body(a1, "/me")
	assert.Equal(t, "sid=abc123", c, "same session")
	_, c = body(h.session(config()), "/me")
	assert.Equal(t, "sid=abc123", c, "a new session of the same app shares the jar")
	_, c = body(h.session(config(func(m map[string]any) { m["appId"] = "wx456" })), "/me")
	assert.Empty(t, c, "another app has its own jar")
}

// Spec §3.6: redirects are followed hop by hop, each hop checked against the list before
// it is requested; the Referer stays WeChat's on every hop; redirect:'manual' returns
// the 3xx itself.
func TestRedirects_Spec3_6(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bSeen := make(chan seen, 64)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-b-final":
			http.Redirect(w, r, "https://b.wxsim.test/final", http.StatusFound)
		case "/to-c":
			http.Redirect(w, r, "https://b.wxsim.test/to-c", http.StatusFound)
		case "/to-http":
			http.Redirect(w, r, "http://b.wxsim.test/final", http.StatusFound)
		case "/to-port":
			http.Redirect(w, r, "https://b.wxsim.test:443/final", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		}
	})
	b := h.upstream("b.wxsim.test", func(w http.ResponseWriter, r *http.Request) {
		bSeen <- record(r)
		switch r.URL.Path {
		case "/final":
			_, _ = io.WriteString(w, "B")
		case "/to-c":
			http.Redirect(w, r, "https://c.wxsim.test/end", http.StatusMovedPermanently)
		}
	})
	c := h.upstream("c.wxsim.test", func(w http.ResponseWriter, r *http.Request) {})
	h.start()
	sess := h.session(config(list("request", "https://"+apiHost, "https://b.wxsim.test")))

	t.Run("followed", func(t *testing.T) {
		h := h.sub(t)
		resp := h.call(sess, get("https://api.wxsim.test/to-b-final", [2]string{"Referer", "https://evil.test/"}), nil)
		m := metaOf(t, resp)
		assert.Equal(t, 200, m.Status)
		assert.Equal(t, "https://b.wxsim.test/final", m.URL)
		body, _ := io.ReadAll(resp.Body)
		assert.Equal(t, "B", string(body))
		s := recv(t, bSeen, "the hop to b")
		assert.Equal(t, []string{wantRef}, s.header.Values("Referer"), "Referer stays WeChat's on the followed hop")
		assert.Contains(t, s.header.Get("User-Agent"), "MicroMessenger/")
	})
	t.Run("hop to an unlisted host", func(t *testing.T) {
		h := h.sub(t)
		resp := h.call(sess, get("https://api.wxsim.test/to-c"), nil)
		status, kind, msg := relayErr(t, resp)
		assert.Equal(t, http.StatusForbidden, status)
		assert.Equal(t, "policy", kind)
		assert.Contains(t, msg, "url not in domain list")
		assert.Contains(t, msg, "https://c.wxsim.test/end")
		recv(t, bSeen, "the hop to b")
		assert.Zero(t, c.traffic(), "the refused hop is never requested")
		assert.True(t, h.logged("policy", "c.wxsim.test"))
	})
	for _, path := range []string{"/to-http", "/to-port"} {
		t.Run("hop "+path, func(t *testing.T) {
			h := h.sub(t)
			before := b.traffic()
			_, kind, msg := relayErr(t, h.call(sess, get("https://api.wxsim.test"+path), nil))
			assert.Equal(t, "policy", kind, msg)
			assert.Equal(t, before, b.traffic())
		})
	}
	t.Run("manual", func(t *testing.T) {
		h := h.sub(t)
		before := b.traffic()
		tg := get("https://api.wxsim.test/to-b-final")
		tg.Redirect = "manual"
		m := metaOf(t, h.call(sess, tg, nil))
		assert.Equal(t, http.StatusFound, m.Status)
		assert.Equal(t, []string{"https://b.wxsim.test/final"}, headerOf(m, "Location"))
		assert.Equal(t, "https://api.wxsim.test/to-b-final", m.URL)
		assert.Equal(t, before, b.traffic(), "manual: the redirect is not followed")
	})
	t.Run("too many", func(t *testing.T) {
		h := h.sub(t)
		_, kind, msg := relayErr(t, h.call(sess, get("https://api.wxsim.test/loop"), nil))
		assert.Equal(t, "refused", kind)
		assert.Contains(t, msg, "stopped after 10 redirects")
	})
}

// Spec §9: TLS like WeChat: ≥ 1.2, a trusted chain, the host name, within validity;
// each failure is `ssl` with the precise cause. urlCheck:false skips the checks.
func TestTLSLikeWeChat_Spec9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	now := time.Now()
	ok := func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") }
	expiredOn := now.AddDate(0, 0, -30).UTC()
	expired := h.ca.Leaf(t, []string{"expired.wxsim.test"}, now.AddDate(-1, 0, 0), expiredOn)
	wrong := h.cert("other.wxsim.test")
	self := (*tlstest.CA)(nil).Leaf(t, []string{"self.wxsim.test"}, now.Add(-time.Hour), now.AddDate(1, 0, 0))
	cases := []struct {
		name  string
		ft    fixtureTLS
		cause string
	}{
		{"old.wxsim.test", fixtureTLS{minV: tls.VersionTLS10, maxV: tls.VersionTLS11, h1: true}, "server offers TLS 1.0, 1.1 only"},
		{"tls10.wxsim.test", fixtureTLS{minV: tls.VersionTLS10, maxV: tls.VersionTLS10, h1: true}, "server offers TLS 1.0 only"},
		{"expired.wxsim.test", fixtureTLS{cert: &expired}, "certificate expired on " + expiredOn.Format("2006-01-02")},
		{"wrong.wxsim.test", fixtureTLS{cert: &wrong}, "certificate is for other.wxsim.test"},
		{"self.wxsim.test", fixtureTLS{cert: &self}, "certificate is self-signed and not trusted"},
	}
	ups := map[string]*upstream{}
	var entries []string
	for _, c := range cases {
		ups[c.name] = h.upstream(c.name, ok, c.ft)
		entries = append(entries, "https://"+c.name)
	}
	h.upstream("good.wxsim.test", ok)
	entries = append(entries, "https://good.wxsim.test")
	h.start()
	strict := h.session(config(list("request", entries...)))
	lax := h.session(config(urlCheckOff))

	m := metaOf(t, h.call(strict, get("https://good.wxsim.test/"), nil))
	assert.Equal(t, 200, m.Status, "a good server passes")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := h.sub(t)
			status, kind, msg := relayErr(t, h.call(strict, get("https://"+c.name+"/"), nil))
			assert.Equal(t, http.StatusBadGateway, status)
			assert.Equal(t, "ssl", kind, msg)
			assert.Contains(t, msg, c.cause)
			assert.Zero(t, ups[c.name].hits.Load(), "no request over a refused handshake")
			assert.True(t, h.logged("ssl", c.cause), "the server log names the cause")

			resp := h.call(lax, get("https://"+c.name+"/"), nil)
			m := metaOf(t, resp)
			assert.Equal(t, 200, m.Status, "urlCheck:false skips the TLS checks")
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, "ok", string(body))
		})
	}
}

// Spec §5.1, §9: uploads stream to the upstream byte-exact, with the page's multipart
// Content-Type kept when target.form is set, at known and unknown lengths.
func TestUploadByteExact_Spec5_1(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	type upload struct {
		s    seen
		hash string
		n    int64
		err  error
	}
	got := make(chan upload, 64)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		hash, n, err := hashReader(r.Body)
		got <- upload{record(r), hash, n, err}
		_, _ = io.WriteString(w, hash)
	})
	h.start()
	sess := h.session(config())
	const ctype = "multipart/form-data; boundary=----wxsimBoundary7MA4YWxk"
	for _, size := range []int{0, 1 << 20, 20 << 20} {
		for _, unknown := range []bool{false, true} {
			if unknown && size != 1<<20 {
				continue // one streamed size is enough
			}
			t.Run(fmt.Sprintf("%d bytes unknown length %v", size, unknown), func(t *testing.T) {
				h := h.sub(t)
				data := pattern(size)
				var body io.Reader = bytes.NewReader(data)
				if unknown {
					body = io.MultiReader(body) // no length known: the page streams it chunked
				}
				tg := target{API: "uploadFile", URL: "https://api.wxsim.test/upload", Method: "PUT", Form: true,
					Header: [][2]string{{"Content-Type", "text/plain"}, {"X-Up", "1"}}}
				resp := h.call(sess, tg, body, func(r *http.Request) { r.Header.Set("Content-Type", ctype) })
				m := metaOf(t, resp)
				reply, _ := io.ReadAll(resp.Body)
				u := recv(t, got, "the upload")
				require.NoError(t, u.err)
				assert.Equal(t, int64(size), u.n)
				assert.Equal(t, sum(data), u.hash, "byte-exact")
				assert.Equal(t, sum(data), string(reply))
				assert.Equal(t, "POST", u.s.method, "uploadFile is always POST")
				assert.Equal(t, ctype, u.s.header.Get("Content-Type"), "form: the page's multipart boundary")
				assert.Equal(t, "1", u.s.header.Get("X-Up"))
				if !unknown {
					assert.Equal(t, int64(size), u.s.length, "a known length is passed on")
				}
				assert.Equal(t, float64(size), m.Profile["sendBytesCount"])
			})
		}
	}
}

// Spec §5.2, §9: downloads stream to the page byte-exact with their length.
func TestDownloadByteExact_Spec5_2(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	methods := make(chan string, 64)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		methods <- r.Method
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		_, _ = w.Write(pattern(n))
	})
	h.start()
	sess := h.session(config())
	for _, size := range []int{0, 1 << 20, 20 << 20} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			h := h.sub(t)
			tg := target{API: "downloadFile", URL: "https://api.wxsim.test/file.bin?n=" + strconv.Itoa(size), Method: "POST"}
			resp := h.call(sess, tg, strings.NewReader("ignored"))
			m := metaOf(t, resp)
			assert.Equal(t, 200, m.Status)
			assert.Equal(t, int64(size), resp.ContentLength, "the length reaches the page (progress)")
			hash, n, err := hashReader(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, int64(size), n)
			assert.Equal(t, sum(pattern(size)), hash, "byte-exact")
			assert.Equal(t, "GET", recv(t, methods, "the download"), "downloadFile is always GET")
		})
	}
}

// Spec §5.2: bodies are capped both ways (Options.MaxBody): over the cap is kind `size`,
// before any upstream traffic when the length is known.
func TestBodyCap_Spec5_2(t *testing.T) {
	t.Parallel()
	const max = 64 << 10
	h := newHarness(t)
	up := h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/big-known":
			w.Header().Set("Content-Length", strconv.Itoa(max+1))
			_, _ = w.Write(pattern(max + 1))
		case "/big-chunked":
			for i := 0; i <= max; i += 4096 {
				_, _ = w.Write(pattern(4096))
				w.(http.Flusher).Flush()
			}
		case "/exact":
			_, _ = w.Write(pattern(max))
		}
	})
	h.start(func(o *Options) { o.MaxBody = max })
	sess := h.session(config())
	upload := func(t *testing.T, path string, n int, unknown bool) *http.Response {
		var body io.Reader = bytes.NewReader(pattern(n))
		if unknown {
			body = io.MultiReader(body)
		}
		return h.sub(t).call(sess, target{API: "uploadFile", URL: "https://api.wxsim.test" + path, Form: true}, body)
	}

	t.Run("request over the cap, known length", func(t *testing.T) {
		status, kind, msg := relayErr(t, upload(t, "/up", max+1, false))
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Equal(t, "size", kind)
		assert.Equal(t, "body of 65537 bytes exceeds the relay's 65536-byte cap", msg)
		assert.Zero(t, up.traffic(), "refused before any upstream traffic")
	})
	t.Run("request at the cap", func(t *testing.T) {
		resp := upload(t, "/up", max, false)
		assert.Equal(t, 200, metaOf(t, resp).Status)
	})
	t.Run("request over the cap, streamed", func(t *testing.T) {
		status, kind, msg := relayErr(t, upload(t, "/up", max+4096, true))
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Equal(t, "size", kind)
		assert.Contains(t, msg, "exceeds the relay's 65536-byte cap")
	})
	t.Run("response length over the cap", func(t *testing.T) {
		h := h.sub(t)
		status, kind, msg := relayErr(t, h.call(sess, get("https://api.wxsim.test/big-known"), nil))
		assert.Equal(t, http.StatusBadGateway, status)
		assert.Equal(t, "size", kind)
		assert.Equal(t, "body of 65537 bytes exceeds the relay's 65536-byte cap", msg)
	})
	t.Run("response at the cap", func(t *testing.T) {
		h := h.sub(t)
		resp := h.call(sess, get("https://api.wxsim.test/exact"), nil)
		metaOf(t, resp)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		assert.Len(t, b, max)
	})
	t.Run("response streamed over the cap", func(t *testing.T) {
		h := h.sub(t)
		resp := h.call(sess, get("https://api.wxsim.test/big-chunked"), nil)
		metaOf(t, resp)
		b, err := io.ReadAll(resp.Body)
		assert.Error(t, err, "the page sees a broken body, never a short success")
		assert.LessOrEqual(t, len(b), max)
		assert.True(t, h.logged("over 65536 bytes, cut"))
	})
}

// Spec §4.7, §5.4: when the page aborts, the upstream request ends too (the fixture sees
// its request context done), during the body or before the head, on HTTP/1.1 and HTTP/2.
func TestAbortReleasesUpstream_Spec4_7(t *testing.T) {
	t.Parallel()
	for _, h1 := range []bool{false, true} {
		for _, early := range []bool{false, true} {
			t.Run(fmt.Sprintf("http1 %v before head %v", h1, early), func(t *testing.T) {
				h := newHarness(t)
				entered := make(chan struct{}, 64)
				gone := make(chan int, 64)
				h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
					if !early {
						_, _ = w.Write(pattern(32 << 10))
						w.(http.Flusher).Flush()
					}
					entered <- struct{}{}
					<-r.Context().Done() // only the relay's abort ends this request
					gone <- r.ProtoMajor
				}, fixtureTLS{h1: h1})
				h.start()
				sess := h.session(config())
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				done := make(chan error, 1)
				go func() {
					resp, err := h.client.Do(h.request(ctx, sess, target{API: "downloadFile", URL: "https://api.wxsim.test/slow"}, nil))
					if err == nil {
						_, err = io.ReadFull(resp.Body, make([]byte, 32<<10))
						if err == nil {
							_, err = io.ReadAll(resp.Body)
						}
						resp.Body.Close()
					}
					done <- err
				}()
				recv(t, entered, "the upstream request")
				cancel()
				assert.Error(t, recv(t, done, "the page's aborted call"))
				proto := recv(t, gone, "the upstream to see the abort")
				if h1 {
					assert.Equal(t, 1, proto)
				} else {
					assert.Equal(t, 2, proto)
				}
			})
		}
	}
}

// Options.Idle: a call whose bytes stop moving ends, upstream included; before the head
// the page gets kind `network` naming the idle time-out.
func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	gone := make(chan struct{}, 64)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/mid-body" {
			_, _ = io.WriteString(w, "some")
			w.(http.Flusher).Flush()
		}
		<-r.Context().Done()
		gone <- struct{}{}
	})
	h.start(func(o *Options) { o.Idle = 2 * time.Second }) // a loaded machine may need a new TLS handshake within it
	sess := h.session(config())

	status, kind, msg := relayErr(t, h.call(sess, get("https://api.wxsim.test/stall"), nil))
	assert.Equal(t, http.StatusBadGateway, status)
	assert.Equal(t, "network", kind)
	assert.Equal(t, "relay idle time-out: no data moved", msg)
	recv(t, gone, "the upstream to see the time-out")

	resp := h.call(sess, get("https://api.wxsim.test/mid-body"), nil)
	metaOf(t, resp)
	b, err := io.ReadAll(resp.Body)
	assert.Error(t, err, "a body cut by the idle time-out is broken, not short")
	assert.Equal(t, "some", string(b))
	recv(t, gone, "the upstream to see the time-out")
}

// Spec §4.2: methods are upper-cased and checked; the relay sends TRACE; uploadFile
// is POST and downloadFile GET whatever the page says; HEAD has no body.
func TestMethods_Spec4_2(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	got := make(chan string, 64)
	up := h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		got <- r.Method
		w.Header().Set("Content-Length", "5")
		_, _ = io.WriteString(w, "hello")
	})
	h.start()
	sess := h.session(config())
	for _, c := range []struct{ api, method, want string }{
		{"request", "", "GET"}, {"request", "put", "PUT"}, {"request", "Delete", "DELETE"},
		{"request", "OPTIONS", "OPTIONS"}, {"request", "TRACE", "TRACE"}, {"request", "HEAD", "HEAD"},
		{"uploadFile", "GET", "POST"}, {"downloadFile", "DELETE", "GET"},
	} {
		t.Run(c.api+" "+c.method, func(t *testing.T) {
			h := h.sub(t)
			resp := h.call(sess, target{API: c.api, URL: "https://api.wxsim.test/m", Method: c.method}, nil)
			m := metaOf(t, resp)
			assert.Equal(t, c.want, recv(t, got, "the upstream request"))
			b, _ := io.ReadAll(resp.Body)
			if c.want == "HEAD" {
				assert.Empty(t, b)
				assert.Equal(t, []string{"5"}, headerOf(m, "Content-Length"))
			} else {
				assert.Equal(t, "hello", string(b))
			}
		})
	}
	before := up.traffic()
	for _, c := range []struct{ api, method, msg string }{
		{"request", "BREW", `invalid method "BREW"`},
		{"request", "GET\r\nX: y", "invalid method"},
		{"connectSocket", "GET", `not a relayed HTTP api: "connectSocket"`},
		{"", "GET", `not a relayed HTTP api: ""`},
	} {
		status, kind, msg := relayErr(t, h.call(sess, target{API: c.api, URL: "https://api.wxsim.test/m", Method: c.method}, nil))
		assert.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "refused", kind)
		assert.Contains(t, msg, c.msg)
	}
	assert.Equal(t, before, up.traffic())
}

// Spec §3.8: with urlCheck off plain http:// and ws:// URLs are relayed too (to a pinned
// host; the address guard still applies to everything else).
func TestPlainURLsWithURLCheckOff_Spec3_8(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := newWSFixture()
	h.upstream("plain.wxsim.test", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/echo" {
			f.serve(w, r)
			return
		}
		_, _ = io.WriteString(w, "plain "+r.Header.Get("Referer"))
	}, fixtureTLS{plain: true})
	h.start()
	lax := h.session(config(urlCheckOff))
	resp := h.call(lax, get("http://plain.wxsim.test/"), nil)
	m := metaOf(t, resp)
	assert.Equal(t, 200, m.Status)
	assert.Equal(t, "http/1.1", m.Profile["protocol"])
	assert.Equal(t, 0.0, m.Profile["SSLconnectionStart"], "no TLS phase")
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "plain "+wantRef, string(body))

	page, ctl := h.openPage(t, lax, socket("ws://plain.wxsim.test/echo"))
	require.NotNil(t, ctl.Open, "%+v", ctl.Error)
	ctx := context.Background()
	require.NoError(t, page.Write(ctx, websocket.MessageBinary, []byte{1, 2, 3}))
	typ, data, err := page.Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, websocket.MessageBinary, typ)
	assert.Equal(t, []byte{1, 2, 3}, data)

	strict := h.session(config())
	_, kind, _ := relayErr(t, h.call(strict, get("http://plain.wxsim.test/"), nil))
	assert.Equal(t, "policy", kind)
}

// An upstream may answer before it has read the upload (a 413 or 401 on a large body):
// the answer reaches the page, and the relay stops sending.
func TestUploadAnsweredEarly(t *testing.T) {
	t.Parallel()
	for _, h1 := range []bool{false, true} {
		t.Run(fmt.Sprintf("http1 %v", h1), func(t *testing.T) {
			h := newHarness(t)
			h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_, _ = io.WriteString(w, "too large")
			}, fixtureTLS{h1: h1})
			h.start()
			sess := h.session(config())
			resp := h.call(sess, target{API: "uploadFile", URL: "https://api.wxsim.test/up", Form: true},
				bytes.NewReader(pattern(8<<20)))
			if resp.StatusCode == http.StatusOK {
				m := metaOf(t, resp)
				assert.Equal(t, http.StatusRequestEntityTooLarge, m.Status)
				body, _ := io.ReadAll(resp.Body)
				assert.Equal(t, "too large", string(body))
				assert.Less(t, m.Profile["sendBytesCount"], float64(8<<20))
				return
			}
			// the upstream cut the connection while the relay was still sending
			_, kind, msg := relayErr(t, resp)
			assert.Equal(t, "network", kind, msg)
		})
	}
}

// An upstream head too large for the page (Chromium refuses response heads over 256 KiB)
// is a clear network error, not a bare failure in the browser.
func TestMetaTooLarge(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.upstream("api.wxsim.test", func(w http.ResponseWriter, r *http.Request) {
		for i := range 40 {
			w.Header().Set("X-Big-"+strconv.Itoa(i), strings.Repeat("x", 6000))
		}
		w.Write([]byte("{}"))
	})
	h.start()
	sess := h.session(config())
	status, kind, msg := relayErr(t, h.call(sess, get("https://api.wxsim.test/big"), nil))
	assert.Equal(t, http.StatusBadGateway, status)
	assert.Equal(t, "network", kind)
	assert.Contains(t, msg, "the response headers are too large to pass to the page")
}

// Options.LogCalls off, as a long-running relay logs by default (`--log errors`): a
// session, a transfer and a socket that succeed write nothing; a failed call and a
// refusal write one line each. (The other tests log calls: see the harness.)
func TestLogQuietByDefault(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := newWSFixture()
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			_, _ = w.Write([]byte("ok"))
			_ = http.NewResponseController(w).Flush() // no length: the page's body ends when the handler has returned
			return
		}
		f.serve(w, r)
	})
	h.start(func(o *Options) { o.LogCalls = false })
	sess := h.session(config())
	resp := h.call(sess, get("https://api.wxsim.test/chunked"), nil)
	require.Equal(t, 200, metaOf(t, resp).Status)
	require.Equal(t, int64(-1), resp.ContentLength)
	b, err := io.ReadAll(resp.Body) // its end follows every line the handler writes
	require.NoError(t, err)
	require.Equal(t, "ok", string(b))
	page, ctl := h.openPage(t, sess, socket("wss://api.wxsim.test/echo")) // "open" comes before the control frame
	require.NotNil(t, ctl.Open)
	require.NoError(t, page.Close(websocket.StatusNormalClosure, ""))
	assert.Empty(t, h.logLines(), "nothing for calls that succeed")

	status, kind, _ := relayErr(t, h.call(sess, get("https://unlisted.wxsim.test/"), nil))
	assert.Equal(t, [2]any{403, "policy"}, [2]any{status, kind})
	status, kind, _ = relayErr(t, h.call(sess, get("https://api.wxsim.test/chunked"), nil,
		func(r *http.Request) { r.Header.Set("X-Wxsim-Token", "nope") }))
	assert.Equal(t, [2]any{403, "token"}, [2]any{status, kind})
	lines := h.logLines()
	require.Len(t, lines, 2, "one line per failure: %q", lines)
	assert.Equal(t, "relay: request https://unlisted.wxsim.test/: policy: url not in domain list: https://unlisted.wxsim.test/", lines[0])
	assert.Contains(t, lines[1], "relay: refused POST /relay/http from 127.0.0.1:")
	assert.Contains(t, lines[1], ": missing or wrong relay token")

}
