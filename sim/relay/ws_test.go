package relay

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// frame is one WebSocket message.
type frame struct {
	typ  websocket.MessageType
	data []byte
}

func (f frame) String() string {
	if len(f.data) > 32 {
		return fmt.Sprintf("%v %d bytes %s", f.typ, len(f.data), sum(f.data)[:12])
	}
	return fmt.Sprintf("%v %q", f.typ, f.data)
}

// wsFixture is a WebSocket upstream: it records each handshake and what it reads, and
// acts by path (/echo, /close, /drop, /forbid, /redirect). Messages stream through it
// (hashed on the way) rather than being buffered whole.
type wsFixture struct {
	handshakes chan *http.Request
	frames     chan frame // as read; data holds the hash for messages over 1 KiB
	ended      chan error // the upstream's final read error
}

func newWSFixture() *wsFixture {
	return &wsFixture{handshakes: make(chan *http.Request, 64), frames: make(chan frame, 256), ended: make(chan error, 64)}
}

// digest is a message as the tests compare it: the bytes up to 1 KiB, else the length
// and hash.
func digest(typ websocket.MessageType, data []byte) frame {
	if len(data) > 1024 {
		return frame{typ, []byte(fmt.Sprintf("%d bytes sha256 %s", len(data), sum(data)))}
	}
	return frame{typ, data}
}

func (f *wsFixture) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/forbid":
		http.Error(w, "no sockets for you", http.StatusForbidden)
		return
	case "/redirect":
		http.Redirect(w, r, "https://other.wxsim.test/echo", http.StatusFound)
		return
	}
	w.Header().Set("X-Server", "up")
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"chat.v2"}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	f.handshakes <- r
	c.SetReadLimit(maxFrame)
	ctx := context.Background()
	for {
		typ, rd, err := c.Reader(ctx)
		if err != nil {
			f.ended <- err
			return
		}
		if r.URL.Path != "/echo" {
			data, _ := io.ReadAll(rd)
			f.frames <- digest(typ, data)
			if r.URL.Path == "/close" {
				_ = c.Close(4002, "later")
			} else {
				_ = c.CloseNow()
			}
			f.ended <- nil
			return
		}
		wr, err := c.Writer(ctx, typ)
		if err != nil {
			f.ended <- err
			return
		}
		fr, err := streamDigest(typ, io.TeeReader(rd, wr))
		if err == nil {
			err = wr.Close()
		}
		f.frames <- fr
		if err != nil {
			f.ended <- err
			return
		}
	}
}

// streamDigest reads a message from r without buffering it whole and returns its digest.
func streamDigest(typ websocket.MessageType, r io.Reader) (frame, error) {
	small := &headWriter{}
	hs := sha256.New()
	n, err := io.Copy(io.MultiWriter(hs, small), r)
	if n > 1024 {
		return frame{typ, []byte(fmt.Sprintf("%d bytes sha256 %s", n, hex.EncodeToString(hs.Sum(nil))))}, err
	}
	return frame{typ, small.Bytes()}, err
}

// headWriter keeps the first KiB written to it.
type headWriter struct{ bytes.Buffer }

func (h *headWriter) Write(p []byte) (int, error) {
	if k := 1025 - h.Len(); k > 0 {
		h.Buffer.Write(p[:min(k, len(p))])
	}
	return len(p), nil
}

// wsHarness is a relay with the socket fixture under api.wxsim.test.
func wsHarness(t *testing.T, edit ...func(*Options)) (*harness, *wsFixture, *upstream) {
	h := newHarness(t)
	f := newWSFixture()
	up := h.upstream(apiHost, f.serve)
	h.start(edit...)
	return h, f, up
}

