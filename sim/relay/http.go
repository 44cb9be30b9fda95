package relay

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/check"
)

// target is one relayed call as the page describes it (X-Wxsim-Target or the ws query).
type target struct {
	API       string      `json:"api"`
	URL       string      `json:"url"`
	Method    string      `json:"method"`
	Header    [][2]string `json:"header"`
	Redirect  string      `json:"redirect"`  // "manual" or follow
	Form      bool        `json:"form"`      // the body is the page's multipart form: keep its Content-Type
	Protocols []string    `json:"protocols"` // WebSocket subprotocols
	Call      string      `json:"call"`      // uploadFile: the page's id of the call on its progress stream
}

// parseTarget decodes a call description: JSON text, URI-encoded once more when escaped
// (the X-Wxsim-Target header; a ws query value comes decoded by the URL parser already).
func parseTarget(raw string, escaped bool) (target, error) {
	var t target
	var err error
	if escaped {
		raw, err = url.PathUnescape(raw)
	}
	if err == nil {
		err = json.Unmarshal([]byte(raw), &t)
	}
	return t, err
}

// meta is the upstream response head as the page receives it (X-Wxsim-Meta).
type meta struct {
	Status  int            `json:"status"`
	Header  [][2]string    `json:"header"`
	Cookies []string       `json:"cookies"`
	URL     string         `json:"url"`
	Profile map[string]any `json:"profile"`
}

// call opens the session and target of a relay call and checks them; it writes the
// refusal and returns ok false when the call cannot go on.
func (rl *Relay) call(w http.ResponseWriter, r *http.Request, sessionID, rawTarget string, escaped bool) (s *session, t target, ok bool) {
	s = rl.sessions.get(sessionID)
	if s == nil {
		rl.reject(w, r, http.StatusForbidden, kindSession, "unknown relay session (was the server restarted?); the next call opens a new one")
		return nil, t, false
	}
	t, err := parseTarget(rawTarget, escaped)
	if err != nil {
		rl.reject(w, r, http.StatusBadRequest, kindRefused, "malformed call description: "+err.Error())
		return nil, t, false
	}
	return s, t, true
}

