// Package check implements `wxsim check URL...`: it tells a mini-program developer,
// before deploying, whether WeChat would accept their server (issue 7 item 7).
//
// For each URL it runs, in order: the URL form of spec §3 (https/wss §3.1, explicit
// ports §3.3, no IP or localhost §3.4, never api.weixin.qq.com §3.5, no user info), DNS,
// the TLS versions the server offers (WeChat needs TLS ≥ 1.2, spec §9), the certificate
// (chain to a trusted root, host name, validity; spec §9), HTTP/2 by ALPN (informative
// only) and, for wss URLs, a WebSocket handshake (spec §6). A URL-form failure stops the
// check before any network traffic, as WeChat refuses such URLs before connecting (§3.7).
package check

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

// Level is the outcome of one check. Levels are ordered: the verdict is the highest.
type Level int

const (
	Info Level = iota // informative, never a failure
	Pass              // the check passed
	Warn              // WeChat accepts it today, but act soon
	Fail              // WeChat would refuse the server
)

var levelNames = [...]string{Info: "INFO", Pass: "PASS", Warn: "WARN", Fail: "FAIL"}

func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l]
}

// Item is one line of a report.
type Item struct {
	Level   Level
	Name    string // what was checked: "url", "dns", "tls", "certificate", ...
	Message string
}

// Report is the result of checking one URL.
type Report struct {
	URL     string
	Items   []Item
	Verdict Level // Pass, Warn or Fail (Info items count as Pass)
}

// String renders the report as readable text, one check per line, then the verdict.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "check %s\n", r.URL)
	for _, it := range r.Items {
		fmt.Fprintf(&b, "  %-4s  %-12s %s\n", it.Level, it.Name, it.Message)
	}
	fmt.Fprintf(&b, "verdict: %s: %s\n", r.Verdict, verdictText[r.Verdict])
	return b.String()
}

var verdictText = map[Level]string{
	Pass: "WeChat would accept this server",
	Warn: "WeChat would accept this server today; see the warnings",
	Fail: "WeChat would refuse this server",
}

// Message returns the message of the first item named name, "" if none.
func (r Report) Message(name string) string {
	for _, it := range r.Items {
		if it.Name == name {
			return it.Message
		}
	}
	return ""
}

func (r *Report) add(l Level, name, format string, args ...any) {
	r.Items = append(r.Items, Item{Level: l, Name: name, Message: fmt.Sprintf(format, args...)})
	if l > r.Verdict {
		r.Verdict = l
	}
}

// Resolver returns the addresses to connect to for host; port is the URL's port
// ("443" when none is written). An address may carry another port (a --map pin).
type Resolver func(ctx context.Context, host, port string) ([]netip.AddrPort, error)

// Options configure Run. The zero value uses system roots, system DNS and the clock.
type Options struct {
	Roots      *x509.CertPool   // trusted roots; nil means the system roots
	Resolve    Resolver         // nil means SystemResolver
	AllowPorts []string         // explicit https ports the domain list carries (spec §3.3)
	Now        func() time.Time // clock for certificate validity; nil means time.Now
	Timeout    time.Duration    // for the whole URL; 0 means DefaultTimeout
}

// DefaultTimeout bounds the checks of one URL.
const DefaultTimeout = 15 * time.Second

// ExpiryWarning is how close to expiry a certificate draws a WARN.
const ExpiryWarning = 30 * 24 * time.Hour

// SystemResolver resolves host with the system resolver.
func SystemResolver(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
	p, err := netip.ParseAddrPort("0.0.0.0:" + port)
	if err != nil {
		return nil, err
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	out := make([]netip.AddrPort, len(ips))
	for i, ip := range ips {
		out[i] = netip.AddrPortFrom(ip.Unmap(), p.Port())
	}
	return out, nil
}

// PinAddr is the address a `--map` pin ("IP:PORT", or "IP" to keep the URL's port)
// gives for a URL on port.
func PinAddr(pin, port string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(pin); err == nil {
		return ap, nil
	}
	ip, err := netip.ParseAddr(pin)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad --map pin %q: want IP or IP:PORT", pin)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad port %q", port)
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(p)), nil
}

