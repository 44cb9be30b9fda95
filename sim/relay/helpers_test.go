package relay

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim/internal/tlstest"
)

// The tests drive the relay as a page does (jsbridge/glue/*.js): HTTP calls to the
// relay's own loopback server with Origin, Host, token, session and target, and upstream
// fixtures on loopback TLS servers reached under reserved `.test` names through
// Options.Pins or a map-based resolver. No real DNS, no traffic beyond loopback.

const (
	testToken = "test-token-0123456789"
	apiHost   = "api.wxsim.test"
	wantRef   = "https://servicewechat.com/wx123/7/page-frame.html" // spec §4.3 for wx123 v7
)

// waitTimeout only bounds waits on channels that a working relay fills at once; it never
// stands in for synchronisation.
const waitTimeout = 5 * time.Second

// upstream is a loopback TLS fixture pinned under a .test name.
type upstream struct {
	*httptest.Server
	name  string
	hits  atomic.Int64 // requests its handler saw
	conns atomic.Int64 // TCP connections it accepted
}

// traffic is every sign of contact: accepted connections and handled requests.
func (u *upstream) traffic() int64 { return u.hits.Load() + u.conns.Load() }

// fixtureTLS describes an upstream's TLS: its certificate and versions.
type fixtureTLS struct {
	cert       *tls.Certificate // nil: a good certificate for the name from the harness CA
	minV, maxV uint16           // 0: TLS 1.2 to 1.3
	h1         bool             // no HTTP/2
	plain      bool             // no TLS at all: an http:// server
}

// harness is one relay with its upstream fixtures. Add fixtures, names and options
// first, then start it. Subtests use h.sub(t), so that helpers fail the right test.
type harness struct {
	*relayFixture
	t *testing.T
}

type relayFixture struct {
	ca     *tlstest.CA
	pins   map[string]string
	names  map[string][]netip.AddrPort // the resolver hook: names not pinned
	ups    []*upstream
	opts   Options
	rl     *Relay
	srv    *httptest.Server
	origin string // the relay's own origin, the page's
	client *http.Client

	resolved atomic.Int64 // calls of the resolver hook
	logMu    sync.Mutex
	logs     []string
	logAdded chan struct{} // closed and replaced on every new line
}

// sub is h for the subtest t.
func (h *harness) sub(t *testing.T) *harness { return &harness{h.relayFixture, t} }

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{&relayFixture{ca: tlstest.NewCA(t, time.Now()), pins: map[string]string{},
		names: map[string][]netip.AddrPort{}, logAdded: make(chan struct{})}, t}
	t.Cleanup(func() {
		if t.Failed() {
			for _, l := range h.logLines() {
				t.Log("relay log: " + l)
			}
		}
	})
	return h
}

// cert is a certificate for names from the harness CA, valid around now.
func (h *harness) cert(names ...string) tls.Certificate {
	now := time.Now()
	return h.ca.Leaf(h.t, names, now.Add(-24*time.Hour), now.AddDate(1, 0, 0))
}

// upstream starts a TLS fixture serving handler under name (pinned to its address).
func (h *harness) upstream(name string, handler http.HandlerFunc, ft ...fixtureTLS) *upstream {
	h.t.Helper()
	require.Nil(h.t, h.rl, "add fixtures before start")
	var f fixtureTLS
	if len(ft) > 0 {
		f = ft[0]
	}
	cert := h.cert(name)
	if f.cert != nil {
		cert = *f.cert
	}
	if f.minV == 0 {
		f.minV, f.maxV = tls.VersionTLS12, tls.VersionTLS13
	}
	u := &upstream{name: name}
	u.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		handler(w, r)
	}))
	u.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	u.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			u.conns.Add(1)
		}
	}
	if f.plain {
		u.Start()
	} else {
		u.EnableHTTP2 = !f.h1
		u.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: f.minV, MaxVersion: f.maxV}
		u.StartTLS()
	}
	h.t.Cleanup(u.Close)
	h.ups = append(h.ups, u)
	h.pins[name] = u.Listener.Addr().String()
	return u
}