// openPage dials the relay as the page does and reads the control frame.
func (h *harness) openPage(t *testing.T, sess string, tg target) (*websocket.Conn, control) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c, resp, err := h.dialWS(ctx, h.wsURL(testToken, sess, tg), h.origin)
	if err != nil && resp != nil {
		b, _ := io.ReadAll(resp.Body)
		require.NoError(t, err, "%d %s: %s", resp.StatusCode, resp.Header.Get("X-Wxsim-Error"), b)
	}
	require.NoError(t, err)
	t.Cleanup(func() { c.CloseNow() })
	c.SetReadLimit(maxFrame)
	typ, data, err := c.Read(ctx)
	require.NoError(t, err, "the control frame")
	require.Equal(t, websocket.MessageText, typ)
	var ctl control
	require.NoError(t, json.Unmarshal(data, &ctl), "%s", data)
	return c, ctl
}

func socket(rawURL string, header ...[2]string) target {
	return target{API: "connectSocket", URL: rawURL, Header: header}
}

// Spec §6.1, §9: the upstream handshake carries the user's header and protocols, WeChat's
// Referer and User-Agent and the app's cookies; the first frame to the page is the
// control frame with the upstream's header and protocol. The call description is
// decoded once, as the glue (jsbridge/glue/60_socket.js) encodes it once: a '%' in it
// stays a '%'.
func TestWSHandshake_Spec6_1_9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := newWSFixture()
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "s1"})
			return
		}
		f.serve(w, r)
	})
	h.start()
	sess := h.session(config())
	metaOf(t, h.call(sess, get("https://api.wxsim.test/login"), nil))

	tg := socket("wss://api.wxsim.test/echo?room=a%20b&x=%25",
		[2]string{"X-Token", "100% sure"},
		[2]string{"Referer", "https://evil.test/"},
		[2]string{"User-Agent", "curl/8"},
		[2]string{"Sec-WebSocket-Protocol", "evil"},
		[2]string{"Connection", "close"},
		[2]string{"X-Forwarded-For", "10.0.0.1"})
	tg.Protocols = []string{"chat.v1", "chat.v2"}
	page, ctl := h.openPage(t, sess, tg)
	require.Nil(t, ctl.Error)
	require.NotNil(t, ctl.Open)
	assert.Equal(t, "chat.v2", ctl.Open.Protocol)
	hdr := http.Header{}
	for _, p := range ctl.Open.Header {
		hdr.Add(p[0], p[1])
	}
	assert.Equal(t, "up", hdr.Get("X-Server"))
	assert.Equal(t, "chat.v2", hdr.Get("Sec-WebSocket-Protocol"))
	assert.Equal(t, "websocket", strings.ToLower(hdr.Get("Upgrade")))

	r := recv(t, f.handshakes, "the upstream handshake")
	assert.Equal(t, "/echo", r.URL.Path)
	assert.Equal(t, "room=a%20b&x=%25", r.URL.RawQuery, "the URL as the page wrote it")
	assert.Equal(t, apiHost, r.Host)
	assert.Equal(t, "100% sure", r.Header.Get("X-Token"))
	assert.Equal(t, []string{wantRef}, r.Header.Values("Referer"))
	assert.Contains(t, r.Header.Get("User-Agent"), "MicroMessenger/")
	assert.Contains(t, r.Header.Get("User-Agent"), "miniProgram")
	assert.Equal(t, "chat.v1,chat.v2", r.Header.Get("Sec-WebSocket-Protocol"), "the page's protocols, not its header")
	assert.Equal(t, "sid=s1", r.Header.Get("Cookie"), "the app's cookie jar")
	assert.Empty(t, r.Header.Get("X-Forwarded-For"))
	assert.True(t, h.logged("connectSocket wss://api.wxsim.test/echo?room=a%20b&x=%25 open"))

	ctx := context.Background()
	require.NoError(t, page.Write(ctx, websocket.MessageText, []byte("ping")))
	typ, data, err := page.Read(ctx)
	require.NoError(t, err)
	assert.Equal(t, frame{websocket.MessageText, []byte("ping")}, frame{typ, data})
	require.NoError(t, page.Close(websocket.StatusNormalClosure, ""))
}

