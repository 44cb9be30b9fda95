package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/fixture"
)

// waitHolds waits until the fixture has received served /hold requests in all (since
// Reset) and holds inflight of them now.
func waitHolds(t *testing.T, served, inflight int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := fx.WaitStats(ctx, func(s fixture.Stats) bool { return s.Served == served && s.Inflight == inflight })
	require.NoError(t, err, "fixture never had %d served / %d in flight: %+v", served, inflight, fx.Stats())
}

// startCalls starts wx.request calls in the page without waiting; results collect in
// window.R[name] = {cbs, res} and tasks in window.TK[name].
const startCalls = `
window.R = window.R || {}; window.TK = window.TK || {};
window.go = (name, opts) => {
  R[name] = {cbs: []};
  const o = Object.assign({}, opts, {
    success: (r) => R[name].cbs.push('success'),
    fail: (r) => { R[name].cbs.push('fail'); R[name].res = T.plain(r); },
    complete: (r) => { R[name].cbs.push('complete'); R[name].done = true; R[name].res = R[name].res || T.plain(r); },
  });
  TK[name] = wx.request(o);
};
window.until = (pred) => new Promise((resolve) => {
  const tick = () => pred() ? resolve(true) : setTimeout(tick, 5);
  tick();
});
true`

type callState struct {
	Cbs  []string       `json:"cbs"`
	Res  map[string]any `json:"res"`
	Done bool           `json:"done"`
}

func (p *Page) state(name string) callState {
	p.t.Helper()
	var s callState
	p.Eval(fmt.Sprintf(`until(() => R[%q].done).then(() => R[%[1]q])`, name), &s)
	return s
}

// spec §4.7: abort before start (queued), in flight, and after completion.
func TestAbort(t *testing.T) {
	fx.Reset()
	p := newPage(t, listed)
	p.Eval(startCalls, nil)

	p.Eval(`go('flight', {url: '`+api+`/hold?id=abort1'}); true`, nil)
	waitHolds(t, 1, 1)
	p.Eval(`TK.flight.abort(); true`, nil)
	s := p.state("flight")
	assert.Equal(t, []string{"fail", "complete"}, s.Cbs)
	assert.Equal(t, "request:fail abort", s.Res["errMsg"])
	waitHolds(t, 1, 0)
	assert.Equal(t, 1, fx.Stats().Aborted, "the server sees the connection dropped")

	p.Eval(`go('sync', {url: '`+api+`/hit?key=abortsync'}); TK.sync.abort(); true`, nil)
	s = p.state("sync")
	assert.Equal(t, "request:fail abort", s.Res["errMsg"])

	// queued: ten holds occupy the lane; the eleventh is aborted while waiting.
	p.Eval(`for (let i = 0; i < 10; i++) go('h' + i, {url: '`+api+`/hold?id=q' + i}); go('queued', {url: '`+api+`/hit?key=queued'}); true`, nil)
	waitHolds(t, 11, 10)
	p.Eval(`TK.queued.abort(); true`, nil)
	s = p.state("queued")
	assert.Equal(t, []string{"fail", "complete"}, s.Cbs)
	assert.Equal(t, "request:fail abort", s.Res["errMsg"])
	fx.ReleaseAll()
	for i := range 10 {
		assert.Equal(t, []string{"success", "complete"}, p.state(fmt.Sprintf("h%d", i)).Cbs)
	}
	assert.Zero(t, fx.Hits("queued"), "an aborted queued task sends nothing")

	// after completion: a no-op.
	p.Eval(`go('after', {url: '`+api+`/json'}); until(() => R.after.done).then(() => { TK.after.abort(); TK.after.abort(); return new Promise(r => setTimeout(r, 20)); }).then(() => true)`, nil)
	assert.Equal(t, []string{"success", "complete"}, p.state("after").Cbs)
}

