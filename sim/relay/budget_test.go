package relay

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The relay's budgets (issue 11, item 6): per session 10 transfers per api, queued, and
// 5 sockets; over all sessions Options.MaxTransfers and MaxSockets; a call over a cap
// waits in line for up to Options.QueueWait. Each test waits for the relay's "waits"
// log line to know a call is in line.

// holds is an upstream whose /hold* requests wait for a token on release (or for the
// relay to drop them); every request reports its path on entered first.
type holds struct {
	entered chan string
	release chan struct{}
}

func newHolds() *holds {
	return &holds{entered: make(chan string, 256), release: make(chan struct{}, 256)}
}

func (hd *holds) serve(w http.ResponseWriter, r *http.Request) {
	hd.entered <- r.URL.Path
	if strings.HasPrefix(r.URL.Path, "/hold") {
		select {
		case <-hd.release:
		case <-r.Context().Done():
		}
	}
	_, _ = w.Write([]byte("ok " + r.URL.Path))
}

// result is the end of a relay call made in the background.
type result struct {
	status      int
	kind, body  string
	err         error
	metaPresent bool
}

// async sends a relay call in the background; the result comes when its answer has
// been read to the end.
func (h *harness) async(ctx context.Context, sess string, tg target) <-chan result {
	req := h.request(ctx, sess, tg, nil)
	out := make(chan result, 1)
	go func() {
		resp, err := h.client.Do(req)
		if err != nil {
			out <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		out <- result{status: resp.StatusCode, kind: resp.Header.Get("X-Wxsim-Error"), body: string(b), err: err,
			metaPresent: resp.Header.Get("X-Wxsim-Meta") != ""}
	}()
	return out
}

// ok asserts a relayed call that reached the upstream and passed back its body.
func (r result) ok(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, r.err)
	require.Equal(t, http.StatusOK, r.status, "%s: %s", r.kind, r.body)
	assert.True(t, r.metaPresent)
	assert.Equal(t, "ok "+path, r.body)
}

// waits waits for the log line saying that the call of rawURL is in line.
func (h *harness) waits(rawURL, full string) {
	h.t.Helper()
	require.True(h.t, h.logged(" "+rawURL+" waits: "+full), "%s is in line", rawURL)
}

// A hundred sessions, each making sequential GETs at once, as a hundred previews do:
// none is refused, with the default budgets and with a relay cap far below the
// sessions (the calls over it wait their turn).
func TestManySessionsSequentialGETs(t *testing.T) {
	t.Parallel()
	const sessions = 100
	for _, c := range []struct {
		name       string
		max, calls int
	}{{"default limits", 0, 20}, {"relay cap 10", 10, 5}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			var hits atomic.Int64
			h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				_, _ = w.Write([]byte("ok"))
			})
			h.start(func(o *Options) { o.MaxTransfers, o.LogCalls = c.max, false })
			// one keep-alive pool for all, as the previews' browser keeps its connections
			tr := &http.Transport{MaxIdleConnsPerHost: sessions, Proxy: nil}
			t.Cleanup(tr.CloseIdleConnections)
			client := &http.Client{Transport: tr, Timeout: 20 * time.Second}
			ids := make([]string, sessions)
			for i := range ids {
				ids[i] = h.session(config())
			}
			var refused, failed atomic.Int64
			var firstErr sync.Once
			var wg sync.WaitGroup
			for _, sess := range ids {
				wg.Go(func() {
					for i := range c.calls {
						req := h.request(context.Background(), sess, get("https://api.wxsim.test/n/"+strconv.Itoa(i)), nil)
						resp, err := client.Do(req)
						if err != nil {
							failed.Add(1)
							firstErr.Do(func() { t.Errorf("call: %v", err) })
							continue
						}
						b, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK || string(b) != "ok" {
							refused.Add(1)
							firstErr.Do(func() { t.Errorf("answer %d %s: %s", resp.StatusCode, resp.Header.Get("X-Wxsim-Error"), b) })
						}
					}
				})
			}
			wg.Wait()
			assert.Zero(t, refused.Load(), "refusals")
			assert.Zero(t, failed.Load(), "failed calls")
			assert.Equal(t, int64(sessions*c.calls), hits.Load())
			assert.Empty(t, h.logLines(), "nothing logged for calls that succeed")
		})
	}
}

