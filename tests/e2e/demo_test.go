package e2e

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim/relay"
	"github.com/wxsim/wxsim/sim/server"
)

// The page `./build.sh run` serves: its demo buttons run wx.request against the demo
// backend of the same server, as a newcomer would click them.
func TestDemoPage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	// as cmd/wxsim builds it: the relay, with the demo host pinned to the server itself
	rl := relay.New(relay.Options{Token: "demo-token", Self: relay.SelfOrigins(ln.Addr()),
		Pins: map[string]string{server.DemoHost: ln.Addr().String()}, Logf: t.Logf})
	h, err := server.New(server.Options{WebDir: "../../web", Relay: rl, Logf: t.Logf})
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	defer srv.Close()

	ctx, cancel := chromedp.NewContext(browserCtx)
	defer cancel()
	p := &Page{t: t, ctx: ctx}
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate("http://"+ln.Addr().String()+"/")))
	p.Eval(`new Promise((resolve) => { const tick = () => document.querySelector('#requests').disabled ? setTimeout(tick, 10) : resolve(true); tick(); })`, nil)

	logHas := func(want string) bool {
		var log string
		p.Eval(`(async () => { for (let i = 0; i < 500; i++) { if (document.querySelector('#log').textContent.includes(`+jsString(want)+`)) break; await new Promise(r => setTimeout(r, 10)); } return document.querySelector('#log').textContent; })()`, &log)
		return strings.Contains(log, want)
	}
	click := func(demo string) {
		require.NoError(t, chromedp.Run(ctx, chromedp.Click(`[data-demo="`+demo+`"]`, chromedp.ByQuery)))
	}
	start := time.Now()
	click("hello")
	assert.True(t, logHas(`"hello":"wxsim"`), "hello demo shows the JSON body")
	assert.True(t, logHas(`request:ok`))
	click("notFound")
	assert.True(t, logHas(`404`))
	click("policy")
	assert.True(t, logHas(`request:fail url not in domain list`))
	click("timeout")
	assert.True(t, logHas(`request:fail timeout`))
	click("relay")
	assert.True(t, logHas(`"referer":["https://servicewechat.com/wxdemo/devtools/page-frame.html"]`), "the relay demo shows WeChat's Referer")
	assert.True(t, logHas(`MicroMessenger/`))
	assert.True(t, logHas(`"relay","call":"wxsim.start","config":{"appId":"wxdemo","urlCheck":false},"note":"restored"`))
	t.Logf("demo clicks took %v", time.Since(start))
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }
