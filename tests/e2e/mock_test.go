package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// §C4: a response rule answers without traffic (the fixture has no /mocked path), goes
// through §4.5 decoding, and its events say transport "mock"; a string url's '*' matches
// any run of characters; a rule cannot make a call pass §3.
func TestMockResponse_SpecC4(t *testing.T) {
	p := newPage(t, listed)
	p.Eval(listen, nil)
	var r map[string]any
	p.Eval(`(async () => {
		const q = (o) => new Promise((res) => wx.request(Object.assign({complete: res}, o)));
		wxsim.mock({url: '`+api+`/mocked/*', response: {data: {a: 1}, header: {'X-Mock': 'yes'}}});
		wxsim.mock({url: 'https://elsewhere.example.test/*', response: {data: 'never'}});
		const a = await q({url: '`+api+`/mocked/users/7'});
		const b = await q({url: 'https://elsewhere.example.test/x'});
		const c = await q({url: '`+api+`/mocked/text', responseType: 'arraybuffer'});
		await new Promise((res) => setTimeout(res, 0));
		const creates = EV.filter((e) => e.phase === 'create').map((e) => e.transport);
		return {a: {errMsg: a.errMsg, data: a.data, status: a.statusCode, header: a.header},
			b: b.errMsg, c: c.data instanceof ArrayBuffer ? new TextDecoder().decode(c.data) : 'not a buffer', creates};
	})()`, &r)
	a := r["a"].(map[string]any)
	assert.Equal(t, "request:ok", a["errMsg"])
	assert.Equal(t, map[string]any{"a": 1.0}, a["data"], "JSON data sent as JSON, decoded by dataType json (§4.5)")
	assert.Equal(t, 200.0, a["status"])
	assert.Equal(t, "yes", a["header"].(map[string]any)["x-mock"])
	assert.Equal(t, "application/json", a["header"].(map[string]any)["content-type"])
	assert.Equal(t, "request:fail url not in domain list", r["b"], "§3 comes first")
	assert.Equal(t, `{"a":1}`, r["c"])
	assert.Equal(t, []any{"mock", "direct", "mock"}, r["creates"])
}

// §C4: respond sees the request as sent; fail network / ssl / reset; hang ends only by
// time-out (on the wx clock) or abort; times; method and RegExp matching.
func TestMockFaults_SpecC4(t *testing.T) {
	p := newPage(t, listed)
	var r map[string]any
	p.Eval(`(async () => {
		const q = (o) => new Promise((res) => { const t = wx.request(Object.assign({complete: res}, o)); if (o.abortNow) t.abort(); });
		const out = {};
		wxsim.mock({url: '`+api+`/r', method: 'post', respond: (req) => ({statusCode: 201, data: req.method + ' ' + req.data + ' ' + req.header['X-A']})});
		const a = await q({url: '`+api+`/r', method: 'POST', data: 'body', header: {'X-A': '1'}});
		out.respond = [a.statusCode, a.data];
		out.methodMiss = (await q({url: '`+api+`/r'})).statusCode; // GET: no rule, the fixture's 404
		wxsim.mock({url: /\/f\/net$/, fail: 'network'});
		wxsim.mock({url: /\/f\/ssl$/, fail: 'ssl'});
		wxsim.mock({url: '`+api+`/f/reset', fail: 'reset', response: {statusCode: 200, header: {'X-R': '1'}}});
		out.net = (await q({url: '`+api+`/f/net'})).errMsg;
		out.ssl = (await q({url: '`+api+`/f/ssl'})).errMsg;
		let heads = 0;
		out.reset = (await new Promise((res) => { const t = wx.request({url: '`+api+`/f/reset', complete: res}); t.onHeadersReceived(() => heads++); })).errMsg;
		out.resetHeads = heads;
		wxsim.mock({url: '`+api+`/hang', hang: true});
		out.abort = (await q({url: '`+api+`/hang', abortNow: true})).errMsg;
		wxsim.clock.install();
		const h = q({url: '`+api+`/hang'});
		await wxsim.clock.tick(60000);
		out.timeout = (await h).errMsg;
		wxsim.clock.uninstall();
		wxsim.mock({url: '`+api+`/json', times: 2, response: {data: 'mocked'}});
		out.times = [(await q({url: '`+api+`/json'})).data, (await q({url: '`+api+`/json'})).data, typeof (await q({url: '`+api+`/json'})).data];
		out.left = wxsim.mocks().length;
		return out;
	})()`, &r)
	assert.Equal(t, []any{201.0, "POST body 1"}, r["respond"])
	assert.Equal(t, 404.0, r["methodMiss"])
	assert.True(t, strings.HasPrefix(r["net"].(string), "request:fail network error"), r["net"])
	assert.Equal(t, "request:fail ssl hand shake error", r["ssl"])
	assert.True(t, strings.HasPrefix(r["reset"].(string), "request:fail network error"), r["reset"])
	assert.Equal(t, 1.0, r["resetHeads"], "reset: the headers arrive, then the body fails")
	assert.Equal(t, "request:fail abort", r["abort"])
	assert.Equal(t, "request:fail timeout", r["timeout"])
	assert.Equal(t, []any{"mocked", "mocked", "object"}, r["times"], "the third call goes to the real /json")
	assert.Equal(t, 5.0, r["left"], "the times rule is gone")
}

