package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progressURL is the page's progress stream URL for a session, built like
// jsbridge/glue/50_relay.js.
func (h *harness) progressURL(token, sess string) string {
	return "ws" + strings.TrimPrefix(h.srv.URL, "http") + "/relay/progress?token=" + encodeURIComponent(token) +
		"&session=" + encodeURIComponent(sess)
}

// openProgress opens a session's progress stream as the page does.
func (h *harness) openProgress(ctx context.Context, sess string) *websocket.Conn {
	h.t.Helper()
	c, _, err := h.dialWS(ctx, h.progressURL(testToken, sess), h.origin)
	require.NoError(h.t, err)
	h.t.Cleanup(func() { c.CloseNow() })
	return c
}

// readFrame reads one progress frame.
func readFrame(t *testing.T, ctx context.Context, c *websocket.Conn) progressFrame {
	t.Helper()
	typ, b, err := c.Read(ctx)
	require.NoError(t, err, "a progress frame")
	require.Equal(t, websocket.MessageText, typ)
	var f progressFrame
	require.NoError(t, json.Unmarshal(b, &f), "%s", b)
	return f
}

// uploadTarget is a relayed uploadFile that the page follows as call.
func uploadTarget(path, call string) target {
	return target{API: "uploadFile", URL: "https://api.wxsim.test" + path, Form: true, Call: call}
}

// spec §5.3, issue 11: the progress stream reports the bytes the relay has sent upstream,
// not what the page has handed to the relay: while the upstream stops reading, the count
// stops within flow-control slack of what it read; the counts grow monotonically to the
// body's length, which the answer's sendBytesCount carries at the head.
func TestProgressFollowsUpstream_Spec5_3(t *testing.T) {
	t.Parallel()
	const (
		size  = 16 << 20
		first = 1 << 20
		// slack: the upstream's HTTP/2 window (1 MiB for Go's server) and one read of the
		// transport (progressChunk); far below what the page has written into the relay's
		// sockets
		slack = 2 << 20
	)
	h := newHarness(t)
	readFirst, release := make(chan struct{}), make(chan struct{})
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadFull(r.Body, make([]byte, first)); err != nil {
			return
		}
		close(readFirst)
		<-release
		_, n, _ := hashReader(r.Body)
		_, _ = io.WriteString(w, "read "+strings.Repeat("x", int(n%7)))
	})
	h.start()
	sess := h.session(config())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	stream := h.openProgress(ctx, sess)

	answered := make(chan *http.Response, 1)
	go func() {
		resp, err := h.client.Do(h.request(ctx, sess, uploadTarget("/up", "7"), bytes.NewReader(pattern(size))))
		if err == nil {
			answered <- resp
		}
	}()
	recv(t, readFirst, "the upstream to read the first MiB")
	var last int64 = -1
	for last < first { // the count reaches what the upstream read, and stays near it
		f := readFrame(t, ctx, stream)
		assert.Equal(t, progressFrame{"7", f.Sent, size}, f)
		assert.GreaterOrEqual(t, f.Sent, last, "monotonic")
		assert.LessOrEqual(t, f.Sent, int64(first+slack), "no further ahead of the upstream than its window")
		last = f.Sent
	}
	close(release)
	resp := recv(t, answered, "the answer")
	defer resp.Body.Close()
	m := metaOf(t, resp)
	assert.Equal(t, float64(size), m.Profile["sendBytesCount"], "the head carries the final count")
}

