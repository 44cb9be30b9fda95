package sim_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

const (
	req  = sim.APIRequest
	sock = sim.APIConnectSocket
	upl  = sim.APIUploadFile
	dnl  = sim.APIDownloadFile
)

var (
	errDomain = sim.ErrDomain
	errURL    = sim.ErrInvalidURL
)

// lists are domain lists as a user writes them in wxsim.start({domains}) (spec §2).
type lists struct{ request, socket, upload, download []string }

// std is the configuration most rows run against.
var std = lists{
	request: []string{
		"https://ok.example",
		"https://port.example:8443",
		"https://例え.jp",                 // Unicode entry, stored as punycode
		"https://xn--bcher-kva.example", // punycode entry for bücher.example
		"https://example.com",
		"https://Mixed.Example",
	},
	socket:   []string{"wss://ws.example"},
	upload:   []string{"https://up.example"},
	download: []string{"https://down.example"},
}

// testPolicies builds the named configurations of the golden table. Entries go through
// urlx.Parse and sim.ParseOrigin like the config loader does, except "rogue", whose
// lists are built by hand with entries ParseOrigin refuses, to show Check refuses them
// on its own.
func testPolicies(t *testing.T) map[string]*sim.Policy {
	twenty := make([]string, 20)
	for i := range twenty {
		twenty[i] = fmt.Sprintf("https://h%02d.example", i+1)
	}
	rogue := []sim.Origin{
		{Scheme: "https", Host: "api.weixin.qq.com"},
		{Scheme: "https", Host: "127.0.0.1"},
		{Scheme: "https", Host: "localhost"},
		{Scheme: "https", Host: "[::1]"},
		{Scheme: "https", Host: "8.8.8.8"},
		{Scheme: "https", Host: "127.1"}, // unnormalised: still an IP
	}
	return map[string]*sim.Policy{
		"std":    buildPolicy(t, true, "3.7.0", std),
		"sdk239": buildPolicy(t, true, "2.3.9", std),
		"sdk240": buildPolicy(t, true, "2.4.0", std),
		"off":    buildPolicy(t, false, "3.7.0", std),
		"big":    buildPolicy(t, true, "3.7.0", lists{request: twenty}),
		"empty":  buildPolicy(t, true, "3.7.0", lists{}),
		"rogue": {URLCheck: true, SDK: sim.Version{3, 7, 0}, Domains: sim.Domains{
			Request: rogue,
			Socket:  []sim.Origin{{Scheme: "wss", Host: "api.weixin.qq.com"}},
		}},
		"rogue239": {URLCheck: true, SDK: sim.Version{2, 3, 9}, Domains: sim.Domains{
			Request: []sim.Origin{{Scheme: "https", Host: "192.168.1.10"}},
		}},
	}
}

func buildPolicy(t *testing.T, urlCheck bool, sdk string, l lists) *sim.Policy {
	t.Helper()
	v, ok := sim.ParseVersion(sdk)
	require.True(t, ok, sdk)
	return &sim.Policy{URLCheck: urlCheck, SDK: v, Domains: sim.Domains{
		Request:      origins(t, req, l.request),
		Socket:       origins(t, sock, l.socket),
		UploadFile:   origins(t, upl, l.upload),
		DownloadFile: origins(t, dnl, l.download),
	}}
}

func origins(t *testing.T, api string, raws []string) []sim.Origin {
	t.Helper()
	var out []sim.Origin
	for _, raw := range raws {
		u, hasPath, err := urlx.Parse(raw)
		require.NoError(t, err, raw)
		o, err := sim.ParseOrigin(api, u, raw, hasPath)
		require.NoError(t, err, raw)
		out = append(out, o)
	}
	return out
}

// check is what a transport does before any traffic (spec §3.7): parse, then Check.
func check(p *sim.Policy, api, raw string) error {
	u, _, err := urlx.Parse(raw)
	if err != nil {
		return err
	}
	return p.Check(api, u)
}

