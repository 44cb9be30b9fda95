package sim_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

// Fuzz targets for the sim rules that read user input: the wxsim.start configuration,
// the domain policy and versions, time-outs. Their seed corpora (f.Add below and
// testdata/fuzz/FuzzXxx) run with every `go test ./sim/...`; fuzz one target with e.g.
//
//	go test ./sim -run '^$' -fuzz '^FuzzParseConfig$' -fuzztime 20s -parallel 1

// configSeeds are wxsim.start configurations from the config golden tests, as JSON.
var configSeeds = []string{
	`null`,
	`{}`,
	`{"appId":"wx123","appVersion":"0","sdkVersion":"2.4.0","urlCheck":false,` +
		`"domains":{"request":["https://API.example.com","https://b.example:8443"],"socket":["wss://ws.example"]},` +
		`"networkTimeout":{"request":5000,"downloadFile":90000},"queueExcess":false,` +
		`"backgroundKeepAlive":true,"relay":"http://127.0.0.1:8080/","relayToken":"t"}`,
	`{"urlcheck":false}`,
	`{"appId":5}`,
	`{"sdkVersion":"latest"}`,
	`{"sdkVersion":"1.2.3.4"}`,
	`{"urlCheck":"yes"}`,
	`{"queueExcess":1}`,
	`{"networkTimeout":5}`,
	`{"networkTimeout":{"request":-1}}`,
	`{"networkTimeout":{"request":0}}`,
	`{"networkTimeout":{"request":0.25,"uploadFile":1.5,"connectSocket":1e-300}}`,
	`{"networkTimeout":{"socket":5}}`,
	`{"domains":[]}`,
	`{"domains":{"requests":[]}}`,
	`{"domains":{"request":"https://a.example"}}`,
	`{"domains":{"request":["https://a.example",3]}}`,
	`{"domains":{"request":["https://1.2.3.4"]}}`,
	`{"domains":{"request":["http://a.example"]}}`,
	`{"domains":{"socket":["https://a.example"]}}`,
	`{"domains":{"request":["not a url"]}}`,
	`{"domains":{"request":["https://例え.jp","https://ok.example:0443"],"uploadFile":["https://up.example"],"downloadFile":["https://down.example/"]}}`,
	`{"relay":"ftp://x"}`,
	`{"maxDownloadSize":1024}`,
	`{"maxDownloadSize":1e12}`,
	`{"wasm":null,"relay":null,"appId":null}`,
}

// FuzzParseConfig: ParseConfig on any JSON object never panics and is deterministic
// (same input, same config or same error). It either fails with a *ConfigError whose
// Field names a key of the input (and whose text is "wxsim config.<Field> <Msg>"), or
// yields a config whose Export, passed through JSON as wxsim.config() hands it to the
// page, parses again to the same effective configuration and the same Export.
func FuzzParseConfig(f *testing.F) {
	for _, s := range configSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var raw map[string]any
		if json.Unmarshal(data, &raw) != nil {
			return
		}
		c, err := sim.ParseConfig(raw, urlx.Parse)
		for range 3 { // map order is random on every range: try it more than once
			c2, err2 := sim.ParseConfig(raw, urlx.Parse)
			if errText(err) != errText(err2) || err == nil && !reflect.DeepEqual(c, c2) {
				t.Fatalf("ParseConfig(%s) is not deterministic: %v / %v", data, err, err2)
			}
		}
		if err != nil {
			var ce *sim.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("ParseConfig(%s) error %T %v is not a *ConfigError", data, err, err)
			}
			if err.Error() != "wxsim config."+ce.Field+" "+ce.Msg {
				t.Fatalf("ParseConfig(%s) error %q does not read config.<Field> <Msg>", data, err)
			}
			if !namesKey(raw, ce.Field) {
				t.Fatalf("ParseConfig(%s) error %q names no field of the input", data, err)
			}
			return
		}
		exp := jsonRoundTrip(t, c.Export())
		c3, err := sim.ParseConfig(exp, urlx.Parse)
		if err != nil {
			t.Fatalf("ParseConfig(%s) = ok, but its Export %v fails: %v", data, exp, err)
		}
		if got := jsonRoundTrip(t, c3.Export()); !reflect.DeepEqual(got, exp) {
			t.Fatalf("ParseConfig(%s): Export %v parses to a config exporting %v", data, exp, got)
		}
		if c3.AppID != c.AppID || c3.AppVersion != c.AppVersion || c3.SDK != c.SDK ||
			c3.SDKString != c.SDKString || c3.Relay != c.Relay || c3.QueueExcess != c.QueueExcess ||
			c3.BackgroundKeepAlive != c.BackgroundKeepAlive || !reflect.DeepEqual(c3.Policy, c.Policy) {
			t.Fatalf("ParseConfig(%s) = %+v; its Export parses to %+v", data, c, c3)
		}
		for _, api := range []string{sim.APIRequest, sim.APIConnectSocket, sim.APIUploadFile, sim.APIDownloadFile} {
			if a, b := c.Timeout(api, 0, false), c3.Timeout(api, 0, false); a != b {
				t.Fatalf("ParseConfig(%s): %s time-out %v, after Export %v", data, api, a, b)
			}
			if len(c.DomainsRaw[key(api)]) != len(c.Policy.Domains.List(api)) {
				t.Fatalf("ParseConfig(%s): domains.%s keeps %d entries for %d origins", data, key(api),
					len(c.DomainsRaw[key(api)]), len(c.Policy.Domains.List(api)))
			}
		}
		if c.MaxDownload < 0 || c.MaxDownload > sim.MaxDownloadBytes {
			t.Fatalf("ParseConfig(%s): MaxDownload %d beyond the 200 MB cap", data, c.MaxDownload)
		}
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// namesKey reports whether field is a key of raw or a path below one (k.x, k[i]).
func namesKey(raw map[string]any, field string) bool {
	for k := range raw {
		if field == k || strings.HasPrefix(field, k+".") || strings.HasPrefix(field, k+"[") {
			return true
		}
	}
	return false
}

