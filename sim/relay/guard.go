package relay

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/check"
	"github.com/wxsim/wxsim/sim/urlx"
)

// refusal is an upstream call the relay will not make (an address check); it reaches
// the page as kind "refused".
type refusal struct{ msg string }

func (e *refusal) Error() string { return e.msg }

// policyError is a URL or redirect hop outside the app's domain lists (spec §3.6).
type policyError struct {
	err error // sim.ErrDomain or sim.ErrInvalidURL
	url string
}

func (e *policyError) Error() string { return e.err.Error() + ": " + e.url }

// checkURL applies the session's policy (spec §3) to raw for api, then makes sure Go's
// URL parser sees the same host and port as the WHATWG parser the policy used, so
// nothing can be checked under one reading and requested under another.
func checkURL(s *session, api, raw string) (*url.URL, error) {
	parts, _, err := urlx.Parse(raw)
	if err != nil {
		return nil, &policyError{sim.ErrInvalidURL, raw}
	}
	if err := s.cfg.Policy.Check(api, parts); err != nil {
		return nil, &policyError{err, raw}
	}
	// Go finds no authority unless "//" follows the scheme, where the WHATWG parser skips
	// any run of '/' and '\\': "https:h/x" would go out as "GET h/x", "https:/h/x" as /h/x
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, parts.Scheme) || u.User != nil || u.Host == "" {
		return nil, &refusal{"the URL reads differently to the policy and to the HTTP client; write it plainly: " + raw}
	}
	// the host and port the policy passed, in the browser's normal form (127.1 is
	// 127.0.0.1), are the ones requested, whatever Go's parser made of them
	u.Host = parts.Host
	if parts.Port != "" {
		u.Host += ":" + parts.Port
	}
	return u, nil
}

// dropHeaders are never forwarded from the page: hop-by-hop (RFC 9110 §7.6.1), proxy
// headers, and those the relay or the transport sets itself.
var dropHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true,
	"Upgrade": true, "Forwarded": true, "Via": true, "Host": true, "Content-Length": true,
	"Referer": true, "User-Agent": true, "Expect": true,
}

// upstreamHeader builds the upstream request header from the page's pairs (spec §4.3):
// Referer and User-Agent are WeChat's, hop-by-hop and proxy headers are dropped, and a
// name or value that is not a valid header field (CR, LF, NUL, ...) refuses the call.
func upstreamHeader(s *session, pairs [][2]string) (http.Header, error) {
	h := http.Header{}
	var connection []string
	for _, p := range pairs {
		name, value := p[0], p[1]
		if !httpguts.ValidHeaderFieldName(name) {
			return nil, &headerError{"header name " + quote(name) + " is not a valid HTTP field name"}
		}
		if !httpguts.ValidHeaderFieldValue(value) {
			return nil, &headerError{"header " + name + " has a value with CR, LF or another control character"}
		}
		k := http.CanonicalHeaderKey(name)
		switch {
		case k == "Connection":
			connection = append(connection, strings.Split(value, ",")...)
			continue
		case dropHeaders[k], strings.HasPrefix(k, "Proxy-"), strings.HasPrefix(k, "X-Forwarded-"),
			strings.HasPrefix(k, "Sec-Websocket-"):
			continue
		}
		h.Add(k, value)
	}
	for _, c := range connection { // headers the Connection header names are hop-by-hop too
		h.Del(strings.TrimSpace(c))
	}
	h.Set("Referer", s.referer)
	h.Set("User-Agent", UserAgent)
	return h, nil
}

// headerError is a header the relay will not send; kind "header".
type headerError struct{ msg string }

func (e *headerError) Error() string { return e.msg }

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + strings.NewReplacer("\r", `\r`, "\n", `\n`, "\x00", `\0`).Replace(s) + `"`
}