// MapResolver pins hosts to addresses ("IP:PORT", or "IP" to keep the URL's port),
// as `--map HOST=IP[:PORT]` does; other hosts go to next, or fail when next is nil.
func MapResolver(pins map[string]string, next Resolver) Resolver {
	return func(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
		if a, ok := pins[strings.ToLower(host)]; ok {
			ap, err := PinAddr(a, port)
			if err != nil {
				return nil, err
			}
			return []netip.AddrPort{ap}, nil
		}
		if next == nil {
			return nil, fmt.Errorf("no address pinned for %s", host)
		}
		return next(ctx, host, port)
	}
}

// apiFor maps the URL scheme to the API whose rules apply (spec §3.1).
var apiFor = map[string]string{"https": sim.APIRequest, "wss": sim.APIConnectSocket}

// tlsVersions are probed one at a time (spec §9: WeChat needs TLS ≥ 1.2).
var tlsVersions = []struct {
	v    uint16
	name string
}{
	{tls.VersionTLS10, "1.0"},
	{tls.VersionTLS11, "1.1"},
	{tls.VersionTLS12, "1.2"},
	{tls.VersionTLS13, "1.3"},
}

// Run checks rawURL and returns its report.
func Run(ctx context.Context, o Options, rawURL string) Report {
	o = o.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	r := Report{URL: rawURL, Verdict: Pass}
	u, ok := checkURL(&r, o, rawURL)
	if !ok {
		return r
	}
	port := u.Port
	if port == "" {
		port = "443"
	}
	addr, ok := checkDNS(ctx, &r, o, u.Host, port)
	if !ok {
		return r
	}
	if !checkTLSVersions(ctx, &r, u.Host, addr) {
		return r
	}
	if !checkCertificate(ctx, &r, o, u.Host, addr) {
		return r
	}
	if u.Scheme == "wss" {
		checkWebSocket(ctx, &r, o, rawURL, u.Host, addr)
	}
	return r
}

