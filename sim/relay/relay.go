// Package relay is wxsim's native relay (spec §9): an HTTP and WebSocket client that a
// simulator page steers, so that mini-program code reaches real backends the way
// WeChat's client does — fixed Referer and a WeChat User-Agent, a per-app cookie jar,
// no CORS, TLS checked like WeChat — which a page cannot do with fetch.
//
// A relay is a client a web page can steer, so it is guarded (see README "Relay"):
//   - every call needs the per-run token and an allowed Origin, and the Host header must
//     name the server itself (DNS rebinding of the relay);
//   - a call names a session, opened with the app's configuration; each URL and every
//     redirect hop must pass that app's domain policy (spec §3, package sim);
//   - addresses are checked after resolution, at connect time, for every hop: loopback,
//     link-local, private, multicast and unspecified targets are refused unless pinned
//     by the operator (Options.Pins, `--map`) or allowed by the §3.4 LAN rule;
//   - hop-by-hop and proxy headers are dropped, CR/LF in headers refused, bodies and
//     idle time capped;
//   - concurrent calls have separate budgets, so that no session starves another and
//     sockets and transfers cannot starve each other: per session, 10 transfers per
//     api (as wx: the next ones queue) and 5 sockets (the next one fails "exceed max
//     task count"); for the whole relay, Options.MaxTransfers and MaxSockets. A call
//     over a budget waits in line (FIFO) for up to Options.QueueWait, then is refused.
//
// Every refusal reaches the page as a clear errMsg and the server log as one line.
//
// The protocol between page and relay (the glue, jsbridge/glue/*.js, is its only client):
//
//	GET  /relay/token    → the token, to same-origin pages of the server only
//	POST /relay/session  X-Wxsim-Token; body: the app's config as JSON → {"session": id}
//	POST /relay/http     X-Wxsim-Token, X-Wxsim-Session, X-Wxsim-Target: the call as
//	                     URI-encoded JSON {api,url,method,header:[[n,v]...],redirect,form,call};
//	                     body: the upstream body. Answer: 200 with X-Wxsim-Meta (URI-encoded
//	                     JSON {status,header,cookies,url,profile}) and the upstream body
//	                     streamed, or an error status with X-Wxsim-Error: kind and the
//	                     message as text.
//	GET  /relay/ws?token=&session=&target=  WebSocket; the first frame from the relay is
//	                     text JSON {"open":{header,protocol}} or {"error":{kind,message}};
//	                     every later frame is the upstream's, both ways.
//	GET  /relay/progress?token=&session=  WebSocket: the session's upload progress. An
//	                     uploadFile target with "call": id is followed; the relay sends
//	                     text JSON {"call":id,"sent":n,"total":m} as the bytes it has sent
//	                     upstream grow (at most every 50 ms per call), or first
//	                     {"error":{kind,message}} when it refuses (see progress.go).
package relay

import (
	"context"
	"crypto/subtle"
	"crypto/x509"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/wxsim/wxsim/sim/check"
)

