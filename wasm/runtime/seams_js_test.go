//go:build js && wasm

package runtime_test

import (
	"math"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/wasm/runtime"
)

// recorder is a JS observer that keeps "id:phase" of every step, and a second observer
// that throws on every step.
func recorder(t *testing.T, rt *runtime.Runtime) (steps func() []string, stop func()) {
	rec := js.Global().Call("eval", `(() => { const log = []; const f = (e) => { log.push(e.id + ":" + e.api + ":" + e.phase); }; f.log = log; return f; })()`)
	bad := js.Global().Call("eval", `(() => () => { throw new Error("observer bug"); })()`)
	stop1, stop2 := rt.Observe(bad), rt.Observe(rec)
	return func() []string {
			log := rec.Get("log")
			out := make([]string, log.Length())
			for i := range out {
				out[i] = log.Index(i).String()
			}
			return out
		}, func() {
			stop1()
			stop2()
		}
}

// phases keeps the phases of steps of one api, in order.
func phases(steps []string, api string) []string {
	var out []string
	for _, s := range steps {
		if f := strings.Split(s, ":"); f[1] == api {
			out = append(out, f[2])
		}
	}
	return out
}

// Every step of a task passes the observer seam, in order; a throwing observer breaks
// nothing (spec §C1's stream hangs here).
func TestObserverSeam(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()
	steps, stop := recorder(t, rt)

	res := call(map[string]any{"url": base + "/json"})
	require.Equal(t, "request:ok", res.Get("errMsg").String(), "a throwing observer does not break the task")
	assert.Equal(t, []string{"call", "create", "start", "headers", "end"}, phases(steps(), "request"))

	stop()
	res = call(map[string]any{"url": "https://elsewhere.example.test/"})
	assert.Equal(t, "request:fail url not in domain list", res.Get("errMsg").String())
	assert.Len(t, phases(steps(), "request"), 5, "a removed observer hears nothing")

	steps, stop = recorder(t, rt)
	defer stop()
	res = call(map[string]any{"url": "https://elsewhere.example.test/"})
	assert.Equal(t, []string{"call", "create", "end"}, phases(steps(), "request"), "a refused call: call, create and end")
}

// The 11th concurrent request is queued (spec §8.1): the step only Go sees reaches the
// observers; aborting the tasks ends each once.
func TestObserverSeesQueue(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()
	steps, stop := recorder(t, rt)
	defer stop()

	done := make(chan struct{}, 11)
	complete := js.FuncOf(func(js.Value, []js.Value) any { done <- struct{}{}; return nil })
	defer complete.Release()
	var tasks []js.Value
	for i := range 11 {
		tasks = append(tasks, js.Global().Get("wx").Call("request", map[string]any{
			"url": base + "/hold?id=seam" + string(rune('a'+i)), "complete": complete}))
	}
	got := phases(steps(), "request")
	assert.Equal(t, 11, count(got, "call"))
	assert.Equal(t, 11, count(got, "create"))
	assert.Equal(t, 10, count(got, "start"))
	assert.Equal(t, 1, count(got, "queue"))
	for _, task := range tasks {
		task.Call("abort")
	}
	for range 11 {
		<-done
	}
	got = phases(steps(), "request")
	assert.Equal(t, 11, count(got, "end"), "each task ends once")
	assert.Equal(t, 11, count(got, "start"), "the queued task started when a slot freed")
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// manualClock is a clock the test moves by hand.
const manualClock = `(() => {
  const c = { t: 1e12, timers: [] };
  c.now = () => c.t;
  c.set = (f, ms) => { const h = { f, at: c.t + ms }; c.timers.push(h); return h; };
  c.clear = (h) => { c.timers = c.timers.filter((x) => x !== h); };
  c.tick = (ms) => {
    c.t += ms;
    for (;;) {
      const due = c.timers.filter((x) => x.at <= c.t).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      c.clear(due);
      due.f();
    }
  };
  return c;
})()`

// Every time rule reads the runtime's one clock (spec §8.2 here): a 60 s time-out on a
// clock moved by hand fires when the clock says so, and a timer armed on the real clock
// moves over with the time it has left.
func TestClockSeam(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()

	results := make(chan string, 1)
	complete := js.FuncOf(func(_ js.Value, args []js.Value) any { results <- args[0].Get("errMsg").String(); return nil })
	defer complete.Release()
	js.Global().Get("wx").Call("request", map[string]any{"url": base + "/hold?id=clock1", "complete": complete})

	c := js.Global().Call("eval", manualClock)
	rt.SetClock(c) // the request's 60 s timer moves over
	defer rt.SetClock(js.Undefined())
	require.Equal(t, 1, c.Get("timers").Length())
	c.Call("tick", 59_000)
	select {
	case msg := <-results:
		t.Fatalf("settled before its time-out: %s", msg)
	default:
	}
	c.Call("tick", 1_000)
	assert.Equal(t, "request:fail timeout", <-results)
	assert.Equal(t, 0, c.Get("timers").Length(), "settling cleared nothing twice, left nothing behind")
}

// await waits for promise p in Go: its value, or the error it rejected with.
func await(p js.Value) (js.Value, error) {
	ch := make(chan js.Value, 1)
	errc := make(chan error, 1)
	ok := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- a[0]; return nil })
	bad := js.FuncOf(func(_ js.Value, a []js.Value) any { errc <- js.Error{Value: a[0]}; return nil })
	defer ok.Release()
	defer bad.Release()
	p.Call("then", ok, bad)
	select {
	case v := <-ch:
		return v, nil
	case err := <-errc:
		return js.Undefined(), err
	}
}

