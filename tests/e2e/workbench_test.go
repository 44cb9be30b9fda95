package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim/project"
	"github.com/wxsim/wxsim/sim/relay"
	"github.com/wxsim/wxsim/sim/server"
	tb "github.com/wxsim/wxsim/tests/browser"
)

// workbench serves the simulator page as cmd/wxsim does (the relay, the demo host pinned
// to the server itself, app when not nil) and opens it in a new tab.
type workbench struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func openWorkbench(t *testing.T, app *project.Project) *workbench {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	rl := relay.New(relay.Options{Token: "wb-token", Self: relay.SelfOrigins(ln.Addr()),
		Pins: map[string]string{server.DemoHost: ln.Addr().String()}, Logf: t.Logf})
	h, err := server.New(server.Options{WebDir: "../../web", Relay: rl, App: app})
	require.NoError(t, err)
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	ctx, cancel := chromedp.NewContext(browserCtx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancel() })
	w := &workbench{t: t, ctx: ctx, base: "http://" + ln.Addr().String()}
	// in front: a hidden tab is an app in the background to the preview (§8.3)
	w.run(page.BringToFront(), chromedp.EmulateViewport(1400, 1000))
	w.open()
	return w
}

func (w *workbench) run(actions ...chromedp.Action) {
	w.t.Helper()
	require.NoError(w.t, chromedp.Run(w.ctx, actions...))
}

// open (re)loads the page and waits until it says ready.
func (w *workbench) open() {
	w.t.Helper()
	w.run(chromedp.Navigate(w.base + "/"))
	w.waitFor(`document.querySelector('#state').textContent === 'ready'`)
}

func (w *workbench) eval(expr string, out any) {
	w.t.Helper()
	require.NoError(w.t, tb.Eval(w.ctx, expr, out), "eval %s", short(expr))
}

// waitFor waits (10 s at most) until the JS condition holds in the page, checked every
// 20 ms (not every animation frame: a headless tab may not paint frames).
func (w *workbench) waitFor(cond string) {
	w.t.Helper()
	var ok bool
	w.eval(`new Promise((resolve) => { const end = Date.now() + 10000;
		const check = () => { let v = false; try { v = !!(`+cond+`); } catch (e) {}
			if (v || Date.now() > end) resolve(v); else setTimeout(check, 20); }; check(); })`, &ok)
	if !ok {
		// what a person would look at: the last rows and the console
		var seen struct {
			Rows    []row  `json:"rows"`
			Console string `json:"console"`
		}
		w.eval(`({rows: (`+rowsJS+`).slice(-5), console: Array.from(document.querySelectorAll('#console li')).slice(-8).map((li) => li.textContent).join('\n')})`, &seen)
		w.t.Fatalf("waited 10 s for %s\nlast rows: %+v\nconsole:\n%s", cond, seen.Rows, seen.Console)
	}
}

// press clicks the preview's button of the Page method.
func (w *workbench) press(method string) {
	w.t.Helper()
	w.eval(`(() => { const b = document.getElementById('preview').contentDocument.querySelector('[data-method="`+method+`"]');
		if (!b) throw new Error('no button for `+method+`'); b.click(); return true; })()`, nil)
}

func (w *workbench) click(sel string) { w.t.Helper(); w.run(chromedp.Click(sel, chromedp.ByQuery)) }

// row is one line of the network panel.
type row struct {
	ID     string   `json:"id"`
	Cells  []string `json:"cells"`
	Hidden bool     `json:"hidden"`
	Class  string   `json:"class"`
}

const rowsJS = `Array.from(document.querySelectorAll('#rows tr')).map((tr) => ({id: tr.dataset.id, hidden: tr.hidden,
	class: tr.className, cells: Array.from(tr.children).map((td) => td.textContent)}))`

func (w *workbench) rows() []row {
	var rs []row
	w.eval(rowsJS, &rs)
	return rs
}