// §C4 for files and sockets: a mocked download is a temp file under the 200 MB cap with
// its progress; a mocked upload's respond sees the file; an echo socket.
func TestMockFilesAndSocket_SpecC4(t *testing.T) {
	p := newPage(t, `{domains: {downloadFile: ['`+api+`'], uploadFile: ['`+api+`'], socket: ['wss://api.example.test']}}`)
	var r map[string]any
	p.Eval(`(async () => {
		const out = {};
		wxsim.mock({api: 'downloadFile', url: '`+api+`/m/file.bin', response: {data: new Uint8Array([1, 2, 3]).buffer}});
		const prog = [];
		const d = await new Promise((res) => { const t = wx.downloadFile({url: '`+api+`/m/file.bin', complete: res}); t.onProgressUpdate((e) => prog.push(e.progress)); });
		out.download = d.errMsg;
		const fsm = wx.getFileSystemManager();
		const read = await new Promise((res) => fsm.readFile({filePath: d.tempFilePath, complete: res}));
		out.bytes = Array.from(new Uint8Array(read.data));
		out.lastProgress = prog[prog.length - 1];
		fsm.writeFileSync(wx.env.USER_DATA_PATH + '/up.txt', 'hello', 'utf8');
		wxsim.mock({api: 'uploadFile', url: '`+api+`/m/up', respond: (req) => ({data: JSON.stringify(req.data)})});
		const u = await new Promise((res) => wx.uploadFile({url: '`+api+`/m/up', filePath: wx.env.USER_DATA_PATH + '/up.txt', name: 'f', formData: {k: 'v'}, complete: res}));
		out.upload = [u.errMsg, JSON.parse(u.data)];
		wxsim.mock({api: 'connectSocket', url: 'wss://api.example.test/m/echo', socket: 'echo'});
		const s = wx.connectSocket({url: 'wss://api.example.test/m/echo'});
		await new Promise((res) => s.onOpen(res));
		const echo = new Promise((res) => s.onMessage((m) => res(m.data)));
		s.send({data: 'ping'});
		out.echo = await echo;
		const closed = new Promise((res) => s.onClose(res));
		s.close({});
		out.close = (await closed).code;
		return out;
	})()`, &r)
	assert.Equal(t, "downloadFile:ok", r["download"])
	assert.Equal(t, []any{1.0, 2.0, 3.0}, r["bytes"])
	assert.Equal(t, 100.0, r["lastProgress"], "§5.3 ends with 100")
	up := r["upload"].([]any)
	assert.Equal(t, "uploadFile:ok", up[0])
	assert.Equal(t, map[string]any{"filePath": "http://usr/up.txt", "name": "f", "formData": map[string]any{"k": "v"}, "size": 5.0}, up[1])
	assert.Equal(t, "ping", r["echo"])
	assert.Equal(t, 1000.0, r["close"])
}

