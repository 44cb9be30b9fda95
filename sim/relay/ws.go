package relay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/wxsim/wxsim/sim"
)

// maxFrame caps one relayed WebSocket message (the issue asks for at least 16 MiB).
const maxFrame = 64 << 20

// control is the relay's first frame to the page.
type control struct {
	Open  *openInfo  `json:"open,omitempty"`
	Error *errorInfo `json:"error,omitempty"`
}

type openInfo struct {
	Header   [][2]string `json:"header"`
	Protocol string      `json:"protocol"`
}

type errorInfo struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// serveWS relays one WebSocket (spec §6, §9): it opens the upstream first, with the
// user's header and protocols and WeChat's Referer and User-Agent, then accepts the
// page's socket with the protocol the upstream chose, sends one control frame, and
// then copies frames both ways, in order and unchanged; close codes and reasons pass
// through both ways, and an upstream that drops makes the page's socket drop (1006).
func (rl *Relay) serveWS(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s, t, ok := rl.call(w, r, q.Get("session"), q.Get("target"), false)
	if !ok {
		return
	}
	if t.API != sim.APIConnectSocket {
		rl.reject(w, r, http.StatusBadRequest, kindRefused, "not a relayed socket api: "+quote(t.API))
		return
	}
	release, ok := rl.admit(w, r, "connectSocket "+t.URL,
		budget{s.sockets, strconv.Itoa(sim.MaxSockets) + " sockets of this session connecting or open", sim.ErrExceed.Text},
		budget{rl.sockets, strconv.Itoa(rl.o.MaxSockets) + " sockets connecting or open", "relay busy"})
	if !ok {
		return
	}
	defer release()
	up, resp, err := rl.dialUpstream(r.Context(), s, t)
	var protos []string
	if err == nil && up.Subprotocol() != "" {
		protos = []string{up.Subprotocol()}
	}
	page, aerr := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:       protos,
		InsecureSkipVerify: true, // the Origin was checked in ServeHTTP
	})
	if aerr != nil {
		if up != nil {
			up.CloseNow()
		}
		return
	}
	page.SetReadLimit(maxFrame)
	ctx := r.Context()
	if err != nil {
		kind, msg := rl.classify(ctx, err, t)
		rl.o.Logf("relay: connectSocket %s: %s: %s", t.URL, kind, msg)
		writeControl(ctx, page, control{Error: &errorInfo{kind, msg}})
		page.CloseNow() // the page sees onError, then onClose 1006, as a failed handshake
		return
	}
	up.SetReadLimit(maxFrame)
	info := &openInfo{Header: [][2]string{}, Protocol: up.Subprotocol()}
	for k, vs := range resp.Header {
		for _, v := range vs {
			info.Header = append(info.Header, [2]string{k, v})
		}
	}
	rl.logCall("relay: connectSocket %s open", t.URL) // before the page can see it
	writeControl(ctx, page, control{Open: info})
	code := rl.pump(page, up)
	rl.logCall("relay: connectSocket %s closed (%d)", t.URL, code)
}

// dialUpstream opens the upstream WebSocket for t, through the guarded dialer.
func (rl *Relay) dialUpstream(ctx context.Context, s *session, t target) (*websocket.Conn, *http.Response, error) {
	u, err := checkURL(s, sim.APIConnectSocket, t.URL)
	if err != nil {
		return nil, nil, err
	}
	hdr, err := upstreamHeader(s, t.Header)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, handshakeCap)
	defer cancel()
	ctx = context.WithValue(ctx, timingKey{}, &timing{})
	c, resp, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: rl.pick(s, true), Jar: s.jar,
			// a handshake is not redirected (browsers fail it too); following would
			// skip the §3 check of the new URL
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		HTTPHeader:   hdr,
		Subprotocols: t.Protocols,
	})
	if err != nil && resp != nil {
		err = errors.New("server answered the WebSocket handshake with HTTP " + resp.Status)
	}
	return c, resp, err
}

func writeControl(ctx context.Context, c *websocket.Conn, m control) {
	b, _ := json.Marshal(m)
	_ = c.Write(ctx, websocket.MessageText, b)
}

// pump copies frames both ways until one side ends, then ends the other the same way:
// a close frame passes on with its code and reason, a dropped connection drops the
// other side too. It returns the close code (-1 for a drop).
func (rl *Relay) pump(page, up *websocket.Conn) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	idle := time.AfterFunc(rl.o.SocketIdle, cancel)
	defer idle.Stop()
	touch := func() { idle.Reset(rl.o.SocketIdle) }
	var once sync.Once
	code := -1
	end := func(from, to *websocket.Conn, err error) {
		once.Do(func() {
			if c := websocket.CloseStatus(err); c != -1 {
				code = int(c)
				var ce websocket.CloseError
				errors.As(err, &ce)
				_ = to.Close(c, ce.Reason)
			} else {
				to.CloseNow()
			}
			from.CloseNow()
			cancel()
		})
	}
	var wg sync.WaitGroup
	copyFrames := func(from, to *websocket.Conn) {
		defer wg.Done()
		for {
			typ, p, err := from.Read(ctx)
			if err != nil {
				end(from, to, err)
				return
			}
			touch()
			if to.Write(ctx, typ, p) != nil {
				return // to is ending: its own reader passes on how
			}
		}
	}
	wg.Add(2)
	go copyFrames(page, up)
	go copyFrames(up, page)
	wg.Wait()
	return code
}