// Sockets and transfers have separate budgets: with 65 sockets of 13 sessions open
// (which filled the old shared cap of 64), here the relay's whole socket budget,
// transfers of those sessions and of another pass, concurrently.
func TestTransfersPassWhileSocketsOpen(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := &wsFixture{handshakes: make(chan *http.Request, 128), frames: make(chan frame, 128), ended: make(chan error, 128)}
	h.upstream(apiHost, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hello" {
			_, _ = w.Write([]byte("ok /hello"))
			return
		}
		f.serve(w, r)
	})
	h.start(func(o *Options) { o.MaxSockets = 65 })
	var ids []string
	for range 13 {
		sess := h.session(config())
		ids = append(ids, sess)
		for range 5 {
			_, ctl := h.openPage(t, sess, socket("wss://api.wxsim.test/echo"))
			require.NotNil(t, ctl.Open, "%+v", ctl.Error)
		}
	}
	held, _ := h.rl.sockets.counts()
	require.Equal(t, 65, held, "65 sockets relayed")
	ids = append(ids, h.session(config()))
	var results []<-chan result
	for _, sess := range ids {
		for range 3 {
			results = append(results, h.async(context.Background(), sess, get("https://api.wxsim.test/hello")))
		}
	}
	for _, r := range results {
		recv(t, r, "a transfer").ok(t, "/hello")
	}
}

// wsResult is a page socket dialled in the background, with its control frame.
type wsResult struct {
	conn *websocket.Conn
	ctl  control
	err  error
}

func (h *harness) dialAsync(sess string, tg target) <-chan wsResult {
	url := h.wsURL(testToken, sess, tg)
	out := make(chan wsResult, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, _, err := h.dialWS(ctx, url, h.origin)
		if err != nil {
			out <- wsResult{err: err}
			return
		}
		_, data, err := c.Read(ctx)
		var ctl control
		if err == nil {
			err = json.Unmarshal(data, &ctl)
		}
		out <- wsResult{c, ctl, err}
	}()
	return out
}