// serveHTTP relays one request, uploadFile or downloadFile (spec §9).
func (rl *Relay) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s, t, ok := rl.call(w, r, r.Header.Get("X-Wxsim-Session"), r.Header.Get("X-Wxsim-Target"), true)
	if !ok {
		return
	}
	method, err := sim.RelayedMethod(t.API, t.Method) // the page's plan, method step (spec §4.2)
	switch {
	case err == sim.ErrNotRelayedHTTP:
		rl.refuse(w, r, http.StatusBadRequest, "not a relayed HTTP api: "+quote(t.API))
		return
	case err != nil:
		rl.refuse(w, r, http.StatusBadRequest, "invalid method "+quote(t.Method))
		return
	}
	if len(t.Call) > maxCallID {
		rl.refuse(w, r, http.StatusBadRequest, "call id longer than "+strconv.Itoa(maxCallID)+" bytes")
		return
	}
	fail := func(err error) { rl.fail(w, r, t, err) }
	u, err := checkURL(s, t.API, t.URL)
	if err != nil {
		fail(err)
		return
	}
	hdr, err := upstreamHeader(s, t.Header)
	if err != nil {
		fail(err)
		return
	}
	if hdr.Get("Accept-Encoding") == "" && r.Header.Get("Accept-Encoding") != "" {
		hdr.Set("Accept-Encoding", r.Header.Get("Accept-Encoding")) // what the browser decodes
	}
	if t.Form {
		hdr.Set("Content-Type", r.Header.Get("Content-Type")) // the page's multipart boundary
	}
	if r.ContentLength > rl.o.MaxBody {
		fail(&sizeError{r.ContentLength, rl.o.MaxBody})
		return
	}
	release, ok := rl.admit(w, r, t.API+" "+method+" "+t.URL,
		budget{s.transfers[t.API], strconv.Itoa(sim.MaxConcurrent) + " " + t.API + " transfers of this session in progress", "relay busy"},
		budget{rl.transfers, strconv.Itoa(rl.o.MaxTransfers) + " upstream transfers in progress", "relay busy"})
	if !ok {
		return
	}
	defer release()

	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	idle := time.AfterFunc(rl.o.Idle, func() { cancel(errIdle) })
	defer idle.Stop()
	touch := func() { idle.Reset(rl.o.Idle) }
	tm := &timing{fetchStart: now()}
	ctx = httptrace.WithClientTrace(context.WithValue(ctx, timingKey{}, tm), tm.trace())

	var body io.Reader
	if r.ContentLength != 0 && method != http.MethodGet && method != http.MethodHead {
		tr := &touchReader{r: http.MaxBytesReader(w, r.Body, rl.o.MaxBody), touch: touch, n: &tm.sent}
		if t.API == sim.APIUploadFile && t.Call != "" { // the page follows its progress (progress.go)
			defer s.progress.follow(t.Call, &tm.sent, r.ContentLength)()
			tr.touch = func() { touch(); s.progress.poke() }
			tr.max = progressChunk
		}
		body = tr
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		fail(err)
		return
	}
	req.Header = hdr
	if body != nil {
		req.ContentLength = r.ContentLength // -1 when the page streams an unknown length
	}
	hop := u.String() // the URL being requested: the first, then each redirect
	client := &http.Client{
		Transport: rl.pick(s, false),
		Jar:       s.jar,
		CheckRedirect: func(next *http.Request, via []*http.Request) error {
			if t.Redirect == "manual" {
				return http.ErrUseLastResponse
			}
			if len(via) >= maxRedirects {
				return &refusal{"stopped after " + strconv.Itoa(maxRedirects) + " redirects"}
			}
			nu, err := checkURL(s, t.API, next.URL.String()) // spec §3.6: every hop
			if err != nil {
				return err
			}
			next.URL.Host = nu.Host // requested as the policy read it, like the first URL
			hop = next.URL.String()
			return nil
		},
	}
	resp, err := client.Do(req)
	if err != nil {
		if c := context.Cause(ctx); c == errIdle {
			err = c
		}
		t.URL = hop // a TLS cause names the hop that failed
		fail(err)
		return
	}
	defer resp.Body.Close()
	if resp.ContentLength > rl.o.MaxBody {
		fail(&sizeError{resp.ContentLength, rl.o.MaxBody})
		return
	}
	rl.answer(w, r, t, resp, tm, touch)
}

// pick returns the transport for the session's mode.
func (rl *Relay) pick(s *session, ws bool) *http.Transport {
	switch {
	case s.cfg.Policy.URLCheck && ws:
		return rl.strictWS
	case s.cfg.Policy.URLCheck:
		return rl.strict
	case ws:
		return rl.laxWS
	}
	return rl.lax
}

