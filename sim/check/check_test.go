package check

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunAgainstFixtures(t *testing.T) {
	f := newFixtures(t)
	cases := []struct {
		url     string
		allow   []string
		verdict Level
		item    string // the key item and its exact message
		level   Level
		message string
	}{
		{url: "https://good.example/", verdict: Pass, item: "tls", level: Pass,
			message: "server offers TLS 1.2, 1.3 (WeChat needs TLS 1.2 or later; §9, web/docs/behaviour.md)"},
		{url: "https://good.example/api?x=1", verdict: Pass, item: "http/2", level: Pass,
			message: "server negotiates HTTP/2 (ALPN h2)"},
		{url: "https://h1.example/", verdict: Pass, item: "http/2", level: Info,
			message: "no HTTP/2 (ALPN h2 not negotiated); HTTP/1.1 works"},
		{url: "https://good.example:8443/", allow: []string{"8443"}, verdict: Pass, item: "port", level: Pass,
			message: "port 8443 is allowed: list the entry as https://good.example:8443 (§3.3, web/docs/behaviour.md)"},
		{url: "https://old.example/", verdict: Fail, item: "tls", level: Fail,
			message: "server offers TLS 1.0, 1.1 only"},
		{url: "https://tls10.example/", verdict: Fail, item: "tls", level: Fail,
			message: "server offers TLS 1.0 only"},
		{url: "https://expired.example/", verdict: Fail, item: "validity", level: Fail,
			message: "certificate expired on 2026-01-02"},
		{url: "https://wrong.example/", verdict: Fail, item: "host name", level: Fail,
			message: "certificate is for other.example"},
		{url: "https://self.example/", verdict: Fail, item: "chain", level: Fail,
			message: "certificate is self-signed and not trusted (subject CN=self.example)"},
		{url: "https://soon.example/", verdict: Warn, item: "validity", level: Warn,
			message: "certificate expires on 2026-03-11, in 10 days"},
		{url: "wss://good.example/ws", verdict: Pass, item: "websocket", level: Pass,
			message: "WebSocket handshake succeeded (101 Switching Protocols)"},
		{url: "wss://good.example:9000/ws", verdict: Pass, item: "port", level: Pass,
			message: "port 9000: any port of a listed wss host is allowed (§3.3, web/docs/behaviour.md)"},
		{url: "wss://good.example/not-a-socket", verdict: Fail, item: "websocket", level: Fail,
			message: "WebSocket handshake failed: HTTP 200 OK"},
		{url: "wss://expired.example/ws", verdict: Fail, item: "validity", level: Fail,
			message: "certificate expired on 2026-01-02"},
		{url: "https://unknown.example/", verdict: Fail, item: "dns", level: Fail,
			message: "cannot resolve unknown.example: no address pinned for unknown.example"},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			o := f.options()
			o.AllowPorts = c.allow
			r := Run(context.Background(), o, c.url)
			assert.Equal(t, c.verdict, r.Verdict, r.String())
			assert.Contains(t, r.Items, Item{Level: c.level, Name: c.item, Message: c.message}, r.String())
		})
	}
}

// A certificate failure stops before the WebSocket handshake: no item claims it worked.
func TestNoWebSocketAfterCertificateFailure(t *testing.T) {
	f := newFixtures(t)
	r := Run(context.Background(), f.options(), "wss://self.example/ws")
	assert.Equal(t, Fail, r.Verdict)
	assert.Empty(t, r.Message("websocket"), r.String())
}

