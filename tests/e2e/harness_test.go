// Package e2e runs wx in real headless Chromium against a real HTTPS fixture on
// loopback. The page loads web/dist/wxsim.js exactly as a user page does; the tests run
// mini-program-style JavaScript and assert what a user would see. Spec § numbers are
// cited on each test.
package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wxsim/wxsim/sim/relay"

	"github.com/wxsim/wxsim/tests/browser"
	"github.com/wxsim/wxsim/tests/fixture"
	"github.com/wxsim/wxsim/tests/mqttfixture"
)

var (
	fx         *fixture.Server
	broker     *mqttfixture.Broker
	pageURL    string
	browserCtx context.Context
	// pageRelay serves /relay/ on the page's server (a test may replace it, as a restart would)
	pageRelay atomic.Pointer[relay.Relay]
	// test host names mapped to the loopback fixture (api.weixin.qq.com too, so that
	// even a policy bug could not send traffic off the machine)
	testHosts = []string{"api.example.test", "other.example.test", "evil.example.test",
		"port.example.test:8443", "api.weixin.qq.com"}
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	var err error
	if fx, err = fixture.New(); err != nil {
		fmt.Fprintln(os.Stderr, "fixture:", err)
		return 1
	}
	defer fx.Close()
	stop, err := servePage()
	if err != nil {
		fmt.Fprintln(os.Stderr, "page server:", err)
		return 1
	}
	defer stop()
	if broker, err = mqttfixture.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "mqtt broker:", err)
		return 1
	}
	defer broker.Close()
	bctx, cancel, err := browser.Launch(fx.HostRules(testHosts...) + ", " + broker.HostRules("mqtt.example.test"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer cancel()
	browserCtx = bctx
	return m.Run()
}

func servePage() (func(), error) {
	page, err := os.ReadFile("testdata/page.html")
	if err != nil {
		return nil, err
	}
	// the relay is mounted on the page's own server, as `wxsim` serves the simulator:
	// pages get its token without configuration (relay_test.go)
	u, stop, err := browser.ServePage("../../web/dist", page,
		browser.Dir{Prefix: "/jslib/", Path: "../jslib/node_modules"},
		browser.Dir{Prefix: "/relay/", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pageRelay.Load().ServeHTTP(w, r)
		})})
	if err != nil {
		return nil, err
	}
	pageURL = u
	pageRelay.Store(newRelay(relay.Options{Self: selfOrigins(u)}))
	return stop, nil
}

// selfOrigins are the origins of a loopback server at URL u, as `wxsim` computes them
// for its relay (http://127.0.0.1:PORT and http://localhost:PORT).
func selfOrigins(u string) []string {
	a, err := net.ResolveTCPAddr("tcp", strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")) // an IP literal: no DNS
	if err != nil {
		panic(err)
	}
	return relay.SelfOrigins(a)
}

// Page is one browser tab with the test page loaded.
type Page struct {
	t   testing.TB
	ctx context.Context
}

// newPage opens a fresh tab (a fresh wasm runtime) and starts wxsim with config (a JS
// object literal, e.g. `{urlCheck:false}`).
func newPage(t testing.TB, config string) *Page {
	t.Helper()
	return newPageFor(t, config, 2*time.Minute)
}

// newPageFor is newPage for a test that may run longer than 2 minutes (at most d).
func newPageFor(t testing.TB, config string, d time.Duration) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	ctx, cancelT := context.WithTimeout(ctx, d)
	t.Cleanup(func() { cancelT(); cancel() })
	if err := chromedp.Run(ctx, chromedp.Navigate(pageURL)); err != nil {
		t.Fatalf("navigate: %v", err)
	}
	p := &Page{t: t, ctx: ctx}
	// every test starts with no saved or user files: IndexedDB is per origin, shared by
	// all tabs of this browser
	p.Eval(`indexedDB.databases().then((dbs) => Promise.all(dbs.map((d) => new Promise((r) => {
		const q = indexedDB.deleteDatabase(d.name); q.onsuccess = q.onerror = q.onblocked = r; })))).then(() => true)`, nil)
	p.Eval(`wxsim.start(`+config+`).then(() => true)`, nil)
	return p
}

// Reload reloads the page (a new wasm runtime, same origin and IndexedDB) and starts
// wxsim with config, as a user reloading the simulator would.
func (p *Page) Reload(config string) {
	p.t.Helper()
	if err := chromedp.Run(p.ctx, chromedp.Navigate(pageURL)); err != nil {
		p.t.Fatalf("reload: %v", err)
	}
	p.Eval(`wxsim.start(`+config+`).then(() => true)`, nil)
}

// Eval evaluates a JS expression (awaiting a promise result) and decodes it into out.
func (p *Page) Eval(expr string, out any) {
	p.t.Helper()
	if err := browser.Eval(p.ctx, expr, out); err != nil {
		p.t.Fatalf("eval %s: %v", short(expr), err)
	}
}

// Result is what T.call reports.
type Result struct {
	Cbs  []string       `json:"cbs"`
	Sync bool           `json:"sync"`
	Res  map[string]any `json:"res"`
}

// Call runs wx[api](opts) and waits for complete. extra is an optional JS function
// `(task) => {...}` run right after the call returns.
func (p *Page) Call(api, opts string, extra ...string) Result {
	p.t.Helper()
	x := "undefined"
	if len(extra) > 0 {
		x = extra[0]
	}
	var r Result
	p.Eval(fmt.Sprintf(`T.call(%q, %s, %s)`, api, opts, x), &r)
	return r
}

// Console returns the console.warn/error lines the page has logged.
func (p *Page) Console() []string {
	var lines []string
	p.Eval(`T.console`, &lines)
	return lines
}

// ConsoleHas reports whether a console call of type typ ("warn", "error") contained substr.
func (p *Page) ConsoleHas(typ, substr string) bool {
	for _, l := range p.Console() {
		if strings.HasPrefix(l, typ+": ") && strings.Contains(l, substr) {
			return true
		}
	}
	return false
}

// Stats returns wxsim.stats().
func (p *Page) Stats() map[string]float64 {
	p.t.Helper()
	var s map[string]float64
	p.Eval(`wxsim.stats()`, &s)
	return s
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// api is the fixture as mini-program code names it: an https URL with no port.
const api = "https://api.example.test"

// listed is a config whose request list holds the fixture host.
const listed = `{domains: {request: ['https://api.example.test']}}`
