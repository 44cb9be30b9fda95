package relay

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/http/httpguts"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

// Fuzz targets for what the relay reads from the page: the call description, the URL it
// is asked to fetch, the headers to forward, and the address a name resolves to.
//
//	go test ./sim/relay -run '^$' -fuzz '^FuzzCheckURL$' -fuzztime 20s -parallel 1

// FuzzParseTarget: parseTarget never panics and is deterministic; a description it
// accepts survives JSON and the page's encodeURIComponent unchanged (what the relay reads
// is what the page meant), and the escaped form of any text reads as the text does.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{
		`{"api":"request","url":"https://api.wxsim.test/a","method":"POST","header":[["X-A","1"],["Content-Type","text/plain"]]}`,
		`{"api":"connectSocket","url":"wss://ws.wxsim.test/","protocols":["chat","v2"]}`,
		`{"api":"downloadFile","url":"https://a.test/f","redirect":"manual","form":true}`,
		`{"API":"request","Url":"x","header":[["a"],["b","c","d"],[]]}`,
		`{"header":[[1,2]]}`, `{"url":"\ud800"}`, `null`, `[]`, `{}`, `{"api":"a"}{"api":"b"}`, "%7B%7D", "%zz",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, escaped bool) {
		tg, err := parseTarget(raw, escaped)
		if tg2, err2 := parseTarget(raw, escaped); !reflect.DeepEqual(tg, tg2) || (err == nil) != (err2 == nil) {
			t.Fatalf("parseTarget(%q, %v) is not deterministic", raw, escaped)
		}
		if !escaped {
			tg3, err3 := parseTarget(encodeURIComponent(raw), true)
			if !reflect.DeepEqual(tg, tg3) || (err == nil) != (err3 == nil) {
				t.Fatalf("parseTarget(%q) = %+v, %v; escaped: %+v, %v", raw, tg, err, tg3, err3)
			}
		}
		if err != nil {
			return
		}
		js, err := json.Marshal(tg)
		if err != nil {
			t.Fatal(err)
		}
		for _, esc := range []bool{false, true} {
			text := string(js)
			if esc {
				text = encodeURIComponent(text)
			}
			again, err := parseTarget(text, esc)
			if err != nil || !reflect.DeepEqual(again, tg) {
				t.Fatalf("parseTarget(%q) = %+v; as JSON %s (escaped %v) it reads %+v, %v", raw, tg, js, esc, again, err)
			}
		}
	})
}

