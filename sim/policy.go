package sim

import (
	"errors"
	"strconv"
	"strings"
)

// URLParts is a parsed absolute URL as the transport will see it (spec §3). The browser
// build fills it from `new URL(raw)` plus RawPort(raw) (the browser drops default ports);
// natively sim/urlx.Parse produces the same parts.
type URLParts struct {
	Scheme   string // lower-case without ':' e.g. "https"
	Host     string // ASCII lower-case; IDN as punycode; IPv4 dotted decimal; IPv6 in brackets "[::1]"
	Port     string // explicit port as written, leading zeros dropped, "" when none: ":443" on https gives "443" (§3.3)
	Userinfo bool   // the URL carries credentials: a non-empty user name or password before '@'
}

// Origin is one domain-list entry, scheme://host[:port] (spec §2, §3.2).
type Origin struct{ Scheme, Host, Port string }

// String renders the entry as it is configured: scheme://host[:port].
func (o Origin) String() string {
	if o.Port == "" {
		return o.Scheme + "://" + o.Host
	}
	return o.Scheme + "://" + o.Host + ":" + o.Port
}

// Domains are the per-API domain lists of spec §2 (at most 20 entries each, §3.2).
type Domains struct{ Request, Socket, UploadFile, DownloadFile []Origin }

// Policy is the URL and domain policy of one app (spec §3).
type Policy struct {
	URLCheck bool    // enforce §3; false is DevTools' "do not verify domain names" (§3.8)
	SDK      Version // base library version; gates the LAN bypass (§3.4)
	Domains  Domains
}

// netRule says how one network API is checked.
type netRule struct {
	list    string // config key of its domain list (§2, §3.2)
	secure  string // the one scheme allowed with urlCheck on (§3.1)
	plain   string // the other scheme allowed with urlCheck off (§3.8)
	anyPort bool   // entries carry no port and any port of a listed host passes (§3.3)
}

// netRules are the checked APIs (spec §3.1–§3.3, §3.8).
var netRules = map[string]netRule{
	APIRequest:       {list: "request", secure: "https", plain: "http"},
	APIUploadFile:    {list: "uploadFile", secure: "https", plain: "http"},
	APIDownloadFile:  {list: "downloadFile", secure: "https", plain: "http"},
	APIConnectSocket: {list: "socket", secure: "wss", plain: "ws", anyPort: true},
}

// lanSince is the first base library whose requests may reach LAN IPv4 hosts (§3.4).
var lanSince = Version{2, 4, 0}

// lanNets are the LAN IPv4 ranges of §3.4 as {network, prefix length}. Loopback
// (127/8) is deliberately absent: the local machine never bypasses the lists.
var lanNets = [...]struct {
	net  uint32
	bits uint
}{
	{10 << 24, 8},
	{172<<24 | 16<<16, 12},
	{192<<24 | 168<<16, 16},
}

// neverAllowedHosts fail even when listed (§3.5).
var neverAllowedHosts = [...]string{"api.weixin.qq.com"}

// Check applies spec §3 to u for api (APIRequest, APIUploadFile, APIDownloadFile,
// APIConnectSocket) and returns nil when the URL may be used, else ErrDomain or
// ErrInvalidURL (§3.7). Decisions where the spec is silent:
//   - an unknown api has no list and fails with ErrDomain;
//   - a URL carrying credentials (user:pass@) fails with ErrDomain while urlCheck is on,
//     whatever its host: it is the shape of the `https://ok.example@evil.test/` trick, and
//     fetch refuses such URLs anyway, so neither transport could honour it;
//   - the §3.4 LAN bypass skips only the list and its port rule: the scheme must still be
//     https/wss (§3.1 applies to every URL); IPv4-mapped IPv6 hosts are not "LAN IPv4";
//   - hosts are compared byte for byte apart from ASCII case, so a trailing-dot host
//     ("ok.example.") does not match the entry "ok.example" (§3.2 "exactly");
//   - with urlCheck off (§3.8) only the API's own scheme family passes (http/https for
//     the HTTP APIs, ws/wss for sockets); anything else is ErrInvalidURL, not ErrDomain,
//     as no domain list was consulted. §3.5 does not apply then either.
func (p *Policy) Check(api string, u URLParts) error {
	r, ok := netRules[api]
	switch {
	case !ok:
		return ErrDomain
	case !p.URLCheck:
		return r.checkUnchecked(u)
	case u.Scheme != r.secure: // §3.1
		return ErrDomain
	case u.Host == "": // §3.7
		return ErrInvalidURL
	case u.Userinfo: // decision above
		return ErrDomain
	case isNeverAllowed(u.Host): // §3.5
		return ErrDomain
	case !p.SDK.Less(lanSince) && IsLANIPv4(u.Host): // §3.4
		return nil
	case !listable(u.Host): // §3.4: IPs and localhost are never list entries
		return ErrDomain
	}
	for _, o := range p.Domains.List(api) {
		if r.matches(o, u) {
			return nil
		}
	}
	return ErrDomain
}

