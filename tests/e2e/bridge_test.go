package e2e

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim/server"
	"github.com/wxsim/wxsim/tests/browser"
)

// bridgeServers serves the §C6 host page and the preview page on two loopback origins
// (each with web/dist under /dist/), and returns their URLs.
func bridgeServers(t *testing.T) (hostURL, previewURL string) {
	t.Helper()
	serve := func(name string) string {
		page, err := os.ReadFile("testdata/" + name)
		require.NoError(t, err)
		u, stop, err := browser.ServePage("../../web/dist", page)
		require.NoError(t, err)
		t.Cleanup(stop)
		return u
	}
	return serve("bridge_host.html"), serve("bridge_preview.html")
}

// openTab opens a fresh tab at u.
func openTab(t *testing.T, u string) *Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	ctx, cancelT := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelT(); cancel() })
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(u)))
	return &Page{t: t, ctx: ctx}
}

func originOf(u string) string { return strings.TrimSuffix(u, "/") }

// previewSrc is the preview's URL with wxsim.bridge's origin option (JSON).
func previewSrc(previewURL string, allowed any) string {
	b, _ := json.Marshal(allowed)
	return previewURL + "?origin=" + url.QueryEscape(string(b))
}

// BridgeResult is what H.call reports.
type BridgeResult struct {
	OK    bool   `json:"ok"`
	Value any    `json:"value"`
	Error string `json:"error"`
}

