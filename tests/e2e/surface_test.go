package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spec §1.5, §4.2: bad input fails asynchronously with a clear errMsg, never a throw.
func TestBadInput(t *testing.T) {
	p := newPage(t, `{urlCheck: false, sdkVersion: '2.30.0'}`)
	cases := []struct{ name, opts, want string }{
		{"no url", `{}`, "request:fail parameter error: parameter.url should be String instead of Undefined;"},
		{"url number", `{url: 42}`, "request:fail parameter error: parameter.url should be String instead of Number;"},
		{"url null", `{url: null}`, "request:fail parameter error: parameter.url should be String instead of Null;"},
		{"bad method", `{url: '` + api + `/json', method: 'FETCH'}`, "request:fail invalid method"},
		{"method number", `{url: '` + api + `/json', method: 1}`, "request:fail parameter error: parameter.method should be String instead of Number;"},
		{"TRACE in browser", `{url: '` + api + `/json', method: 'TRACE'}`, "request:fail method not supported by browser transport"},
		{"header string", `{url: '` + api + `/json', header: 'x'}`, "request:fail parameter error: parameter.header should be Object instead of String;"},
		{"header CRLF", `{url: '` + api + `/json', header: {'X-A': 'a\r\nX-B: b'}}`, "request:fail invalid header value for X-A: CR, LF and NUL are not allowed"},
		{"header bad name", `{url: '` + api + `/json', header: {'X A': '1'}}`, `request:fail invalid header name "X A"`},
		{"huge header", `{url: '` + api + `/json', header: {'X-Big': 'x'.repeat(70000)}}`, "request:fail header too large: request headers exceed 65536 bytes"},
		{"data number", `{url: '` + api + `/echo', method: 'POST', data: 5}`, "request:fail parameter error: parameter.data should be String/Object/ArrayBuffer instead of Number;"},
		{"circular data", `(() => { const d = {}; d.self = d; return {url: '` + api + `/echo', method: 'POST', data: d}; })()`, ""},
		{"bigint data", `{url: '` + api + `/echo', method: 'POST', data: {n: 10n}}`, ""},
		{"lone surrogate in GET data", `{url: '` + api + `/echo', data: {a: '\ud800'}}`, ""},
		{"ArrayBuffer on GET", `{url: '` + api + `/echo', data: new ArrayBuffer(3)}`, "request:fail an ArrayBuffer body cannot be sent with GET or HEAD by the browser transport"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := p.Call("request", c.opts)
			require.Equal(t, []string{"fail", "complete"}, r.Cbs, "%v", r.Res)
			assert.False(t, r.Sync, "asynchronous even for argument errors (spec §1.2)")
			msg, _ := r.Res["errMsg"].(string)
			if c.want == "" {
				assert.Contains(t, msg, "request:fail data could not be serialized: ")
			} else {
				assert.Equal(t, c.want, msg)
			}
			assert.NotNil(t, r.Res["errno"], "errno from 2.24.0 (spec §1.4)")
		})
	}
	t.Run("non-object options", func(t *testing.T) {
		var out struct {
			IsTask bool `json:"isTask"`
		}
		p.Eval(`(() => { const t = wx.request('https://x'); const u = wx.request(); return {isTask: typeof t.abort === 'function' && typeof u.onHeadersReceived === 'function'}; })()`, &out)
		assert.True(t, out.IsTask, "a Task is always returned (spec §1.3)")
	})
	t.Run("no errno before 2.24.0", func(t *testing.T) {
		q := newPage(t, `{urlCheck: false, sdkVersion: '2.10.0'}`)
		r := q.Call("request", `{}`)
		assert.NotContains(t, r.Res, "errno")
	})
}

// spec §1.3, §1.6: Task objects, unbound calls, Promise style of other async APIs.
func TestSurface(t *testing.T) {
	p := newPage(t, listed)
	var out struct {
		Keys      []string `json:"keys"`
		TaskKeys  []string `json:"taskKeys"`
		Unbound   string   `json:"unbound"`
		Promise   string   `json:"promise"`
		CbReturn  string   `json:"cbReturn"`
		Env       string   `json:"env"`
		NoPromise bool     `json:"noPromise"`
	}
	p.Eval(`(async () => {
		const r = wx.request;
		const unbound = await new Promise((resolve) => r({url: '`+api+`/json', success: (x) => resolve(x.errMsg)}));
		const t = wx.request({url: '`+api+`/json'});
		const got = await wx.getNetworkType();
		const cbReturn = typeof wx.getNetworkType({success() {}});
		return {keys: Object.keys(wx), taskKeys: Object.keys(t), unbound, promise: got.networkType + ' ' + got.errMsg,
			cbReturn, env: wx.env.USER_DATA_PATH};
	})()`, &out)
	for _, k := range []string{"request", "getNetworkType", "onAppHide", "onAppShow", "offAppHide", "offAppShow", "env"} {
		assert.Contains(t, out.Keys, k, "enumerable own property (spec §1.6)")
	}
	for _, k := range []string{"abort", "onHeadersReceived", "offHeadersReceived", "onChunkReceived", "offChunkReceived"} {
		assert.Contains(t, out.TaskKeys, k)
	}
	assert.Equal(t, "request:ok", out.Unbound)
	assert.Equal(t, "wifi getNetworkType:ok", out.Promise)
	assert.Equal(t, "undefined", out.CbReturn)
	assert.Equal(t, "http://usr", out.Env)

	old := newPage(t, `{sdkVersion: '2.10.1'}`)
	old.Eval(`wx.getNetworkType() === undefined`, &out.NoPromise)
	assert.True(t, out.NoPromise, "no Promise before 2.10.2 (spec §1.3)")
}

