// Package urlx parses URLs natively into the parts the domain policy reads (spec §3):
// scheme, host, explicit port and whether credentials are present. The relay (spec §9)
// and native tests use it where the browser build uses `new URL`.
//
// It follows the WHATWG URL Standard's basic URL parser without a base URL
// (https://url.spec.whatwg.org/#concept-basic-url-parser) through the scheme, authority,
// host, port and file-host states, so hosts come out as the browser makes them: the host
// is percent-decoded, mapped by UTS #46 (non-transitional, no STD3 rules, no hyphen
// checks) and punycoded; IPv4 numbers in any form (127.1, 2130706433, 0x7f000001,
// 0177.0.0.1) become dotted decimal; IPv6 is compressed and lower-cased with no dotted
// tail ([::ffff:127.0.0.1] → [::ffff:7f00:1]). Unlike the browser it keeps a default port
// that was written out ("https://a.com:443" has Port "443"), because spec §3.3 must see
// it. Paths, queries and fragments are not parsed, only noticed.
//
// It is written independently of sim.RawPort so that each checks the other (FuzzParse).
package urlx

import (
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/idna"

	"github.com/wxsim/wxsim/sim"
)

// specialSchemes are the WHATWG special schemes: their authority may follow any run of
// '/' and '\', '\' ends it like '/', and their hosts are domains or IP addresses.
var specialSchemes = map[string]bool{"ftp": true, "file": true, "http": true, "https": true, "ws": true, "wss": true}

// uts46 is WHATWG "domain to ASCII" with beStrict false: CheckHyphens false, CheckBidi
// and CheckJoiners true, UseSTD3ASCIIRules false, non-transitional, VerifyDnsLength false.
var uts46 = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false),
	idna.StrictDomainName(false), idna.CheckHyphens(false))

const (
	upperHex        = "0123456789ABCDEF"
	forbiddenHost   = "\x00\t\n\r #/:<>?@[\\]^|"
	forbiddenDomain = forbiddenHost + "%\x7f"
)