// A progress stream ends, leaving nothing behind, when the page closes it, when its
// session is forgotten, and once no upload has run for Options.Idle; an upload's count
// is forgotten when it ends (else the stream would never be idle).
func TestProgressStreamEnds(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		_, n, _ := hashReader(r.Body)
		_, _ = io.WriteString(w, strings.Repeat("x", int(n%3)))
	})
	h.start(func(o *Options) { o.Idle = 2 * time.Second }) // a loaded machine may need a new TLS handshake within it
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ended := func(t *testing.T, h *harness, sess string, why string) {
		t.Helper()
		assert.True(t, h.logged("progress stream of session "+sess[:8]+" closed: "+why))
		s := h.rl.sessions.get(sess)
		if s == nil {
			return
		}
		s.progress.mu.Lock()
		defer s.progress.mu.Unlock()
		assert.Empty(t, s.progress.streams, "the stream is unsubscribed")
		assert.Empty(t, s.progress.calls, "no upload is followed")
	}

	t.Run("the page closes it", func(t *testing.T) {
		h := h.sub(t)
		sess := h.session(config())
		c := h.openProgress(ctx, sess)
		require.True(t, h.logged("progress stream of session "+sess[:8]+" open"))
		require.NoError(t, c.Close(websocket.StatusNormalClosure, ""))
		ended(t, h, sess, "the page closed it")
	})

	t.Run("idle after the upload", func(t *testing.T) {
		h := h.sub(t)
		sess := h.session(config())
		c := h.openProgress(ctx, sess)
		resp := h.call(sess, uploadTarget("/up", "1"), bytes.NewReader(pattern(1<<20)))
		assert.Equal(t, float64(1<<20), metaOf(t, resp).Profile["sendBytesCount"])
		_, _ = io.ReadAll(resp.Body)
		var err error
		for err == nil { // the frames of the upload, if the stream saw it, then the close
			_, _, err = c.Read(ctx)
		}
		assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err), "%v", err)
		ended(t, h, sess, "idle")
	})

	t.Run("the session is forgotten", func(t *testing.T) {
		// a relay of its own whose streams are not idle within the test: making
		// maxSessions sessions can take longer than the 2 s above under -race on a loaded
		// machine, and the stream then ended "idle" first
		h := newHarness(t)
		h.start(func(o *Options) { o.Idle = time.Minute })
		sess := h.session(config())
		c := h.openProgress(ctx, sess)
		require.True(t, h.logged("progress stream of session "+sess[:8]+" open"))
		for range maxSessions {
			h.session(config())
		}
		_, _, err := c.Read(ctx)
		assert.Equal(t, websocket.StatusGoingAway, websocket.CloseStatus(err), "%v", err)
		ended(t, h, sess, "the session ended")
	})
}

// Spec §9: a progress stream needs the token and a session, shows only that session's
// uploads (call ids are the page's own, so another session may use the same), and a
// session gets a few streams only. Refusals come in a frame, as for /relay/ws.
func TestProgressStreamGuarded_Spec9(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	read, release := make(chan int64, 2), make(chan struct{})
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		_, n, _ := hashReader(r.Body)
		read <- n
		<-release
	})
	h.start()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a, b := h.session(config()), h.session(config())

	for _, c := range []struct{ name, token, sess, kind, msg string }{
		{"no token", "", a, "token", "missing or wrong relay token"},
		{"wrong token", "nope", a, "token", "missing or wrong relay token"},
		{"unknown session", testToken, strings.Repeat("f", 32), "session", "unknown relay session"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, _, err := h.sub(t).dialWS(ctx, h.progressURL(c.token, c.sess), h.origin)
			require.NoError(t, err)
			defer conn.CloseNow()
			assertRefusalFrame(t, ctx, conn, c.kind, c.msg)
		})
	}
	conn, resp, err := h.dialWS(ctx, h.progressURL(testToken, a), "https://evil.test")
	require.Error(t, err, "a foreign page gets no stream")
	if conn != nil {
		conn.CloseNow()
	}
	require.NotNil(t, resp)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	streamA, streamB := h.openProgress(ctx, a), h.openProgress(ctx, b)
	sizes := map[string]int64{a: 3 << 20, b: 1 << 20}
	done := make(chan struct{}, 2)
	for _, sess := range []string{a, b} {
		go func() {
			defer func() { done <- struct{}{} }()
			resp, err := h.client.Do(h.request(ctx, sess, uploadTarget("/up", "1"), bytes.NewReader(pattern(int(sizes[sess])))))
			if err == nil {
				_, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
		}()
	}
	recv(t, read, "an upload")
	recv(t, read, "the other upload")
	// both are followed as call 1 now; each stream reports its own session's only
	for sess, c := range map[string]*websocket.Conn{a: streamA, b: streamB} {
		for {
			f := readFrame(t, ctx, c)
			require.Equal(t, progressFrame{"1", f.Sent, sizes[sess]}, f, "only the session's own upload")
			if f.Sent == sizes[sess] {
				break
			}
		}
	}
	close(release)
	recv(t, done, "an upload to end")
	recv(t, done, "the other upload to end")

	for range maxStreams - 1 {
		h.openProgress(ctx, a)
	}
	busy, _, err := h.dialWS(ctx, h.progressURL(testToken, a), h.origin)
	require.NoError(t, err)
	defer busy.CloseNow()
	assertRefusalFrame(t, ctx, busy, "refused", "the session has 4 progress streams open")
}
