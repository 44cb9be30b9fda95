package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/fixture"
)

// netCfg lists the fixture for every network api.
const netCfg = `{sdkVersion: '2.30.0', domains: {request: ['` + api + `'], uploadFile: ['` + api + `'],
	downloadFile: ['` + api + `'], socket: ['` + wss + `']}}`

// §C3 / §8.4: wxsim.network() and setNetwork, wx.getNetworkType, and
// wx.onNetworkStatusChange / offNetworkStatusChange; bad arguments throw a TypeError
// naming the field and change nothing (control surface common rules).
func TestNetworkState_SpecC3(t *testing.T) {
	p := newPage(t, netCfg)
	var r map[string]any
	p.Eval(`(async () => {
		const out = {}, seen = [];
		const type = () => new Promise((res) => wx.getNetworkType({success: res}));
		const err = (f) => { try { f(); return "no throw"; } catch (e) { return e.name + ": " + e.message; } };
		const a = (e) => seen.push("a " + e.isConnected + " " + e.networkType);
		const b = (e) => seen.push("b " + e.isConnected + " " + e.networkType);
		out.initial = wxsim.network();
		out.initialType = await type();
		out.promised = (await wx.getNetworkType()).networkType;
		wx.onNetworkStatusChange(a);
		wx.onNetworkStatusChange(b);
		wx.onNetworkStatusChange("not a function");
		wxsim.setNetwork({type: "4g", latencyMs: 0, downKbps: 0});
		out.fourG = wxsim.network();
		out.fourGType = (await type()).networkType;
		wxsim.setNetwork({type: "4g"}); // the same type: no event
		await Promise.resolve();
		out.seenAfterSame = seen.slice();
		out.badType = err(() => wxsim.setNetwork({type: "lte"}));
		out.badTypeNumber = err(() => wxsim.setNetwork({type: 4}));
		out.badLatency = err(() => wxsim.setNetwork({type: "none", latencyMs: -1}));
		out.badRate = err(() => wxsim.setNetwork({downKbps: "80"}));
		out.unknownField = err(() => wxsim.setNetwork({latency: 100}));
		out.badOptions = err(() => wxsim.setNetwork("none"));
		out.throwing = err(() => wxsim.setNetwork({get type() { throw new Error("boom"); }}));
		out.afterBad = wxsim.network();
		wxsim.setNetwork({type: "none"});
		wx.offNetworkStatusChange(a);
		wxsim.setNetwork({latencyMs: 20}); // type omitted: wifi
		out.omitted = wxsim.network();
		wx.offNetworkStatusChange();
		wxsim.setNetwork({type: "2g"});
		await new Promise((res) => setTimeout(res, 0));
		out.seen = seen;
		out.noneType = null;
		await wxsim.start({sdkVersion: '2.30.0', urlCheck: false}); // a reconfiguration keeps the condition
		out.afterStart = wxsim.network();
		wxsim.setNetwork();
		out.reset = wxsim.network();
		return out;
	})()`, &r)
	require.NotNil(t, r)
	def := map[string]any{"type": "wifi", "latencyMs": 0.0, "downKbps": 0.0, "upKbps": 0.0}
	assert.Equal(t, def, r["initial"])
	assert.Equal(t, map[string]any{"networkType": "wifi", "signalStrength": 0.0, "hasSystemProxy": false, "errMsg": "getNetworkType:ok"}, r["initialType"])
	assert.Equal(t, "wifi", r["promised"])
	assert.Equal(t, map[string]any{"type": "4g", "latencyMs": 0.0, "downKbps": 0.0, "upKbps": 0.0}, r["fourG"])
	assert.Equal(t, "4g", r["fourGType"])
	assert.Equal(t, []any{"a true 4g", "b true 4g"}, r["seenAfterSame"], "listeners run asynchronously, once per change of type")
	assert.Equal(t, "TypeError: wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none", r["badType"])
	assert.Equal(t, "TypeError: wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none, got Number", r["badTypeNumber"])
	assert.Equal(t, "TypeError: wxsim.setNetwork: options.latencyMs should be a finite number ≥ 0 (0: no limit), got -1", r["badLatency"])
	assert.Equal(t, "TypeError: wxsim.setNetwork: options.downKbps should be a finite number ≥ 0 (0: no limit), got String", r["badRate"])
	assert.Equal(t, "TypeError: wxsim.setNetwork: options.latency is not a known field (type, latencyMs, downKbps, upKbps)", r["unknownField"])
	assert.Equal(t, "TypeError: wxsim.setNetwork: options should be an object, got String", r["badOptions"])
	assert.Equal(t, "TypeError: wxsim.setNetwork: options.type cannot be read (Error: boom)", r["throwing"])
	assert.Equal(t, r["fourG"], r["afterBad"], "a refused call changed nothing")
	assert.Equal(t, map[string]any{"type": "wifi", "latencyMs": 20.0, "downKbps": 0.0, "upKbps": 0.0}, r["omitted"])
	assert.Equal(t, []any{"a true 4g", "b true 4g", "a false none", "b false none", "b true wifi"}, r["seen"],
		"offNetworkStatusChange(cb) removes one, offNetworkStatusChange() all")
	assert.Equal(t, map[string]any{"type": "2g", "latencyMs": 0.0, "downKbps": 0.0, "upKbps": 0.0}, r["afterStart"])
	assert.Equal(t, def, r["reset"], "setNetwork() is the default condition")
}