func (o Options) withDefaults() Options {
	if o.Resolve == nil {
		o.Resolve = SystemResolver
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return o
}

// checkURL applies spec §3 to the URL form, with a domain list that holds the URL's own
// origin: what is left to fail is what no domain-list entry could ever allow.
func checkURL(r *Report, o Options, raw string) (sim.URLParts, bool) {
	u, _, err := urlx.Parse(raw)
	if err != nil {
		r.add(Fail, "url", "%q does not parse as an absolute URL (§3.7, web/docs/behaviour.md)", raw)
		return u, false
	}
	api, ok := apiFor[u.Scheme]
	if !ok {
		r.add(Fail, "scheme", "scheme %q is refused: wx.request, uploadFile and downloadFile need https://, wx.connectSocket needs wss:// (§3.1, web/docs/behaviour.md)", u.Scheme)
		return u, false
	}
	r.add(Pass, "scheme", "%s:// is allowed for wx.%s (§3.1, web/docs/behaviour.md)", u.Scheme, api)
	failed := false
	if u.Userinfo {
		r.add(Fail, "userinfo", "URLs with user:pass@ are refused")
		failed = true
	}
	// ParseOrigin names what no list entry may be: an IP, localhost, api.weixin.qq.com.
	host := u
	host.Port, host.Userinfo = "", false
	if _, err := sim.ParseOrigin(api, host, u.Host, false); err != nil {
		r.add(Fail, "host", "host %s", err)
		failed = true
	} else {
		r.add(Pass, "host", "%s can be a domain-list entry (§3.2, §3.4, §3.5, web/docs/behaviour.md)", u.Host)
	}
	switch {
	case u.Port == "":
	case u.Scheme == "wss":
		r.add(Pass, "port", "port %s: any port of a listed wss host is allowed (§3.3, web/docs/behaviour.md)", u.Port)
	case allowed(o.AllowPorts, u.Port):
		r.add(Pass, "port", "port %s is allowed: list the entry as https://%s:%s (§3.3, web/docs/behaviour.md)", u.Port, u.Host, u.Port)
	default:
		r.add(Fail, "port", "explicit port :%s fails unless the domain-list entry carries it (§3.3, web/docs/behaviour.md); remove it or pass --allow-port %s", u.Port, u.Port)
		failed = true
	}
	if failed {
		return u, false
	}
	// Cross-check with the policy itself, so this command never disagrees with it.
	entry := sim.Origin{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}
	if u.Scheme == "https" {
		entry.Port = u.Port
	}
	p := sim.Policy{URLCheck: true, SDK: sim.Version{2, 0, 0}}
	if api == sim.APIConnectSocket {
		p.Domains.Socket = []sim.Origin{entry}
	} else {
		p.Domains.Request = []sim.Origin{entry}
	}
	if err := p.Check(api, u); err != nil {
		r.add(Fail, "policy", "refused by the domain policy: %s (§3.7, web/docs/behaviour.md)", err)
		return u, false
	}
	return u, true
}

func allowed(ports []string, p string) bool {
	for _, a := range ports {
		if strings.TrimLeft(a, "0") == strings.TrimLeft(p, "0") {
			return true
		}
	}
	return false
}

// checkDNS resolves host and returns the first address that accepts a TCP connection.
func checkDNS(ctx context.Context, r *Report, o Options, host, port string) (string, bool) {
	addrs, err := o.Resolve(ctx, host, port)
	if err == nil && len(addrs) == 0 {
		err = errors.New("no addresses")
	}
	if err != nil {
		r.add(Fail, "dns", "cannot resolve %s: %v", host, err)
		return "", false
	}
	list := make([]string, len(addrs))
	for i, a := range addrs {
		list[i] = a.String()
	}
	r.add(Pass, "dns", "%s resolves to %s", host, strings.Join(list, ", "))
	var d net.Dialer
	var lastErr error
	for _, a := range list {
		c, err := d.DialContext(ctx, "tcp", a)
		if err == nil {
			c.Close()
			r.add(Pass, "connect", "TCP connection to %s", a)
			return a, true
		}
		lastErr = err
	}
	r.add(Fail, "connect", "cannot connect: %v", lastErr)
	return "", false
}

// handshake dials addr and runs a TLS handshake with cfg.
func handshake(ctx context.Context, addr string, cfg *tls.Config) (tls.ConnectionState, error) {
	d := tls.Dialer{Config: cfg}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer c.Close()
	return c.(*tls.Conn).ConnectionState(), nil
}

// OfferedTLS probes each TLS version on its own against addr (SNI host) and returns the
// versions the server completes a handshake with, the best of them (0 for none) and the
// last handshake error.
func OfferedTLS(ctx context.Context, host, addr string) (offered []string, best uint16, lastErr error) {
	for _, v := range tlsVersions {
		cfg := &tls.Config{
			ServerName:         host,
			MinVersion:         v.v, // the client refuses < 1.2 unless asked explicitly
			MaxVersion:         v.v,
			InsecureSkipVerify: true, // only the version is probed here; the chain is checked apart
		}
		if _, err := handshake(ctx, addr, cfg); err != nil {
			lastErr = err
			continue
		}
		offered = append(offered, v.name)
		best = v.v
	}
	return offered, best, lastErr
}

// OldTLSOnly is the cause reported when a server offers only TLS versions below 1.2.
func OldTLSOnly(offered []string) string {
	return "server offers TLS " + strings.Join(offered, ", ") + " only"
}

// checkTLSVersions probes each TLS version on its own; WeChat needs ≥ 1.2 (spec §9).
func checkTLSVersions(ctx context.Context, r *Report, host, addr string) bool {
	offered, best, lastErr := OfferedTLS(ctx, host, addr)
	switch {
	case len(offered) == 0:
		r.add(Fail, "tls", "no TLS handshake succeeded: %v", lastErr)
		return false
	case best < tls.VersionTLS12:
		r.add(Fail, "tls", "%s", OldTLSOnly(offered))
		return false
	}
	r.add(Pass, "tls", "server offers TLS %s (WeChat needs TLS 1.2 or later; §9, web/docs/behaviour.md)", strings.Join(offered, ", "))
	return true
}

// checkCertificate checks the chain, host name and validity of the certificate the
// server presents to a TLS ≥ 1.2 client (spec §9), and HTTP/2 by ALPN. Each cause is
// reported on its own so the developer sees exactly what to fix.
func checkCertificate(ctx context.Context, r *Report, o Options, host, addr string) bool {
	cs, err := handshake(ctx, addr, &tls.Config{
		ServerName:         host,
		MinVersion:         tls.VersionTLS12,
		NextProtos:         []string{"h2", "http/1.1"},
		InsecureSkipVerify: true, // verified below, cause by cause
	})
	if err != nil || len(cs.PeerCertificates) == 0 {
		r.add(Fail, "certificate", "no certificate received: %v", err)
		return false
	}
	leaf := cs.PeerCertificates[0]
	now := o.Now()
	ok := true
	if !checkChain(r, o, leaf, cs.PeerCertificates[1:], now) {
		ok = false
	}
	if !checkHost(r, leaf, host) {
		ok = false
	}
	if !checkValidity(r, leaf, now) {
		ok = false
	}
	if cs.NegotiatedProtocol == "h2" {
		r.add(Pass, "http/2", "server negotiates HTTP/2 (ALPN h2)")
	} else {
		r.add(Info, "http/2", "no HTTP/2 (ALPN h2 not negotiated); HTTP/1.1 works")
	}
	return ok
}

// checkChain verifies leaf up to a trusted root at a time within its validity, so an
// expired certificate is reported as expired (checkValidity), not as untrusted.
func checkChain(r *Report, o Options, leaf *x509.Certificate, rest []*x509.Certificate, now time.Time) bool {
	inter := x509.NewCertPool()
	for _, c := range rest {
		inter.AddCert(c)
	}
	at := now
	if at.Before(leaf.NotBefore) {
		at = leaf.NotBefore
	}
	if at.After(leaf.NotAfter) {
		at = leaf.NotAfter
	}
	_, err := leaf.Verify(x509.VerifyOptions{Roots: o.Roots, Intermediates: inter, CurrentTime: at})
	var unknown x509.UnknownAuthorityError
	switch {
	case err == nil:
		r.add(Pass, "chain", "certificate chain leads to a trusted root")
		return true
	case errors.As(err, &unknown) && selfSigned(leaf):
		r.add(Fail, "chain", "certificate is self-signed and not trusted (subject %s)", leaf.Subject)
	case errors.As(err, &unknown):
		r.add(Fail, "chain", "certificate is signed by an unknown authority (issuer %s); send the intermediate certificates or use a trusted CA", leaf.Issuer)
	default:
		r.add(Fail, "chain", "certificate chain is invalid: %v", err)
	}
	return false
}

// checkHost checks that leaf is valid for host.
func checkHost(r *Report, leaf *x509.Certificate, host string) bool {
	if err := leaf.VerifyHostname(host); err != nil {
		r.add(Fail, "host name", "certificate is for %s", certNames(leaf))
		return false
	}
	r.add(Pass, "host name", "certificate matches %s", host)
	return true
}

// selfSigned reports a certificate signed by its own key (CheckSignatureFrom would
// refuse a leaf that is not marked as a CA).
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) &&
		c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// certNames lists the names a certificate is valid for.
