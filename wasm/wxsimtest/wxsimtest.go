//go:build js && wasm

// Package wxsimtest drives wxsim's wx from a Go test running in a browser
// (wasmbrowsertest): install it with a config, call a wx API and wait for its result,
// mock a backend, move the wx clock, and record the §C1 network events to assert on,
// without writing js.FuncOf, Release or channels by hand.
package wxsimtest

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/wxsim/wxsim/wasm/runtime"
)

// Sim is one installed wx.
type Sim struct {
	// Runtime is the installed runtime, for everything the helpers do not cover.
	Runtime *runtime.Runtime
	t       testing.TB
	clock   bool
}

// Start installs wx on the global object with cfg (the wxsim.start config as Go values;
// nil for defaults) and stops it when the test ends. It fails the test on a bad config.
func Start(t testing.TB, cfg map[string]any) *Sim {
	t.Helper()
	rt, err := runtime.Install(js.Global(), cfg)
	if err != nil {
		t.Fatalf("wxsimtest: %v", err)
	}
	s := &Sim{Runtime: rt, t: t}
	t.Cleanup(func() {
		if s.clock {
			rt.UninstallClock()
		}
		rt.Stop()
	})
	await(t, rt.Loaded())
	return s
}

// Result is what a wx call settled with.
type Result struct {
	OK     bool     // success was called (else fail)
	ErrMsg string   // the result's errMsg
	Value  js.Value // the whole result object
}

// Get returns field name of the result.
func (r Result) Get(name string) js.Value { return r.Value.Get(name) }

// Call calls wx[api](opts) with success and fail callbacks and waits until one of them
// has run. The task object it returned is ignored; use Start for those.
func (s *Sim) Call(api string, opts map[string]any) Result {
	s.t.Helper()
	r, _ := s.Begin(api, opts)
	return r()
}

// Begin calls wx[api](opts) and returns a function that waits for its result, and the
// task object the call returned (for abort, onProgressUpdate and the like).
func (s *Sim) Begin(api string, opts map[string]any) (wait func() Result, task js.Value) {
	s.t.Helper()
	done := make(chan Result, 1)
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, a []js.Value) any {
		done <- Result{true, a[0].Get("errMsg").String(), a[0]}
		return nil
	})
	fail = js.FuncOf(func(_ js.Value, a []js.Value) any {
		done <- Result{false, a[0].Get("errMsg").String(), a[0]}
		return nil
	})
	o := map[string]any{}
	for k, v := range opts {
		o[k] = v
	}
	o["success"], o["fail"] = ok, fail
	task = js.Global().Get("wx").Call(api, o)
	return func() Result {
		r := <-done
		ok.Release()
		fail.Release()
		return r
	}, task
}

// Request is Call("request", opts).
func (s *Sim) Request(opts map[string]any) Result {
	s.t.Helper()
	return s.Call("request", opts)
}

// Mock adds a §C4 rule (Go values: a map as wxsim.mock takes it) and returns its id.
func (s *Sim) Mock(rule map[string]any) string {
	s.t.Helper()
	id, err := s.Runtime.Mock(js.ValueOf(rule))
	if err != nil {
		s.t.Fatalf("wxsimtest: %v", err)
	}
	return id
}

// Tick moves the wx clock by ms (installing the virtual clock at the real time on first
// use) and waits until every timer due by then has fired and its callbacks have run.
func (s *Sim) Tick(ms float64) {
	s.t.Helper()
	if !s.clock {
		if err := s.Runtime.InstallClock(js.Global().Get("Date").Call("now").Float()); err != nil {
			s.t.Fatalf("wxsimtest: %v", err)
		}
		s.clock = true
	}
	p, err := s.Runtime.Tick(ms)
	if err != nil {
		s.t.Fatalf("wxsimtest: %v", err)
	}
	await(s.t, p)
}

// Event is one §C1 network event.
type Event struct {
	Seq         int
	ID          int
	API, Phase  string
	URL, ErrMsg string
	Transport   string
	OK          bool
	Value       js.Value // the whole event object
}

// Recorder keeps the §C1 events since Record.
type Recorder struct {
	s      *Sim
	log    js.Value
	events []Event
}

// Record starts recording the §C1 network events (until the test ends).
func (s *Sim) Record() *Recorder {
	s.t.Helper()
	log := js.Global().Get("Array").New()
	f := js.Global().Get("Function").New("log", "return (e) => { log.push(e); }").Invoke(log)
	off, err := s.Runtime.OnNetwork(f)
	if err != nil {
		s.t.Fatalf("wxsimtest: %v", err)
	}
	s.t.Cleanup(off)
	return &Recorder{s: s, log: log}
}

// Events returns the events recorded so far, once those already queued have been
// delivered.
func (r *Recorder) Events() []Event {
	await(r.s.t, js.Global().Get("Promise").Call("resolve"))
	for i := len(r.events); i < r.log.Length(); i++ {
		e := r.log.Index(i)
		ev := Event{Seq: e.Get("seq").Int(), ID: e.Get("id").Int(), API: e.Get("api").String(), Phase: e.Get("phase").String(), Value: e}
		if u := e.Get("url"); u.Type() == js.TypeString {
			ev.URL = u.String()
		}
		if m := e.Get("errMsg"); m.Type() == js.TypeString {
			ev.ErrMsg = m.String()
		}
		if tr := e.Get("transport"); tr.Type() == js.TypeString {
			ev.Transport = tr.String()
		}
		if ok := e.Get("ok"); ok.Type() == js.TypeBoolean {
			ev.OK = ok.Bool()
		}
		r.events = append(r.events, ev)
	}
	return r.events
}

// Phases returns the phases of task id's events, in order ("create start headers end").
func (r *Recorder) Phases(id int) string {
	var out []string
	for _, e := range r.Events() {
		if e.ID == id {
			out = append(out, e.Phase)
		}
	}
	return strings.Join(out, " ")
}

// await waits for promise p, failing t if it rejects.
func await(t testing.TB, p js.Value) js.Value {
	t.Helper()
	ch := make(chan js.Value, 1)
	bad := make(chan js.Value, 1)
	ok := js.FuncOf(func(_ js.Value, a []js.Value) any { ch <- arg0(a); return nil })
	no := js.FuncOf(func(_ js.Value, a []js.Value) any { bad <- arg0(a); return nil })
	defer ok.Release()
	defer no.Release()
	p.Call("then", ok, no)
	select {
	case v := <-ch:
		return v
	case e := <-bad:
		t.Fatalf("wxsimtest: rejected: %v", js.Error{Value: e})
		return js.Undefined()
	}
}

func arg0(a []js.Value) js.Value {
	if len(a) > 0 {
		return a[0]
	}
	return js.Undefined()
}