// policyGolden: {name, api, config, raw URL, want}. Each row names the spec § it covers.
var policyGolden = []struct {
	name, api, pol, url string
	want                error
}{
	// §3.1 schemes
	{"https request", req, "std", "https://ok.example/path?q=1", nil},                    // §3.1
	{"http request", req, "std", "http://ok.example/", errDomain},                        // §3.1
	{"wss for request", req, "std", "wss://ok.example/", errDomain},                      // §3.1
	{"ftp request", req, "std", "ftp://ok.example/", errDomain},                          // §3.1
	{"file request", req, "std", "file:///etc/passwd", errDomain},                        // §3.1
	{"opaque scheme", req, "std", "javascript:alert(1)", errDomain},                      // §3.1
	{"wss socket", sock, "std", "wss://ws.example/chat", nil},                            // §3.1
	{"ws socket", sock, "std", "ws://ws.example/", errDomain},                            // §3.1
	{"https socket", sock, "std", "https://ws.example/", errDomain},                      // §3.1
	{"uploadFile https", upl, "std", "https://up.example/upload", nil},                   // §3.1
	{"downloadFile https", dnl, "std", "https://down.example/f.png", nil},                // §3.1
	{"downloadFile http", dnl, "std", "http://down.example/f.png", errDomain},            // §3.1
	{"scheme case", req, "std", "HTTPS://OK.example/", nil},                              // §3.1
	{"missing slashes still https", req, "std", "https:ok.example/", nil},                // §3.1 (WHATWG)
	{"backslashes as slashes", req, "std", `https:\\ok.example\x`, nil},                  // §3.1 (WHATWG)
	{"unknown api", sim.APIGetNetworkType, "std", "https://ok.example/", errDomain},      // §3.2 no list
	{"list separation upload", upl, "std", "https://ok.example/", errDomain},             // §3.2
	{"list separation download", dnl, "std", "https://up.example/", errDomain},           // §3.2
	{"list separation request", req, "std", "https://down.example/", errDomain},          // §3.2
	{"socket list not request list", sock, "std", "wss://ok.example/", errDomain},        // §3.2
	{"request list not socket list", req, "std", "https://ws.example/", errDomain},       // §3.2
	{"empty lists", req, "empty", "https://ok.example/", errDomain},                      // §3.2
	{"host upper-case", req, "std", "https://OK.EXAMPLE/", nil},                          // §3.2
	{"entry mixed case", req, "std", "https://mixed.example/", nil},                      // §3.2
	{"child of entry", req, "std", "https://a.example.com/", errDomain},                  // §3.2
	{"entry as suffix", req, "std", "https://example.com.evil.test/", errDomain},         // §3.2
	{"parent of entry", req, "std", "https://example/", errDomain},                       // §3.2
	{"entry as substring", req, "std", "https://notexample.com/", errDomain},             // §3.2
	{"trailing dot", req, "std", "https://ok.example./", errDomain},                      // §3.2 exact
	{"IDN unicode URL, unicode entry", req, "std", "https://例え.jp/", nil},                // §3.2 IDN
	{"IDN punycode URL, unicode entry", req, "std", "https://xn--r8jz45g.jp/", nil},      // §3.2 IDN
	{"IDN unicode URL, punycode entry", req, "std", "https://bücher.example/", nil},      // §3.2 IDN
	{"IDN upper-case unicode", req, "std", "https://BÜCHER.example/", nil},               // §3.2 IDN
	{"IDN punycode upper-case", req, "std", "https://XN--BCHER-KVA.example/", nil},       // §3.2 IDN
	{"IDN lookalike", req, "std", "https://bucher.example/", errDomain},                  // §3.2 IDN
	{"fullwidth host maps to ASCII", req, "std", "https://ｏｋ.example/", nil},             // §3.2 IDN
	{"ideographic full stop", req, "std", "https://ok。example/", nil},                    // §3.2 IDN
	{"soft hyphen is ignored", req, "std", "https://ok.exa\u00admple/", nil},             // §3.2 IDN
	{"percent-encoded dot", req, "std", "https://ok%2Eexample/", nil},                    // §3.2
	{"percent-encoded @ in host", req, "std", "https://ok.example%40evil.test/", errURL}, // §3.7
	{"invalid punycode", req, "std", "https://xn--a.example/", errURL},
	{"empty punycode label", req, "std", "https://ok.example.xn--/", errURL},         // §3.7
	{"empty punycode after LAN IP", req, "std", "https://192.168.1.1.xn--/", errURL}, // §3.4 + §3.7                   // §3.7

	// §3.3 ports
	{"no port", req, "std", "https://ok.example/", nil},                                  // §3.3
	{"explicit :443 on no-port entry", req, "std", "https://ok.example:443/", errDomain}, // §3.3
	{"explicit :0443", req, "std", "https://ok.example:0443/", errDomain},                // §3.3
	{"other port on no-port entry", req, "std", "https://ok.example:8443/", errDomain},   // §3.3
	{"bare colon is no port", req, "std", "https://ok.example:/", nil},                   // §3.3
	{"entry port exact", req, "std", "https://port.example:8443/", nil},                  // §3.3
	{"entry port leading zero", req, "std", "https://port.example:08443/", nil},          // §3.3
	{"entry port missing", req, "std", "https://port.example/", errDomain},               // §3.3
	{"entry port, URL :443", req, "std", "https://port.example:443/", errDomain},         // §3.3
	{"entry port other", req, "std", "https://port.example:8444/", errDomain},            // §3.3
	{"wss no port", sock, "std", "wss://ws.example/", nil},                               // §3.3
	{"wss :443", sock, "std", "wss://ws.example:443/", nil},                              // §3.3
	{"wss :8443", sock, "std", "wss://ws.example:8443/", nil},                            // §3.3
	{"wss :1", sock, "std", "wss://ws.example:1/", nil},                                  // §3.3
	{"port out of range", req, "std", "https://ok.example:65536/", errURL},               // §3.7
	{"port not digits", req, "std", "https://ok.example:44a/", errURL},                   // §3.7

	// §3.7 not absolute / not parseable
	{"relative path", req, "std", "/api/list", errURL},                          // §3.7
	{"no scheme", req, "std", "ok.example/api", errURL},                         // §3.7
	{"empty", req, "std", "", errURL},                                           // §3.7
	{"no host", req, "std", "https://", errURL},                                 // §3.7
	{"empty host with port", req, "std", "https://:443/", errURL},               // §3.7
	{"space in host", req, "std", "https://ok example/", errURL},                // §3.7
	{"surrounding spaces ignored", req, "std", "  https://ok.example/ \n", nil}, // §3.7 (WHATWG)
	{"tab and newline removed", req, "std", "ht\ttps://ok.ex\nample/", nil},     // §3.7 (WHATWG)

	// user info: judged by the real host, and credentials are refused (decision, §3.2)
	{"userinfo names listed host", req, "std", "https://ok.example@evil.test/", errDomain},    // §3.2
	{"user:pass names listed host", req, "std", "https://ok.example:pw@evil.test", errDomain}, // §3.2
	{"user:pass:port trick", req, "std", "https://ok.example:443@evil.test/", errDomain},      // §3.2
	{"backslash ends authority", req, "std", `https://evil.test\@ok.example/`, errDomain},     // §3.2
	{"credentials on listed host", req, "std", "https://user:pw@ok.example/", errDomain},      // §3.2 decision
	{"empty credentials are none", req, "std", "https://@ok.example/", nil},                   // §3.2
	{"@ in fragment", req, "std", "https://ok.example#@evil.test/", nil},                      // §3.2
	{"@ in query", req, "std", "https://ok.example?@evil.test/", nil},                         // §3.2
	{"@ in path", req, "std", "https://ok.example/@evil.test/", nil},                          // §3.2
	{"listed host in fragment", req, "std", "https://evil.test#@ok.example", errDomain},       // §3.2
	{"backslash after listed host", req, "std", `https://ok.example\.evil.test/`, nil},        // §3.2 host is ok.example
	{"credentials on socket", sock, "std", "wss://u:p@ws.example/", errDomain},                // §3.2 decision

	// §3.4 IP addresses and the LAN bypass
	{"public IPv4", req, "std", "https://93.184.216.34/", errDomain},                    // §3.4
	{"public IPv6", req, "std", "https://[2001:db8::1]/", errDomain},                    // §3.4
	{"IP entry never matches", req, "rogue", "https://8.8.8.8/", errDomain},             // §3.4
	{"LAN 192.168", req, "std", "https://192.168.1.10/api", nil},                        // §3.4
	{"LAN 10/8 any port", req, "std", "https://10.0.0.1:8080/", nil},                    // §3.4
	{"LAN 172.16", req, "std", "https://172.16.0.1/", nil},                              // §3.4
	{"LAN 172.31 edge", req, "std", "https://172.31.255.255/", nil},                     // §3.4
	{"172.32 not LAN", req, "std", "https://172.32.0.1/", errDomain},                    // §3.4
	{"172.15 not LAN", req, "std", "https://172.15.255.255/", errDomain},                // §3.4
	{"LAN below 2.4.0", req, "sdk239", "https://192.168.1.10/", errDomain},              // §3.4
	{"LAN at 2.4.0", req, "sdk240", "https://192.168.1.10/", nil},                       // §3.4
	{"LAN listed below 2.4.0", req, "rogue239", "https://192.168.1.10/", errDomain},     // §3.4
	{"LAN needs https", req, "std", "http://192.168.1.10/", errDomain},                  // §3.4 + §3.1 decision
	{"LAN socket wss", sock, "std", "wss://10.1.2.3:9000/", nil},                        // §3.4
	{"LAN socket ws", sock, "std", "ws://10.1.2.3:9000/", errDomain},                    // §3.4 + §3.1
	{"LAN upload", upl, "std", "https://192.168.0.2/up", nil},                           // §3.4
	{"LAN in hex", req, "std", "https://0xc0a80101/", nil},                              // §3.4 WHATWG IPv4
	{"LAN in two parts", req, "std", "https://192.168.257/", nil},                       // §3.4 = 192.168.1.1
	{"LAN as IPv4-mapped IPv6", req, "std", "https://[::ffff:192.168.1.1]/", errDomain}, // §3.4 decision
	{"LAN with credentials", req, "std", "https://u:p@192.168.1.10/", errDomain},        // §3.4 decision

	// §3.4 the local machine never bypasses
	{"loopback 127.0.0.1", req, "std", "https://127.0.0.1/", errDomain},          // §3.4
	{"loopback 127.1", req, "std", "https://127.1/", errDomain},                  // §3.4
	{"loopback decimal", req, "std", "https://2130706433/", errDomain},           // §3.4
	{"loopback hex", req, "std", "https://0x7f000001/", errDomain},               // §3.4
	{"loopback octal", req, "std", "https://0177.0.0.1/", errDomain},             // §3.4
	{"loopback 127.255", req, "std", "https://127.255.255.254:8080/", errDomain}, // §3.4
	{"loopback [::1]", req, "std", "https://[::1]/", errDomain},                  // §3.4
	{"loopback mapped", req, "std", "https://[::ffff:127.0.0.1]/", errDomain},    // §3.4
	{"localhost", req, "std", "https://localhost/", errDomain},                   // §3.4
	{"LOCALHOST:8080", req, "std", "https://LOCALHOST:8080/", errDomain},         // §3.4
	{"sub.localhost", req, "std", "https://a.localhost/", errDomain},             // §3.4
	{"loopback socket", sock, "std", "wss://127.0.0.1:9000/", errDomain},         // §3.4
	{"listed loopback", req, "rogue", "https://127.0.0.1/", errDomain},           // §3.4
	{"listed 127.1 spelled out", req, "rogue", "https://127.1/", errDomain},      // §3.4
	{"listed localhost", req, "rogue", "https://localhost/", errDomain},          // §3.4
	{"listed [::1]", req, "rogue", "https://[::1]/", errDomain},                  // §3.4

	// §3.5 api.weixin.qq.com
	{"api.weixin.qq.com listed", req, "rogue", "https://api.weixin.qq.com/sns/jscode2session", errDomain}, // §3.5
	{"api.weixin.qq.com upper", req, "rogue", "https://API.WEIXIN.QQ.COM/", errDomain},                    // §3.5
	{"api.weixin.qq.com dot", req, "rogue", "https://api.weixin.qq.com./", errDomain},                     // §3.5
	{"api.weixin.qq.com socket", sock, "rogue", "wss://api.weixin.qq.com/", errDomain},                    // §3.5

	// §3.8 urlCheck:false
	{"off: http", req, "off", "http://anything.test/", nil},                   // §3.8
	{"off: https unlisted", req, "off", "https://evil.test:8443/", nil},       // §3.8
	{"off: loopback", req, "off", "https://127.0.0.1:8080/", nil},             // §3.8
	{"off: localhost http", upl, "off", "http://localhost:3000/up", nil},      // §3.8
	{"off: api.weixin.qq.com", req, "off", "https://api.weixin.qq.com/", nil}, // §3.8 decision
	{"off: credentials", dnl, "off", "https://u:p@files.test/a", nil},         // §3.8 decision
	{"off: ws for request", req, "off", "ws://anything.test/", errURL},        // §3.8 decision
	{"off: ftp", req, "off", "ftp://anything.test/", errURL},                  // §3.8 decision
	{"off: ws socket", sock, "off", "ws://localhost:8080/", nil},              // §3.8
	{"off: wss socket", sock, "off", "wss://anything.test:1/", nil},           // §3.8
	{"off: https socket", sock, "off", "https://anything.test/", errURL},      // §3.8 decision
	{"off: relative", req, "off", "api/list", errURL},                         // §3.8 absolute only
	{"off: file", dnl, "off", "file:///tmp/x", errURL},                        // §3.8

	// §3.2 at most 20 entries: every entry of a full list works
	{"20 entries: first", req, "big", "https://h01.example/", nil},          // §3.2
	{"20 entries: tenth", req, "big", "https://h10.example/", nil},          // §3.2
	{"20 entries: last", req, "big", "https://h20.example/", nil},           // §3.2
	{"20 entries: unlisted", req, "big", "https://h21.example/", errDomain}, // §3.2
}