// Options configure a Relay.
type Options struct {
	// Token is the per-run secret every call must carry.
	Token string
	// Self lists the server's own origins ("http://127.0.0.1:8080"): pages from them
	// may use the relay and read the token, and the Host header of every call must
	// name one of them.
	Self []string
	// AllowOrigins are further page origins allowed to call (with the token), e.g. a
	// web IDE embedding the simulator (`--allow-origin`).
	AllowOrigins []string
	// Roots are the trusted roots; nil means the system roots (`--ca` adds to them).
	Roots *x509.CertPool
	// Pins map a host name (lower case) to "IP" or "IP:PORT" (`--map`): the operator's
	// explicit choice, exempt from the address checks.
	Pins map[string]string
	// Resolve resolves names that are not pinned; nil means the system resolver.
	// Tests inject one so that no real DNS is used.
	Resolve check.Resolver
	// MaxBody caps each body, request and response (spec §5.2: 200 MB); 0 means that.
	MaxBody int64
	// MaxTransfers caps the upstream transfers (request, uploadFile, downloadFile) of
	// all sessions at once (`--relay-max-transfers`); 0 means 512. Each session has
	// its own cap besides: sim.MaxConcurrent (10) per api, as in WeChat.
	MaxTransfers int
	// MaxSockets caps the relayed sockets, connecting or open, of all sessions at once
	// (`--relay-max-sockets`); 0 means 1024. Each session has its own cap besides:
	// sim.MaxSockets (5), as in WeChat.
	MaxSockets int
	// QueueWait bounds how long a call over a cap waits in line for a slot before it
	// is refused (`relay busy`, or `exceed max task count` for a session's socket);
	// 0 means 30 s. A call whose page goes away leaves the line at once.
	QueueWait time.Duration
	// Idle ends an HTTP call when no body byte moved either way for this long; 0 means
	// 90 s (above WeChat's 60 s time-out cap, so the page's own time-out comes first).
	Idle time.Duration
	// SocketIdle ends a relayed WebSocket with no frame either way for this long; 0
	// means 30 minutes.
	SocketIdle time.Duration
	// Logf receives one line per refusal and per failed call; nil discards them.
	Logf func(format string, args ...any)
	// LogCalls sends Logf a line for every call too: each session opened, transfer
	// done, socket opened and closed, call that waits for a slot and call whose page
	// went away (`--log calls`).
	LogCalls bool
	// Now is the clock for certificate explanations; nil means time.Now.
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultMaxBody      = 200 << 20
	DefaultMaxTransfers = 512  // all 30 of a session's transfers for 17 sessions; pages mostly run a few
	DefaultMaxSockets   = 1024 // all 5 of a session's sockets for 204 sessions
	DefaultQueueWait    = 30 * time.Second
	DefaultIdle         = 90 * time.Second
	DefaultSocketIdle   = 30 * time.Minute
	maxRedirects        = 10
	handshakeCap        = 60 * time.Second // spec §8.2: no time-out exceeds 60 s
)

// Relay serves the /relay/ routes.
type Relay struct {
	o        Options
	hosts    map[string]bool // Host headers naming this server
	origins  map[string]bool // allowed page origins
	self     map[string]bool // the server's own origins
	sessions *sessions
	// the relay's budgets, over all sessions (each session has its own too)
	transfers, sockets *limit
	// transports by strictness (urlCheck on: TLS like WeChat) and by use (WebSocket
	// handshakes need HTTP/1.1)
	strict, lax, strictWS, laxWS *http.Transport
}