// §C6: a host on another origin drives the preview: start, config, hide/show,
// setNetwork, mock, subscribe (C1 events), har, tasks, the clock; errors come back as
// strings; calls from a third origin, or from another window of the host's origin, are
// ignored and never answered.
func TestBridge_SpecC6(t *testing.T) {
	hostURL, previewURL := bridgeServers(t)
	host := originOf(hostURL)
	p := openTab(t, hostURL)
	// the preview allows a list of origins; connect is called before the frame has loaded
	var version string
	p.Eval(`(async () => {
		H.frame0 = H.frame(`+jsString(previewSrc(previewURL, []string{"https://ide.example.test", host}))+`);
		H.p = await wxsimHost.connect(H.frame0, {origin: `+jsString(originOf(previewURL))+`});
		return H.p.version; })()`, &version)
	assert.Equal(t, "0.1.0", version)
	var readies int
	p.Eval(`H.raw.filter((m) => m.data && m.data.wxsim === 'ready').length`, &readies)
	assert.Equal(t, 1, readies, "one ready: the other allowed origin's is not delivered here")

	call := func(expr string) BridgeResult {
		t.Helper()
		var r BridgeResult
		p.Eval(`H.call(H.p, `+expr+`)`, &r)
		return r
	}
	// before start: the loader's error, as a string
	r := call(`'hide'`)
	assert.Equal(t, BridgeResult{Error: "wxsim: call wxsim.start() first"}, r)
	r = call(`'start', {appId: 'wxbridge', domains: {request: ['` + api + `']}}`)
	require.True(t, r.OK, "%+v", r)
	r = call(`'config'`)
	require.True(t, r.OK, "%+v", r)
	cfg := r.Value.(map[string]any)
	assert.Equal(t, "wxbridge", cfg["appId"])
	assert.Equal(t, []any{api}, cfg["domains"].(map[string]any)["request"])
	r = call(`'start', {networkTimeout: {request: -1}}`)
	assert.False(t, r.OK)
	assert.Contains(t, r.Error, "networkTimeout.request")
	assert.True(t, call(`'hide'`).OK)
	assert.True(t, call(`'show'`).OK)
	r = call(`'nosuch'`)
	assert.Equal(t, `wxsim.bridge: unknown method "nosuch"`, r.Error)
	r = call(`'setNetwork', {type: 'bogus'}`)
	assert.False(t, r.OK)
	assert.Contains(t, r.Error, "type")
	r = call(`'mock', {url: '` + api + `/x', respond: () => ({})}`) // a function cannot be posted
	assert.False(t, r.OK)
	assert.Contains(t, r.Error, "could not be cloned")

	// setNetwork / network
	require.True(t, call(`'setNetwork', {type: '4g', latencyMs: 1}`).OK)
	r = call(`'network'`)
	assert.Equal(t, map[string]any{"type": "4g", "latencyMs": 1.0, "downKbps": 0.0, "upKbps": 0.0}, r.Value)

	// subscribe, mock (a url string and the {regexp, flags} form), a real call and a mocked one
	p.Eval(`(async () => { H.off = H.p.on('network', H.onEvent); await H.off.ready; return true; })()`, nil)
	r = call(`'mock', {url: '` + api + `/mocked', response: {data: {m: 1}}}`)
	require.True(t, r.OK, "%+v", r)
	mockID, _ := json.Marshal(r.Value)
	r = call(`'mock', {url: {regexp: '/RE-mocked$', flags: 'i'}, response: {data: 're'}}`)
	require.True(t, r.OK, "%+v", r)
	r = call(`'mocks'`)
	require.Len(t, r.Value, 2)
	request := func(u string) map[string]any {
		t.Helper()
		var done map[string]any
		p.Eval(`(async () => {
			const done = H.next((d) => d && d.test === 'done' && d.url === undefined);
			H.raw = H.raw.filter((m) => !(m.data && m.data.test === 'done'));
			H.frame0.contentWindow.postMessage({test: 'request', url: `+jsString(u)+`}, '*');
			const r = await done;
			H.raw = H.raw.filter((m) => !(m.data && m.data.test === 'done'));
			return r; })()`, &done)
		return done
	}
	assert.Equal(t, map[string]any{"test": "done", "errMsg": "request:ok", "data": map[string]any{"m": 1.0}}, request(api+"/mocked"))
	assert.Equal(t, "re", request(api + "/re-mocked")["data"])
	assert.Equal(t, "request:ok", request(api + "/echo")["errMsg"])
	var ends []map[string]any
	p.Eval(`(async () => {
		const c = await H.event((e) => e.phase === 'create' && e.url === '`+api+`/echo');
		await H.event((e) => e.phase === 'end' && e.id === c.id);
		const url = (id) => H.events.find((e) => e.phase === 'create' && e.id === id).url;
		return H.events.filter((e) => e.phase === 'end').map((e) => ({url: url(e.id), ok: e.ok})); })()`, &ends)
	assert.Equal(t, []map[string]any{{"url": api + "/mocked", "ok": true}, {"url": api + "/re-mocked", "ok": true}, {"url": api + "/echo", "ok": true}}, ends)
	var created []string
	p.Eval(`H.events.filter((e) => e.phase === 'create').map((e) => e.transport)`, &created)
	assert.Equal(t, []string{"mock", "mock", "direct"}, created)
	// events stop after off (the next call's result comes after any event it would have caused)
	var before, n int
	p.Eval(`H.off(); H.events.length`, &before)
	request(api + "/mocked")
	p.Eval(`H.call(H.p, 'stats').then(() => H.events.length)`, &n)
	assert.Equal(t, before, n, "no event after off")

	// har, tasks, unmock, clearMocks
	r = call(`'har'`)
	require.True(t, r.OK, "%+v", r)
	log := r.Value.(map[string]any)["log"].(map[string]any)
	assert.Equal(t, "1.2", log["version"])
	assert.NotEmpty(t, log["entries"])
	r = call(`'har', {bodies: false}`)
	require.True(t, r.OK, "%+v", r)
	r = call(`'tasks'`)
	require.True(t, r.OK)
	assert.Len(t, r.Value, 4)
	r = call(`'unmock', ` + string(mockID))
	assert.True(t, r.OK, "%+v", r)
	assert.Len(t, call(`'mocks'`).Value, 1)
	assert.True(t, call(`'clearMocks'`).OK)
	assert.Empty(t, call(`'mocks'`).Value)

	// the clock
	require.True(t, call(`'clock.install', {now: 1000}`).OK)
	assert.Equal(t, 1000.0, call(`'clock.now'`).Value)
	require.True(t, call(`'clock.tick', 500`).OK)
	assert.Equal(t, 1500.0, call(`'clock.now'`).Value)
	assert.True(t, call(`'clock.uninstall'`).OK)
	assert.True(t, call(`'relaunch'`).OK)

	// a third origin and another window of the host's origin call the preview; neither is
	// answered nor obeyed: by the time a later call of the host has its result, they have
	// been handled (each told the host after it posted)
	third := strings.Replace(hostURL, "127.0.0.1", "localhost", 1)
	p.Eval(`(async () => {
		H.raw = [];
		H.frame(`+jsString(third+"?role=evil")+`);
		H.frame(`+jsString(hostURL+"?role=evil")+`);
		await H.next((d, o) => d && d.test === 'evil-sent' && o === `+jsString(originOf(third))+`);
		await H.next((d, o) => d && d.test === 'evil-sent' && o === `+jsString(host)+`);
		return true; })()`, nil)
	r = call(`'network'`)
	assert.Equal(t, "4g", r.Value.(map[string]any)["type"], "the other windows' setNetwork was ignored")
	var stray []any
	p.Eval(`H.raw.filter((m) => m.data && typeof m.data.id === 'string' || m.data && m.data.wxsim === 'event').map((m) => m.data)`, &stray)
	assert.Empty(t, stray, "no answer and no event for the other windows")
	p.Eval(`H.raw.filter((m) => m.data && m.data.wxsim === 'ready').length`, &readies)
	assert.Zero(t, readies, "their hello got no ready")
	request(api + "/echo")
	p.Eval(`H.call(H.p, 'stats').then(() => H.raw.filter((m) => m.data && m.data.wxsim === 'event').length)`, &n)
	assert.Zero(t, n, "their subscribe was ignored")

	// connect once the preview is up (it said ready before): connect's hello gets a new one;
	// and the ES module twin
	p.Eval(`(async () => {
		const f = H.frame(`+jsString(previewSrc(previewURL, host))+`);
		await new Promise((r) => f.onload = r);
		const m = await import('/dist/wxsim-host.mjs');
		const q = await m.connect(f, {origin: `+jsString(originOf(previewURL)+"/")+`});
		const r = await H.call(q, 'stats');
		return r.ok === false && r.error === 'wxsim: call wxsim.start() first' && m.default.connect === m.connect; })()`, &r.OK)
	assert.True(t, r.OK, "the module twin connects to a preview that is up")

	// a preview that does not allow this origin never says ready, and never answers
	var silent bool
	p.Eval(`(async () => {
		const f = H.frame(`+jsString(previewSrc(previewURL, "https://ide.example.test"))+`);
		await new Promise((r) => f.onload = r);
		let connected = false;
		wxsimHost.connect(f, {origin: `+jsString(originOf(previewURL))+`}).then(() => connected = true);
		// the preview has run its scripts (onload); a call to it goes unanswered, while a
		// call to the first preview (posted after) is answered: by then the hello was handled
		f.contentWindow.postMessage({wxsim: 'call', id: 'x', method: 'stats', args: []}, '*');
		await H.call(H.p, 'stats');
		return !connected && !H.raw.some((m) => m.data && m.data.id === 'x'); })()`, &silent)
	assert.True(t, silent)
}

