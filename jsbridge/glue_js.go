//go:build js && wasm

package jsbridge

import (
	_ "embed"
	"strings"
	"syscall/js"
)

//go:embed glue.js
var glueSource string

// Events the glue sends to Go through the dispatcher: dispatch(ev, id, a, b).
const (
	EvCall     = 1 // a new API call: a = api number, b = options
	EvAbort    = 2 // task.abort() on an unsettled task
	EvTimer    = 3 // a timer set with SetTimer fired
	EvRedirect = 4 // the response was redirected: a = final URL
	EvDone     = 5 // the body is complete: a = status, b = content-type
	EvError    = 6 // transport error: a = JS error name, b = message
)

// Body encodings the glue performs (JSON.stringify and encodeURIComponent stay in JS).
const (
	BodyRaw  = 1
	BodyJSON = 2
	BodyForm = 3
)

// Handler receives glue events. It returns normally when it has dealt with the event;
// the glue fails the task itself if the handler panics.
type Handler func(ev int, id int, a, b js.Value)

// Glue is the Go handle of one glue instance.
type Glue struct {
	v       js.Value
	release func()
}

// NewGlue evaluates the glue with a dispatcher that calls h.
func NewGlue(h Handler) *Glue {
	fn, release := NewFunc("dispatch", func(_ js.Value, args []js.Value) any {
		a, b := js.Undefined(), js.Undefined()
		if len(args) > 2 {
			a = args[2]
		}
		if len(args) > 3 {
			b = args[3]
		}
		h(args[0].Int(), args[1].Int(), a, b)
		return true
	})
	factory := js.Global().Get("Function").New(glueSource)
	return &Glue{v: factory.Invoke(fn), release: release}
}

// Release frees the dispatcher; the glue must not be used afterwards.
func (g *Glue) Release() { g.release() }

// DefineTaskAPI sets target[name] to a function that creates a task object with abort()
// and on/off methods for each listener kind, sends EvCall(api, options) and returns it.
func (g *Glue) DefineTaskAPI(target js.Value, name string, api int, kinds ...string) {
	g.v.Call("defineTaskAPI", target, name, api, strs(kinds))
}

// DefineAsyncAPI sets target[name] to a function that sends EvCall and returns a Promise
// when promise style is on and no callback is given (spec §1.3).
func (g *Glue) DefineAsyncAPI(target js.Value, name string, api int) {
	g.v.Call("defineAsyncAPI", target, name, api)
}

// DefineListeners sets target.on<name> / off<name> over one global listener list.
func (g *Glue) DefineListeners(target js.Value, name string) {
	g.v.Call("defineListeners", target, name)
}

// SetPromiseStyle turns Promise returns of async APIs on or off.
func (g *Glue) SetPromiseStyle(on bool) { g.v.Call("setPromiseStyle", on) }

// Emit calls every listener of list name with payload, asynchronously.
func (g *Glue) Emit(name string, payload any) { g.v.Call("emit", name, payload) }

// ClearListeners empties every global listener list.
func (g *Glue) ClearListeners() { g.v.Call("clearListeners") }

// URLInfo is what the browser's URL parser says of a URL.
type URLInfo struct {
	Scheme, Host, Port    string
	Userinfo, PathOrQuery bool
}

// ParseURL parses raw with the browser's URL parser; ok is false if it does not parse or
// is not absolute.
func (g *Glue) ParseURL(raw string) (URLInfo, bool) {
	s := g.v.Call("parseURL", raw).String()
	f := strings.Split(s, "\n")
	if len(f) != 5 {
		return URLInfo{}, false
	}
	return URLInfo{Scheme: f[0], Host: f[1], Port: f[2], Userinfo: f[3] == "1", PathOrQuery: f[4] == "1"}, true
}

// DataKind classifies a data option: 0 none, 1 string, 2 ArrayBuffer/view, 3 object, 4 other.
func (g *Glue) DataKind(v js.Value) int { return g.v.Call("dataKind", v).Int() }

// HeaderList returns the own enumerable keys of h with String(value), flattened.
func (g *Glue) HeaderList(h js.Value) (pairs []string, err error) {
	err = Try(func() {
		arr := g.v.Call("headerList", h)
		n := arr.Length()
		pairs = make([]string, n)
		for i := range n {
			pairs[i] = arr.Index(i).String()
		}
	})
	return
}

// Form encodes an object as k=v&… with encodeURIComponent.
func (g *Glue) Form(data js.Value) (s string, err error) {
	err = Try(func() { s = g.v.Call("form", data).String() })
	return
}

// SetBody prepares the request body of task id (JSON.stringify, form or raw).
func (g *Glue) SetBody(id, enc int, data js.Value) error {
	return Try(func() { g.v.Call("body", id, enc, data) })
}

// Fetch starts the fetch of task id. headers is flattened name, value pairs.
func (g *Glue) Fetch(id int, url, method string, headers []string, chunked, manualRedirect bool) {
	g.v.Call("fetch", id, url, method, strs(headers), chunked, manualRedirect)
}

// Cancel aborts the transport of task id.
func (g *Glue) Cancel(id int) { g.v.Call("cancel", id) }

// SetTimer arranges EvTimer(id) after ms milliseconds, replacing an earlier timer of id.
func (g *Glue) SetTimer(id int, ms float64) { g.v.Call("setTimer", id, ms) }

// ClearTimer cancels the timer of id.
func (g *Glue) ClearTimer(id int) { g.v.Call("clearTimer", id) }

// Fail settles task id with a fail result; errno < 0 means none.
func (g *Glue) Fail(id int, errMsg string, errno int) {
	if errno < 0 {
		g.v.Call("fail", id, errMsg)
		return
	}
	g.v.Call("fail", id, errMsg, errno)
}

// OK settles a fetched task with its decoded body.
func (g *Glue) OK(id int, errMsg string, raw bool, charset string, parseJSON bool) {
	g.v.Call("ok", id, errMsg, raw, charset, parseJSON)
}

// OKWith settles task id with result res.
func (g *Glue) OKWith(id int, res map[string]any) { g.v.Call("okWith", id, res) }

// Warn logs a console warning.
func (g *Glue) Warn(msg string) { g.v.Call("warn", msg) }

// Stats returns the glue's live task records and timers.
func (g *Glue) Stats() (tasks, timers int) {
	s := g.v.Call("stats")
	return s.Get("tasks").Int(), s.Get("timers").Int()
}

func strs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