// spec §8.2: time-outs from the call, from networkTimeout, and "not set" values.
func TestTimeout(t *testing.T) {
	fx.Reset()
	p := newPage(t, listed)
	// 2 s: the hold must reach the fixture before the time-out, even on a loaded machine.
	r := p.Call("request", `{url: '`+api+`/hold?id=t1', timeout: 2000}`)
	failResult(t, r, "request:fail timeout")
	assert.Equal(t, 5.0, r.Res["errno"])
	waitHolds(t, 1, 0)
	assert.Equal(t, 1, fx.Stats().Aborted, "a time-out drops the connection")

	for _, v := range []string{"0", "-5", "NaN", "'300'"} {
		res := okResult(t, p.Call("request", `{url: '`+api+`/slow?ms=400', timeout: `+v+`}`))
		assert.Equal(t, 200.0, res["statusCode"], "timeout %s counts as not set", v)
	}

	q := newPage(t, `{domains: {request: ['https://api.example.test']}, networkTimeout: {request: 300}}`)
	failResult(t, q.Call("request", `{url: '`+api+`/hold?id=t2'}`), "request:fail timeout")

	// a shorter time-out set after a longer one still comes first, and the longer one's
	// task goes on until its server answers
	p.Eval(startCalls, nil)
	p.Eval(`go('long', {url: '`+api+`/hold?id=t3', timeout: 60000}); go('short', {url: '`+api+`/hold?id=t4', timeout: 2000}); true`, nil)
	short := p.state("short")
	assert.Equal(t, []string{"fail", "complete"}, short.Cbs)
	assert.Equal(t, "request:fail timeout", short.Res["errMsg"])
	var longDone bool
	p.Eval(`R.long.done === true`, &longDone)
	assert.False(t, longDone, "the 60 s time-out has not fired")
	fx.ReleaseAll()
	assert.Equal(t, []string{"success", "complete"}, p.state("long").Cbs)
}

// spec §8.1: ten at a time, the eleventh queued in call order; queueExcess:false fails it.
func TestQueue(t *testing.T) {
	fx.Reset()
	p := newPage(t, listed)
	p.Eval(startCalls, nil)
	p.Eval(`for (let i = 0; i < 12; i++) go('c' + i, {url: '`+api+`/hold?id=c' + i}); true`, nil)
	waitHolds(t, 10, 10)
	st := p.Stats()
	assert.Equal(t, 10.0, st["running"])
	assert.Equal(t, 2.0, st["queued"])
	fx.Release("c3")
	waitHolds(t, 11, 10) // the eleventh takes the freed slot
	assert.Equal(t, []string{"success", "complete"}, p.state("c3").Cbs)
	fx.ReleaseAll()
	waitHolds(t, 12, 1) // the twelfth arrives last
	fx.ReleaseAll()
	for i := range 12 {
		assert.Equal(t, []string{"success", "complete"}, p.state(fmt.Sprintf("c%d", i)).Cbs)
	}
	assert.Equal(t, 10, fx.Stats().MaxInflight, "the server never sees more than 10")

	q := newPage(t, `{domains: {request: ['https://api.example.test']}, queueExcess: false}`)
	q.Eval(startCalls, nil)
	q.Eval(`for (let i = 0; i < 11; i++) go('x' + i, {url: '`+api+`/hold?id=x' + i}); true`, nil)
	s := q.state("x10")
	assert.Equal(t, "request:fail exceed max task count", s.Res["errMsg"])
	fx.ReleaseAll()
}