// checkUnchecked is Check with urlCheck off (§3.8): any absolute URL of the API's
// scheme family.
func (r netRule) checkUnchecked(u URLParts) error {
	if (u.Scheme != r.secure && u.Scheme != r.plain) || u.Host == "" {
		return ErrInvalidURL
	}
	return nil
}

// matches applies §3.2 (exact host, ASCII case-insensitive) and §3.3 (ports).
func (r netRule) matches(o Origin, u URLParts) bool {
	return asciiEqualFold(o.Scheme, u.Scheme) && asciiEqualFold(o.Host, u.Host) &&
		(r.anyPort || normPort(o.Port) == normPort(u.Port))
}

// ParseOrigin validates one entry of the domain list named list: the API that reads it
// (APIRequest, APIConnectSocket, ...) or its §2 config key ("request", "socket",
// "uploadFile", "downloadFile"). u holds the entry's parts from the
// caller's URL parser (Port as RawPort reports it), raw its text, and hasPathOrQuery
// whether it had anything after the authority other than a lone "/". Entries are
// scheme://host[:port] (§2) with the list's scheme (§3.1); IP addresses and localhost are
// refused (§3.4), and so is api.weixin.qq.com (§3.5), which could never match. Decisions:
// socket entries may not carry a port (§3.3: any port is allowed), and a host ending in
// '.' is refused (it would only ever match URLs written with the dot, §3.2).
func ParseOrigin(list string, u URLParts, raw string, hasPathOrQuery bool) (Origin, error) {
	r, ok := netRules[list]
	if !ok {
		r, ok = ruleForList(list)
	}
	if !ok {
		return Origin{}, errors.New(strconv.Quote(raw) + " is in an unknown domain list " + strconv.Quote(list))
	}
	if problem := originProblem(r, u, hasPathOrQuery); problem != "" {
		return Origin{}, errors.New(strconv.Quote(raw) + " " + problem)
	}
	return Origin{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Port: normPort(u.Port)}, nil
}

// originProblem names what is wrong with a list entry, "" if nothing.
func originProblem(r netRule, u URLParts, hasPathOrQuery bool) string {
	switch {
	case u.Scheme != r.secure:
		return "must be a " + r.secure + ":// origin (§3.1, web/docs/behaviour.md)"
	case u.Host == "":
		return "has no host"
	case u.Userinfo:
		return "must not contain user info (user:pass@)"
	case hasPathOrQuery:
		return "must be scheme://host[:port] without path, query or fragment (§2, web/docs/behaviour.md)"
	case isIPHost(u.Host):
		return "is an IP address; IPs cannot be list entries (§3.4, web/docs/behaviour.md)"
	case isLocalhost(u.Host):
		return "is localhost, which cannot be a list entry (§3.4, web/docs/behaviour.md)"
	case isNeverAllowed(u.Host):
		return "is never allowed, even if listed (§3.5, web/docs/behaviour.md)"
	case strings.HasSuffix(u.Host, "."):
		return "has a host ending in '.', which only matches URLs written with the dot (§3.2, web/docs/behaviour.md)"
	case r.anyPort && u.Port != "":
		return "must not have a port: socket entries allow any port of the host (§3.3, web/docs/behaviour.md)"
	}
	return ""
}

// ruleForList finds the rule of the API that reads the list named key.
func ruleForList(key string) (netRule, bool) {
	for _, r := range netRules {
		if r.list == key {
			return r, true
		}
	}
	return netRule{}, false
}

// DomainWarning is the console warning shown when Check refuses rawURL for api
// (spec §3.7): it names the URL, the scheme the API needs and the list it was checked
// against (Domains.List(api)). When the URL carries user info it also names the host
// the URL really points at.
func DomainWarning(api, rawURL string, list []Origin) string {
	var b strings.Builder
	b.WriteString(api + ": " + strconv.Quote(rawURL) + " is not in domain list")
	if r, ok := netRules[api]; ok {
		b.WriteString(": " + api + " needs " + r.secure + ":// URLs whose host")
		if !r.anyPort {
			b.WriteString("[:port]")
		}
		b.WriteString(" is listed in domains." + r.list)
	}
	b.WriteString(" [")
	for i, o := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(o.String())
	}
	b.WriteString("]")
	if host, ok := credentialHost(rawURL); ok {
		b.WriteString("; its host is " + strconv.Quote(host) + " and URLs with user:pass@ are refused")
	}
	b.WriteString(" (§3, web/docs/behaviour.md). Add the origin to the list or set urlCheck:false.")
	return b.String()
}

// credentialHost returns the raw host of a URL that carries user info.
func credentialHost(raw string) (string, bool) {
	auth, ok := rawAuthority(raw)
	at := strings.LastIndexByte(auth, '@')
	if !ok || at < 0 || auth[:at] == "" || auth[:at] == ":" {
		return "", false
	}
	host, _ := splitRawHostPort(auth[at+1:])
	return host, true
}

// IsLANIPv4 reports whether host is a dotted-decimal IPv4 address in 10/8, 172.16/12 or
// 192.168/16, the LAN ranges of spec §3.4. Hosts come normalised by the URL parser
// (127.1 → 127.0.0.1), so only the canonical form is recognised.
func IsLANIPv4(host string) bool {
	ip, ok := dottedIPv4(host)
	if !ok {
		return false
	}
	for _, n := range lanNets {
		if ip>>(32-n.bits) == n.net>>(32-n.bits) {
			return true
		}
	}
	return false
}