// FuzzUpstreamHeader: the upstream header is refused exactly when a name is not an HTTP
// field name or a value is not a valid field value; otherwise it carries WeChat's Referer
// and User-Agent once each, no hop-by-hop, proxy, forwarding or WebSocket handshake
// header and nothing a Connection header names, and every other header the page gave,
// with its value, under its canonical name.
func FuzzUpstreamHeader(f *testing.F) {
	for _, s := range [][6]string{
		{"X-A", "1", "Referer", "https://evil.test/", "User-Agent", "curl"},
		{"connection", "X-Secret, keep-alive", "X-Secret", "s", "Keep-Alive", "timeout=5"},
		{"Proxy-Authorization", "Basic x", "X-Forwarded-For", "1.2.3.4", "Sec-WebSocket-Key", "k"},
		{"Host", "evil.test", "Content-Length", "99", "Transfer-Encoding", "chunked"},
		{"X-A", "a\r\nb", "X A", "1", "", "1"},
		{"x-a", "1", "X-A", "2", "Connection", "referer"},
		{"Cookie", "a=1", "Authorization", "Bearer t", "Te", "trailers"},
		{"X-Tab", "a\tb", "X-Ctl", "\x01", "X-Utf8", "中文"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	s := &session{referer: Referer("wx1", "1.0.0")}
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, n3, v3 string) {
		pairs := [][2]string{{n1, v1}, {n2, v2}, {n3, v3}}
		h, err := upstreamHeader(s, pairs)
		valid := true
		for _, p := range pairs {
			valid = valid && httpguts.ValidHeaderFieldName(p[0]) && httpguts.ValidHeaderFieldValue(p[1])
		}
		if (err == nil) != valid {
			t.Fatalf("upstreamHeader(%q) = %v, %v", pairs, h, err)
		}
		if err != nil {
			if _, ok := err.(*headerError); !ok || h != nil {
				t.Fatalf("upstreamHeader(%q) = %v, %#v", pairs, h, err)
			}
			return
		}
		if !reflect.DeepEqual(h["Referer"], []string{s.referer}) || !reflect.DeepEqual(h["User-Agent"], []string{UserAgent}) {
			t.Fatalf("upstreamHeader(%q): Referer %q, User-Agent %q", pairs, h["Referer"], h["User-Agent"])
		}
		named := map[string]bool{}
		for _, p := range pairs {
			if http.CanonicalHeaderKey(p[0]) == "Connection" {
				for c := range strings.SplitSeq(p[1], ",") {
					named[http.CanonicalHeaderKey(strings.TrimSpace(c))] = true
				}
			}
		}
		for k, vs := range h {
			if k == "Referer" || k == "User-Agent" {
				continue
			}
			if k != http.CanonicalHeaderKey(k) || dropHeaders[k] || named[k] || strings.HasPrefix(k, "Proxy-") ||
				strings.HasPrefix(k, "X-Forwarded-") || strings.HasPrefix(k, "Sec-Websocket-") {
				t.Fatalf("upstreamHeader(%q) forwards %s: %q", pairs, k, vs)
			}
			for _, v := range vs {
				if !httpguts.ValidHeaderFieldValue(v) {
					t.Fatalf("upstreamHeader(%q) forwards %s: %q", pairs, k, v)
				}
			}
		}
		want := http.Header{}
		for _, p := range pairs {
			k := http.CanonicalHeaderKey(p[0])
			if k != "Connection" && !dropHeaders[k] && !named[k] && !strings.HasPrefix(k, "Proxy-") &&
				!strings.HasPrefix(k, "X-Forwarded-") && !strings.HasPrefix(k, "Sec-Websocket-") {
				want.Add(k, p[1])
			}
		}
		want.Set("Referer", s.referer)
		want.Set("User-Agent", UserAgent)
		if !reflect.DeepEqual(h, want) {
			t.Fatalf("upstreamHeader(%q) = %v, want %v", pairs, h, want)
		}
	})
}