// §C3 / §8.4: under type "none" new transfers and sockets fail "network unavailable"
// (errno 600001) without traffic, connectSocket through its fail with no SocketTask
// callbacks; §1.5 and §3 refusals keep their own reasons; back on a network, calls go.
func TestNetworkNone_SpecC3(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			fx.Reset()
			p := newPage(t, withTransport(netCfg, tr.extra))
			var r map[string]any
			p.Eval(`(async () => {
				const fs = wx.getFileSystemManager();
				fs.writeFileSync(wx.env.USER_DATA_PATH + '/up.txt', 'hello');
				const call = (fn, opts) => T.cb(fn, opts).then((r) => r.cbs.join(",") + " " + r.res.errMsg + " " + r.res.errno);
				wxsim.setNetwork({type: "none"});
				const out = {};
				out.request = await call(wx.request, {url: '`+api+`/hit?key=none-req'});
				out.upload = await call(wx.uploadFile, {url: '`+api+`/hit?key=none-up', filePath: wx.env.USER_DATA_PATH + '/up.txt', name: 'f'});
				out.download = await call(wx.downloadFile, {url: '`+api+`/hit?key=none-down'});
				out.domain = await call(wx.request, {url: 'https://other.example.test/'});
				out.param = await call(wx.request, {url: 5});
				out.missingFile = await call(wx.uploadFile, {url: '`+api+`/hit?key=none-up', filePath: wx.env.USER_DATA_PATH + '/nope.txt', name: 'f'});
				const s = T.sock({url: '`+wss+`/ws/echo'});
				out.socketCreated = await s.created;
				await new Promise((res) => setTimeout(res, 200)); // no SocketTask callback comes
				out.socketEvents = s.ev.map((e) => e.join(" "));
				out.stats = wxsim.stats();
				wxsim.setNetwork({type: "wifi"});
				out.back = await call(wx.request, {url: '`+api+`/hit?key=none-back'});
				return out;
			})()`, &r)
			require.NotNil(t, r)
			assert.Equal(t, "fail,complete request:fail network unavailable 600001", r["request"])
			assert.Equal(t, "fail,complete uploadFile:fail network unavailable 600001", r["upload"])
			assert.Equal(t, "fail,complete downloadFile:fail network unavailable 600001", r["download"])
			assert.Equal(t, "fail,complete request:fail url not in domain list 600002", r["domain"], "§3 before §C3")
			assert.Equal(t, "fail,complete request:fail parameter error: parameter.url should be String instead of Number; 1", r["param"], "§1.5 before §C3")
			assert.Equal(t, "fail,complete uploadFile:fail file not found, open http://usr/nope.txt 1300002", r["missingFile"])
			assert.Equal(t, false, r["socketCreated"])
			assert.Equal(t, []any{"fail connectSocket:fail network unavailable"}, r["socketEvents"], "no SocketTask callbacks")
			st := r["stats"].(map[string]any)
			for _, k := range []string{"running", "queued", "tasks", "jsTasks", "timers", "sockets", "jsSockets"} {
				assert.Zero(t, st[k], k)
			}
			assert.Equal(t, "success,complete request:ok undefined", r["back"])
			assert.Zero(t, fx.Hits("none-req"), "no traffic")
			assert.Zero(t, fx.Hits("none-up"))
			assert.Zero(t, fx.Hits("none-down"))
			assert.Zero(t, fx.Stats().WSHandshakes)
			assert.Equal(t, 1, fx.Hits("none-back"))
		})
	}
}