// The Go twin of §C5: InstallClock, Tick, ClockNow, UninstallClock. A 60 s time-out
// fires when Tick reaches it, and bad arguments are errors that change nothing.
func TestClockTwin_SpecC5(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()

	_, err = rt.Tick(1)
	assert.ErrorContains(t, err, "not installed")
	assert.Error(t, rt.InstallClock(math.NaN()))
	require.NoError(t, rt.InstallClock(1e12))
	defer rt.UninstallClock()
	_, err = rt.Tick(-5)
	assert.ErrorContains(t, err, "wxsim.clock.tick: ms")
	assert.Equal(t, 1e12, rt.ClockNow())

	results := make(chan string, 1)
	complete := js.FuncOf(func(_ js.Value, args []js.Value) any { results <- args[0].Get("errMsg").String(); return nil })
	defer complete.Release()
	js.Global().Get("wx").Call("request", map[string]any{"url": base + "/hold?id=clocktwin", "complete": complete})
	p, err := rt.Tick(59_999)
	require.NoError(t, err)
	_, err = await(p)
	require.NoError(t, err)
	select {
	case msg := <-results:
		t.Fatalf("settled before 60 s: %s", msg)
	default:
	}
	p, err = rt.Tick(1)
	require.NoError(t, err)
	_, err = await(p)
	require.NoError(t, err)
	select {
	case msg := <-results:
		assert.Equal(t, "request:fail timeout", msg)
	default:
		t.Fatal("the time-out's callback had not run when Tick resolved")
	}
	assert.Equal(t, 1e12+60_000, rt.ClockNow())
}

// The Go twin of §C1: OnNetwork and Tasks.
func TestNetworkEventsTwin_SpecC1(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()
	_, err = rt.OnNetwork(js.ValueOf(5))
	assert.ErrorContains(t, err, "listener should be a function")

	log := js.Global().Call("eval", `(() => { const f = (e) => f.log.push(e.phase + ":" + e.seq); f.log = []; return f; })()`)
	off, err := rt.OnNetwork(log)
	require.NoError(t, err)
	res := call(map[string]any{"url": base + "/json"})
	require.Equal(t, "request:ok", res.Get("errMsg").String())
	_, err = await(js.Global().Get("Promise").Call("resolve")) // the events are delivered on a microtask
	require.NoError(t, err)
	off()
	var got []string
	for i := range log.Get("log").Length() {
		got = append(got, strings.Split(log.Get("log").Index(i).String(), ":")[0])
	}
	assert.Equal(t, []string{"create", "start", "headers", "end"}, got)
	tasks := rt.Tasks()
	require.Equal(t, 1, tasks.Length())
	assert.Equal(t, base+"/json", tasks.Index(0).Get("url").String())
	assert.Equal(t, "end", tasks.Index(0).Get("phase").String())
	assert.Equal(t, true, tasks.Index(0).Get("ok").Bool())
}