// Spec §6.8: frames pass both ways unchanged: type, bytes and order, up to 16 MiB.
func TestWSFramesExact_Spec6_8(t *testing.T) {
	t.Parallel()
	h, f, _ := wsHarness(t)
	page, ctl := h.openPage(t, h.session(config()), socket("wss://api.wxsim.test/echo"))
	require.NotNil(t, ctl.Open)
	sent := []frame{
		{websocket.MessageText, []byte("héllo, 世界")},
		{websocket.MessageBinary, []byte{0, 1, 2, 0xff, 0xfe}},
		{websocket.MessageText, []byte("")},
		{websocket.MessageBinary, []byte{}},
		{websocket.MessageText, []byte(`{"a":1}`)},
	}
	for i := 0; i < 50; i++ {
		sent = append(sent, frame{websocket.MessageText, []byte(fmt.Sprintf("n%03d", i))})
	}
	sent = append(sent, frame{websocket.MessageBinary, pattern(16 << 20)}, frame{websocket.MessageText, []byte("after")})

	ctx, cancel := context.WithTimeout(context.Background(), 4*waitTimeout)
	defer cancel()
	writeErr := make(chan error, 1)
	go func() {
		for _, fr := range sent {
			if err := page.Write(ctx, fr.typ, fr.data); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}()
	for i, want := range sent {
		typ, rd, err := page.Reader(ctx)
		require.NoError(t, err, "frame %d", i)
		got, err := streamDigest(typ, rd)
		require.NoError(t, err, "frame %d", i)
		w := digest(want.typ, want.data)
		assert.Equal(t, w.String(), recv(t, f.frames, "the upstream frame").String(), "upstream frame %d", i)
		assert.Equal(t, w.String(), got.String(), "page frame %d", i)
	}
	require.NoError(t, recv(t, writeErr, "the writes"))
}

// Spec §6.4: close codes and reasons pass through exactly, both ways.
func TestWSClosePassThrough_Spec6_4(t *testing.T) {
	t.Parallel()
	t.Run("page closes", func(t *testing.T) {
		h, f, _ := wsHarness(t)
		page, _ := h.openPage(t, h.session(config()), socket("wss://api.wxsim.test/echo"))
		require.NoError(t, page.Write(context.Background(), websocket.MessageText, []byte("bye soon")))
		recv(t, f.frames, "the last frame")
		require.NoError(t, page.Close(4001, "bye"))
		err := recv(t, f.ended, "the upstream to see the close")
		var ce websocket.CloseError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, websocket.StatusCode(4001), ce.Code)
		assert.Equal(t, "bye", ce.Reason)
	})
	t.Run("upstream closes", func(t *testing.T) {
		h, _, _ := wsHarness(t)
		page, _ := h.openPage(t, h.session(config()), socket("wss://api.wxsim.test/close"))
		ctx := context.Background()
		require.NoError(t, page.Write(ctx, websocket.MessageText, []byte("close please")))
		_, _, err := page.Read(ctx)
		var ce websocket.CloseError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, websocket.StatusCode(4002), ce.Code)
		assert.Equal(t, "later", ce.Reason)
	})
	t.Run("page closes 1000", func(t *testing.T) {
		h, f, _ := wsHarness(t)
		page, _ := h.openPage(t, h.session(config()), socket("wss://api.wxsim.test/echo"))
		require.NoError(t, page.Close(websocket.StatusNormalClosure, ""))
		err := recv(t, f.ended, "the upstream to see the close")
		assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err))
	})
}

// Spec §6.4: an upstream that drops makes the page's socket drop (1006, no close frame).
func TestWSUpstreamDrop1006_Spec6_4(t *testing.T) {
	t.Parallel()
	h, _, _ := wsHarness(t)
	page, _ := h.openPage(t, h.session(config()), socket("wss://api.wxsim.test/drop"))
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	require.NoError(t, page.Write(ctx, websocket.MessageText, []byte("x")))
	_, _, err := page.Read(ctx)
	require.Error(t, err)
	assert.False(t, errors.Is(err, context.DeadlineExceeded), "the drop reaches the page at once: %v", err)
	assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err), "abnormal closure: %v", err)
}

// Options.SocketIdle: a relayed socket with no frames either way is dropped on both sides.
func TestWSIdle(t *testing.T) {
	t.Parallel()
	h, f, _ := wsHarness(t, func(o *Options) { o.SocketIdle = 200 * time.Millisecond })
	page, _ := h.openPage(t, h.session(config()), socket("wss://api.wxsim.test/echo"))
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_, _, err := page.Read(ctx)
	require.Error(t, err)
	assert.False(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
	assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err))
	assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(recv(t, f.ended, "the upstream drop")))
}