// spec §8.3: hidden for 5 s interrupts; new calls fail at once until show; show in time
// changes nothing. Real 5 s timers: this is the behaviour under test.
func TestBackground(t *testing.T) {
	t.Run("interrupt after 5 s", func(t *testing.T) {
		t.Parallel()
		p := newPage(t, listed)
		p.Eval(startCalls+`; window.ev = []; wx.onAppHide(() => ev.push('hide')); wx.onAppShow(() => ev.push('show')); true`, nil)
		p.Eval(`for (let i = 0; i < 11; i++) go('b' + i, {url: '`+api+`/hold?id=bg' + i}); true`, nil)
		p.Eval(`until(() => wxsim.stats().running === 10)`, nil)
		start := time.Now()
		p.Eval(`wxsim.hide(); true`, nil)
		for i := range 11 {
			s := p.state(fmt.Sprintf("b%d", i))
			assert.Equal(t, []string{"fail", "complete"}, s.Cbs)
			assert.Equal(t, "request:fail interrupted", s.Res["errMsg"])
			assert.Equal(t, 600003.0, s.Res["errno"])
		}
		assert.GreaterOrEqual(t, time.Since(start), 4900*time.Millisecond, "not before 5 s")
		r := p.Call("request", `{url: '`+api+`/json'}`)
		failResult(t, r, "request:fail interrupted")
		p.Eval(`wxsim.show(); true`, nil)
		okResult(t, p.Call("request", `{url: '`+api+`/json'}`))
		var ev []string
		p.Eval(`ev`, &ev)
		assert.Equal(t, []string{"hide", "show"}, ev)
	})
	t.Run("show within 5 s", func(t *testing.T) {
		t.Parallel()
		p := newPage(t, listed)
		p.Eval(startCalls, nil)
		p.Eval(`go('s', {url: '`+api+`/slow?ms=7000'}); wxsim.hide(); true`, nil)
		p.Eval(`new Promise(r => setTimeout(r, 1000)).then(() => { wxsim.show(); return true; })`, nil)
		s := p.state("s")
		assert.Equal(t, []string{"success", "complete"}, s.Cbs)
	})
	t.Run("keepAlive", func(t *testing.T) {
		t.Parallel()
		p := newPage(t, `{domains: {request: ['https://api.example.test']}, backgroundKeepAlive: true}`)
		p.Eval(startCalls, nil)
		p.Eval(`go('k', {url: '`+api+`/slow?ms=6000'}); wxsim.hide(); true`, nil)
		assert.Equal(t, []string{"success", "complete"}, p.state("k").Cbs)
	})
}

// spec §1.2: a throwing callback is reported and never stops complete or the runtime.
func TestCallbacksThrow(t *testing.T) {
	p := newPage(t, listed)
	var out struct {
		Order  []string `json:"order"`
		OnErr  []string `json:"onErr"`
		Second string   `json:"second"`
	}
	p.Eval(`(async () => {
		const order = [], onErr = [];
		wx.onError((m) => onErr.push(m));
		await new Promise((resolve) => wx.request({url: '`+api+`/json',
			success() { order.push('success'); throw new Error('boom-success'); },
			complete() { order.push('complete'); setTimeout(resolve, 0); throw 'boom-complete'; }}));
		await new Promise((resolve) => wx.request({url: '`+api+`/nope', method: 'FOO',
			fail() { order.push('fail'); throw undefined; }, complete() { order.push('complete2'); resolve(); }}));
		const second = await new Promise((resolve) => wx.request({url: '`+api+`/json', success: (r) => resolve(r.errMsg)}));
		return {order, onErr, second};
	})()`, &out)
	assert.Equal(t, []string{"success", "complete", "fail", "complete2"}, out.Order)
	assert.Equal(t, "request:ok", out.Second)
	require.Len(t, out.OnErr, 3)
	assert.Contains(t, out.OnErr[0], "boom-success")
	assert.True(t, p.ConsoleHas("error", "boom-success"))
	var errs []string
	p.Eval(`T.errors`, &errs)
	assert.Empty(t, errs, "nothing escapes to the page")
}

// Transport failures carry errno 600001 and a reason (spec §4.7).
func TestNetworkErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := ln.Addr().String()
	ln.Close()
	noCORS := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) })}
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go noCORS.Serve(ln2)
	defer noCORS.Close()

	p := newPage(t, `{urlCheck: false}`)
	for _, u := range []string{"http://" + closed + "/", "http://" + ln2.Addr().String() + "/"} {
		r := p.Call("request", `{url: '`+u+`'}`)
		require.Equal(t, []string{"fail", "complete"}, r.Cbs)
		assert.Equal(t, "request:fail network error: Failed to fetch", r.Res["errMsg"])
		assert.Equal(t, 600001.0, r.Res["errno"])
	}
}
