package relay

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Upload progress (spec §5.3, issue 11). Through the relay, the page's XMLHttpRequest
// measures only its loopback hop to the relay, whose socket buffers take megabytes of the
// body at once; what the user's progress must follow is the bytes the relay has sent
// upstream. An uploadFile call whose target names a call id registers that count in its
// session, and GET /relay/progress is a WebSocket on which the relay reports the counts
// of the session's uploads as they change: text frames {"call":id,"sent":n,"total":m}
// (total is the body's Content-Length, -1 when unknown), at most one per upload every
// progressEvery, the latest count only. A stream that connects late first gets the
// counts of the uploads already running, so nothing depends on which connection wins a
// race; and the answer's profile.sendBytesCount carries the count at the response head.

const (
	// progressEvery spaces a stream's frames (XMLHttpRequest's progress events are at
	// least 50 ms apart too).
	progressEvery = 50 * time.Millisecond
	// maxStreams bounds the progress streams of one session (a page needs one).
	maxStreams = 4
	// maxCallID bounds a call id (the glue's are task numbers).
	maxCallID = 64
	// progressChunk is the most of a followed upload's body the transport gets per read:
	// it counts as sent when read, and the HTTP/2 transport would otherwise take 512 KiB
	// at once and then wait for the upstream's flow control, so the count would run
	// ahead of the upstream in steps that size.
	progressChunk = 64 << 10
)

// progress is one session's followed uploads and the streams that report them.
type progress struct {
	mu      sync.Mutex
	calls   map[string]*upCount
	streams map[chan struct{}]bool // each stream's wake-up, buffered 1
}

// upCount is one upload's count of bytes sent upstream and its body's length.
type upCount struct {
	sent  *atomic.Int64
	total int64
}

// progressFrame is one frame of a progress stream.
type progressFrame struct {
	Call  string `json:"call"`
	Sent  int64  `json:"sent"`
	Total int64  `json:"total"`
}

func newProgress() *progress {
	return &progress{calls: map[string]*upCount{}, streams: map[chan struct{}]bool{}}
}

// follow registers upload call, whose sent bytes sent counts, until the returned func
// is called.
func (p *progress) follow(call string, sent *atomic.Int64, total int64) (done func()) {
	u := &upCount{sent: sent, total: total}
	p.mu.Lock()
	p.calls[call] = u
	p.mu.Unlock()
	p.poke()
	return func() {
		p.mu.Lock()
		if p.calls[call] == u { // a page that reused the id has replaced it
			delete(p.calls, call)
		}
		p.mu.Unlock()
		p.poke()
	}
}

// poke wakes every stream of the session; a stream that is already due to wake keeps
// its one pending signal.
func (p *progress) poke() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.streams {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// subscribe adds a stream, or reports false when the session has maxStreams.
func (p *progress) subscribe() (chan struct{}, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.streams) >= maxStreams {
		return nil, false
	}
	c := make(chan struct{}, 1)
	c <- struct{}{} // the first frames: the uploads already running
	p.streams[c] = true
	return c, true
}

func (p *progress) unsubscribe(c chan struct{}) {
	p.mu.Lock()
	delete(p.streams, c)
	p.mu.Unlock()
}

// running is the number of uploads followed.
func (p *progress) running() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// changes returns a frame for each followed upload whose count differs from what last
// says was sent, and updates last (forgetting uploads that ended); running is the number
// of uploads followed.
func (p *progress) changes(last map[string]int64) (frames []progressFrame, running int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for call := range last {
		if p.calls[call] == nil {
			delete(last, call)
		}
	}
	for call, u := range p.calls {
		n := u.sent.Load()
		if v, ok := last[call]; !ok || v != n {
			last[call] = n
			frames = append(frames, progressFrame{call, n, u.total})
		}
	}
	return frames, len(p.calls)
}

// serveProgress serves a session's progress stream (GET /relay/progress?token=&session=,
// a WebSocket; the token was checked in ServeHTTP). It ends when the page closes it, when
// the session is forgotten, and after Options.Idle with no upload running.
func (rl *Relay) serveProgress(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("session")
	s := rl.sessions.get(id)
	if s == nil {
		rl.reject(w, r, http.StatusForbidden, kindSession, "unknown relay session (was the server restarted?); the next call opens a new one")
		return
	}
	wake, ok := s.progress.subscribe()
	if !ok {
		rl.reject(w, r, http.StatusServiceUnavailable, kindRefused, "the session has "+strconv.Itoa(maxStreams)+" progress streams open")
		return
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true}) // the Origin was checked in ServeHTTP
	if err != nil {
		s.progress.unsubscribe(wake)
		return
	}
	rl.o.Logf("relay: progress stream of session %s open", id[:8])
	why := rl.streamProgress(c.CloseRead(context.Background()), c, s, wake)
	s.progress.unsubscribe(wake)
	c.CloseNow()
	rl.o.Logf("relay: progress stream of session %s closed: %s", id[:8], why) // last: nothing of it is left
}

// streamProgress writes the session's counts to c until the stream ends, and says why.
// ctx ends when the page closes c or drops it.
func (rl *Relay) streamProgress(ctx context.Context, c *websocket.Conn, s *session, wake <-chan struct{}) string {
	idle := time.NewTimer(rl.o.Idle)
	defer idle.Stop()
	pause := time.NewTimer(progressEvery)
	pause.Stop()
	defer pause.Stop()
	last := map[string]int64{}
	for {
		select {
		case <-ctx.Done():
			return "the page closed it"
		case <-s.done:
			_ = c.Close(websocket.StatusGoingAway, "session ended")
			return "the session ended"
		case <-idle.C:
			if s.progress.running() == 0 {
				_ = c.Close(websocket.StatusNormalClosure, "idle")
				return "idle"
			}
			idle.Reset(rl.o.Idle)
			continue
		case <-wake:
		}
		frames, running := s.progress.changes(last)
		if running > 0 {
			idle.Reset(rl.o.Idle)
		}
		for _, f := range frames {
			b, _ := json.Marshal(f)
			wctx, cancel := context.WithTimeout(ctx, rl.o.Idle)
			err := c.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				return "write: " + err.Error()
			}
		}
		pause.Reset(progressEvery)
		select {
		case <-pause.C:
		case <-ctx.Done():
			return "the page closed it"
		case <-s.done:
			_ = c.Close(websocket.StatusGoingAway, "session ended")
			return "the session ended"
		}
	}
}