// The Go twin of §C4: Mock, Mocks, Unmock, ClearMocks.
func TestMockTwin_SpecC4(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()
	_, err = rt.Mock(js.ValueOf(map[string]any{"url": 5}))
	assert.ErrorContains(t, err, "rule.url should be a string or RegExp")
	id, err := rt.Mock(js.ValueOf(map[string]any{"url": base + "/twin", "response": map[string]any{"statusCode": 202, "data": "from Go"}}))
	require.NoError(t, err)
	assert.Equal(t, 1, rt.Mocks().Length())
	res := call(map[string]any{"url": base + "/twin"})
	assert.Equal(t, "request:ok", res.Get("errMsg").String())
	assert.Equal(t, 202, res.Get("statusCode").Int())
	assert.Equal(t, "from Go", res.Get("data").String())
	assert.True(t, rt.Unmock(id))
	rt.ClearMocks()
	assert.Equal(t, 0, rt.Mocks().Length())
	assert.Equal(t, 404, call(map[string]any{"url": base + "/twin"}).Get("statusCode").Int(), "no rule: the real network")
}

// The Go twin of §C2: HAR, with its options checked.
func TestHARTwin_SpecC2(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()
	_, err = rt.HAR(js.ValueOf(map[string]any{"bodies": "yes"}))
	assert.ErrorContains(t, err, "options.bodies should be a boolean")
	require.Equal(t, "request:ok", call(map[string]any{"url": base + "/json"}).Get("errMsg").String())
	p, err := rt.HAR(js.ValueOf(map[string]any{"maxBodyBytes": 4}))
	require.NoError(t, err)
	h, err := await(p)
	require.NoError(t, err)
	assert.Equal(t, "1.2", h.Get("log").Get("version").String())
	entries := h.Get("log").Get("entries")
	require.Equal(t, 1, entries.Length())
	e := entries.Index(0)
	assert.Equal(t, base+"/json", e.Get("request").Get("url").String())
	assert.Contains(t, e.Get("response").Get("content").Get("comment").String(), "body omitted")
	assert.Equal(t, "direct", e.Get("_wxsim").Get("transport").String())

	// ids keeps only the tasks named; a bad list is refused naming the field
	require.Equal(t, "request:ok", call(map[string]any{"url": base + "/json?second"}).Get("errMsg").String())
	for _, bad := range []any{"1", []any{0}, []any{1.5}, []any{"1"}, map[string]any{"0": 1}} {
		_, err = rt.HAR(js.ValueOf(map[string]any{"ids": bad}))
		assert.ErrorContains(t, err, "options.ids should be an array of task ids", "%v", bad)
	}
	all, err := await(mustHAR(t, rt, nil))
	require.NoError(t, err)
	require.Equal(t, 2, all.Get("log").Get("entries").Length())
	second := all.Get("log").Get("entries").Index(1).Get("_wxsim").Get("id")
	one, err := await(mustHAR(t, rt, map[string]any{"ids": []any{second}}))
	require.NoError(t, err)
	require.Equal(t, 1, one.Get("log").Get("entries").Length())
	assert.Equal(t, base+"/json?second", one.Get("log").Get("entries").Index(0).Get("request").Get("url").String())
	none, err := await(mustHAR(t, rt, map[string]any{"ids": []any{}}))
	require.NoError(t, err)
	assert.Equal(t, 0, none.Get("log").Get("entries").Length())
}

func mustHAR(t *testing.T, rt *runtime.Runtime, options map[string]any) js.Value {
	t.Helper()
	o := js.Undefined()
	if options != nil {
		o = js.ValueOf(options)
	}
	p, err := rt.HAR(o)
	require.NoError(t, err)
	return p
}