// FuzzBlocked: the address guard is deterministic; an IPv4 address and its IPv4-mapped
// and NAT64 forms are judged alike; loopback, unspecified, link-local, multicast,
// broadcast and private addresses (ULA, 100.64/10, 0/8 included) are refused for a host
// that is a name (DNS rebinding); a private address passes only for a URL whose host is
// that LAN IPv4 literal (§3.4); a global unicast IPv4 address outside those ranges passes.
func FuzzBlocked(f *testing.F) {
	for _, s := range [][2]string{
		{"127.0.0.1", "127.0.0.1"}, {"127.255.0.9", "rebind.test"}, {"::1", "::1"}, {"64:ff9b::7f00:1", "nat64.test"},
		{"64:ff9b::a00:1", "10.0.0.1"}, {"0.0.0.0", "0.0.0.0"}, {"::", "::"}, {"0.1.2.3", "0.1.2.3"},
		{"169.254.169.254", "169.254.169.254"}, {"fe80::1", "fe80::1"}, {"ff02::1", "ff02::1"},
		{"224.0.0.251", "mdns.test"}, {"255.255.255.255", "255.255.255.255"}, {"10.0.0.1", "10.0.0.1"},
		{"10.0.0.1", "lan.test"}, {"10.0.0.1", "010.0.0.1"}, {"172.31.255.254", "172.31.255.254"},
		{"::ffff:192.168.1.10", "::ffff:c0a8:10a"}, {"::ffff:192.168.1.10", "192.168.1.10"},
		{"100.64.0.1", "100.64.0.1"}, {"fd12:3456::1", "ula.test"}, {"93.184.216.34", "example.test"},
		{"2001:4860:4860::8888", "dns6.test"}, {"8.8.8.8", "8.8.8.8"},
	} {
		a := netip.MustParseAddr(s[0])
		b := a.As16()
		f.Add(b[:], s[1])
		if a.Is4() {
			f.Add(a.AsSlice(), s[1])
		}
	}
	// Addresses come from the resolver or from a URL host urlx has parsed: never with
	// an IPv6 zone, so none is tried.
	f.Fuzz(func(t *testing.T, b []byte, host string) {
		ip, ok := netip.AddrFromSlice(b)
		if !ok {
			return
		}
		why := blocked(ip, host)
		if blocked(ip, host) != why {
			t.Fatalf("blocked(%v, %q) is not deterministic", ip, host)
		}
		switch why {
		case "", "a loopback address", "an unspecified address", "a link-local address",
			"a multicast or broadcast address", "a private address":
		default:
			t.Fatalf("blocked(%v, %q) = %q", ip, host, why)
		}
		v4 := ip.Unmap()
		if ip.Is6() && netip.MustParsePrefix("64:ff9b::/96").Contains(ip) {
			s := ip.As16()
			v4 = netip.AddrFrom4([4]byte(s[12:]))
		}
		if v4.Is4() {
			if a, b := blocked(v4, host), blocked(netip.AddrFrom16(v4.As16()), host); a != why || b != why {
				t.Fatalf("blocked(%v, %q) = %q; as %v %q, mapped %q", ip, host, why, v4, a, b)
			}
		}
		bare := v4
		special := bare.IsLoopback() || bare.IsUnspecified() || bare.IsLinkLocalUnicast() ||
			bare.IsLinkLocalMulticast() || bare.IsMulticast() || bare == netip.MustParseAddr("255.255.255.255")
		private := bare.IsPrivate() || netip.MustParsePrefix("100.64.0.0/10").Contains(bare) ||
			netip.MustParsePrefix("0.0.0.0/8").Contains(bare)
		literal := false
		if lit, err := netip.ParseAddr(host); err == nil {
			literal = lit.Unmap() == bare && sim.IsLANIPv4(host)
		}
		switch {
		case special && why == "", private && !literal && why == "", private && literal && why != "":
			t.Fatalf("blocked(%v, %q) = %q", ip, host, why)
		case bare.Is4() && bare.IsGlobalUnicast() && !special && !private && why != "":
			t.Fatalf("blocked(%v, %q) = %q for a public address", ip, host, why)
		}
		if _, err := netip.ParseAddr(host); err != nil && (special || private) && why == "" {
			t.Fatalf("blocked(%v, name %q) lets a name reach %v", ip, host, bare)
		}
	})
}