// waitRow waits for the last row whose name cell contains name to have a status that
// contains status, and returns it.
func (w *workbench) waitRow(name, status string) row {
	w.t.Helper()
	w.waitFor(fmt.Sprintf(`(%s).reverse().some((r) => r.cells[0].includes(%q) && r.cells[3].includes(%q))`, rowsJS, name, status))
	rs := w.rows()
	for i := len(rs) - 1; i >= 0; i-- {
		if strings.Contains(rs[i].Cells[0], name) && strings.Contains(rs[i].Cells[3], status) {
			return rs[i]
		}
	}
	w.t.Fatalf("no row %q %q", name, status)
	return row{}
}

// detail selects the row and opens a tab of its detail pane; it returns the pane's text
// once it contains want.
func (w *workbench) detail(r row, tab, want string) string {
	w.t.Helper()
	w.click(`#rows tr[data-id="` + r.ID + `"]`)
	w.click(`#detail [data-tab="` + tab + `"]`)
	w.waitFor(`document.querySelector('#detail').textContent.includes(` + jsString(want) + `)`)
	var text string
	w.eval(`document.querySelector('#detail').textContent`, &text)
	return text
}

func (w *workbench) consoleHas(s string) {
	w.t.Helper()
	w.waitFor(`document.querySelector('#console').textContent.includes(` + jsString(s) + `)`)
}

func (w *workbench) checked(sel string) bool {
	w.t.Helper()
	var on bool
	w.eval(`document.querySelector(`+jsString(sel)+`).checked`, &on)
	return on
}

func (w *workbench) tab(name string) { w.t.Helper(); w.click(`#tab-` + name) }

// shoot saves a screenshot of the page at width×height in the colour scheme to the test
// artifacts (tests/e2e/artifacts, not committed), then restores the desktop viewport.
func (w *workbench) shoot(name string, width, height int64, scheme string) {
	w.t.Helper()
	dir := os.Getenv("WXSIM_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	require.NoError(w.t, os.MkdirAll(dir, 0o755))
	var png []byte
	w.run(chromedp.EmulateViewport(width, height),
		emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}))
	// the layout of the new width (CaptureScreenshot paints a fresh frame itself)
	w.eval(`document.body.getBoundingClientRect().width > 0`, nil)
	// a tab left in the background by an earlier test waits minutes for a frame: front first
	w.run(page.BringToFront(), chromedp.CaptureScreenshot(&png))
	w.run(chromedp.EmulateViewport(1400, 1000),
		emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}))
	f := filepath.Join(dir, name+".png")
	require.NoError(w.t, os.WriteFile(f, png, 0o644))
	w.t.Logf("screenshot %s", f)
}

