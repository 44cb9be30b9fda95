package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/browser"
	"github.com/wxsim/wxsim/tests/fixture"
)

// echoHello is page code that opens an echo socket, sends "hello" and waits for it back
// (the socket stays open: a HAR exports it with its frames so far).
const echoHello = `const s = wx.connectSocket({url: 'wss://api.example.test/ws/echo'});
		await new Promise((res) => s.onOpen(res));
		const echo = new Promise((res) => s.onMessage(res));
		s.send({data: 'hello'});
		await echo;`

// validateHAR checks har against the HAR 1.2 schema with har-validator (tests/jslib,
// pinned by its lock file), run by node.
func validateHAR(t *testing.T, har json.RawMessage) {
	t.Helper()
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node is needed for the HAR schema check")
	dir, err := filepath.Abs("../jslib/node_modules")
	require.NoError(t, err)
	f := filepath.Join(t.TempDir(), "wx.har")
	require.NoError(t, os.WriteFile(f, har, 0o644))
	cmd := exec.Command(node, "-e", `require(process.argv[1] + "/har-validator").har(JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")))
		.then(() => console.log("valid"), (e) => { console.log(JSON.stringify(e.errors || e.message)); process.exit(1); })`, dir, f)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "HAR 1.2 schema: %s", out)
}

type harLog struct {
	Log struct {
		Version string `json:"version"`
		Creator struct {
			Name string `json:"name"`
		} `json:"creator"`
		Entries []struct {
			Request struct {
				Method   string `json:"method"`
				URL      string `json:"url"`
				Headers  []struct{ Name, Value string }
				PostData *struct {
					Text     string `json:"text"`
					Encoding string `json:"_encoding"`
					Comment  string `json:"comment"`
				} `json:"postData"`
			} `json:"request"`
			Response struct {
				Status  int    `json:"status"`
				Error   string `json:"_error"`
				Content struct {
					Size     int    `json:"size"`
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
					Comment  string `json:"comment"`
				} `json:"content"`
			} `json:"response"`
			ResourceType string `json:"_resourceType"`
			Messages     []struct {
				Type   string  `json:"type"`
				Opcode int     `json:"opcode"`
				Data   string  `json:"data"`
				Time   float64 `json:"time"`
			} `json:"_webSocketMessages"`
			Wxsim struct {
				API       string `json:"api"`
				ErrMsg    string `json:"errMsg"`
				Transport string `json:"transport"`
			} `json:"_wxsim"`
		} `json:"entries"`
	} `json:"log"`
}

// §C2: a HAR of requests (a JSON POST, a binary body, a failure, a mock), a download and
// a socket with its frames; refused calls are not in it; it validates as HAR 1.2.
func TestHAR_SpecC2(t *testing.T) {
	p := newPage(t, `{domains: {request: ['`+api+`'], downloadFile: ['`+api+`'], socket: ['wss://api.example.test']}}`)
	var raw json.RawMessage
	p.Eval(`(async () => {
		const q = (o) => new Promise((res) => wx.request(Object.assign({complete: res}, o)));
		await q({url: '`+api+`/echo', method: 'POST', data: {a: 1}});
		wxsim.mock({url: '`+api+`/m/bin', response: {data: new Uint8Array([0xff, 0xfe, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]).buffer}});
		await q({url: '`+api+`/m/bin', responseType: 'arraybuffer'});
		await q({url: 'https://elsewhere.example.test/'});
		wxsim.mock({url: '`+api+`/m/fail', fail: 'network'});
		wxsim.mock({url: '`+api+`/m/ok', response: {data: 'mocked'}});
		await q({url: '`+api+`/m/fail'});
		await q({url: '`+api+`/m/ok'});
		await new Promise((res) => wx.downloadFile({url: '`+api+`/bytes?n=8', complete: res}));
		`+echoHello+`
		return wxsim.har();
	})()`, &raw)
	validateHAR(t, raw)
	var h harLog
	require.NoError(t, json.Unmarshal(raw, &h))
	assert.Equal(t, "1.2", h.Log.Version)
	assert.Equal(t, "wxsim", h.Log.Creator.Name)
	es := h.Log.Entries
	require.Len(t, es, 6, "the refused call sent nothing and is not an entry")
	assert.Equal(t, "POST", es[0].Request.Method)
	require.NotNil(t, es[0].Request.PostData)
	assert.Equal(t, `{"a":1}`, es[0].Request.PostData.Text)
	assert.Equal(t, 200, es[0].Response.Status)
	assert.Equal(t, "request:ok", es[0].Wxsim.ErrMsg)
	assert.Equal(t, "base64", es[1].Response.Content.Encoding, "a binary body is base64")
	assert.Equal(t, 16, es[1].Response.Content.Size)
	assert.Equal(t, 0, es[2].Response.Status, "a failed task: status 0 and its errMsg")
	assert.Contains(t, es[2].Response.Error, "request:fail network error")
	assert.Equal(t, "mock", es[2].Wxsim.Transport)
	assert.Equal(t, "mocked", es[3].Response.Content.Text)
	assert.Equal(t, "downloadFile", es[4].Wxsim.API)
	assert.Equal(t, "websocket", es[5].ResourceType, "a socket still open, with its frames so far")
	require.Len(t, es[5].Messages, 2)
	assert.Equal(t, "send", es[5].Messages[0].Type)
	assert.Equal(t, 1, es[5].Messages[0].Opcode)
	assert.Equal(t, "hello", es[5].Messages[0].Data)
	assert.Equal(t, "receive", es[5].Messages[1].Type)
	assert.Greater(t, es[5].Messages[0].Time, 1e9, "seconds since the epoch")
}