// start builds the relay (after fixtures) and serves it on loopback.
func (h *harness) start(edit ...func(*Options)) *harness {
	h.t.Helper()
	h.srv = httptest.NewUnstartedServer(nil)
	h.opts = Options{
		Token: testToken,
		Self:  SelfOrigins(h.srv.Listener.Addr()),
		Roots: h.ca.Pool(),
		Pins:  h.pins,
		Resolve: func(_ context.Context, host, _ string) ([]netip.AddrPort, error) {
			h.resolved.Add(1)
			if a, ok := h.names[strings.ToLower(host)]; ok {
				return a, nil
			}
			return nil, errors.New("test resolver: no such host " + host)
		},
		// A failing test must not hang on a blocked call: the idle cap ends it.
		Idle: 15 * time.Second,
		// The tests wait for the lines of calls that succeed too.
		LogCalls: true,
		Logf: func(format string, args ...any) {
			h.logMu.Lock()
			h.logs = append(h.logs, fmt.Sprintf(format, args...))
			close(h.logAdded)
			h.logAdded = make(chan struct{})
			h.logMu.Unlock()
		},
	}
	for _, e := range edit {
		e(&h.opts)
	}
	h.rl = New(h.opts)
	h.srv.Config.Handler = h.rl
	h.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // aborted handlers are expected
	h.srv.Start()
	h.t.Cleanup(h.srv.Close)
	// Runs first: drop every connection, so that handlers still blocked (a failed
	// test) see their request end and the Close calls above do not wait for them.
	h.t.Cleanup(func() {
		for _, u := range h.ups {
			u.CloseClientConnections()
		}
		h.srv.CloseClientConnections()
	})
	h.origin = h.srv.URL
	h.client = h.srv.Client()
	h.client.Timeout = 20 * time.Second // a failing test ends instead of hanging
	return h
}

func (h *harness) logLines() []string {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	return append([]string(nil), h.logs...)
}

// logged reports whether some log line contains all of parts, waiting up to
// waitTimeout for it: the relay may write a call's line after the page has seen the
// end of the call (a body with a Content-Length is complete before the handler returns).
func (h *harness) logged(parts ...string) bool {
	deadline := time.After(waitTimeout)
	for {
		h.logMu.Lock()
		lines, added := h.logs, h.logAdded
		h.logMu.Unlock()
		for _, l := range lines {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(l, p)
			}
			if all {
				return true
			}
		}
		select {
		case <-added:
		case <-deadline:
			return false
		}
	}
}

// config is the app configuration of a session: wx123 version 7, every list holding
// api.wxsim.test (and wss://api.wxsim.test), urlCheck on. edit changes it.
func config(edit ...func(map[string]any)) map[string]any {
	c := map[string]any{
		"appId": "wx123", "appVersion": "7", "urlCheck": true,
		"domains": map[string]any{
			"request":      []any{"https://" + apiHost},
			"uploadFile":   []any{"https://" + apiHost},
			"downloadFile": []any{"https://" + apiHost},
			"socket":       []any{"wss://" + apiHost},
		},
	}
	for _, e := range edit {
		e(c)
	}
	return c
}

// list sets the domain list key to entries.
func list(key string, entries ...string) func(map[string]any) {
	return func(c map[string]any) {
		d := c["domains"].(map[string]any)
		a := make([]any, len(entries))
		for i, e := range entries {
			a[i] = e
		}
		d[key] = a
	}
}

func urlCheckOff(c map[string]any) { c["urlCheck"] = false }

// session opens a session as the page does: POST /relay/session.
func (h *harness) session(cfg map[string]any) string {
	h.t.Helper()
	body, err := json.Marshal(cfg)
	require.NoError(h.t, err)
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+"/relay/session", strings.NewReader(string(body)))
	require.NoError(h.t, err)
	req.Header.Set("Origin", h.origin)
	req.Header.Set("X-Wxsim-Token", testToken)
	resp, err := h.client.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(h.t, http.StatusOK, resp.StatusCode, "session: %s", b)
	var out struct{ Session string }
	require.NoError(h.t, json.Unmarshal(b, &out))
	require.Len(h.t, out.Session, 32)
	return out.Session
}

// escapeTarget encodes a call description as the page does for X-Wxsim-Target:
// encodeURIComponent(JSON.stringify(target)).
func escapeTarget(t *testing.T, tg target) string {
	t.Helper()
	js, err := json.Marshal(tg)
	require.NoError(t, err)
	return encodeURIComponent(string(js))
}