// §C6: bad arguments to wxsim.bridge and wxsimHost.connect throw TypeErrors naming the field.
func TestBridge_SpecC6_BadArgs(t *testing.T) {
	p := newPage(t, listed)
	var got []string
	p.Eval(`[undefined, 5, {}, {origin: '*'}, {origin: ['*']}, {origin: []}, {origin: 'ide.example.test'},
		{origin: 'http://ide.example.test/path'}, {origin: 5}, {origin: ['https://ok.example.test', null]}, {origin: 'null'}]
		.map((o) => { try { wxsim.bridge(o); return 'no throw'; } catch (e) { return e.name + ': ' + e.message; } })`, &got)
	for i, g := range got {
		assert.True(t, strings.HasPrefix(g, "TypeError: wxsim.bridge: options"), "%d: %s", i, g)
	}
	assert.Contains(t, got[3], `options.origin should be an origin or a list of origins ("*" is refused)`)
	var ok bool
	p.Eval(`(() => { const stop = wxsim.bridge({origin: ['https://ide.example.test', 'http://127.0.0.1:3000/']}); stop(); return typeof stop === 'function'; })()`, &ok)
	assert.True(t, ok, "good origins, in a page that is not framed")

	hostURL, _ := bridgeServers(t)
	h := openTab(t, hostURL)
	h.Eval(`(() => { const f = document.createElement('iframe'); return [[null, {origin: 'http://a.test'}], [f, null], [f, {origin: '*'}], [f, {}], [f, {origin: 'a.test'}]]
		.map(([a, b]) => { try { wxsimHost.connect(a, b); return 'no throw'; } catch (e) { return e.name + ': ' + e.message; } }); })()`, &got)
	assert.Equal(t, []string{
		"TypeError: wxsimHost.connect: iframe should be an <iframe> element",
		"TypeError: wxsimHost.connect: options should be an object like {origin: 'http://127.0.0.1:8080'}",
		`TypeError: wxsimHost.connect: options.origin should be the preview's origin ("*" is refused), got "*"`,
		`TypeError: wxsimHost.connect: options.origin should be the preview's origin ("*" is refused), got undefined`,
		`TypeError: wxsimHost.connect: options.origin should be the preview's origin ("*" is refused), got "a.test"`,
	}, got)
}