func certNames(c *x509.Certificate) string {
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no host name"
	}
	return strings.Join(names, ", ")
}

const dateFormat = "2006-01-02"

// checkValidity fails outside the validity period and warns within ExpiryWarning of its end.
func checkValidity(r *Report, c *x509.Certificate, now time.Time) bool {
	switch left := c.NotAfter.Sub(now); {
	case now.After(c.NotAfter):
		r.add(Fail, "validity", "certificate expired on %s", c.NotAfter.UTC().Format(dateFormat))
		return false
	case now.Before(c.NotBefore):
		r.add(Fail, "validity", "certificate is not valid until %s", c.NotBefore.UTC().Format(dateFormat))
		return false
	case left < ExpiryWarning:
		r.add(Warn, "validity", "certificate expires on %s, in %d days", c.NotAfter.UTC().Format(dateFormat), int(left.Hours()/24))
	default:
		r.add(Pass, "validity", "certificate valid until %s", c.NotAfter.UTC().Format(dateFormat))
	}
	return true
}

// checkWebSocket opens a WebSocket with the verified TLS configuration (spec §6, §9).
func checkWebSocket(ctx context.Context, r *Report, o Options, rawURL, host, addr string) {
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{
			ServerName: host,
			RootCAs:    o.Roots,
			MinVersion: tls.VersionTLS12,
			Time:       o.Now,
		},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}
	defer tr.CloseIdleConnections()
	c, resp, err := websocket.Dial(ctx, rawURL, &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		if resp != nil {
			r.add(Fail, "websocket", "WebSocket handshake failed: HTTP %s", resp.Status)
		} else {
			r.add(Fail, "websocket", "WebSocket handshake failed: %v", err)
		}
		return
	}
	c.Close(websocket.StatusNormalClosure, "")
	r.add(Pass, "websocket", "WebSocket handshake succeeded (%s)", resp.Status)
}