// §C2 options: maxBodyBytes leaves a longer body out with a comment; bodies: false keeps
// none; bad options reject with a TypeError naming them.
func TestHAROptions_SpecC2(t *testing.T) {
	p := newPage(t, listed)
	var r struct {
		Capped, NoBodies json.RawMessage
		Bad              []string
	}
	p.Eval(`(async () => {
		await new Promise((res) => wx.request({url: '`+api+`/bytes?n=100', complete: res}));
		const rej = (o) => wxsim.har(o).then(() => "resolved", (e) => e.name + ": " + e.message);
		return {capped: await wxsim.har({maxBodyBytes: 10}), noBodies: await wxsim.har({bodies: false}),
			bad: [await rej({bodies: 1}), await rej({maxBodyBytes: -1}), await rej(5)]};
	})()`, &r)
	validateHAR(t, r.Capped)
	var c, n harLog
	require.NoError(t, json.Unmarshal(r.Capped, &c))
	require.NoError(t, json.Unmarshal(r.NoBodies, &n))
	require.Len(t, c.Log.Entries, 1)
	assert.Equal(t, "body omitted: 100 bytes", c.Log.Entries[0].Response.Content.Comment)
	assert.Empty(t, c.Log.Entries[0].Response.Content.Text)
	assert.Empty(t, n.Log.Entries[0].Response.Content.Text)
	assert.Equal(t, []string{
		"TypeError: wxsim.har: options.bodies should be a boolean",
		"TypeError: wxsim.har: options.maxBodyBytes should be a number of bytes ≥ 0",
		"TypeError: wxsim.har: options should be an object",
	}, r.Bad)
}

// §C1/§C2 memory: with a listener on over 10,000 tasks (mocked, 64 KiB bodies each), the
// task list keeps 1,000 and the HAR has at most 1,000 entries.
func TestEventsBounded_SpecC1(t *testing.T) {
	p := newPage(t, listed)
	var r struct{ Tasks, Entries, Events int }
	p.Eval(`(async () => {
		let events = 0;
		wxsim.on('network', () => { events++; });
		wxsim.mock({url: '`+api+`/big', response: {data: new ArrayBuffer(65536)}});
		for (let i = 0; i < 10000; i += 100) {
			const batch = [];
			for (let j = 0; j < 100; j++) batch.push(new Promise((res) => wx.request({url: '`+api+`/big', responseType: 'arraybuffer', complete: res})));
			await Promise.all(batch);
		}
		await new Promise((res) => setTimeout(res, 0));
		const h = await wxsim.har({bodies: false});
		return {tasks: wxsim.tasks().length, entries: h.log.entries.length, events};
	})()`, &r)
	assert.Equal(t, 1000, r.Tasks)
	assert.LessOrEqual(t, r.Entries, 1000)
	// 10,000 bodies of 64 KiB are 640 MiB; the HAR keeps at most 64 MiB of them
	require.NoError(t, chromedp.Run(p.ctx, heapprofiler.CollectGarbage()))
	var u cdpruntime.GetHeapUsageReturns
	require.NoError(t, chromedp.Run(p.ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		return cdp.Execute(ctx, cdpruntime.CommandGetHeapUsage, nil, &u)
	})))
	used := (u.UsedSize + u.BackingStorageSize) / (1 << 20)
	t.Logf("page heap after 10,000 tasks with a listener: %.0f MiB (JS heap %.0f MiB, buffers %.0f MiB)", used, u.UsedSize/(1<<20), u.BackingStorageSize/(1<<20))
	assert.Less(t, used, 160.0, "memory stays bounded")
	assert.Equal(t, 10000*4+100*90, r.Events, "create, start, headers, end for each, and queue for the 90 of each 100 past the §8.1 limit")
}