// New returns a Relay for o.
func New(o Options) *Relay {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxTransfers <= 0 {
		o.MaxTransfers = DefaultMaxTransfers
	}
	if o.MaxSockets <= 0 {
		o.MaxSockets = DefaultMaxSockets
	}
	if o.QueueWait <= 0 {
		o.QueueWait = DefaultQueueWait
	}
	if o.Idle <= 0 {
		o.Idle = DefaultIdle
	}
	if o.SocketIdle <= 0 {
		o.SocketIdle = DefaultSocketIdle
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Resolve == nil {
		o.Resolve = check.SystemResolver
	}
	rl := &Relay{o: o, hosts: map[string]bool{}, origins: map[string]bool{}, self: map[string]bool{},
		sessions: newSessions(), transfers: newLimit(o.MaxTransfers), sockets: newLimit(o.MaxSockets)}
	for _, s := range o.Self {
		s = strings.TrimSuffix(s, "/")
		rl.self[s] = true
		rl.origins[s] = true
		if u, err := url.Parse(s); err == nil {
			rl.hosts[strings.ToLower(u.Host)] = true
		}
	}
	for _, s := range o.AllowOrigins {
		rl.origins[strings.TrimSuffix(s, "/")] = true
	}
	rl.strict = rl.transport(true, false)
	rl.lax = rl.transport(false, false)
	rl.strictWS = rl.transport(true, true)
	rl.laxWS = rl.transport(false, true)
	return rl
}

// SelfOrigins returns the origins a server listening on addr answers as: http://addr,
// and http://localhost:PORT too when addr is a loopback address.
func SelfOrigins(addr net.Addr) []string {
	out := []string{"http://" + addr.String()}
	if t, ok := addr.(*net.TCPAddr); ok && t.IP.IsLoopback() {
		out = append(out, "http://localhost:"+strconv.Itoa(t.Port))
	}
	return out
}

// ServeHTTP serves /relay/token, /relay/session, /relay/http and /relay/ws.
func (rl *Relay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if r.Method == http.MethodOptions {
		rl.preflight(w, r, origin)
		return
	}
	if !rl.hosts[strings.ToLower(r.Host)] {
		rl.refuse(w, r, http.StatusForbidden, "Host "+r.Host+" is not this server (DNS rebinding?)")
		return
	}
	if r.URL.Path == "/relay/token" {
		rl.serveToken(w, r, origin)
		return
	}
	if !rl.origins[origin] {
		rl.refuse(w, r, http.StatusForbidden, "Origin "+quoteOrNone(origin)+" is not allowed (use --allow-origin)")
		return
	}
	cors(w, origin)
	token := r.Header.Get("X-Wxsim-Token")
	if r.URL.Path == "/relay/ws" || r.URL.Path == "/relay/progress" { // WebSockets: no header of ours
		token = r.URL.Query().Get("token")
	}
	if rl.o.Token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(rl.o.Token)) != 1 { // no token: nobody passes
		rl.reject(w, r, http.StatusForbidden, kindToken, "missing or wrong relay token")
		return
	}
	switch {
	case r.URL.Path == "/relay/session" && r.Method == http.MethodPost:
		rl.serveSession(w, r)
	case r.URL.Path == "/relay/http" && r.Method == http.MethodPost:
		rl.serveHTTP(w, r)
	case r.URL.Path == "/relay/ws" && r.Method == http.MethodGet:
		rl.serveWS(w, r)
	case r.URL.Path == "/relay/progress" && r.Method == http.MethodGet:
		rl.serveProgress(w, r)
	default:
		rl.reject(w, r, http.StatusNotFound, kindRefused, "no relay route "+r.Method+" "+r.URL.Path)
	}
}

func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return `"` + s + `"`
}

// serveToken gives the token to pages of the server itself: a same-origin request (the
// browser says so in Sec-Fetch-Site, or sends one of our origins) from this machine.
// Without CORS headers no other page can read the answer anyway; the loopback check keeps
// a non-browser client elsewhere (which can forge those headers) from reading it when
// the server is bound beyond loopback.
func (rl *Relay) serveToken(w http.ResponseWriter, r *http.Request, origin string) {
	if !fromLoopback(r) {
		rl.refuse(w, r, http.StatusForbidden, "the token is only given to pages on this machine; pass relayToken")
		return
	}
	if !rl.self[origin] && !(origin == "" && r.Header.Get("Sec-Fetch-Site") == "same-origin") {
		rl.refuse(w, r, http.StatusForbidden, "the token is only given to pages served by this server")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(rl.o.Token))
}

// cors lets an allowed page read the relay's answers.
func cors(w http.ResponseWriter, origin string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", "X-Wxsim-Meta, X-Wxsim-Error")
	h.Add("Vary", "Origin")
}

// preflight answers CORS preflights of allowed origins; others get no CORS headers.
func (rl *Relay) preflight(w http.ResponseWriter, r *http.Request, origin string) {
	if !rl.origins[origin] || !rl.hosts[strings.ToLower(r.Host)] {
		rl.refuse(w, r, http.StatusForbidden, "preflight from Origin "+quoteOrNone(origin)+" refused")
		return
	}
	cors(w, origin)
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "POST, GET")
	h.Set("Access-Control-Allow-Headers", "X-Wxsim-Token, X-Wxsim-Session, X-Wxsim-Target, Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
		h.Set("Access-Control-Allow-Private-Network", "true")
	}
	w.WriteHeader(http.StatusNoContent)
}