func TestPolicyGolden(t *testing.T) {
	pols := testPolicies(t)
	require.GreaterOrEqual(t, len(policyGolden), 50)
	for _, tc := range policyGolden {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := pols[tc.pol]
			require.True(t, ok, "unknown config %q", tc.pol)
			assert.Equal(t, tc.want, check(p, tc.api, tc.url), "%s %q", tc.api, tc.url)
		})
	}
}

// TestCheckComparesItself covers Check on origins that no parser normalised.
func TestCheckComparesItself(t *testing.T) {
	p := &sim.Policy{URLCheck: true, SDK: sim.Version{3, 7, 0}, Domains: sim.Domains{
		Request: []sim.Origin{{Scheme: "https", Host: "OK.EXAMPLE"}, {Scheme: "https", Host: "p.example", Port: "0443"}},
		Socket:  []sim.Origin{{Scheme: "https", Host: "ws.example"}}, // wrong scheme for its list
	}}
	assert.NoError(t, p.Check(req, sim.URLParts{Scheme: "https", Host: "ok.example"}))               // §3.2 ASCII case
	assert.Equal(t, errDomain, p.Check(req, sim.URLParts{Scheme: "https", Host: "o\u212a.example"})) // §3.2 no Unicode folding
	assert.NoError(t, p.Check(req, sim.URLParts{Scheme: "https", Host: "p.example", Port: "443"}))   // §3.3 numeric port
	assert.Equal(t, errDomain, p.Check(sock, sim.URLParts{Scheme: "wss", Host: "ws.example"}))       // §3.1 entry scheme
	assert.Equal(t, errURL, p.Check(req, sim.URLParts{Scheme: "https"}))                             // §3.7 no host
}