// §C4 under §8.1: ten hanging mocks hold the ten slots; a real request waits in the queue
// and runs when one is aborted. Bad rules throw a TypeError naming the field.
func TestMockQueueAndBadRules_SpecC4(t *testing.T) {
	p := newPage(t, listed)
	p.Eval(listen, nil)
	var r map[string]any
	p.Eval(`(async () => {
		const err = (f) => { try { f(); return "no throw"; } catch (e) { return e.name + ": " + e.message; } };
		const out = {bad: [
			err(() => wxsim.mock({url: 5, response: {}})),
			err(() => wxsim.mock({url: 'x', fail: 'dns'})),
			err(() => wxsim.mock({url: 'x'})),
			err(() => wxsim.mock({url: 'x', response: {statusCode: 99}})),
			err(() => wxsim.mock({api: 'connectSocket', url: 'x', response: {}})),
			err(() => wxsim.mock({url: 'x', times: 0, hang: true})),
		], before: wxsim.mocks().length};
		const id = wxsim.mock({url: '`+api+`/slot', hang: true});
		const tasks = [];
		for (let i = 0; i < 10; i++) tasks.push(wx.request({url: '`+api+`/slot', fail() {}}));
		const real = new Promise((res) => wx.request({url: '`+api+`/json', complete: res}));
		await new Promise((res) => setTimeout(res, 0));
		out.queued = EV.filter((e) => e.phase === 'queue').length;
		tasks[0].abort();
		out.real = (await real).errMsg;
		for (const t of tasks) t.abort();
		out.unmock = [wxsim.unmock(id), wxsim.unmock(id)];
		wxsim.mock({url: 'a', hang: true}); wxsim.mock({url: 'b', hang: true});
		out.order = wxsim.mocks().map((m) => m.url);
		wxsim.clearMocks();
		out.after = wxsim.mocks().length;
		return out;
	})()`, &r)
	assert.Equal(t, []any{
		"TypeError: wxsim.mock: rule.url should be a string or RegExp",
		`TypeError: wxsim.mock: rule.fail should be "network", "ssl" or "reset"`,
		"TypeError: wxsim.mock: rule should have one of response, respond, fail, hang",
		"TypeError: wxsim.mock: rule.response.statusCode should be an integer from 200 to 599",
		`TypeError: wxsim.mock: rule.socket should be given for connectSocket (and alone): "echo" or a function (peer)`,
		"TypeError: wxsim.mock: rule.times should be a positive integer",
	}, r["bad"])
	assert.Equal(t, 0.0, r["before"], "a bad rule changes nothing")
	assert.Equal(t, 1.0, r["queued"], "the real request waited behind ten mocked ones")
	assert.Equal(t, "request:ok", r["real"])
	assert.Equal(t, []any{true, false}, r["unmock"])
	assert.Equal(t, []any{"b", "a"}, r["order"], "newest first")
	assert.Equal(t, 0.0, r["after"])
	require.True(t, true)
}

// §C4 with §C5: a rule's delayMs waits on the wx clock, and the time-out counts it.
func TestMockDelayOnClock_SpecC4_SpecC5(t *testing.T) {
	p := newPage(t, listed)
	var r map[string]any
	p.Eval(`(async () => {
		wxsim.clock.install();
		wxsim.mock({url: '`+api+`/d', delayMs: 3000, response: {data: 'late'}});
		let a = '', b = '';
		const pa = new Promise((res) => wx.request({url: '`+api+`/d', complete: (x) => { a = x.errMsg + ' ' + x.data; res(); }}));
		wx.request({url: '`+api+`/d', timeout: 2000, complete: (x) => { b = x.errMsg; }});
		await wxsim.clock.tick(1999);
		const early = [a, b];
		await wxsim.clock.tick(1);
		const mid = [a, b];
		await wxsim.clock.tick(1000);
		await pa; // its body is read as real I/O is, not on the clock
		wxsim.clock.uninstall();
		return {early, mid, late: [a, b]};
	})()`, &r)
	assert.Equal(t, []any{"", ""}, r["early"])
	assert.Equal(t, []any{"", "request:fail timeout"}, r["mid"], "the 2 s time-out fires during the 3 s delay")
	assert.Equal(t, []any{"request:ok late", "request:fail timeout"}, r["late"])
}

// §C4 with §C5: a delay begun before the wx clock was installed moves onto it with the
// time it has left, and aborting its task clears that delay and nothing else (another
// task's time-out still fires).
func TestMockDelayAcrossClockInstall_SpecC4_SpecC5(t *testing.T) {
	p := newPage(t, listed)
	var r map[string]any
	p.Eval(`(async () => {
		wxsim.mock({url: '`+api+`/slowmock', delayMs: 1000, response: {data: 'late'}});
		wxsim.mock({url: '`+api+`/hangmock', hang: true});
		const out = {};
		const ta = wx.request({url: '`+api+`/slowmock', complete: (x) => { out.a = x.errMsg; }});
		wxsim.clock.install();
		const pb = new Promise((res) => wx.request({url: '`+api+`/hangmock', timeout: 5000, complete: (x) => { out.b = x.errMsg; res(); }}));
		ta.abort();
		await wxsim.clock.tick(10000);
		await pb;
		out.timers = wxsim.stats().timers;
		wxsim.clock.uninstall();
		return out;
	})()`, &r)
	assert.Equal(t, map[string]any{"a": "request:fail abort", "b": "request:fail timeout", "timers": 0.0}, r)
}