// Main runs `wxsim check [--ca FILE]... [--map HOST=IP[:PORT]]... [--allow-port PORT]...
// URL...`: it prints one report per URL to stdout and returns the exit status: 0 when
// WeChat would accept every URL (warnings included), 1 when any URL fails, 2 on a usage
// error. Hosts not pinned by --map are resolved by system DNS.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return mainWith(ctx, args, stdout, stderr, Options{Resolve: SystemResolver})
}

// mainWith is Main with base options: base.Resolve resolves hosts --map does not pin,
// base.Now is the clock (tests pass a resolver that fails and a fixed clock).
func mainWith(ctx context.Context, args []string, stdout, stderr io.Writer, base Options) int {
	fs := flag.NewFlagSet("wxsim check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wxsim check [--ca FILE]... [--map HOST=IP[:PORT]]... [--allow-port PORT]... URL...")
		fs.PrintDefaults()
	}
	var cas, maps, ports Strings
	fs.Var(&cas, "ca", "PEM file of extra trusted root certificates (repeatable)")
	fs.Var(&maps, "map", "pin HOST to IP[:PORT] instead of DNS (repeatable)")
	fs.Var(&ports, "allow-port", "explicit https port the domain list carries (repeatable)")
	timeout := fs.Duration("timeout", DefaultTimeout, "time limit per URL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	roots, err := LoadRoots(cas)
	if err == nil {
		var pins map[string]string
		if pins, err = ParsePins(maps); err == nil {
			base.Resolve = MapResolver(pins, base.Resolve)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "wxsim check:", err)
		return 2
	}
	for _, p := range ports {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			fmt.Fprintf(stderr, "wxsim check: --allow-port %q: want a port number\n", p)
			return 2
		}
	}
	o := base
	o.Roots, o.AllowPorts, o.Timeout = roots, ports, *timeout
	status := 0
	for i, u := range fs.Args() {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		rep := Run(ctx, o, u)
		fmt.Fprint(stdout, rep.String())
		if rep.Verdict == Fail {
			status = 1
		}
	}
	return status
}

// CertificateCause names what is wrong with the certificates a server presented (leaf
// first) for host, in the words of the report: the first failing check of chain, host name
// and validity, or "" when all pass. The relay uses it to explain an
// `ssl hand shake error` (spec §9).
func CertificateCause(certs []*x509.Certificate, roots *x509.CertPool, host string, now time.Time) string {
	if len(certs) == 0 {
		return "no certificate received"
	}
	var r Report
	o := Options{Roots: roots}
	checkChain(&r, o, certs[0], certs[1:], now)
	checkHost(&r, certs[0], host)
	checkValidity(&r, certs[0], now)
	for _, it := range r.Items {
		if it.Level == Fail {
			return it.Message
		}
	}
	return ""
}
