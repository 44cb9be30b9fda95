package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// §C5 with §8.2: the 60 s time-out of a request nobody answers, on the wx clock. It
// fires when the clock says so, not before, and the test takes a fraction of a second.
func TestClockTimeout_SpecC5(t *testing.T) {
	p := newPage(t, listed)
	var r struct {
		Early, Late string
		Real, Now   float64
	}
	p.Eval(`(async () => {
		const real = performance.now();
		wxsim.clock.install({now: 1e12});
		let msg = "";
		wx.request({url: '`+api+`/hold?id=clock60', complete: (res) => { msg = res.errMsg; }});
		await wxsim.clock.tick(59999);
		const early = msg;
		await wxsim.clock.tick(1);
		const out = {early, late: msg, real: performance.now() - real, now: wxsim.clock.now()};
		wxsim.clock.uninstall();
		return out;
	})()`, &r)
	assert.Equal(t, "", r.Early, "nothing settled before 60 s of wx time")
	assert.Equal(t, "request:fail timeout", r.Late, "tick resolves after the time-out's callbacks ran")
	assert.Equal(t, 1e12+60000, r.Now)
	assert.Less(t, r.Real, 10000.0, "the 60 s time-out took %.0f ms of real time", r.Real)
	t.Logf("a 60 s time-out on the wx clock: %.0f ms of real time", r.Real)
}

// §C5 with §8.3: the app hidden for 5 s of wx time interrupts a running request, and the
// socket opened before it.
func TestClockBackgroundInterruption_SpecC5(t *testing.T) {
	p := newPage(t, `{domains: {request: ['`+api+`'], socket: ['wss://api.example.test']}}`)
	var r struct {
		Early, Late, Sock string
		Real              float64
	}
	p.Eval(`(async () => {
		const real = performance.now();
		wxsim.clock.install();
		let msg = "", sock = "";
		const s = wx.connectSocket({url: 'wss://api.example.test/ws/echo'});
		await new Promise((res) => s.onOpen(res));
		s.onClose((e) => { sock = "close " + e.code; });
		wx.request({url: '`+api+`/hold?id=clockbg', complete: (res) => { msg = res.errMsg; }});
		wxsim.hide();
		await wxsim.clock.tick(4999);
		const early = msg;
		await wxsim.clock.tick(1);
		const late = msg;
		await new Promise((res) => { const w = () => sock ? res() : setTimeout(w, 5); w(); });
		wxsim.show();
		wxsim.clock.uninstall();
		return {early, late, sock, real: performance.now() - real};
	})()`, &r)
	assert.Equal(t, "", r.Early)
	assert.Equal(t, "request:fail interrupted", r.Late)
	assert.Contains(t, r.Sock, "close ")
	assert.Less(t, r.Real, 10000.0)
	t.Logf("a 5 s background interruption on the wx clock: %.0f ms of real time", r.Real)
}

// §C5: a timer armed on the virtual clock keeps its remaining delay after uninstall, in
// real time; bad arguments throw a TypeError naming the field (or reject) and change
// nothing (control surface common rules).
func TestClockUninstallAndBadArguments_SpecC5(t *testing.T) {
	p := newPage(t, `{domains: {request: ['`+api+`']}}`)
	var r map[string]any
	p.Eval(`(async () => {
		const out = {};
		const err = (f) => { try { f(); return "no throw"; } catch (e) { return e.name + ": " + e.message; } };
		const rej = (f) => f().then(() => "resolved", (e) => e.name + ": " + e.message);
		out.tickFirst = await rej(() => wxsim.clock.tick(10));
		out.badNow = err(() => wxsim.clock.install({now: "soon"}));
		out.badOpts = err(() => wxsim.clock.install(5));
		out.realAfterBad = Math.abs(wxsim.clock.now() - Date.now()) < 1000;
		wxsim.clock.install({now: 0});
		out.badTick = await rej(() => wxsim.clock.tick(-1));
		out.nanTick = await rej(() => wxsim.clock.tick("10"));
		out.nowAfterBad = wxsim.clock.now();
		const t0 = performance.now();
		const done = new Promise((res) => wx.request({url: '`+api+`/hold?id=clockun', timeout: 400, complete: res}));
		await wxsim.clock.tick(300);
		wxsim.clock.uninstall(); // 100 ms of the time-out left, now in real time
		const res = await done;
		out.msg = res.errMsg;
		out.realMs = performance.now() - t0;
		return out;
	})()`, &r)
	require.NotNil(t, r)
	assert.Equal(t, "Error: wxsim.clock.tick: the clock is not installed; call wxsim.clock.install() first", r["tickFirst"])
	assert.Equal(t, "TypeError: wxsim.clock.install: options.now should be a finite number of ms since the epoch, got String", r["badNow"])
	assert.Equal(t, "TypeError: wxsim.clock.install: options should be an object, got Number", r["badOpts"])
	assert.Equal(t, true, r["realAfterBad"], "a refused install changed nothing")
	assert.Equal(t, "TypeError: wxsim.clock.tick: ms should be a finite number ≥ 0", r["badTick"])
	assert.Equal(t, "TypeError: wxsim.clock.tick: ms should be a finite number ≥ 0, got String", r["nanTick"])
	assert.Equal(t, 0.0, r["nowAfterBad"], "a refused tick moved nothing")
	assert.Equal(t, "request:fail timeout", r["msg"])
	assert.Less(t, r["realMs"].(float64), 5000.0)
}

// §C5 on both transports: a time-out of a relayed request runs on the wx clock too.
func TestClockTimeoutBothTransports_SpecC5(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			p := newPage(t, withTransport(listed, tr.extra))
			var r struct{ Early, Late string }
			p.Eval(`(async () => {
				wxsim.clock.install();
				let msg = "";
				const done = new Promise((res) => wx.request({url: '`+api+`/hold?id=clk-`+tr.name+`', timeout: 30000, complete: (x) => { msg = x.errMsg; res(); }}));
				await wxsim.clock.tick(29999);
				const early = msg;
				await wxsim.clock.tick(1);
				await done;
				wxsim.clock.uninstall();
				return {early, late: msg};
			})()`, &r)
			assert.Equal(t, "", r.Early)
			assert.Equal(t, "request:fail timeout", r.Late)
		})
	}
}