// answer streams the upstream response to the page: the head in X-Wxsim-Meta, the body
// as it arrives (flushed per read, so progress and chunks stay real), capped.
func (rl *Relay) answer(w http.ResponseWriter, r *http.Request, t target, resp *http.Response, tm *timing, touch func()) {
	m := meta{Status: resp.StatusCode, Header: [][2]string{}, Cookies: resp.Header.Values("Set-Cookie"),
		URL: resp.Request.URL.String(), Profile: tm.profile(resp)}
	if m.Cookies == nil {
		m.Cookies = []string{}
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			m.Header = append(m.Header, [2]string{k, v})
		}
	}
	js, _ := json.Marshal(m)
	enc := url.PathEscape(string(js))
	if len(enc) > maxMeta {
		rl.fail(w, r, t, &tooLarge{len(enc)})
		return
	}
	h := w.Header()
	h.Set("X-Wxsim-Meta", enc)
	h.Set("Cache-Control", "no-store")
	for _, k := range []string{"Content-Type", "Content-Encoding"} {
		if v := resp.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	if resp.ContentLength >= 0 && resp.Request.Method != http.MethodHead {
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush() // the head reaches the page before the body (onHeadersReceived)
	buf := make([]byte, 64<<10)
	var n int64
	for {
		k, err := resp.Body.Read(buf)
		if k > 0 {
			touch()
			n += int64(k)
			if n > rl.o.MaxBody {
				rl.o.Logf("relay: %s %s: response body over %d bytes, cut", t.API, t.URL, rl.o.MaxBody)
				panic(http.ErrAbortHandler) // the page sees a broken body, never a short success
			}
			if _, werr := w.Write(buf[:k]); werr != nil {
				return // the page went away (abort, time-out): the deferred Close drops upstream
			}
			_ = rc.Flush()
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			rl.o.Logf("relay: %s %s: upstream body: %v", t.API, t.URL, err)
			panic(http.ErrAbortHandler)
		}
	}
	rl.logCall("relay: %s %s %s → %d, %d bytes in %s", t.API, resp.Request.Method, t.URL, resp.StatusCode, n,
		time.Duration((now()-tm.fetchStart)*1e6).Round(time.Microsecond))
}

var errIdle = errors.New("relay idle time-out: no data moved")

// maxMeta bounds X-Wxsim-Meta: Chromium refuses response heads over 256 KiB, and an
// oversized head would reach the page as a bare network error.
const maxMeta = 192 << 10

// tooLarge is an upstream head too large to pass to the page.
type tooLarge struct{ n int }

func (e *tooLarge) Error() string {
	return "the response headers are too large to pass to the page (" + strconv.Itoa(e.n) + " bytes encoded)"
}

// sizeError is a body over the cap (spec §5.2).
type sizeError struct{ size, max int64 }

func (e *sizeError) Error() string {
	return "body of " + strconv.FormatInt(e.size, 10) + " bytes exceeds the relay's " + strconv.FormatInt(e.max, 10) + "-byte cap"
}

// fail answers a call that could not complete, with its kind and a precise message.
func (rl *Relay) fail(w http.ResponseWriter, r *http.Request, t target, err error) {
	if r.Context().Err() != nil {
		rl.logCall("relay: %s %s: page went away", t.API, t.URL)
		return
	}
	kind, msg := rl.classify(r.Context(), err, t)
	rl.o.Logf("relay: %s %s: %s: %s", t.API, t.URL, kind, msg)
	status := http.StatusBadGateway
	if kind == kindRefused || kind == kindPolicy || kind == kindHeader {
		status = http.StatusForbidden
	}
	writeError(w, status, kind, msg)
}

// classify turns an upstream error into an error kind and the most precise message.
func (rl *Relay) classify(ctx context.Context, err error, t target) (kind, msg string) {
	var (
		ref   *refusal
		pol   *policyError
		hdr   *headerError
		size  *sizeError
		maxb  *http.MaxBytesError
		cve   *tls.CertificateVerificationError
		alert tls.AlertError
		rhe   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &ref):
		return kindRefused, "relay refused: " + ref.msg
	case errors.As(err, &pol):
		return kindPolicy, pol.Error()
	case errors.As(err, &hdr):
		return kindHeader, hdr.msg
	case errors.As(err, &size):
		return kindSize, size.Error()
	case errors.As(err, &maxb):
		return kindSize, (&sizeError{maxb.Limit + 1, maxb.Limit}).Error()
	case errors.As(err, &cve):
		u, _ := url.Parse(t.URL)
		cause := check.CertificateCause(cve.UnverifiedCertificates, rl.o.Roots, u.Hostname(), rl.o.Now())
		if cause == "" {
			cause = cve.Err.Error()
		}
		return kindSSL, cause
	case errors.As(err, &alert), errors.As(err, &rhe), isTLSVersion(err):
		return kindSSL, rl.tlsVersionCause(ctx, t, err)
	case errors.Is(err, errIdle):
		return kindNetwork, errIdle.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return kindNetwork, err.Error()
}

// isTLSVersion reports a handshake failure that is not about the certificate (a version
// or protocol alert, a server that does not speak TLS).
func isTLSVersion(err error) bool { return err != nil && strings.Contains(err.Error(), "tls: ") }

// tlsVersionCause explains a failed handshake: when the server completes one only below
// TLS 1.2, it says which versions it offers (spec §9: WeChat needs 1.2).
func (rl *Relay) tlsVersionCause(ctx context.Context, t target, err error) string {
	u, perr := url.Parse(t.URL)
	if perr != nil {
		return err.Error()
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	addrs, pinned, rerr := rl.resolve(ctx, u.Hostname(), port)
	if rerr != nil || len(addrs) == 0 || (!pinned && blocked(addrs[0].Addr(), u.Hostname()) != "") {
		return "TLS handshake failed: " + err.Error()
	}
	offered, best, _ := check.OfferedTLS(ctx, u.Hostname(), addrs[0].String())
	if len(offered) > 0 && best < tls.VersionTLS12 {
		return check.OldTLSOnly(offered)
	}
	return "TLS handshake failed: " + err.Error()
}

// touchReader counts and reports body reads to the idle watchdog.
type touchReader struct {
	r     io.Reader
	touch func()
	n     *atomic.Int64 // read by the handler while the transport still sends
	max   int           // if > 0, the most one Read returns
}

func (t *touchReader) Read(p []byte) (int, error) {
	if t.max > 0 && len(p) > t.max {
		p = p[:t.max]
	}
	n, err := t.r.Read(p)
	if n > 0 {
		t.touch()
		t.n.Add(int64(n))
	}
	return n, err
}

// timing records the phases of one upstream call for `profile` (spec §4.5), in ms since
// the epoch like the page's own clock.
type timing struct {
	mu                                                     sync.Mutex
	fetchStart, dnsStart, dnsEnd, connectStart, connectEnd float64
	tlsStart, tlsEnd, requestStart, requestEnd, firstByte  float64
	peer                                                   string
	reused                                                 bool
	sent                                                   atomic.Int64
}

func now() float64 { return float64(time.Now().UnixMicro()) / 1e3 }

// mark records the current time in *f (first time only); tm may be nil.
func (tm *timing) mark(f *float64) {
	if tm == nil {
		return
	}
	tm.mu.Lock()
	if *f == 0 {
		*f = now()
	}
	tm.mu.Unlock()
}

func (tm *timing) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		TLSHandshakeStart: func() { tm.mark(&tm.tlsStart) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { tm.mark(&tm.tlsEnd) },
		GotConn: func(info httptrace.GotConnInfo) {
			tm.mu.Lock()
			tm.reused = info.Reused
			if info.Conn != nil {
				tm.peer = info.Conn.RemoteAddr().String()
			}
			tm.mu.Unlock()
			tm.mark(&tm.requestStart)
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { tm.mark(&tm.requestEnd) },
		// net/http may call WroteRequest after the response has begun (it writes the
		// request on another goroutine): the request has ended by its answer's first byte
		GotFirstResponseByte: func() { tm.mark(&tm.requestEnd); tm.mark(&tm.firstByte) },
	}
}

// profile fills the relay's part of `profile`; the page adds responseEnd and the bytes
// it received.
func (tm *timing) profile(resp *http.Response) map[string]any {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	host, port, _ := net.SplitHostPort(tm.peer)
	proto := "http/1.1"
	if resp.ProtoMajor == 2 {
		proto = "h2"
	}
	rtt := 0.0
	if tm.firstByte > 0 && tm.requestEnd > 0 {
		rtt = tm.firstByte - tm.requestEnd
	}
	p, _ := strconv.Atoi(port)
	return map[string]any{
		"fetchStart": tm.fetchStart, "domainLookupStart": tm.dnsStart, "domainLookupEnd": tm.dnsEnd,
		"connectStart": tm.connectStart, "connectEnd": tm.connectEnd,
		"SSLconnectionStart": tm.tlsStart, "SSLconnectionEnd": tm.tlsEnd,
		"requestStart": tm.requestStart, "requestEnd": tm.requestEnd, "responseStart": tm.firstByte,
		"rtt": rtt, "peerIP": host, "port": p, "protocol": proto, "socketReused": tm.reused,
		"sendBytesCount": tm.sent.Load(),
	}
}