func TestParseOrigin(t *testing.T) {
	tests := []struct {
		list, raw string
		want      sim.Origin
		problem   string // substring of the error; "" = valid
	}{
		{req, "https://ok.example", sim.Origin{Scheme: "https", Host: "ok.example"}, ""},
		{req, "https://OK.Example/", sim.Origin{Scheme: "https", Host: "ok.example"}, ""},
		{req, "https://ok.example:8443", sim.Origin{Scheme: "https", Host: "ok.example", Port: "8443"}, ""},
		{req, "https://ok.example:443", sim.Origin{Scheme: "https", Host: "ok.example", Port: "443"}, ""},
		{"request", "https://例え.jp", sim.Origin{Scheme: "https", Host: "xn--r8jz45g.jp"}, ""},
		{sock, "wss://ws.example", sim.Origin{Scheme: "wss", Host: "ws.example"}, ""},
		{"socket", "wss://ws.example/", sim.Origin{Scheme: "wss", Host: "ws.example"}, ""},
		{upl, "https://up.example", sim.Origin{Scheme: "https", Host: "up.example"}, ""},
		{"downloadFile", "https://down.example", sim.Origin{Scheme: "https", Host: "down.example"}, ""},
		{req, "http://ok.example", sim.Origin{}, "must be a https:// origin"},
		{req, "wss://ok.example", sim.Origin{}, "must be a https:// origin"},
		{sock, "https://ws.example", sim.Origin{}, "must be a wss:// origin"},
		{sock, "ws://ws.example", sim.Origin{}, "must be a wss:// origin"},
		{sock, "wss://ws.example:8443", sim.Origin{}, "must not have a port"},
		{req, "https://ok.example/api", sim.Origin{}, "without path, query or fragment"},
		{req, "https://ok.example?x", sim.Origin{}, "without path, query or fragment"},
		{req, "https://ok.example#x", sim.Origin{}, "without path, query or fragment"},
		{req, "https://u:p@ok.example", sim.Origin{}, "user info"},
		{req, "https://1.2.3.4", sim.Origin{}, "IP address"},
		{req, "https://192.168.1.1", sim.Origin{}, "IP address"},
		{req, "https://127.1", sim.Origin{}, "IP address"},
		{req, "https://[::1]", sim.Origin{}, "IP address"},
		{req, "https://localhost", sim.Origin{}, "localhost"},
		{req, "https://LocalHost:8080", sim.Origin{}, "localhost"},
		{req, "https://api.weixin.qq.com", sim.Origin{}, "never allowed"},
		{req, "https://ok.example.", sim.Origin{}, "ending in '.'"},
		{"nosuchlist", "https://ok.example", sim.Origin{}, "unknown domain list"},
	}
	for _, tc := range tests {
		t.Run(tc.list+" "+tc.raw, func(t *testing.T) {
			u, hasPath, err := urlx.Parse(tc.raw)
			require.NoError(t, err)
			got, err := sim.ParseOrigin(tc.list, u, tc.raw, hasPath)
			if tc.problem == "" {
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.problem)
			assert.Contains(t, err.Error(), tc.raw, "the message names the entry")
		})
	}
	_, err := sim.ParseOrigin(req, sim.URLParts{Scheme: "https"}, "https://", false)
	assert.ErrorContains(t, err, "no host")
}