// FuzzCheckURL: what the relay requests is what the policy allowed. A URL checkURL
// accepts passes the session's policy (urlx.Parse, then Check); the request URL has no
// user info, the same scheme, an authority that both parsers find right after
// "scheme://" (where they agree on it), and a host and port that Go's URL type and the WHATWG
// reading of its own text both give as the policy saw them; and checking that text again
// (as a redirect hop is checked, spec §3.6) accepts it with the same reading.
func FuzzCheckURL(f *testing.F) {
	for _, raw := range []string{
		"https://api.wxsim.test/a?b=c#d", "HTTPS://API.WXSIM.TEST:0443/", "https://[2001:db8::1]:8443/", "https://127.1/",
		"https://2130706433:8443/", "https://0x7f000001/", "https://[::ffff:127.0.0.1]/", "https://\uff41\uff50\uff49.wxsim.test/",
		"https://a.test@b.test/", "https://:@b.test/", `https://a.test\@b.test/`, "https:api.wxsim.test/x",
		`https:\\api.wxsim.test\x`, "https:/api.wxsim.test/", "https:///api.wxsim.test/", "https://api.wxsim.test:/p",
		"wss://ws.wxsim.test:9000/chat", "ws://ws.wxsim.test/", "https://api.wxsim.test/%2e%2e/%zz", "https://api.wxsim.test/\x7f",
		"https://api.wxsim.test/a b", "https://api.wxsim.test?#", "https://10.0.0.5/", "https://192.168.257/",
		"https://api.wxsim.test./", "https://api.wxsim.test/;a=b", "https://api.wxsim.test//evil.test/",
	} {
		f.Add(raw, uint8(0), true)
		f.Add(raw, uint8(1), false)
	}
	sessions := map[bool]*session{}
	for _, urlCheck := range []bool{true, false} {
		cfg, err := sim.ParseConfig(map[string]any{"urlCheck": urlCheck, "sdkVersion": "2.4.0", "domains": map[string]any{
			"request": []any{"https://api.wxsim.test", "https://p.wxsim.test:8443"}, "socket": []any{"wss://ws.wxsim.test"},
			"uploadFile": []any{"https://api.wxsim.test"}, "downloadFile": []any{"https://api.wxsim.test"}}}, urlx.Parse)
		if err != nil {
			f.Fatal(err)
		}
		sessions[urlCheck] = &session{cfg: cfg}
	}
	apiList := []string{sim.APIRequest, sim.APIConnectSocket, sim.APIUploadFile, sim.APIDownloadFile}
	f.Fuzz(func(t *testing.T, raw string, apiIndex uint8, urlCheck bool) {
		s, api := sessions[urlCheck], apiList[int(apiIndex)%len(apiList)]
		u, err := checkURL(s, api, raw)
		if err != nil {
			switch err.(type) {
			case *policyError, *refusal:
			default:
				t.Fatalf("checkURL(%q) fails with %T %v", raw, err, err)
			}
			return
		}
		parts, _, perr := urlx.Parse(raw)
		if perr != nil || s.cfg.Policy.Check(api, parts) != nil {
			t.Fatalf("checkURL(%s, %q) accepts what the policy refuses: %+v, %v", api, raw, parts, perr)
		}
		// both parsers find the authority in the same place: right after "scheme://"
		_, rest, _ := strings.Cut(raw, ":")
		if after, ok := strings.CutPrefix(rest, "//"); !ok || after == "" || after[0] == '/' || after[0] == '\\' {
			t.Fatalf("checkURL(%q) = %q: Go's parser and the policy's do not start the authority alike", raw, u)
		}
		if u.User != nil || !strings.EqualFold(u.Scheme, parts.Scheme) || u.Opaque != "" {
			t.Fatalf("checkURL(%q) = %#v: not the URL the policy read (%+v)", raw, u, parts)
		}
		if u.Hostname() != strings.Trim(parts.Host, "[]") || u.Port() != parts.Port {
			t.Fatalf("checkURL(%q) = %q: host %q port %q, the policy read %+v", raw, u, u.Hostname(), u.Port(), parts)
		}
		text := u.String()
		again, _, err := urlx.Parse(text)
		if err != nil || again.Host != parts.Host || again.Port != parts.Port || again.Scheme != parts.Scheme || again.Userinfo {
			t.Fatalf("checkURL(%q) requests %q, which reads %+v, %v; the policy read %+v", raw, text, again, err, parts)
		}
		if _, err := url.Parse(text); err != nil {
			t.Fatalf("checkURL(%q) requests %q, which Go cannot parse: %v", raw, text, err)
		}
		u2, err := checkURL(s, api, text)
		if err != nil || u2.String() != text {
			t.Fatalf("checkURL(%q) requests %q; checked again: %v, %v", raw, text, u2, err)
		}
	})
}