// Parse parses an absolute URL. It fails with sim.ErrInvalidURL where the browser's
// parser fails (relative URLs, a special-scheme URL without host, a port that is not
// decimal or exceeds 65535, a host with forbidden code points or invalid IDNA, an IPv4
// number out of range) and returns the URL's parts otherwise. hasPathOrQuery reports
// anything after the authority other than a lone "/" (a path, '?' or '#').
func Parse(raw string) (u sim.URLParts, hasPathOrQuery bool, err error) {
	scheme, rest, ok := cutScheme(trimURL(raw))
	if !ok {
		return sim.URLParts{}, false, sim.ErrInvalidURL
	}
	switch special := specialSchemes[scheme]; {
	case scheme == "file":
		u, hasPathOrQuery, ok = parseFile(rest)
	case special:
		u, hasPathOrQuery, ok = parseAuthority(strings.TrimLeft(rest, `/\`), true)
	case strings.HasPrefix(rest, "//"):
		u, hasPathOrQuery, ok = parseAuthority(rest[2:], false)
	default: // an opaque or path-only URL such as "mailto:a@b": no host
		hasPathOrQuery = rest != ""
	}
	if !ok {
		return sim.URLParts{}, false, sim.ErrInvalidURL
	}
	u.Scheme = scheme
	return u, hasPathOrQuery, nil
}

// trimURL removes leading and trailing C0 controls and spaces, then every tab, LF and CR.
func trimURL(s string) string {
	for len(s) > 0 && s[0] <= ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] <= ' ' {
		s = s[:len(s)-1]
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && c != '\n' && c != '\r' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// cutScheme runs the scheme start and scheme states: an ASCII letter, then letters,
// digits, '+', '-' or '.', up to ':'. Anything else makes the URL relative.
func cutScheme(s string) (scheme, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c|0x20 && c|0x20 <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(s[:i]), s[i+1:], true
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// parseAuthority runs the authority, host and port states on rest, the text after
// "scheme://".
func parseAuthority(rest string, special bool) (u sim.URLParts, hasPathOrQuery, ok bool) {
	end := len(rest)
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; c == '/' || c == '?' || c == '#' || special && c == '\\' {
			end = i
			break
		}
	}
	auth, tail := rest[:end], rest[end:]
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		// user info is user[:password]; credentials are present when either is non-empty
		u.Userinfo = auth[:at] != "" && auth[:at] != ":"
		if auth = auth[at+1:]; auth == "" {
			return u, false, false
		}
	}
	hostText, portText, hasPort := cutPort(auth)
	if hasPort && hostText == "" {
		return u, false, false
	}
	if u.Port, ok = parsePort(portText); !ok {
		return u, false, false
	}
	if u.Host, ok = parseHost(hostText, special); !ok || special && u.Host == "" {
		return u, false, false
	}
	return u, !(tail == "" || tail == "/" || special && tail == `\`), true
}

// cutPort splits host[:port] at the first ':' that is not inside brackets.
func cutPort(s string) (host, port string, found bool) {
	inBrackets := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			inBrackets = true
		case ']':
			inBrackets = false
		case ':':
			if !inBrackets {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// parsePort runs the port state: decimal digits only, at most 65535, serialised without
// leading zeros; "" (no port, or a bare ':') is fine.
func parsePort(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
		if n = n*10 + int(s[i]-'0'); n > 65535 {
			return "", false
		}
	}
	return strconv.Itoa(n), true
}

// parseHost is the WHATWG host parser.
func parseHost(s string, special bool) (string, bool) {
	if strings.HasPrefix(s, "[") {
		if !strings.HasSuffix(s, "]") {
			return "", false
		}
		return parseIPv6(s[1 : len(s)-1])
	}
	if !special {
		return opaqueHost(s)
	}
	domain, ok := domainToASCII(percentDecode(s))
	if !ok {
		return "", false
	}
	if endsInNumber(domain) {
		return parseIPv4(domain)
	}
	return domain, true
}

// opaqueHost is the host of a non-special URL: kept as written, C0 controls and
// non-ASCII bytes percent-encoded.
func opaqueHost(s string) (string, bool) {
	if strings.ContainsAny(s, forbiddenHost) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			b.WriteString("%" + upperHex[c>>4:c>>4+1] + upperHex[c&15:c&15+1])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// percentDecode decodes %XX escapes (a '%' not followed by two hex digits stays) and
// then, like "UTF-8 decode without BOM", replaces invalid UTF-8 with U+FFFD.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && digitValue(s[i+1]) < 16 && digitValue(s[i+2]) < 16 {
			b = append(b, byte(digitValue(s[i+1])<<4|digitValue(s[i+2])))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// domainToASCII is WHATWG "domain to ASCII" (beStrict false). An ASCII domain without
// "xn--" labels is only lower-cased, as the standard allows.
func domainToASCII(domain string) (string, bool) {
	out := strings.ToLower(domain)
	if !isASCII(domain) || hasPunycodeLabel(out) {
		var err error
		if out, err = uts46.ToASCII(domain); err != nil || !punycodeKept(domain, out) {
			return "", false
		}
	}
	return out, out != "" && !strings.ContainsFunc(out, func(r rune) bool {
		return r < 0x20 || strings.ContainsRune(forbiddenDomain, r)
	})
}

// punycodeKept reports whether every label that reads "xn--…" after mapping came out of
// ToASCII unchanged. It works around x/net/idna, which decodes "xn--" to an empty label
// and accepts "xn--" followed by non-ASCII, where UTS #46 (and the browsers) fail:
// without it "https://127.0.0.1.xn--/" would become 127.0.0.1.
func punycodeKept(domain, out string) bool {
	mapped, got := strings.Split(mapRunes(domain), "."), strings.Split(out, ".")
	if len(mapped) != len(got) {
		return false
	}
	for i, label := range mapped {
		if strings.HasPrefix(label, "xn--") && label != got[i] {
			return false
		}
	}
	return true
}

// mapRunes applies the UTS #46 mapping rune by rune (ASCII is only lower-cased), enough
// to see which labels start with "xn--" once fullwidth letters, ideographic full stops
// and ignored runes such as U+00AD are mapped.
func mapRunes(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteString(strings.ToLower(string(r)))
			continue
		}
		m, _ := uts46.ToUnicode(string(r))
		b.WriteString(m)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// hasPunycodeLabel reports a label of the lower-cased domain starting with "xn--".
func hasPunycodeLabel(domain string) bool {
	for label := range strings.SplitSeq(domain, ".") {
		if strings.HasPrefix(label, "xn--") {
			return true
		}
	}
	return false
}

// endsInNumber is the WHATWG "ends in a number" checker: the last label (ignoring one
// trailing empty label) is decimal digits or a valid "0x" hex number.
func endsInNumber(domain string) bool {
	parts := strings.Split(domain, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := ipv4Number(last)
	return ok
}

// parseIPv4 is the WHATWG IPv4 parser: one to four numbers, all but the last at most
// 255, the last filling the remaining bytes.
func parseIPv4(domain string) (string, bool) {
	parts := strings.Split(domain, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return "", false
	}
	var ip uint64
	for i, p := range parts {
		n, ok := ipv4Number(p)
		last := i == len(parts)-1
		if !ok || !last && n > 255 || last && n >= 1<<(8*(5-len(parts))) {
			return "", false
		}
		if last {
			ip = ip<<(8*(5-len(parts))) | n
		} else {
			ip = ip<<8 | n
		}
	}
	return strconv.FormatUint(ip>>24, 10) + "." + strconv.FormatUint(ip>>16&255, 10) + "." +
		strconv.FormatUint(ip>>8&255, 10) + "." + strconv.FormatUint(ip&255, 10), true
}

// ipv4Number parses one IPv4 part: "0x"/"0X" hex, a leading "0" octal, else decimal;
// "0x" alone is 0. Values beyond 32 bits saturate (they are out of range anyway).
func ipv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := uint64(10)
	if len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X") {
		base, s = 16, s[2:]
	} else if len(s) >= 2 && s[0] == '0' {
		base, s = 8, s[1:]
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			return 0, false
		}
		n = min(n*base+d, 1<<40)
	}
	return n, true
}

// digitValue is the value of a hex digit, 16 for anything else.
func digitValue(c byte) uint64 {
	switch {
	case '0' <= c && c <= '9':
		return uint64(c - '0')
	case 'a' <= c && c <= 'f':
		return uint64(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return uint64(c-'A') + 10
	}
	return 16
}

// parseIPv6 parses the text inside brackets and serialises it the WHATWG way: lower-case
// hex pieces, the first longest run of two or more zero pieces as "::", no dotted tail.
func parseIPv6(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" || strings.Contains(s, "%") {
		return "", false
	}
	b := a.As16()
	var pieces [8]uint16
	for i := range pieces {
		pieces[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	start, length := -1, 1
	for i := 0; i < 8; {
		j := i
		for j < 8 && pieces[j] == 0 {
			j++
		}
		if j-i > length {
			start, length = i, j-i
		}
		i = j + 1
	}
	var out strings.Builder
	out.WriteByte('[')
	for i := 0; i < 8; i++ {
		if i == start {
			out.WriteString("::")
			i += length - 1
			continue
		}
		if i > 0 && i != start+length {
			out.WriteByte(':')
		}
		out.WriteString(strconv.FormatUint(uint64(pieces[i]), 16))
	}
	out.WriteByte(']')
	return out.String(), true
}

// parseFile runs the file, file slash and file host states: "file://host/path" has a
// host (never a port or user info; "localhost" becomes ""), "file:///p", "file:/p" and
// "file://C:/p" have none.
func parseFile(rest string) (u sim.URLParts, hasPathOrQuery, ok bool) {
	if len(rest) >= 2 && isSlash(rest[0]) && isSlash(rest[1]) {
		end := strings.IndexAny(rest[2:], `/\?#`)
		if end < 0 {
			end = len(rest) - 2
		}
		if host := rest[2 : 2+end]; host != "" && !isDriveLetter(host) {
			if u.Host, ok = parseHost(host, true); !ok {
				return u, false, false
			}
			if u.Host == "localhost" {
				u.Host = ""
			}
			rest = rest[2+end:]
		}
	}
	return u, !(rest == "" || rest == "/" || rest == `\`), true
}

func isSlash(c byte) bool { return c == '/' || c == '\\' }

// isDriveLetter reports a Windows drive letter: a letter then ':' or '|'.
func isDriveLetter(s string) bool {
	return len(s) == 2 && 'a' <= s[0]|0x20 && s[0]|0x20 <= 'z' && (s[1] == ':' || s[1] == '|')
}