// Spec §6.5, §9: a handshake the relay cannot complete upgrades the page's socket, sends
// {"error":{kind,message}} and drops it (the page fires onError then onClose 1006).
func TestWSHandshakeFailures_Spec6_5(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := newWSFixture()
	up := h.upstream(apiHost, f.serve)
	addr := up.Listener.Addr().String()
	h.pins["unlisted.wxsim.test"] = addr
	other := h.upstream("other.wxsim.test", f.serve)
	now := time.Now()
	expired := h.ca.Leaf(t, []string{"expired.wxsim.test"}, now.AddDate(-1, 0, 0), now.AddDate(0, 0, -2))
	bad := h.upstream("expired.wxsim.test", f.serve, fixtureTLS{cert: &expired})
	h.names["loop.wxsim.test"] = []netip.AddrPort{netip.MustParseAddrPort(addr)}
	h.start()
	sess := h.session(config(list("socket", "wss://"+apiHost, "wss://other.wxsim.test",
		"wss://expired.wxsim.test", "wss://loop.wxsim.test")))
	cases := []struct {
		name, url string
		header    [][2]string
		kind, msg string
	}{
		{"HTTP 403", "wss://api.wxsim.test/forbid", nil, "network", "server answered the WebSocket handshake with HTTP 403 Forbidden"},
		{"redirect not followed", "wss://api.wxsim.test/redirect", nil, "network", "server answered the WebSocket handshake with HTTP 302 Found"},
		{"§3 unlisted", "wss://unlisted.wxsim.test/echo", nil, "policy", "url not in domain list: wss://unlisted.wxsim.test/echo"},
		{"§3.1 ws with urlCheck on", "ws://api.wxsim.test/echo", nil, "policy", "url not in domain list"},
		{"§3.1 https scheme", "https://api.wxsim.test/echo", nil, "policy", "url not in domain list"},
		{"§9 TLS", "wss://expired.wxsim.test/echo", nil, "ssl", "certificate expired on " + now.AddDate(0, 0, -2).UTC().Format("2006-01-02")},
		{"resolves to loopback", "wss://loop.wxsim.test/echo", nil, "refused", "loop.wxsim.test resolves to 127.0.0.1, a loopback address"},
		{"CR/LF header", "wss://api.wxsim.test/echo", [][2]string{{"X-A", "1\r\nX-B: 2"}}, "header", "header X-A has a value with CR, LF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := h.sub(t)
			hits := up.hits.Load()
			page, ctl := h.openPage(t, sess, socket(c.url, c.header...))
			assert.Nil(t, ctl.Open)
			require.NotNil(t, ctl.Error)
			assert.Equal(t, c.kind, ctl.Error.Kind)
			assert.Contains(t, ctl.Error.Message, c.msg)
			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			_, _, err := page.Read(ctx)
			require.Error(t, err)
			assert.False(t, errors.Is(err, context.DeadlineExceeded), "the relay drops the socket: %v", err)
			assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err))
			if c.kind != "network" {
				assert.Equal(t, hits, up.hits.Load(), "no upstream request")
			}
			assert.True(t, h.logged("connectSocket", c.kind, c.msg))
		})
	}
	assert.Zero(t, other.traffic(), "the redirect target saw nothing")
	assert.Zero(t, bad.hits.Load())
}