func jsonRoundTrip(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Export %v is not JSON: %v", v, err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// key is the config.domains key of api's list.
func key(api string) string {
	if api == sim.APIConnectSocket {
		return "socket"
	}
	return api
}

var apis = []string{sim.APIRequest, sim.APIConnectSocket, sim.APIUploadFile, sim.APIDownloadFile, sim.APIGetNetworkType}

// secure is the scheme api needs with urlCheck on (§3.1), plain the other one of its
// family (§3.8).
func schemes(api string) (secure, plain string) {
	if api == sim.APIConnectSocket {
		return "wss", "ws"
	}
	return "https", "http"
}

func setList(d *sim.Domains, api string, o []sim.Origin) {
	switch api {
	case sim.APIRequest:
		d.Request = o
	case sim.APIConnectSocket:
		d.Socket = o
	case sim.APIUploadFile:
		d.UploadFile = o
	case sim.APIDownloadFile:
		d.DownloadFile = o
	}
}

// FuzzPolicy: for a domain list of one entry (read through urlx.Parse and ParseOrigin,
// as ParseConfig does) and any URL, Check never panics, is deterministic and
//   - with urlCheck on, allows a URL only when it is https/wss for its api, carries no
//     credentials and either its host[:port] is the listed entry (§3.2, §3.3) or it is a
//     LAN IPv4 address from base library 2.4.0 (§3.4); and always allows the entry itself;
//   - with urlCheck off, allows exactly the URLs of the api's scheme family with a host;
//   - refuses every URL of an unknown api.
//
// A valid entry is a lower-case, non-IP, non-localhost host with the list's secure
// scheme, and ParseOrigin of its own String() gives it back.
func FuzzPolicy(f *testing.F) {
	for _, s := range [][2]string{
		{"https://ok.example/path?q=1", "https://ok.example"},
		{"https://OK.EXAMPLE:443/", "https://ok.example:443"},
		{"https://ok.example:0443/", "https://ok.example"},
		{"https://port.example:08443/", "https://port.example:8443"},
		{"https://ok.example@evil.test/", "https://ok.example"},
		{"https://user:pw@ok.example/", "https://ok.example"},
		{`https://evil.test\@ok.example/`, "https://ok.example"},
		{"https://ok.example./", "https://ok.example"},
		{"https://例え.jp/", "https://xn--r8jz45g.jp"},
		{"https://XN--BCHER-KVA.example/", "https://bücher.example"},
		{"https://o\u212a.example/", "https://ok.example"},
		{"https://192.168.257/", "https://ok.example"},
		{"https://0xc0a80101/", ""},
		{"https://[::ffff:192.168.1.1]/", ""},
		{"https://127.1/", "https://127.1"},
		{"https://api.weixin.qq.com./", "https://api.weixin.qq.com"},
		{"https://localhost/", "https://localhost"},
		{"wss://ws.example:8443/", "wss://ws.example"},
		{"wss://ws.example/", "wss://ws.example:8443"},
		{"ws://localhost:8080/", "wss://ws.example"},
		{"http://anything.test/", ""},
		{"file:///etc/passwd", "https://ok.example"},
		{"javascript:alert(1)", "https://ok.example"},
		{"https:ok.example/", "https://ok.example/"},
		{"https://ok.example", "https://ok.example?x"},
	} {
		for api := range uint8(len(apis)) {
			f.Add(s[0], s[1], api, true, "3.7.0")
		}
		f.Add(s[0], s[1], uint8(0), false, "3.7.0")
		f.Add(s[0], s[1], uint8(1), true, "2.3.9")
	}
	f.Fuzz(func(t *testing.T, raw, entry string, apiIndex uint8, urlCheck bool, sdk string) {
		api := apis[int(apiIndex)%len(apis)]
		secure, plain := schemes(api)
		v, ok := sim.ParseVersion(sdk)
		if !ok {
			v = sim.Version{3, 7, 0}
		}
		p := &sim.Policy{URLCheck: urlCheck, SDK: v}
		var listed *sim.Origin
		if eu, hasPath, err := urlx.Parse(entry); err == nil {
			if o, err := sim.ParseOrigin(api, eu, entry, hasPath); err == nil {
				checkOrigin(t, api, entry, o)
				listed = &o
				setList(&p.Domains, api, []sim.Origin{o})
			} else if !strings.HasPrefix(err.Error(), strconv.Quote(entry)+" ") {
				t.Fatalf("ParseOrigin(%q) error %q does not name the entry", entry, err)
			}
		}
		_ = sim.DomainWarning(api, raw, p.Domains.List(api))
		u, _, err := urlx.Parse(raw)
		if err != nil {
			return
		}
		got := p.Check(api, u)
		if again := p.Check(api, u); again != got {
			t.Fatalf("Check(%s, %+v) = %v, then %v", api, u, got, again)
		}
		if got != nil && got != sim.ErrDomain && got != sim.ErrInvalidURL {
			t.Fatalf("Check(%s, %+v) = %v: not a §3.7 reason", api, u, got)
		}
		lan := !v.Less(sim.Version{2, 4, 0}) && sim.IsLANIPv4(u.Host)
		matches := listed != nil && strings.EqualFold(listed.Host, u.Host) && isASCII(u.Host) &&
			(api == sim.APIConnectSocket || listed.Port == u.Port)
		switch {
		case api == sim.APIGetNetworkType:
			if got != sim.ErrDomain {
				t.Fatalf("Check(%s, %q) = %v, want ErrDomain for an api without list", api, raw, got)
			}
		case !urlCheck:
			want := (u.Scheme == secure || u.Scheme == plain) && u.Host != ""
			if (got == nil) != want {
				t.Fatalf("urlCheck off: Check(%s, %q) = %v, want allowed %v", api, raw, got, want)
			}
		case got == nil:
			if u.Scheme != secure || u.Userinfo || u.Host == "" || !(matches || lan) {
				t.Fatalf("Check(%s, %q) allows %+v with list %v (lan %v)", api, raw, u, listed, lan)
			}
		case u.Scheme == secure && !u.Userinfo && (matches || lan):
			t.Fatalf("Check(%s, %q) = %v for %+v, listed as %v (lan %v)", api, raw, got, u, listed, lan)
		}
	})
}

// checkOrigin asserts what a valid list entry is, and that it allows its own origin.
func checkOrigin(t *testing.T, api, entry string, o sim.Origin) {
	t.Helper()
	secure, _ := schemes(api)
	if o.Scheme != secure || o.Host == "" || o.Host != strings.ToLower(o.Host) ||
		strings.HasSuffix(o.Host, ".") || strings.HasPrefix(o.Host, "[") || sim.IsLANIPv4(o.Host) ||
		o.Port != "" && strings.TrimLeft(o.Port, "0") != o.Port && o.Port != "0" ||
		api == sim.APIConnectSocket && o.Port != "" {
		t.Fatalf("ParseOrigin(%s, %q) = %+v: not a valid entry", api, entry, o)
	}
	u, hasPath, err := urlx.Parse(o.String())
	if err != nil || hasPath {
		t.Fatalf("ParseOrigin(%s, %q) = %+v, whose String %q does not parse: %v", api, entry, o, o, err)
	}
	again, err := sim.ParseOrigin(api, u, o.String(), hasPath)
	if err != nil || again != o {
		t.Fatalf("ParseOrigin(%s, %q) = %+v, but its String gives %+v, %v", api, entry, o, again, err)
	}
	p := sim.Policy{URLCheck: true, SDK: sim.Version{3, 7, 0}}
	setList(&p.Domains, api, []sim.Origin{o})
	if err := p.Check(api, u); err != nil {
		t.Fatalf("the entry %q does not allow its own origin %+v: %v", entry, u, err)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// FuzzParseVersion: a version that parses prints as a.b.c, which parses to itself; Less
// is a strict order; only digits and dots, one to three parts, are accepted.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"3.7.0", "2.4.0", "2.10.2", "1", "1.2", "1.2.3.4", "", ".", "1..2", "01.2.3",
		"9999999.0.0", "99999999", "latest", "2.4.0 ", "+1.2.3", "-1", "1.2.x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := sim.ParseVersion(s)
		if !ok {
			if v != (sim.Version{}) {
				t.Fatalf("ParseVersion(%q) fails with %v", s, v)
			}
			return
		}
		parts := strings.Split(s, ".")
		if len(parts) > 3 || strings.Trim(s, "0123456789.") != "" {
			t.Fatalf("ParseVersion(%q) = %v accepts a non-version", s, v)
		}
		w, ok := sim.ParseVersion(v.String())
		if !ok || w != v {
			t.Fatalf("ParseVersion(%q) = %v; its String %q parses to %v, %v", s, v, v.String(), w, ok)
		}
		for _, x := range v {
			if x < 0 {
				t.Fatalf("ParseVersion(%q) = %v: negative part", s, v)
			}
		}
		if v.Less(v) || v.Less(sim.Version{}) {
			t.Fatalf("%v.Less is not a strict order", v)
		}
	})
}