func TestURLFormFailsWithoutNetwork(t *testing.T) {
	f := newFixtures(t)
	cases := []struct{ url, item, message string }{
		{"https://127.0.0.1/", "host", `host "127.0.0.1" is an IP address; IPs cannot be list entries (§3.4, web/docs/behaviour.md)`},
		{"https://127.1/", "host", `host "127.0.0.1" is an IP address; IPs cannot be list entries (§3.4, web/docs/behaviour.md)`},
		{"wss://[::1]/", "host", `host "[::1]" is an IP address; IPs cannot be list entries (§3.4, web/docs/behaviour.md)`},
		{"https://localhost/", "host", `host "localhost" is localhost, which cannot be a list entry (§3.4, web/docs/behaviour.md)`},
		{"https://good.example:443/", "port", "explicit port :443 fails unless the domain-list entry carries it (§3.3, web/docs/behaviour.md); remove it or pass --allow-port 443"},
		{"http://good.example/", "scheme", `scheme "http" is refused: wx.request, uploadFile and downloadFile need https://, wx.connectSocket needs wss:// (§3.1, web/docs/behaviour.md)`},
		{"ws://good.example/", "scheme", `scheme "ws" is refused: wx.request, uploadFile and downloadFile need https://, wx.connectSocket needs wss:// (§3.1, web/docs/behaviour.md)`},
		{"https://api.weixin.qq.com/sns/jscode2session", "host", `host "api.weixin.qq.com" is never allowed, even if listed (§3.5, web/docs/behaviour.md)`},
		{"https://user:pw@good.example/", "userinfo", "URLs with user:pass@ are refused"},
		{"https://@good.example:99999/", "url", `"https://@good.example:99999/" does not parse as an absolute URL (§3.7, web/docs/behaviour.md)`},
		{"good.example", "url", `"good.example" does not parse as an absolute URL (§3.7, web/docs/behaviour.md)`},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			f.calls = 0
			r := Run(context.Background(), f.options(), c.url)
			assert.Equal(t, Fail, r.Verdict, r.String())
			assert.Contains(t, r.Items, Item{Level: Fail, Name: c.item, Message: c.message}, r.String())
			assert.Zero(t, f.calls, "no resolver call for a URL-form failure")
		})
	}
}

func TestReportString(t *testing.T) {
	r := Report{URL: "https://a.example/", Verdict: Warn, Items: []Item{
		{Pass, "scheme", "ok"}, {Warn, "validity", "soon"},
	}}
	assert.Equal(t, "check https://a.example/\n"+
		"  PASS  scheme       ok\n"+
		"  WARN  validity     soon\n"+
		"verdict: WARN: WeChat would accept this server today; see the warnings\n", r.String())
}

func TestMapResolver(t *testing.T) {
	res := MapResolver(map[string]string{"a.example": "127.0.0.1:1234", "b.example": "127.0.0.2"}, nil)
	got, err := res(context.Background(), "A.example", "443")
	require.NoError(t, err)
	assert.Equal(t, []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:1234")}, got)
	got, err = res(context.Background(), "b.example", "8443")
	require.NoError(t, err)
	assert.Equal(t, []netip.AddrPort{netip.MustParseAddrPort("127.0.0.2:8443")}, got)
	_, err = res(context.Background(), "c.example", "443")
	assert.EqualError(t, err, "no address pinned for c.example")
}

// noDNS stands in for system DNS in CLI tests: every host must be pinned by --map.
func noDNS(context.Context, string, string) ([]netip.AddrPort, error) {
	return nil, errors.New("real DNS is not used in tests")
}

func TestCLI(t *testing.T) {
	f := newFixtures(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, f.ca.PEM, 0o600))
	base := Options{Resolve: noDNS, Now: func() time.Time { return testNow }}
	maps := []string{"--ca", caFile}
	for host, addr := range f.pins {
		maps = append(maps, "--map", host+"="+addr)
	}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := mainWith(context.Background(), append(append([]string(nil), maps...), args...), &out, &errOut, base)
		return code, out.String(), errOut.String()
	}

	code, out, _ := run("https://good.example/", "wss://good.example/ws", "https://soon.example/")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, 2, strings.Count(out, "verdict: PASS: WeChat would accept this server\n"), out)
	assert.Contains(t, out, "verdict: WARN:", out)

	code, out, _ = run("https://good.example/", "https://old.example/")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "  FAIL  tls          server offers TLS 1.0, 1.1 only\n")
	assert.Contains(t, out, "verdict: FAIL: WeChat would refuse this server\n")

	code, out, _ = run("--allow-port", "8443", "https://good.example:8443/")
	assert.Equal(t, 0, code, out)

	code, out, _ = run("https://good.example:8443/")
	assert.Equal(t, 1, code, out)

	// Without --ca the test CA is unknown.
	var o2, e2 bytes.Buffer
	code = mainWith(context.Background(), []string{"--map", "good.example=" + f.pins["good.example"], "https://good.example/"}, &o2, &e2, base)
	assert.Equal(t, 1, code, o2.String())
	assert.Contains(t, o2.String(), "certificate is signed by an unknown authority (issuer CN=wxsim test CA)")

	code, _, errOut := run()
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "usage: wxsim check")
	code, _, errOut = run("--map", "bad", "https://good.example/")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `--map "bad": want HOST=IP[:PORT]`)
	code, _, _ = run("--allow-port", "x", "https://good.example/")
	assert.Equal(t, 2, code)
	code, _, _ = run("--ca", filepath.Join(t.TempDir(), "missing.pem"), "https://good.example/")
	assert.Equal(t, 2, code)
}