// The page ./build.sh run serves, driven as a person would: the built-in demo's buttons,
// the network panel and its details, conditions, mocks, settings kept over a reload, and
// an exported HAR (§C1–§C4, §C6 underneath).
func TestWorkbenchDemo_SpecC1_SpecC2_SpecC3_SpecC4(t *testing.T) {
	w := openWorkbench(t, nil)
	var name string
	w.eval(`document.querySelector('#project').textContent`, &name)
	assert.Equal(t, "wxsim demo", name)

	// §4: a request, its row, its response as a JSON tree and its headers as sent
	w.press("getJSON")
	r := w.waitRow("json", "200")
	assert.Equal(t, "request", r.Cells[1])
	assert.Equal(t, "GET", r.Cells[2])
	assert.Equal(t, "direct", r.Cells[4])
	assert.Contains(t, w.detail(r, "response", "greeting"), "你好，小程序")
	assert.Contains(t, w.detail(r, "headers", "Request headers"), "content-typeapplication/json")
	assert.Contains(t, w.detail(r, "timing", "waiting"), "receiving")

	// a POST shows its payload
	w.press("postEcho")
	r = w.waitRow("echo?from=demo", "200")
	assert.Contains(t, w.detail(r, "payload", "小程序"), "from")

	// §3.7: a refused call is marked, with the reason
	w.press("refused")
	r = w.waitRow("readme.txt", "refused: request:fail invalid url")
	assert.Contains(t, r.Class, "refused")

	// §5: upload and download (with its progress seen by the panel)
	w.press("upload")
	r = w.waitRow("upload", "200")
	assert.Equal(t, "uploadFile", r.Cells[1])
	w.press("download")
	r = w.waitRow("demo.bin", "200")
	assert.Equal(t, "4.0 MB", r.Cells[5])
	assert.Contains(t, w.detail(r, "timing", "progress 100%"), "4.0 MB")

	// §6: a socket and its frames both ways
	w.press("socketOpen")
	r = w.waitRow("ws", "open")
	w.press("socketSend")
	w.detail(r, "frames", "4 frames") // two sent, two echoed, seen live
	w.press("socketClose")
	r = w.waitRow("ws", "closed 1000")
	frames := w.detail(r, "frames", "4 frames")
	assert.Contains(t, frames, "↑ outhello, echo")
	assert.Contains(t, frames, "↓ inhello, echo")
	assert.Contains(t, frames, "base64 AQID+g==")

	// §C3: offline fails calls at once; a custom latency slows them
	w.click(`#presets [data-preset="Offline"]`)
	w.waitFor(`document.querySelector('#netState').textContent.includes('Offline')`)
	w.press("getJSON")
	w.waitRow("json", "network unavailable")
	w.run(chromedp.SetValue("#netType", "wifi", chromedp.ByQuery), chromedp.SetValue("#netLatency", "600", chromedp.ByQuery))
	w.eval(`document.querySelector('#netLatency').dispatchEvent(new Event('change')), true`, nil)
	w.waitFor(`document.querySelector('#netState').textContent.includes('custom')`)
	before := len(w.rows())
	w.press("getJSON")
	w.waitFor(fmt.Sprintf(`(%s).length > %d && (%s).at(-1).cells[3] === '200'`, rowsJS, before, rowsJS))
	var took float64
	w.eval(`parseFloat(document.querySelector('#rows tr:last-child').children[6].textContent) *
		(document.querySelector('#rows tr:last-child').children[6].textContent.endsWith(' s') ? 1000 : 1)`, &took)
	assert.GreaterOrEqual(t, took, 600.0, "a 600 ms latency shows in the row's time")
	w.click(`#presets [data-preset="No throttling"]`)
	w.waitFor(`document.querySelector('#netState').textContent.includes('No throttling')`)

	// §C4: a mock added in the Mocks tab answers the next call
	w.tab("mocks")
	w.run(chromedp.SetValue("#mockUrl", w.base+"/demo/json", chromedp.ByQuery),
		chromedp.SetValue("#mockData", `{"mocked": true}`, chromedp.ByQuery))
	w.click("#mockSave")
	w.waitFor(`document.querySelector('#mocks').textContent.includes('/demo/json')`)
	w.tab("network")
	w.press("getJSON")
	r = w.waitRow("json", "200")
	w.waitFor(fmt.Sprintf(`(%s).at(-1).cells[4] === 'mock'`, rowsJS))
	r = w.rows()[len(w.rows())-1]
	assert.Contains(t, w.detail(r, "response", "mocked"), "true")

	// settings: switching domain checks on refuses the demo's plain-http calls at once
	w.tab("settings")
	w.run(chromedp.SetValue("#cfgAppId", "wxpersisted", chromedp.ByQuery))
	w.click("#cfgNoCheck") // unchecked: urlCheck true
	w.waitFor(`document.querySelector('#cfgState').textContent === 'in force: urlCheck on, relay off, wxpersisted'`)
	w.tab("network")
	w.press("getJSON")
	w.waitRow("json", "url not in domain list")
	// §3.7: and the console names the URL and the list it was checked against
	w.tab("console")
	w.consoleHas(`request: "` + w.base + `/demo/json" is not in domain list`)
	w.tab("network")

	// the workbench keeps its settings, network and mocks over a reload
	w.click(`#presets [data-preset="3G"]`)
	w.waitFor(`document.querySelector('#netState').textContent.includes('3G')`)
	w.open()
	var kept struct {
		AppID   string `json:"appId"`
		Check   bool   `json:"check"`
		Net     string `json:"net"`
		Mocks   string `json:"mocks"`
		Checked string `json:"checked"`
	}
	w.waitFor(`document.querySelector('#netState').textContent.includes('3G')`)
	w.eval(`({appId: document.querySelector('#cfgAppId').value, check: document.querySelector('#cfgNoCheck').checked,
		net: document.querySelector('#netState').textContent, mocks: document.querySelector('#mocks').textContent,
		checked: document.querySelector('#presets [aria-checked="true"]').dataset.preset})`, &kept)
	assert.Equal(t, "wxpersisted", kept.AppID)
	assert.False(t, kept.Check)
	assert.Equal(t, "3G", kept.Checked)
	assert.Contains(t, kept.Mocks, "/demo/json")
	w.press("getJSON")
	w.waitRow("json", "url not in domain list") // the kept config is in force
	w.tab("settings")
	w.click("#cfgReset")
	w.waitFor(`document.querySelector('#cfgState').textContent === 'in force: urlCheck off, relay off, wxdemo'`)
	assert.True(t, w.checked("#cfgNoCheck"))
	w.click(`#presets [data-preset="No throttling"]`)
	w.tab("mocks")
	w.click("#clearMocks")
	w.waitFor(`document.querySelector('#mocks').textContent.includes('No rules')`)
	w.tab("network")

	// the relay switch: the call goes through the relay with WeChat's Referer
	w.tab("settings")
	w.click("#cfgRelay")
	w.waitFor(`document.querySelector('#cfgState').textContent === 'in force: urlCheck off, relay on, wxdemo'`)
	w.tab("network")
	w.press("relay")
	r = w.waitRow("echo", "200")
	w.waitFor(fmt.Sprintf(`(%s).at(-1).cells[4] === 'relay'`, rowsJS))
	w.waitFor(`document.getElementById('preview').contentDocument.querySelector('#data').textContent.includes('servicewechat.com/wxdemo')`)
	w.tab("settings")
	w.click("#cfgRelay")
	w.waitFor(`document.querySelector('#cfgState').textContent === 'in force: urlCheck off, relay off, wxdemo'`)
	w.tab("network")

	// §8.3: hide shows the 5 s grace counting down; show ends it
	w.click("#hide")
	w.waitFor(`document.querySelector('#grace').textContent.includes('fail “interrupted” in')`)
	w.waitFor(`document.querySelector('#state').textContent === 'hidden'`)
	w.click("#show")
	w.waitFor(`document.querySelector('#grace').textContent === 'app in the foreground'`)

	// screenshots with a selected row, as a person sees the page
	w.press("getJSON")
	r = w.waitRow("json", "200")
	w.detail(r, "response", "greeting")
	w.shoot("workbench-desktop-light", 1400, 1000, "light")
	w.shoot("workbench-desktop-dark", 1400, 1000, "dark")
	w.shoot("workbench-375-light", 375, 1400, "light")
	w.shoot("workbench-375-dark", 375, 1400, "dark")

	// §C2: Export HAR downloads a HAR 1.2 file of the panel's calls (the reload above
	// started a new preview: its calls are the ones made since)
	w.press("upload")
	w.waitRow("upload", "200")
	w.press("socketOpen")
	w.waitRow("ws", "open")
	w.press("socketClose")
	w.waitRow("ws", "closed 1000")
	// refused calls never reach the network, so the HAR (§C2) has no entry for them
	panel := 0
	for _, r := range w.rows() {
		if !strings.Contains(r.Class, "refused") {
			panel++
		}
	}
	dir := t.TempDir()
	done := make(chan string, 1)
	onDownload := func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- e.GUID:
			default:
			}
		}
	}
	// the events come on the tab's session or the browser's, depending on the version
	chromedp.ListenTarget(w.ctx, onDownload)
	chromedp.ListenBrowser(w.ctx, onDownload)
	w.run(browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(dir).WithEventsEnabled(true))
	w.click("#exportHar")
	var guid string
	select {
	case guid = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Export HAR downloaded nothing in 10 s")
	}
	b, err := os.ReadFile(filepath.Join(dir, guid))
	require.NoError(t, err)
	validateHAR(t, b)
	var h harLog
	require.NoError(t, json.Unmarshal(b, &h))
	var apis []string
	for _, e := range h.Log.Entries {
		apis = append(apis, e.Request.URL)
	}
	assert.Contains(t, strings.Join(apis, " "), "/demo/upload")
	assert.Contains(t, strings.Join(apis, " "), "/demo/ws")
	assert.Len(t, h.Log.Entries, panel, "one entry per row of the panel that reached the network: %v", apis)

	// Clear empties the panel; relaunch starts the app again
	w.click("#clearNet")
	w.waitFor(`document.querySelectorAll('#rows tr').length === 0`)
	w.click("#relaunch")
	w.waitFor(`document.querySelector('#state').textContent === 'starting…' || document.querySelector('#console').textContent.includes('relaunched')`)
	w.waitFor(`document.querySelector('#state').textContent === 'ready'`)
	w.press("getJSON")
	w.waitRow("json", "200")
}

