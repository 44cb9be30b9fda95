package urlx_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/wxsim/wxsim/sim/urlx"
)

// FuzzParseInvariants: Parse is deterministic and reads a URL as the WHATWG parser does
// before it starts: leading/trailing C0 controls and spaces, and tab/CR/LF anywhere,
// change nothing, nor does the case of the scheme. What it returns is canonical: a
// lower-case scheme; a special URL's host is ASCII without upper-case letters, forbidden
// code points or percent signs (or a bracketed IPv6 address); the port is decimal without
// leading zeros, at most 65535; credentials only where the text has an '@'.
// (FuzzParse in urlx_test.go checks that scheme://host:port parses to the same parts.)
func FuzzParseInvariants(f *testing.F) {
	for _, tc := range parseTests {
		f.Add(tc.raw, uint8(len(tc.raw)/2), "\t")
	}
	f.Add("https://ok.example:443/", uint8(9), "\r\n")
	f.Add("HtTpS://OK.example/", uint8(0), " \x01")
	f.Fuzz(func(t *testing.T, raw string, at uint8, junk string) {
		u, hasPath, err := urlx.Parse(raw)
		if v, h2, err2 := urlx.Parse(raw); v != u || h2 != hasPath || err != err2 {
			t.Fatalf("Parse(%q) is not deterministic", raw)
		}
		// tab, CR and LF anywhere; C0 controls and spaces around
		i := int(at) % (len(raw) + 1)
		ws := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\r' || r == '\n' {
				return r
			}
			return -1
		}, junk)
		ctl := strings.Map(func(r rune) rune {
			if r <= ' ' {
				return r
			}
			return -1
		}, junk)
		for _, variant := range []string{raw[:i] + ws + raw[i:], ctl + raw + ctl} {
			v, h2, err2 := urlx.Parse(variant)
			if v != u || h2 != hasPath || (err == nil) != (err2 == nil) {
				t.Fatalf("Parse(%q) = %+v, %v, %v; Parse(%q) = %+v, %v, %v", raw, u, hasPath, err, variant, v, h2, err2)
			}
		}
		if err != nil {
			return
		}
		if colon := strings.IndexByte(raw, ':'); colon > 0 {
			upper := strings.ToUpper(raw[:colon]) + raw[colon:]
			if v, h2, _ := urlx.Parse(upper); v != u || h2 != hasPath {
				t.Fatalf("Parse(%q) = %+v; Parse(%q) = %+v", raw, u, upper, v)
			}
		}
		if u.Scheme != strings.ToLower(u.Scheme) || u.Scheme == "" {
			t.Fatalf("Parse(%q).Scheme = %q", raw, u.Scheme)
		}
		if u.Port != "" {
			n, err := strconv.Atoi(u.Port)
			if err != nil || n < 0 || n > 65535 || strconv.Itoa(n) != u.Port {
				t.Fatalf("Parse(%q).Port = %q", raw, u.Port)
			}
		}
		if u.Userinfo && !strings.Contains(raw, "@") {
			t.Fatalf("Parse(%q) reports credentials without '@'", raw)
		}
		switch u.Scheme {
		case "http", "https", "ws", "wss", "ftp", "file":
		default:
			return
		}
		if strings.HasPrefix(u.Host, "[") {
			if !strings.HasSuffix(u.Host, "]") || strings.ContainsAny(u.Host, "ABCDEF.%") {
				t.Fatalf("Parse(%q).Host = %q: not a canonical IPv6 address", raw, u.Host)
			}
			return
		}
		for i := 0; i < len(u.Host); i++ {
			if c := u.Host[i]; c <= ' ' || c >= 0x7f || 'A' <= c && c <= 'Z' || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
				t.Fatalf("Parse(%q).Host = %q holds %q", raw, u.Host, c)
			}
		}
	})
}