// blocked says why the relay will not connect to ip for a URL whose host is host, or ""
// when it may. host is the URL's host as the transport dials it (an IP literal without
// brackets, or a name). A LAN IPv4 address is allowed only when the URL itself names it
// (the spec §3.4 rule, or urlCheck off — the policy has already passed the URL); a name
// that resolves to it is refused (DNS rebinding).
func blocked(ip netip.Addr, host string) string {
	ip = ip.Unmap()
	if ip.Is6() && nat64.Contains(ip) { // 64:ff9b::a.b.c.d reaches a.b.c.d
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	switch {
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsUnspecified():
		return "an unspecified address"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "a link-local address"
	case ip.IsMulticast(), ip == broadcast:
		return "a multicast or broadcast address"
	case ip.IsPrivate(), sharedNAT.Contains(ip), thisNet.Contains(ip):
		if lit, err := netip.ParseAddr(host); err == nil && lit.Unmap() == ip && sim.IsLANIPv4(host) {
			return ""
		}
		return "a private address"
	}
	return ""
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sharedNAT = netip.MustParsePrefix("100.64.0.0/10")
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	broadcast = netip.MustParseAddr("255.255.255.255")
)

// timingKey carries a *timing through a request context to the dialer.
type timingKey struct{}

// dial resolves host (pins first), checks every resolved address, then connects to the
// first that answers. It runs for every connection the transport opens, so each
// redirect hop and each reconnect is checked on the address actually used.
func (rl *Relay) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	tm, _ := ctx.Value(timingKey{}).(*timing)
	if tm == nil {
		tm = new(timing) // a dial outside a relay call: nothing records its phases
	}
	tm.mark(&tm.dnsStart)
	targets, pinned, err := rl.resolve(ctx, host, port)
	tm.mark(&tm.dnsEnd)
	if err != nil {
		return nil, err
	}
	if !pinned {
		for _, t := range targets {
			if why := blocked(t.Addr(), host); why != "" {
				what := host + " resolves to " + t.Addr().String() + ", " + why
				if _, err := netip.ParseAddr(host); err == nil {
					what = host + " is " + why
				}
				return nil, &refusal{what + "; the relay does not connect there (pin it with --map if you mean it)"}
			}
		}
	}
	var d net.Dialer
	var lastErr error
	tm.mark(&tm.connectStart)
	for _, t := range targets {
		c, err := d.DialContext(ctx, network, t.String())
		if err == nil {
			tm.mark(&tm.connectEnd)
			return c, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// resolve returns the addresses for host: its pin, an IP literal itself, or the
// resolver's answer. pinned reports an operator pin (exempt from the address checks).
func (rl *Relay) resolve(ctx context.Context, host, port string) (_ []netip.AddrPort, pinned bool, _ error) {
	p, err := netip.ParseAddrPort("0.0.0.0:" + port)
	if err != nil {
		return nil, false, err
	}
	if pin, ok := rl.o.Pins[strings.ToLower(host)]; ok {
		ap, err := check.PinAddr(pin, port)
		if err != nil {
			return nil, false, &refusal{"bad --map pin for " + host + ": " + pin}
		}
		return []netip.AddrPort{ap}, true, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.AddrPort{netip.AddrPortFrom(ip, p.Port())}, false, nil
	}
	out, err := rl.o.Resolve(ctx, host, port)
	if err == nil && len(out) == 0 {
		err = errors.New("no address for " + host)
	}
	return out, false, err
}

// transport builds an upstream transport: strict verifies TLS as WeChat does (≥ 1.2,
// trusted chain, host name, validity; spec §9), lax (urlCheck off) verifies nothing, as
// DevTools' switch does. h1 transports serve WebSocket handshakes.
func (rl *Relay) transport(strict, h1 bool) *http.Transport {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: rl.o.Roots}
	if !strict {
		cfg = &tls.Config{MinVersion: tls.VersionTLS10, InsecureSkipVerify: true}
	}
	t := &http.Transport{
		Proxy:                 nil, // never an environment proxy
		DialContext:           rl.dial,
		TLSClientConfig:       cfg,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: handshakeCap + 5*time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   16,
		DisableCompression:    true, // bodies pass through as sent; the browser decodes
		ForceAttemptHTTP2:     !h1,
	}
	if h1 {
		t.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
	}
	return t
}