// 1000 calls fill the panel; it stays usable: filters and selection answer.
func TestWorkbenchThousandRows_SpecC1(t *testing.T) {
	w := openWorkbench(t, nil)
	start := time.Now()
	w.eval(`(() => { const win = document.getElementById('preview').contentWindow;
		win.wxsim.mock({url: location.origin + '/many/*', response: {data: {ok: 1}}});
		for (let i = 0; i < 1000; i++) win.wx.request({url: location.origin + '/many/' + i});
		return true; })()`, nil)
	w.waitFor(fmt.Sprintf(`(%s).filter((r) => r.cells[3] === '200').length === 1000`, rowsJS))
	t.Logf("1000 calls in the panel after %v", time.Since(start))
	w.run(chromedp.SendKeys("#filterText", "/many/99", chromedp.ByQuery))
	w.waitFor(fmt.Sprintf(`(%s).filter((r) => !r.hidden).length === 11`, rowsJS)) // 99, 990..999
	rs := w.rows()
	var shown []row
	for _, r := range rs {
		if !r.Hidden {
			shown = append(shown, r)
		}
	}
	w.detail(shown[0], "headers", "/many/99")
	assert.Len(t, rs, 1000)

	// from the keyboard: the arrow keys move the selection among the rows shown (the detail
	// follows), and between the tabs
	w.run(chromedp.Focus("#tablewrap", chromedp.ByQuery), chromedp.KeyEvent(kb.ArrowDown))
	w.waitFor(fmt.Sprintf(`document.querySelector('#rows tr[data-id="%s"]').getAttribute('aria-selected') === 'true'`, shown[1].ID))
	w.waitFor(`document.querySelector('#detail').textContent.includes('/many/990')`)
	w.run(chromedp.Focus("#tab-network", chromedp.ByQuery), chromedp.KeyEvent(kb.ArrowRight))
	w.waitFor(`document.activeElement.id === 'tab-console' && !document.querySelector('#pane-console').hidden && document.querySelector('#pane-network').hidden`)
}

// wxsim --app DIR: the folder's config (project.config.json, app.json) and its entry
// script with ES module imports (§2, §8.2).
func TestWorkbenchApp_Spec2_Spec8_2(t *testing.T) {
	app, err := project.Load("testdata/app", "")
	require.NoError(t, err)
	w := openWorkbench(t, &app)
	var name string
	w.eval(`document.querySelector('#project').textContent`, &name)
	assert.Contains(t, name, "fixture app")
	w.tab("console")
	w.consoleHas("fixture app launched as wxfixtureapp")
	w.consoleHas("fixture slow call: request:fail timeout")
	w.tab("network")
	w.waitRow("slow?ms=3000", "request:fail timeout")
	w.press("hello")
	w.waitRow("json", "200")
	w.waitFor(`document.getElementById('preview').contentDocument.querySelector('#data').textContent.includes('你好')`)
	var to string
	w.tab("settings")
	w.eval(`document.querySelector('#to-request').value + ' ' + document.querySelector('#cfgAppId').value`, &to)
	assert.Equal(t, "500 wxfixtureapp", to)
	w.shoot("workbench-app-desktop-light", 1400, 1000, "light")
}

// jsString quotes s as a JS string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