// §C3 / §8.4: going to type "none" fails what runs: running and queued requests, a
// running upload and download ("network unavailable", their connections dropped), and
// every socket, open or connecting (onError, then onClose 1006). The status change
// comes first. Back on a network, everything is free again.
func TestNetworkNoneRunning_SpecC3(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			fx.Reset()
			p := newPage(t, withTransport(netCfg, tr.extra))
			p.Eval(`(() => {
				const fs = wx.getFileSystemManager();
				fs.writeFileSync(wx.env.USER_DATA_PATH + '/up.txt', 'hello');
				window.N = {log: [], res: {}};
				window.until = (pred) => new Promise((res) => { const w = () => pred() ? res(true) : setTimeout(w, 5); w(); });
				wx.onNetworkStatusChange((e) => N.log.push("status " + e.isConnected + " " + e.networkType));
				const call = (name, fn, opts) => T.cb(fn, opts).then((r) => {
					N.log.push(name);
					N.res[name] = r.cbs.join(",") + " " + r.res.errMsg + " " + r.res.errno;
				});
				for (let i = 0; i < 11; i++) call("req" + i, wx.request, {url: '`+api+`/hold?id=run-req' + i});
				call("up", wx.uploadFile, {url: '`+api+`/hold?id=run-up', filePath: wx.env.USER_DATA_PATH + '/up.txt', name: 'f'});
				call("down", wx.downloadFile, {url: '`+api+`/hold?id=run-down'});
				N.open = T.sock({url: '`+wss+`/ws/echo'});
				N.connecting = T.sock({url: '`+wss+`/ws/hold'});
				return N.open.opened;
			})()`, nil)
			waitHolds(t, 12, 12) // ten requests, the upload and the download; the eleventh request waits
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			require.NoError(t, fx.WaitStats(ctx, func(s fixture.Stats) bool { return s.WSHeld == 1 }))

			var r map[string]any
			p.Eval(`(async () => {
				wxsim.setNetwork({type: "none"});
				await Promise.all([N.open.closed, N.connecting.closed]);
				await until(() => Object.keys(N.res).length === 13);
				return {log: N.log, res: N.res, open: N.open.ev.map((e) => e.join(" ")), connecting: N.connecting.ev.map((e) => e.join(" "))};
			})()`, &r)
			require.NotNil(t, r)
			log := r["log"].([]any)
			require.NotEmpty(t, log)
			assert.Equal(t, "status false none", log[0], "the status change comes first")
			res := r["res"].(map[string]any)
			for i := range 11 {
				assert.Equal(t, "fail,complete request:fail network unavailable 600001", res[fmt.Sprintf("req%d", i)], "req%d", i)
			}
			assert.Equal(t, "fail,complete uploadFile:fail network unavailable 600001", res["up"])
			assert.Equal(t, "fail,complete downloadFile:fail network unavailable 600001", res["down"])
			assert.Equal(t, []any{"success connectSocket:ok", "open", "error connectSocket:fail network unavailable", "close 1006 network unavailable"}, r["open"])
			assert.Equal(t, []any{"success connectSocket:ok", "error connectSocket:fail network unavailable", "close 1006 network unavailable"}, r["connecting"])
			waitHolds(t, 12, 0)
			assert.Equal(t, 12, fx.Stats().Aborted, "the server sees every connection dropped; the queued request never came")
			require.NoError(t, fx.WaitStats(ctx, func(s fixture.Stats) bool { return s.WSHeld == 0 && s.WSOpen == 0 }))

			var back map[string]any
			p.Eval(`(async () => {
				wxsim.setNetwork({type: "5g"});
				const ten = await Promise.all(Array.from({length: 10}, () => T.cb(wx.request, {url: '`+api+`/json'})));
				const s = T.sock({url: '`+wss+`/ws/echo'});
				await s.opened;
				s.t.close({});
				await s.closed;
				await new Promise((res) => setTimeout(res, 0));
				return {ten: ten.map((r) => r.res.errMsg), stats: wxsim.stats()};
			})()`, &back)
			require.NotNil(t, back)
			assert.Len(t, back["ten"], 10)
			for _, m := range back["ten"].([]any) {
				assert.Equal(t, "request:ok", m)
			}
			st := back["stats"].(map[string]any)
			for _, k := range []string{"running", "queued", "tasks", "jsTasks", "timers", "sockets", "jsSockets"} {
				assert.Zero(t, st[k], k)
			}
		})
	}
}