// Issue 14: a page of another origin loads wxsim.js, wx.wasm, glue.js and guard.js from
// the wxsim server, which sends CORS headers on web/dist to the origins it allows; a
// server that does not allow the page's origin cannot be loaded from.
func TestBridge_CrossOriginLoad(t *testing.T) {
	hostURL, _ := bridgeServers(t)
	serve := func(allowed []string) string {
		h, err := server.New(server.Options{WebDir: "../../web", AllowOrigins: allowed})
		require.NoError(t, err)
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		return ts.URL
	}
	load := func(srv string) (res map[string]any) {
		p := openTab(t, hostURL)
		p.Eval(`new Promise((resolve) => {
			const s = document.createElement('script');
			s.src = `+jsString(srv+"/dist/wxsim.js")+`;
			s.onload = () => wxsim.start({domains: {request: ['`+api+`']}}).then(() => new Promise((r) =>
				wx.request({url: '`+api+`/echo', complete: (x) => r({errMsg: x.errMsg})}))).then(resolve, (e) => resolve({error: String(e.message)}));
			document.head.appendChild(s); })`, &res)
		return res
	}
	assert.Equal(t, map[string]any{"errMsg": "request:ok"}, load(serve([]string{originOf(hostURL)})))
	res := load(serve([]string{"https://ide.example.test"}))
	assert.Contains(t, res["error"], "wxsim: cannot start")
}

// §C6: a subscription made before start takes effect when start succeeds; a preview
// that reloads says ready again and the handle subscribes again.
func TestBridge_SpecC6_SubscribeBeforeStartAndReload(t *testing.T) {
	hostURL, previewURL := bridgeServers(t)
	p := openTab(t, hostURL)
	var phases []string
	p.Eval(`(async () => {
		H.frame0 = H.frame(`+jsString(previewSrc(previewURL, originOf(hostURL)))+`);
		H.p = await wxsimHost.connect(H.frame0, {origin: `+jsString(originOf(previewURL))+`});
		const off = H.p.on('network', H.onEvent);
		await off.ready;
		// run starts the preview, mocks a url and has the preview request it; resolves with the
		// transport of its events (which a reloaded preview numbers from 1 again)
		const run = async () => {
			const from = H.events.length;
			await H.p.call('start', {domains: {request: ['`+api+`']}});
			await H.p.call('mock', {url: '`+api+`/m', response: {data: 'x'}});
			H.frame0.contentWindow.postMessage({test: 'request', url: '`+api+`/m'}, '*');
			const mine = (e) => H.events.indexOf(e) >= from;
			const c = await H.event((e) => mine(e) && e.phase === 'create');
			await H.event((e) => mine(e) && e.phase === 'end' && e.id === c.id);
			return c.transport;
		};
		const first = await run();
		const readies = H.raw.filter((m) => m.data && m.data.wxsim === 'ready').length;
		const again = H.next(() => H.raw.filter((m) => m.data && m.data.wxsim === 'ready').length > readies);
		H.frame0.src = H.frame0.src + '&reload=1';
		await again;
		await H.p.call('stats').catch(() => {}); // answered after the subscribe the handle sent at ready
		return [first, await run()]; })()`, &phases)
	assert.Equal(t, []string{"mock", "mock"}, phases)
}