// dottedIPv4 parses the canonical a.b.c.d form: four decimal octets without leading zeros.
func dottedIPv4(s string) (uint32, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, false
	}
	var ip uint32
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 255 || strconv.Itoa(n) != p {
			return 0, false
		}
		ip = ip<<8 | uint32(n)
	}
	return ip, true
}

// listable reports whether host could be a list entry at all (§3.4): not an IP address,
// not localhost.
func listable(host string) bool { return !isIPHost(host) && !isLocalhost(host) }

// isIPHost reports whether host is an IP literal: bracketed IPv6, or a name whose last
// label is a number (the WHATWG "ends in a number" rule), so 127.1 or 0x7f000001 count
// even if a caller did not normalise them.
func isIPHost(host string) bool {
	if strings.HasPrefix(host, "[") {
		return true
	}
	h := strings.TrimSuffix(host, ".")
	last := h[strings.LastIndexByte(h, '.')+1:]
	if len(last) >= 2 && (last[:2] == "0x" || last[:2] == "0X") {
		return strings.Trim(last[2:], "0123456789abcdefABCDEF") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// isLocalhost reports localhost and its subdomains, which browsers resolve to loopback (§3.4).
func isLocalhost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

// isNeverAllowed applies §3.5, also to the trailing-dot spelling of the host.
func isNeverAllowed(host string) bool {
	h := strings.TrimSuffix(host, ".")
	for _, n := range neverAllowedHosts {
		if asciiEqualFold(h, n) {
			return true
		}
	}
	return false
}

// asciiEqualFold compares ASCII case-insensitively; other bytes must be equal (§3.2).
// Unlike strings.EqualFold it does not fold non-ASCII letters such as K (Kelvin).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// RawPort returns the port written in raw, which the browser's parser drops when it is
// the scheme's default (new URL("https://a.com:443/").port === ""), while §3.3 must see
// it. It delimits the authority the way the WHATWG URL parser does: leading and trailing
// C0 controls and spaces are ignored and tab/CR/LF removed anywhere; after "scheme:" a
// special scheme (http, https, ws, wss, ftp) skips any '/' and '\' and a non-special one
// needs "//"; the authority ends at '/', '?', '#' (and '\' for special schemes); user info
// runs to the last '@'; the host ends at the first ':' outside "[...]". The result is the
// port with leading zeros dropped, as url.port shows non-default ports: "443" for ":443",
// "" for none or a bare ":". It does not validate: on a URL the browser rejects the
// result is meaningless. file: URLs have no port.
func RawPort(raw string) string {
	auth, ok := rawAuthority(raw)
	if !ok {
		return ""
	}
	_, port := splitRawHostPort(auth[strings.LastIndexByte(auth, '@')+1:])
	return normPort(port)
}

// rawAuthority returns the authority of raw (see RawPort), ok false if it has none.
func rawAuthority(raw string) (string, bool) {
	scheme, rest, ok := strings.Cut(cleanRawURL(raw), ":")
	if !ok || !isSchemeName(scheme) {
		return "", false
	}
	ends := "/?#"
	switch strings.ToLower(scheme) {
	case "file":
		return "", false
	case "http", "https", "ws", "wss", "ftp":
		rest, ends = strings.TrimLeft(rest, `/\`), `/?#\`
	default:
		if rest, ok = strings.CutPrefix(rest, "//"); !ok {
			return "", false
		}
	}
	if i := strings.IndexAny(rest, ends); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}

// cleanRawURL strips leading and trailing C0 controls and spaces and removes tab, LF
// and CR anywhere, as the WHATWG parser does before it starts.
func cleanRawURL(raw string) string {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' })
	if !strings.ContainsAny(s, "\t\n\r") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && c != '\n' && c != '\r' {
			b = append(b, c)
		}
	}
	return string(b)
}

// isSchemeName reports a WHATWG scheme: an ASCII letter, then letters, digits, '+', '-', '.'.
func isSchemeName(s string) bool {
	if s == "" || lowerASCII(s[0]) < 'a' || lowerASCII(s[0]) > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := lowerASCII(s[i])
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// splitRawHostPort splits host[:port] at the first ':' outside brackets.
func splitRawHostPort(hostport string) (host, port string) {
	inBrackets := false
	for i := 0; i < len(hostport); i++ {
		switch hostport[i] {
		case '[':
			inBrackets = true
		case ']':
			inBrackets = false
		case ':':
			if !inBrackets {
				return hostport[:i], hostport[i+1:]
			}
		}
	}
	return hostport, ""
}

// normPort drops the leading zeros of a decimal port ("0443" → "443", "00" → "0");
// anything that is not all digits is returned unchanged.
func normPort(p string) string {
	if p == "" || strings.Trim(p, "0123456789") != "" {
		return p
	}
	if p = strings.TrimLeft(p, "0"); p == "" {
		return "0"
	}
	return p
}