// §C3 with §C5: latencyMs comes before each response's head and each socket's open, on
// the wx clock: nothing is seen before it, and a socket's handshake time-out counts it.
// (The clock is ticked once the real response or handshake has come: real network I/O
// is not a timer, so the test waits for the pacing timer to be armed, stats().timers.)
func TestNetworkLatency_SpecC3(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			p := newPage(t, withTransport(netCfg, tr.extra))
			var r map[string]any
			p.Eval(`(async () => {
				const out = {};
				const until = (pred) => new Promise((res) => { const w = () => pred() ? res(true) : setTimeout(w, 5); w(); });
				wxsim.clock.install({now: 1e12});
				wxsim.setNetwork({type: "4g", latencyMs: 3000});
				let seen = [];
				const task = wx.request({url: '`+api+`/json', success: (res) => seen.push("success " + res.data.a), fail: (res) => seen.push(res.errMsg)});
				task.onHeadersReceived((h) => seen.push("headers " + h.statusCode));
				await until(() => wxsim.stats().timers === 2); // the time-out and the head's wait
				await wxsim.clock.tick(2999);
				out.early = seen.slice();
				await wxsim.clock.tick(1);
				out.atLatency = seen.slice();
				await wxsim.clock.tick(3000); // the body came at most 2999 ms of wx time after the head
				out.request = seen;

				seen = [];
				const s = T.sock({url: '`+wss+`/ws/echo'});
				await s.created;
				await until(() => wxsim.stats().timers === 2); // the handshake time-out and the open's wait
				await wxsim.clock.tick(2999);
				out.sockEarly = s.ev.map((e) => e.join(" "));
				await wxsim.clock.tick(1);
				await s.opened;
				s.t.send({data: "hi"});
				await s.waitMsgs(1);
				out.sock = s.ev.map((e) => e.join(" "));
				s.t.close({});
				await s.closed;

				const slow = T.sock({url: '`+wss+`/ws/echo', timeout: 1000});
				await slow.created;
				await until(() => wxsim.stats().timers === 2);
				await wxsim.clock.tick(1000);
				await slow.closed;
				out.sockTimeout = slow.ev.map((e) => e.join(" "));
				wxsim.clock.uninstall();
				await new Promise((res) => setTimeout(res, 0));
				out.stats = wxsim.stats();
				return out;
			})()`, &r)
			require.NotNil(t, r)
			assert.Empty(t, r["early"], "nothing before latencyMs")
			require.NotEmpty(t, r["atLatency"])
			assert.Equal(t, "headers 200", r["atLatency"].([]any)[0], "the head at latencyMs (the body with it, or when it came plus latencyMs)")
			assert.Equal(t, []any{"headers 200", "success 1"}, r["request"])
			assert.Equal(t, []any{"success connectSocket:ok"}, r["sockEarly"])
			assert.Equal(t, []any{"success connectSocket:ok", "open", "message hi"}, r["sock"])
			assert.Equal(t, []any{"success connectSocket:ok", "error connectSocket:fail timeout", "close 1006 timeout"}, r["sockTimeout"],
				"the handshake time-out counts the latency")
			st := r["stats"].(map[string]any)
			for _, k := range []string{"running", "queued", "tasks", "jsTasks", "timers", "sockets", "jsSockets"} {
				assert.Zero(t, st[k], k)
			}
		})
	}
}

// §C3 with §8.2 and §C5, the contract's example: a 1 MB download at 80 kbps takes 100 s
// of link time, so with a 10 s time-out it fails "timeout", having shown at most the
// tenth of it that 10 s carry. A milliseconds-long test on the wx clock.
func TestNetworkPacedTimeout_SpecC3(t *testing.T) {
	p := newPage(t, netCfg)
	var r struct {
		ErrMsg string
		Max    float64
		Real   float64
	}
	p.Eval(`(async () => {
		const real = performance.now();
		wxsim.clock.install({now: 1e12});
		wxsim.setNetwork({downKbps: 80});
		let max = 0, msg = "";
		const task = wx.downloadFile({url: '`+api+`/file?size=1000000', timeout: 10000, complete: (res) => { msg = res.errMsg; }});
		task.onProgressUpdate((e) => { max = Math.max(max, e.totalBytesWritten); });
		await wxsim.clock.tick(10000);
		wxsim.clock.uninstall();
		return {errMsg: msg, max, real: performance.now() - real};
	})()`, &r)
	assert.Equal(t, "downloadFile:fail timeout", r.ErrMsg)
	assert.LessOrEqual(t, r.Max, 100000.0, "10 s at 80 kbps carry 100 kB")
	assert.Less(t, r.Real, 10000.0)
}