// fromLoopback reports whether r comes from a loopback address.
func fromLoopback(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// reject answers a call from an allowed page that the relay will not make, before any
// upstream traffic: as an error answer, or, on the WebSocket route, as an accepted socket
// whose control frame carries the error (a page cannot read a refused handshake).
func (rl *Relay) reject(w http.ResponseWriter, r *http.Request, status int, kind, msg string) {
	rl.o.Logf("relay: refused %s %s from %s: %s", r.Method, r.URL.Path, r.RemoteAddr, msg)
	msg = "relay refused: " + msg
	if (r.URL.Path == "/relay/ws" || r.URL.Path == "/relay/progress") && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		if c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true}); err == nil {
			writeControl(r.Context(), c, control{Error: &errorInfo{kind, msg}})
			c.CloseNow()
		}
		return
	}
	writeError(w, status, kind, msg)
}

// logCall logs a call that did not fail, when Options.LogCalls asks for it.
func (rl *Relay) logCall(format string, args ...any) {
	if rl.o.LogCalls {
		rl.o.Logf(format, args...)
	}
}

// refuse answers a call the relay will not make, before any upstream traffic.
func (rl *Relay) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	rl.o.Logf("relay: refused %s %s from %s: %s", r.Method, r.URL.Path, r.RemoteAddr, msg)
	writeError(w, status, kindRefused, "relay refused: "+msg)
}

// Error kinds in X-Wxsim-Error; the page maps them to errMsg (sim.RelayError).
const (
	kindRefused = "refused" // a security or protocol refusal by the relay itself
	kindPolicy  = "policy"  // a URL or redirect hop outside the app's domain lists
	kindSSL     = "ssl"     // TLS not acceptable to WeChat
	kindSize    = "size"    // a body over the cap
	kindHeader  = "header"  // a header the relay will not send
	kindNetwork = "network" // DNS, connect, reset, idle time-out
	kindSession = "session" // an unknown session: the page opens a new one
	kindToken   = "token"   // a missing or wrong token: the page reads it again if it can
)

func writeError(w http.ResponseWriter, status int, kind, msg string) {
	h := w.Header()
	h.Set("X-Wxsim-Error", kind)
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg))
}

// budget is one cap a call must fit in: its limit, what holding all of its slots
// means (for the log and the refusal) and the refusal's opening words.
type budget struct {
	l             *limit
	full, refusal string
}

// admit takes a slot of each budget in turn (the session's, then the relay's), waiting
// in line for up to QueueWait in all. It returns the function that gives the slots
// back, or ok false when the call cannot go on: after the refusal, or at once when the
// page went away while waiting (it holds nothing then). (The server notices a page
// going away only once the request body is read: a call with a body waits its turn.)
func (rl *Relay) admit(w http.ResponseWriter, r *http.Request, call string, budgets ...budget) (release func(), ok bool) {
	ctx, cancel := context.WithTimeout(r.Context(), rl.o.QueueWait)
	defer cancel()
	held := make([]*limit, 0, len(budgets))
	release = func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i].release()
		}
	}
	for _, b := range budgets {
		if err := b.l.acquire(ctx, func() { rl.logCall("relay: %s waits: %s", call, b.full) }); err != nil {
			release()
			if r.Context().Err() != nil {
				rl.logCall("relay: %s: page went away while waiting", call)
				return nil, false
			}
			rl.reject(w, r, http.StatusServiceUnavailable, kindRefused,
				b.refusal+": "+b.full+"; waited "+rl.o.QueueWait.String()+" for a slot")
			return nil, false
		}
		held = append(held, b.l)
	}
	return release, true
}

// sessions holds the opened sessions and the per-app cookie jars.
type sessions struct {
	mu    sync.Mutex
	byID  map[string]*session
	order []string // oldest first, for eviction
	jars  map[string]http.CookieJar
}

func newSessions() *sessions {
	return &sessions{byID: map[string]*session{}, jars: map[string]http.CookieJar{}}
}