// Per session 5 sockets, as wx: a 6th waits in line, then fails "exceed max task
// count" without reaching the upstream, while another session opens its own; over all
// sessions Options.MaxSockets: the next socket is refused "relay busy", and transfers
// still pass.
func TestSocketBudgets(t *testing.T) {
	t.Parallel()
	h, f, _ := wsHarness(t, func(o *Options) { o.MaxSockets, o.QueueWait = 8, 100*time.Millisecond })
	a, b, c := h.session(config()), h.session(config()), h.session(config())
	echo := socket("wss://api.wxsim.test/echo")
	for range 5 {
		_, ctl := h.openPage(t, a, echo)
		require.NotNil(t, ctl.Open, "%+v", ctl.Error)
		recv(t, f.handshakes, "the upstream handshake")
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	sixth, _, err := h.dialWS(ctx, h.wsURL(testToken, a, socket("wss://api.wxsim.test/echo?n=6")), h.origin)
	require.NoError(t, err)
	defer sixth.CloseNow()
	assertRefusalFrame(t, ctx, sixth, "refused", "exceed max task count: 5 sockets of this session connecting or open; waited 100ms for a slot")
	assert.True(t, h.logged("relay: refused GET /relay/ws", "exceed max task count"))
	assert.Empty(t, f.handshakes, "the 6th never reached the upstream")

	for range 3 { // b's sockets open while a is full
		_, ctl := h.openPage(t, b, echo)
		require.NotNil(t, ctl.Open, "%+v", ctl.Error)
	}
	held, _ := h.rl.sockets.counts()
	require.Equal(t, 8, held)
	busy, _, err := h.dialWS(ctx, h.wsURL(testToken, c, echo), h.origin)
	require.NoError(t, err)
	defer busy.CloseNow()
	assertRefusalFrame(t, ctx, busy, "refused", "relay busy: 8 sockets connecting or open; waited 100ms for a slot")
	assert.Equal(t, http.StatusUpgradeRequired, metaOf(t, h.call(c, get("https://api.wxsim.test/plain"), nil)).Status,
		"a transfer passes (the fixture answers a plain GET 426)")
}

// A page frees a socket's slot when its close event fires, which may come before the
// relay has closed the upstream: the next socket of a full session waits in line for
// the slot instead of failing, and opens as soon as it is free.
func TestSocketWaitsForASlot(t *testing.T) {
	t.Parallel()
	h, _, _ := wsHarness(t)
	sess := h.session(config())
	var pages []*websocket.Conn
	for range 5 {
		p, ctl := h.openPage(t, sess, socket("wss://api.wxsim.test/echo"))
		require.NotNil(t, ctl.Open, "%+v", ctl.Error)
		pages = append(pages, p)
	}
	next := h.dialAsync(sess, socket("wss://api.wxsim.test/echo?n=6"))
	h.waits("wss://api.wxsim.test/echo?n=6", "5 sockets of this session connecting or open")
	require.NoError(t, pages[0].Close(websocket.StatusNormalClosure, ""))
	r := recv(t, next, "the 6th socket")
	require.NoError(t, r.err)
	defer r.conn.CloseNow()
	require.NotNil(t, r.ctl.Open, "%+v", r.ctl.Error)
}

// Per session and api, 10 transfers run at once, as wx: the 11th waits in line, while
// the session's other apis and other sessions go on; it runs when one of the ten ends.
func TestSessionTransfersQueue(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	hd := newHolds()
	h.upstream(apiHost, hd.serve)
	h.start()
	a, b := h.session(config()), h.session(config())
	var ten []<-chan result
	for i := range 10 {
		ten = append(ten, h.async(context.Background(), a, get("https://api.wxsim.test/hold/"+strconv.Itoa(i))))
		recv(t, hd.entered, "a held transfer upstream")
	}
	eleventh := h.async(context.Background(), a, get("https://api.wxsim.test/eleventh"))
	h.waits("https://api.wxsim.test/eleventh", "10 request transfers of this session in progress")
	h.call(a, target{API: "downloadFile", URL: "https://api.wxsim.test/file"}, nil)
	assert.Equal(t, "/file", recv(t, hd.entered, "the download"), "the session's downloadFile is not held up")
	assert.Equal(t, 200, metaOf(t, h.call(b, get("https://api.wxsim.test/b"), nil)).Status, "another session is not held up")
	assert.Equal(t, "/b", recv(t, hd.entered, "b's call"))

	hd.release <- struct{}{}
	assert.Equal(t, "/eleventh", recv(t, hd.entered, "the 11th upstream"))
	recv(t, eleventh, "the 11th").ok(t, "/eleventh")
	for range 9 {
		hd.release <- struct{}{}
	}
	for i, r := range ten {
		recv(t, r, "a held transfer").ok(t, "/hold/"+strconv.Itoa(i))
	}
}

// Over Options.MaxTransfers, transfers wait in line and run in arrival order as slots
// free up.
func TestRelayTransfersQueueFIFO(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	hd := newHolds()
	h.upstream(apiHost, hd.serve)
	h.start(func(o *Options) { o.MaxTransfers = 1 })
	first := h.async(context.Background(), h.session(config()), get("https://api.wxsim.test/hold"))
	recv(t, hd.entered, "the first transfer upstream")
	var later []<-chan result
	for _, p := range []string{"/b", "/c", "/d"} {
		later = append(later, h.async(context.Background(), h.session(config()), get("https://api.wxsim.test"+p)))
		h.waits("https://api.wxsim.test"+p, "1 upstream transfers in progress")
	}
	held, waiting := h.rl.transfers.counts()
	assert.Equal(t, [2]int{1, 3}, [2]int{held, waiting})
	hd.release <- struct{}{}
	recv(t, first, "the first").ok(t, "/hold")
	for i, p := range []string{"/b", "/c", "/d"} {
		assert.Equal(t, p, recv(t, hd.entered, "the next upstream"), "in arrival order")
		recv(t, later[i], p).ok(t, p)
	}
}

// A transfer still in line after Options.QueueWait is refused "relay busy", by its
// session's cap or by the relay's, without reaching the upstream; the next one passes
// once a slot is free.
func TestTransferRefusedAfterWait(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	hd := newHolds()
	up := h.upstream(apiHost, hd.serve)
	h.start(func(o *Options) { o.MaxTransfers, o.QueueWait = 11, 100*time.Millisecond })
	a, b := h.session(config()), h.session(config())
	var held []<-chan result
	for i := range 10 {
		held = append(held, h.async(context.Background(), a, get("https://api.wxsim.test/hold/"+strconv.Itoa(i))))
		recv(t, hd.entered, "a held transfer upstream")
	}
	hits := up.hits.Load()
	status, kind, msg := relayErr(t, h.call(a, get("https://api.wxsim.test/a11"), nil))
	assert.Equal(t, [2]any{http.StatusServiceUnavailable, "refused"}, [2]any{status, kind})
	assert.Equal(t, "relay refused: relay busy: 10 request transfers of this session in progress; waited 100ms for a slot", msg)

	held = append(held, h.async(context.Background(), b, get("https://api.wxsim.test/hold/b")))
	recv(t, hd.entered, "b's held transfer upstream")
	hits++
	status, kind, msg = relayErr(t, h.call(b, get("https://api.wxsim.test/b2"), nil))
	assert.Equal(t, [2]any{http.StatusServiceUnavailable, "refused"}, [2]any{status, kind})
	assert.Equal(t, "relay refused: relay busy: 11 upstream transfers in progress; waited 100ms for a slot", msg)
	assert.Equal(t, hits, up.hits.Load(), "no refused call reached the upstream")
	assert.True(t, h.logged("relay: refused POST /relay/http", "11 upstream transfers in progress"))

	for range len(held) {
		hd.release <- struct{}{}
	}
	for i, r := range held[:10] {
		recv(t, r, "a held transfer").ok(t, "/hold/"+strconv.Itoa(i))
	}
	recv(t, held[10], "b's held transfer").ok(t, "/hold/b")
}

// A call whose page goes away while it waits leaves the line at once and holds no
// slot: the next call gets the freed slot, not a ghost.
func TestWaitingCallLeavesOnCancel(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	hd := newHolds()
	up := h.upstream(apiHost, hd.serve)
	h.start(func(o *Options) { o.MaxTransfers = 1 })
	sess := h.session(config())
	first := h.async(context.Background(), sess, get("https://api.wxsim.test/hold"))
	recv(t, hd.entered, "the first transfer upstream")
	ctx, cancel := context.WithCancel(context.Background())
	gone := h.async(ctx, sess, get("https://api.wxsim.test/gone"))
	h.waits("https://api.wxsim.test/gone", "1 upstream transfers in progress")
	cancel()
	assert.ErrorIs(t, recv(t, gone, "the cancelled call").err, context.Canceled)
	require.True(t, h.logged("request GET https://api.wxsim.test/gone: page went away while waiting"))
	held, waiting := h.rl.transfers.counts()
	assert.Equal(t, [2]int{1, 0}, [2]int{held, waiting}, "it left the line")
	held, waiting = h.rl.sessions.get(sess).transfers["request"].counts()
	assert.Equal(t, [2]int{1, 0}, [2]int{held, waiting}, "and gave its session's slot back")

	next := h.async(context.Background(), sess, get("https://api.wxsim.test/next"))
	h.waits("https://api.wxsim.test/next", "1 upstream transfers in progress")
	hd.release <- struct{}{}
	recv(t, first, "the first").ok(t, "/hold")
	assert.Equal(t, "/next", recv(t, hd.entered, "the next upstream"))
	recv(t, next, "the next").ok(t, "/next")
	assert.Equal(t, int64(2), up.hits.Load(), "the cancelled call never went upstream")
}