// encodeURIComponent is JavaScript's: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ).
func encodeURIComponent(s string) string {
	const keep = "-_.!~*'()"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// request builds a relay call as the page sends it; edit may change it before it goes.
func (h *harness) request(ctx context.Context, sess string, tg target, body io.Reader) *http.Request {
	h.t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL+"/relay/http", body)
	require.NoError(h.t, err)
	req.Header.Set("Origin", h.origin)
	req.Header.Set("X-Wxsim-Token", testToken)
	req.Header.Set("X-Wxsim-Session", sess)
	req.Header.Set("X-Wxsim-Target", escapeTarget(h.t, tg))
	return req
}

// do sends req and closes the answer's body at the end of the test.
func (h *harness) do(req *http.Request) *http.Response {
	h.t.Helper()
	resp, err := h.client.Do(req)
	require.NoError(h.t, err)
	h.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// call is request + do with a background context.
func (h *harness) call(sess string, tg target, body io.Reader, edit ...func(*http.Request)) *http.Response {
	h.t.Helper()
	req := h.request(context.Background(), sess, tg, body)
	for _, e := range edit {
		e(req)
	}
	return h.do(req)
}

// get is a relayed GET request of rawURL.
func get(rawURL string, header ...[2]string) target {
	return target{API: "request", URL: rawURL, Method: "GET", Header: header}
}

// metaOf decodes the X-Wxsim-Meta of a successful relay answer.
func metaOf(t *testing.T, resp *http.Response) meta {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		require.Failf(t, "relay answered an error", "%d %s: %s", resp.StatusCode, resp.Header.Get("X-Wxsim-Error"), b)
	}
	raw := resp.Header.Get("X-Wxsim-Meta")
	require.NotEmpty(t, raw)
	js, err := url.PathUnescape(raw)
	require.NoError(t, err)
	var m meta
	require.NoError(t, json.Unmarshal([]byte(js), &m))
	return m
}

// relayErr returns the status, X-Wxsim-Error kind and message of an answer.
func relayErr(t *testing.T, resp *http.Response) (status int, kind, msg string) {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("X-Wxsim-Error"), string(b)
}

// headerOf finds name (case-insensitively) in meta pairs.
func headerOf(m meta, name string) []string {
	var out []string
	for _, p := range m.Header {
		if strings.EqualFold(p[0], name) {
			out = append(out, p[1])
		}
	}
	return out
}

// recv waits for a value a working relay delivers at once.
func recv[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(waitTimeout):
		require.FailNow(t, "timed out waiting for "+what)
		panic("unreachable")
	}
}

// pattern is a deterministic body of n bytes: a pseudo-random block of an odd length
// repeated, each 4 KiB stamped with its index, so that lost, repeated or reordered
// chunks change the hash. (Cheap under the race detector, unlike a byte loop.)
func pattern(n int) []byte {
	const block = 64<<10 + 7
	b := make([]byte, n)
	var x uint32 = 2463534242
	for i := range b[:min(n, block)] {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	for i := block; i < n; i += copy(b[i:], b[:block]) {
	}
	for i := 0; i+1 < n; i += 4096 {
		b[i] ^= byte(i >> 12)
		b[i+1] ^= byte(i >> 20)
	}
	return b
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// hashReader hashes everything read from r.
func hashReader(r io.Reader) (string, int64, error) {
	hs := sha256.New()
	n, err := io.Copy(hs, r)
	return hex.EncodeToString(hs.Sum(nil)), n, err
}

// wsURL is the relay's WebSocket URL for a session and target, built like
// jsbridge/glue/60_socket.js: each query value is encodeURIComponent'd once.
func (h *harness) wsURL(token, sess string, tg target) string {
	js, err := json.Marshal(tg)
	require.NoError(h.t, err)
	return "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/relay/ws?token=" + encodeURIComponent(token) +
		"&session=" + encodeURIComponent(sess) + "&target=" + encodeURIComponent(string(js))
}

// dialWS opens the page's side of a relayed socket with the page's Origin.
func (h *harness) dialWS(ctx context.Context, rawURL string, origin string) (*websocket.Conn, *http.Response, error) {
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	return websocket.Dial(ctx, rawURL, &websocket.DialOptions{HTTPHeader: hdr, HTTPClient: h.client})
}