// spec §4.6: onHeadersReceived before the body; onChunkReceived with enableChunked.
func TestHeadersAndChunks(t *testing.T) {
	p := newPage(t, listed)
	var out struct {
		Events []string `json:"events"`
		Bytes  int      `json:"bytes"`
		Total  int      `json:"total"`
		Off    int      `json:"off"`
	}
	p.Eval(`(async () => {
		const events = []; let bytes = 0, off = 0;
		const total = await new Promise((resolve) => {
			const t = wx.request({url: '`+api+`/chunked?n=4&size=1000&gapms=30', enableChunked: true, responseType: 'arraybuffer',
				success: (r) => { events.push('success'); resolve(r.data.byteLength); }});
			t.onHeadersReceived((h) => events.push('headers ' + h.statusCode));
			t.onChunkReceived((c) => { if (events[events.length - 1] !== 'chunk') events.push('chunk'); bytes += c.data.byteLength; });
			const removed = () => off++;
			t.onChunkReceived(removed);
			t.offChunkReceived(removed);
		});
		return {events, bytes, total, off};
	})()`, &out)
	assert.Equal(t, []string{"headers 200", "chunk", "success"}, out.Events)
	assert.Equal(t, 4000, out.Bytes)
	assert.Equal(t, 4000, out.Total)
	assert.Zero(t, out.Off, "offChunkReceived removes the listener")
}

// wxsim.stats().liveCallbacks returns to its idle value after 500 mixed requests.
func TestNoLeaks(t *testing.T) {
	p := newPage(t, listed)
	idle := p.Stats()
	var n int
	p.Eval(`(async () => {
		const kinds = [
			{url: '`+api+`/json'}, {url: '`+api+`/status/404'}, {url: '`+api+`/json', responseType: 'arraybuffer'},
			{url: 'https://other.example.test/'}, {}, {url: '`+api+`/slow?ms=20', timeout: 1},
			{url: '`+api+`/chunked?n=2&size=10&gapms=0', enableChunked: true},
		];
		let done = 0;
		for (let i = 0; i < 500; i += 50) {
			await Promise.all(Array.from({length: 50}, (_, j) => new Promise((resolve) => {
				const t = wx.request(Object.assign({complete: () => { done++; resolve(); }}, kinds[(i + j) % kinds.length]));
				if ((i + j) % 11 === 0) t.abort();
			})));
		}
		return done;
	})()`, &n)
	assert.Equal(t, 500, n)
	end := p.Stats()
	assert.Equal(t, idle["liveCallbacks"], end["liveCallbacks"])
	for _, k := range []string{"running", "queued", "tasks", "jsTasks", "timers"} {
		assert.Zero(t, end[k], k)
	}
}

// Loader contract: bad config rejects naming the field; start again reconfigures the
// same runtime.
func TestLoaderConfig(t *testing.T) {
	p := newPage(t, listed)
	var msgs []string
	p.Eval(`(async () => {
		const out = [];
		for (const c of [{urlcheck: false}, {networkTimeout: {request: -1}}, {domains: {request: ['https://1.2.3.4']}},
		                 {domains: {request: 'https://a.example'}}, {sdkVersion: 'x'}, 5]) {
			try { await wxsim.start(c); out.push('resolved'); } catch (e) { out.push(e.message); }
		}
		return out;
	})()`, &msgs)
	require.Len(t, msgs, 6)
	assert.Contains(t, msgs[0], "config.urlcheck")
	assert.Contains(t, msgs[1], "config.networkTimeout.request")
	assert.Contains(t, msgs[2], "config.domains.request[0]")
	assert.Contains(t, msgs[3], "config.domains.request")
	assert.Contains(t, msgs[4], "config.sdkVersion")
	assert.Contains(t, msgs[5], "config should be an object")
	// the runtime kept its last good config
	okResult(t, p.Call("request", `{url: '`+api+`/json'}`))
	before := p.Stats()["liveCallbacks"]
	p.Eval(`wxsim.start({domains: {request: ['https://other.example.test']}}).then(() => true)`, nil)
	failResult(t, p.Call("request", `{url: '`+api+`/json'}`), "request:fail url not in domain list")
	assert.Equal(t, before, p.Stats()["liveCallbacks"], "no second runtime")
	var cfg map[string]any
	p.Eval(`wxsim.config()`, &cfg)
	assert.Equal(t, "touristappid", cfg["appId"])
	assert.Equal(t, map[string]any{"request": []any{"https://other.example.test"}, "socket": []any{}, "uploadFile": []any{}, "downloadFile": []any{}}, cfg["domains"])
}