func TestIsLANIPv4(t *testing.T) {
	for host, want := range map[string]bool{
		"10.0.0.0": true, "10.255.255.255": true, "172.16.0.0": true, "172.31.255.255": true,
		"192.168.0.0": true, "192.168.255.255": true,
		"9.255.255.255": false, "11.0.0.0": false, "172.15.255.255": false, "172.32.0.0": false,
		"192.167.255.255": false, "192.169.0.0": false, "127.0.0.1": false, "0.0.0.0": false,
		"255.255.255.255": false, "169.254.1.1": false,
		"010.0.0.1": false, "10.0.0": false, "10.0.0.1.": false, "10.0.0.256": false, "+10.0.0.1": false,
		"[::ffff:a00:1]": false, "10.example": false, "": false,
	} {
		assert.Equal(t, want, sim.IsLANIPv4(host), host)
	}
}

func TestRawPort(t *testing.T) {
	for raw, want := range map[string]string{
		"https://a.com/":           "",
		"https://a.com:443/":       "443",
		"https://a.com:0443":       "443",
		"https://a.com:/":          "",
		"https://a.com:0":          "0",
		"https://u:p@a.com:8080/x": "8080",
		"https://u:p:1@a.com/":     "",
		"https://a@b:1@c.com:2/":   "2",
		"https://[::1]:9/":         "9",
		"https://[::1]/":           "",
		`https://a.com\:9/`:        "",
		`https:\\a.com:9\`:         "9",
		"https:a.com:9":            "9",
		"https://a.com?x:9":        "",
		"https://a.com#:9":         "",
		" https://a.com:4\t43/ ":   "443",
		"foo://a.com:9/":           "9",
		`foo://a.com\:9/`:          "9",
		"foo:a.com:9":              "",
		"file://a.com:9/":          "",
		"/rel:9":                   "",
		"a.com:9":                  "", // "a.com" is a scheme: opaque URL
		"1a://x:9/":                "",
		"":                         "",
	} {
		assert.Equal(t, want, sim.RawPort(raw), "%q", raw)
	}
}