// Spec §9: a socket call from a foreign page or for another Host is refused with an HTTP
// status, before any upgrade; one from an allowed page that the relay will not make (no or
// a wrong token, an unknown session, a bad call description, busy) is accepted only to
// carry the refusal in the control frame, since a page cannot read a refused handshake.
// Neither reaches the upstream.
func TestWSRefusedBeforeUpgrade_Spec9(t *testing.T) {
	t.Parallel()
	h, _, up := wsHarness(t, func(o *Options) { o.MaxSockets, o.QueueWait = 1, 50*time.Millisecond })
	sess := h.session(config())
	good := socket("wss://api.wxsim.test/echo")
	cases := []struct {
		name   string
		url    string
		origin string
		host   string
		status int    // an HTTP refusal, or 0 for a control-frame refusal
		kind   string // of the control frame
		msg    string
	}{
		{"no token", h.wsURL("", sess, good), h.origin, "", 0, "token", "missing or wrong relay token"},
		{"wrong token", h.wsURL("nope", sess, good), h.origin, "", 0, "token", "missing or wrong relay token"},
		{"token only in a header", h.wsURL("", sess, good), h.origin, "", 0, "token", "missing or wrong relay token"},
		{"foreign Origin", h.wsURL(testToken, sess, good), "https://evil.test", "", 403, "", `Origin "https://evil.test" is not allowed`},
		{"no Origin", h.wsURL(testToken, sess, good), "", "", 403, "", "Origin (none) is not allowed"},
		{"foreign Host", h.wsURL(testToken, sess, good), h.origin, "evil.test:" + portOf(h.srv.URL), 403, "", "is not this server"},
		{"unknown session", h.wsURL(testToken, strings.Repeat("f", 32), good), h.origin, "", 0, "session", "unknown relay session"},
		{"not a socket api", h.wsURL(testToken, sess, get("wss://api.wxsim.test/echo")), h.origin, "", 0, "refused", `not a relayed socket api: "request"`},
		{"malformed target", strings.Replace(h.wsURL(testToken, sess, good), "&target=", "&target=%7Bx", 1), h.origin, "", 0, "refused", "malformed call description"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := h.sub(t)
			hdr := http.Header{}
			if c.origin != "" {
				hdr.Set("Origin", c.origin)
			}
			if c.name == "token only in a header" {
				hdr.Set("X-Wxsim-Token", testToken)
			}
			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			conn, resp, err := websocket.Dial(ctx, c.url, &websocket.DialOptions{HTTPHeader: hdr, HTTPClient: h.client, Host: c.host})
			if c.status != 0 {
				if conn != nil {
					conn.CloseNow()
				}
				require.Error(t, err)
				require.NotNil(t, resp)
				assert.Equal(t, c.status, resp.StatusCode)
				assert.Equal(t, "refused", resp.Header.Get("X-Wxsim-Error"))
				b, _ := io.ReadAll(resp.Body)
				assert.Contains(t, string(b), c.msg)
			} else {
				require.NoError(t, err)
				defer conn.CloseNow()
				assertRefusalFrame(t, ctx, conn, c.kind, c.msg)
			}
			assert.Zero(t, up.traffic())
		})
	}

	// MaxSockets: while one socket is relayed, the next is refused as busy (after the
	// QueueWait in line).
	page, ctl := h.openPage(t, sess, good)
	require.NotNil(t, ctl.Open)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	busy, _, err := h.dialWS(ctx, h.wsURL(testToken, sess, good), h.origin)
	require.NoError(t, err)
	defer busy.CloseNow()
	assertRefusalFrame(t, ctx, busy, "refused", "relay busy")
	assert.Equal(t, int64(1), up.hits.Load(), "only the first socket reached the upstream")
	require.NoError(t, page.Close(websocket.StatusNormalClosure, ""))
}

// assertRefusalFrame reads the control frame of a refused socket and the drop after it.
func assertRefusalFrame(t *testing.T, ctx context.Context, c *websocket.Conn, kind, msg string) {
	t.Helper()
	typ, data, err := c.Read(ctx)
	require.NoError(t, err, "the control frame")
	require.Equal(t, websocket.MessageText, typ)
	var ctl control
	require.NoError(t, json.Unmarshal(data, &ctl), "%s", data)
	require.NotNil(t, ctl.Error, "%s", data)
	assert.Equal(t, kind, ctl.Error.Kind)
	assert.Contains(t, ctl.Error.Message, "relay refused: "+msg)
	_, _, err = c.Read(ctx)
	assert.Equal(t, websocket.StatusCode(-1), websocket.CloseStatus(err), "then the connection drops (1006 for the page)")
}