// FuzzTimeout: the time-out of a call is always in (0, 60 s] (§8.2); a valid call value
// wins over networkTimeout and is monotonic; invalid ones (0, negative, NaN, ±Inf, not a
// number) fall back to networkTimeout, then 60 s.
func FuzzTimeout(f *testing.F) {
	for _, s := range [][3]float64{{5000, 0, 1000}, {0, 5000, 0}, {-1, 120000, 1}, {math.NaN(), 0.5, 2},
		{math.Inf(1), math.Inf(-1), 3}, {1e-300, 1e300, 4}, {60000, 59999.9999, 5}, {0.0000001, 1, 6}} {
		f.Add(s[0], true, s[1], s[2])
		f.Add(s[0], false, s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, call float64, isNumber bool, cfgMS, other float64) {
		c := sim.DefaultConfig()
		c.NetworkTimeout[sim.APIRequest] = cfgMS
		d := c.Timeout(sim.APIRequest, call, isNumber)
		if d <= 0 || d > sim.MaxTimeout {
			t.Fatalf("Timeout(%v, %v) with networkTimeout %v = %v, outside (0, 60s]", call, isNumber, cfgMS, d)
		}
		valid := func(ms float64) bool { return ms > 0 && !math.IsInf(ms, 0) && !math.IsNaN(ms) }
		plain := sim.DefaultConfig()
		switch {
		case isNumber && valid(call):
			if want := plain.Timeout(sim.APIRequest, call, true); d != want {
				t.Fatalf("Timeout(%v) = %v with networkTimeout, %v without", call, d, want)
			}
			if valid(other) {
				lo, hi := min(call, other), max(call, other)
				if a, b := c.Timeout(sim.APIRequest, lo, true), c.Timeout(sim.APIRequest, hi, true); a > b {
					t.Fatalf("Timeout(%v) = %v > Timeout(%v) = %v", lo, a, hi, b)
				}
			}
		case valid(cfgMS):
			if want := c.Timeout(sim.APIRequest, cfgMS, true); d != want {
				t.Fatalf("Timeout(%v, %v) = %v, want networkTimeout's %v", call, isNumber, d, want)
			}
		default:
			if d != 60*sim.Second {
				t.Fatalf("Timeout(%v, %v) with networkTimeout %v = %v, want 60s", call, isNumber, cfgMS, d)
			}
		}
	})
}