// §C3: downKbps and upKbps pace what the mini-program sees as if the link had that rate
// (1 kbps = 1000 bit/s), after latencyMs, on the real clock: no step comes before the
// link could have carried its bytes. Request (whole and chunked), upload and download.
func TestNetworkPacing_SpecC3(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			p := newPage(t, withTransport(netCfg, tr.extra))
			type step struct {
				Kind string
				T, N float64
			}
			var r map[string][]step
			// 4000 kbps = 500 bytes per ms; 2000 kbps = 250
			p.Eval(`(async () => {
				const fs = wx.getFileSystemManager();
				fs.writeFileSync(wx.env.USER_DATA_PATH + '/up.bin', new ArrayBuffer(50000));
				wxsim.setNetwork({latencyMs: 100, downKbps: 4000, upKbps: 2000});
				const run = (fn, opts, listen) => new Promise((resolve) => {
					const steps = [], t0 = performance.now();
					const at = (kind, n) => steps.push({kind, t: performance.now() - t0, n});
					const task = fn(Object.assign({}, opts, {complete: (res) => { at(res.errMsg, 0); resolve(steps); }}));
					task.onHeadersReceived(() => at("headers", 0));
					listen(task, at);
				});
				const none = () => {};
				const out = {};
				out.request = await run(wx.request, {url: '`+api+`/bytes?n=100000', responseType: 'arraybuffer'}, none);
				out.chunked = await run(wx.request, {url: '`+api+`/chunked?n=10&size=10000', enableChunked: true},
					(task, at) => { let n = 0; task.onChunkReceived((c) => { n += c.data.byteLength; at("chunk", n); }); });
				out.post = await run(wx.request, {url: '`+api+`/echo', method: 'POST', data: 'x'.repeat(50000)}, none);
				out.download = await run(wx.downloadFile, {url: '`+api+`/file?size=100000'},
					(task, at) => task.onProgressUpdate((e) => at("progress", e.totalBytesWritten)));
				out.upload = await run(wx.uploadFile, {url: '`+api+`/upload', filePath: wx.env.USER_DATA_PATH + '/up.bin', name: 'f'},
					(task, at) => task.onProgressUpdate((e) => at("up", e.totalBytesSent)));
				wxsim.setNetwork({});
				return out;
			})()`, &r)
			require.NotNil(t, r)
			const slack = 5.0 // ms: Date.now() (the wx clock) is whole ms, performance.now() is not
			last := func(name string) step { s := r[name]; require.NotEmpty(t, s, name); return s[len(s)-1] }
			head := func(name string) float64 {
				for _, s := range r[name] {
					if s.Kind == "headers" {
						return s.T
					}
				}
				t.Fatalf("%s: no headers: %v", name, r[name])
				return 0
			}
			// request: 100 kB down at 500 B/ms after 100 ms
			assert.GreaterOrEqual(t, head("request"), 100-slack)
			assert.Equal(t, "request:ok", last("request").Kind)
			// the pace counts from when the head was due (latency), not when its callback ran
			assert.GreaterOrEqual(t, last("request").T, 100+200-slack)
			// chunked: each chunk no sooner than its bytes allow
			h := head("chunked")
			assert.GreaterOrEqual(t, h, 100-slack)
			chunked := 0.0 // the browser may join chunks that came while one waited
			for _, s := range r["chunked"] {
				if s.Kind == "chunk" {
					chunked = s.N
					assert.GreaterOrEqual(t, s.T, 100+s.N/500-slack, "chunk at %v bytes", s.N)
				}
			}
			assert.Equal(t, 100000.0, chunked)
			assert.Equal(t, "request:ok", last("chunked").Kind)
			// POST: 50 kB up at 250 B/ms, then the latency
			assert.GreaterOrEqual(t, head("post"), 200+100-slack)
			assert.Equal(t, "request:ok", last("post").Kind)
			// download: progress follows the rate
			h = head("download")
			assert.GreaterOrEqual(t, h, 100-slack)
			for _, s := range r["download"] {
				if s.Kind == "progress" {
					assert.GreaterOrEqual(t, s.T, 100+s.N/500-slack, "progress at %v bytes", s.N)
				}
			}
			assert.Equal(t, "downloadFile:ok", last("download").Kind)
			assert.GreaterOrEqual(t, last("download").T, 100+200-slack)
			// upload: 50 kB (and the form around it) at 250 B/ms, then the head
			for _, s := range r["upload"] {
				if s.Kind == "up" {
					assert.GreaterOrEqual(t, s.T, s.N/250-slack, "upload progress at %v bytes", s.N)
				}
			}
			assert.GreaterOrEqual(t, head("upload"), 200+100-slack)
			assert.Equal(t, "uploadFile:ok", last("upload").Kind)
			t.Logf("%s: request %.0f ms, chunked %.0f ms, post %.0f ms, download %.0f ms, upload %.0f ms", tr.name,
				last("request").T, last("chunked").T, last("post").T, last("download").T, last("upload").T)
		})
	}
}