func TestDomainWarning(t *testing.T) {
	list := []sim.Origin{{Scheme: "https", Host: "ok.example"}, {Scheme: "https", Host: "p.example", Port: "8443"}}
	w := sim.DomainWarning(req, "https://evil.test/x", list)
	assert.Equal(t, `request: "https://evil.test/x" is not in domain list: request needs https:// URLs `+
		`whose host[:port] is listed in domains.request [https://ok.example, https://p.example:8443] `+
		`(§3, web/docs/behaviour.md). Add the origin to the list or set urlCheck:false.`, w)

	w = sim.DomainWarning(sock, "wss://a.test/", nil)
	assert.Contains(t, w, "wss:// URLs whose host is listed in domains.socket []")

	w = sim.DomainWarning(req, "https://ok.example:pw@evil.test/", list)
	assert.Contains(t, w, `its host is "evil.test" and URLs with user:pass@ are refused`)
	assert.NotContains(t, sim.DomainWarning(req, "https://@ok.example:443/", list), "user:pass@")
	assert.NotContains(t, sim.DomainWarning(req, "https://evil.test/#@ok.example", list), "user:pass@")
}

func TestOriginString(t *testing.T) {
	assert.Equal(t, "https://a.com", sim.Origin{Scheme: "https", Host: "a.com"}.String())
	assert.Equal(t, "https://a.com:8443", sim.Origin{Scheme: "https", Host: "a.com", Port: "8443"}.String())
}