// §C2 + §C4: a HAR recorded against a backend, replayed with that backend stopped, gives
// the mini-program code the same results; a call the HAR lacks fails with notFound "fail".
func TestHARReplay_SpecC4(t *testing.T) {
	backend, err := fixture.New()
	require.NoError(t, err)
	defer backend.Close()
	base := backend.URL // https://127.0.0.1:port: an IP, so urlCheck is off (§3)
	p := newPage(t, `{urlCheck: false}`)
	calls := `(async () => {
		const q = (o) => new Promise((res) => wx.request(Object.assign({complete: res}, o)));
		const out = [];
		for (const o of [{url: '` + base + `/json'}, {url: '` + base + `/echo', method: 'POST', data: 'x=1'},
				{url: '` + base + `/status/404'}, {url: '` + base + `/bytes?n=5', responseType: 'arraybuffer'}]) {
			const r = await q(o);
			out.push([r.errMsg, r.statusCode, r.data instanceof ArrayBuffer ? Array.from(new Uint8Array(r.data)) : r.data]);
		}
		return out;
	})()`
	var live, replayed []any
	p.Eval(calls, &live)
	var har json.RawMessage
	p.Eval(`wxsim.har()`, &har)
	validateHAR(t, har)
	backend.Close()

	p.Eval(`wxsim.mock({har: `+string(har)+`, notFound: 'fail'}); true`, nil)
	p.Eval(calls, &replayed)
	assert.Equal(t, live, replayed, "the same results with the backend stopped")
	var missing string
	p.Eval(`new Promise((res) => wx.request({url: '`+base+`/other', complete: (r) => res(r.errMsg)}))`, &missing)
	assert.Equal(t, "request:fail network error: not in HAR", missing)
}

// §C1 and §C2 through the relay: the events say transport "relay" and show the headers
// as the relay sends them (WeChat's Referer and User-Agent, §9); the HAR's request
// headers have them too, and it validates.
func TestEventsAndHARThroughRelay_SpecC1_SpecC2(t *testing.T) {
	p := newPage(t, relayCfg)
	p.Eval(listen, nil)
	var raw json.RawMessage
	p.Eval(`(async () => {
		await new Promise((res) => wx.request({url: '`+api+`/echo', method: 'POST', data: {a: 1}, complete: res}));
		await new Promise((res) => setTimeout(res, 0));
		return wxsim.har();
	})()`, &raw)
	var evs []netEvent
	p.Eval(`EV`, &evs)
	require.NotEmpty(t, evs)
	assert.Equal(t, "create", evs[0].Phase)
	assert.Equal(t, "relay", evs[0].Transport)
	assert.Equal(t, wantReferer, evs[0].Header["Referer"])
	assert.Contains(t, evs[0].Header["User-Agent"], "MicroMessenger")
	assert.Equal(t, "end", evs[len(evs)-1].Phase)
	assert.True(t, evs[len(evs)-1].OK)
	validateHAR(t, raw)
	var h harLog
	require.NoError(t, json.Unmarshal(raw, &h))
	require.Len(t, h.Log.Entries, 1)
	e := h.Log.Entries[0]
	assert.Equal(t, "relay", e.Wxsim.Transport)
	got := map[string]string{}
	for _, x := range e.Request.Headers {
		got[x.Name] = x.Value
	}
	assert.Equal(t, wantReferer, got["Referer"])
	assert.Contains(t, got["User-Agent"], "MicroMessenger")
}

// §C2: the HAR opens in Chrome DevTools' own HAR import (its front end, bundled with
// Chromium), parsed as the Network panel's import parses a file (HARRoot, then
// requestsFromHARLog): every entry becomes a request with its URL, method and status,
// and the socket with its frames.
func TestHAROpensInDevTools_SpecC2(t *testing.T) {
	p := newPage(t, `{domains: {request: ['`+api+`'], socket: ['wss://api.example.test']}}`)
	var raw json.RawMessage
	p.Eval(`(async () => {
		await new Promise((res) => wx.request({url: '`+api+`/json', complete: res}));
		await new Promise((res) => wx.request({url: '`+api+`/echo', method: 'POST', data: {a: 1}, complete: res}));
		wxsim.mock({url: '`+api+`/m/fail', fail: 'network'});
		await new Promise((res) => wx.request({url: '`+api+`/m/fail', complete: res}));
		`+echoHello+`
		return wxsim.har();
	})()`, &raw)
	ctx, cancel := chromedp.NewContext(browserCtx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, time.Minute)
	defer cancelT()
	require.NoError(t, chromedp.Run(ctx, chromedp.Navigate("devtools://devtools/bundled/devtools_app.html")))
	var got []struct {
		URL    string  `json:"url"`
		Status float64 `json:"status"`
		Method string  `json:"method"`
		Frames int     `json:"frames"`
	}
	require.NoError(t, browser.Eval(ctx, `(async () => {
		const HAR = await import('./models/har/har.js');
		const reqs = HAR.Importer.Importer.requestsFromHARLog(new HAR.HARFormat.HARRoot(`+string(raw)+`).log);
		return reqs.map((r) => ({url: r.url(), status: r.statusCode, method: r.requestMethod, frames: r.frames().length}));
	})()`, &got))
	require.Len(t, got, 4)
	assert.Equal(t, api+"/json", got[0].URL)
	assert.Equal(t, 200.0, got[0].Status)
	assert.Equal(t, "POST", got[1].Method)
	assert.Equal(t, 0.0, got[2].Status, "the failed task")
	assert.Equal(t, "wss://api.example.test/ws/echo", got[3].URL)
	assert.Equal(t, 2, got[3].Frames, "the socket's frames")
}
