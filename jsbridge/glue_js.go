//go:build js && wasm

package jsbridge

import (
	"strconv"
	"strings"
	"syscall/js"
	"unsafe"
)

// glueBody is the glue closure's source, assembled once (gluesrc.go).
var glueBody = glueSource()

// Handler receives glue events. It returns true when it has dealt with the event; on
// false, or if it panics, the glue fails the task itself ("internal error"), so every
// call settles.
type Handler func(ev int, id int, a, b js.Value) bool

// Glue is the Go handle of one glue instance.
type Glue struct {
	v        js.Value
	observed int      // observers registered with Observe
	slot     js.Value // arguments a, b of an export call
	h        Handler
	id       int32
	release  func()
	in       string // the packed record of the export call being handled (Inbox)
	inOK     bool
	// the last method and errMsg Fetch passed: the glue keeps them, so that the same
	// strings do not cross again for every request
	lastMethod, lastOK string
	fetch              js.Value // the glue's fetch, called without a name to decode
}

// inbox is where the glue writes the packed options of a call before it enters Go through
// the export (EvRequest): the record arrives as UTF-8 bytes in Go's own memory, without a
// reference, a finalizer or a string crossing. NewGlue hands the glue its address; a
// record that does not fit goes the usual way (EvCall, ReadRequest).
var inbox [inboxSize]byte

const inboxSize = 16 << 10

var (
	glues  = map[int32]*Glue{}
	nextID int32
)

// NewGlue evaluates the glue with a dispatcher that calls h. exports is the wasm
// instance's exports object when the page handed it over (the loader does), else
// undefined: the glue then enters Go through a js.Func only.
func NewGlue(h Handler, exports js.Value) *Glue {
	g := &Glue{h: h}
	fn, release := NewFunc("dispatch", func(_ js.Value, args []js.Value) any {
		if ev := args[0].Int(); ev != 0 { // 0: only lets Go run its goroutines
			switch g.run(ev, args[1].Int(), arg(args, 2), arg(args, 3)) {
			case answerHandled:
				return true
			case answerUnreadable:
				return answerUnreadable
			}
			return false
		}
		return true
	})
	nextID++
	g.id = nextID
	factory := js.Global().Get("Function").New(glueBody)
	g.v = factory.Invoke(fn, exports, g.id, guard, int(uintptr(unsafe.Pointer(&inbox[0]))), inboxSize)
	g.slot = g.v.Get("slot")
	g.fetch = g.v.Get("fetch")
	glues[g.id] = g
	g.release = func() { release(); delete(glues, g.id) }
	return g
}

func arg(args []js.Value, i int) js.Value {
	if len(args) > i {
		return args[i]
	}
	return js.Undefined()
}

// dispatch is the wasm export the glue calls: answerHandled, answerUnhandled, or
// answerUnreadable when a user value of the call could not be read.
//
// n ≥ 0: the call's packed record is the first n bytes of the inbox, and a and b are
// undefined (they are not read from the slot); n = noArgs: a and b are undefined too.
// settled > 0 (EvRequest only): the glue settled that request itself and Go has not
// heard of it yet; it rides along instead of entering Go on its own (EvSettled, one
// entry fewer a request when requests follow one another), and Go completes it before
// the new call, as if it had come first.
//
//go:wasmexport wxsim_dispatch
func dispatch(gid, ev, id, n, settled int32) int32 {
	g := glues[gid]
	if g == nil {
		return answerUnhandled
	}
	// an entry inside another (a user getter Go read calling wx again) has an inbox of
	// its own, or none: the outer one's comes back after it
	in, inOK := g.in, g.inOK
	defer func() { g.in, g.inOK = in, inOK }()
	g.in, g.inOK = "", false
	if n >= 0 && n <= inboxSize && ev == EvRequest {
		record := string(inbox[:n]) // copied first: what runs next may write the inbox again
		if settled > 0 {
			g.run(EvSettled, int(settled), js.Undefined(), js.Undefined())
		}
		g.in, g.inOK = record, true
		return g.run(int(ev), int(id), js.Undefined(), js.Undefined())
	}
	if n == noArgs || n >= 0 { // each slot read is a call into JS and a name to decode
		return g.run(int(ev), int(id), js.Undefined(), js.Undefined())
	}
	return g.run(int(ev), int(id), g.slot.Get("a"), g.slot.Get("b"))
}

// RequestInbox is the request record of the EvRequest being handled (the glue's
// readRequest, written to the inbox); ok is false outside one.
func (g *Glue) RequestInbox() (f RequestFields, ok bool) {
	if !g.inOK {
		return f, false
	}
	var p [rqFields]string // split without allocating: the fields are substrings of g.in
	rest, n := g.in, 0
	for ; n < rqFields-1; n++ {
		i := strings.IndexByte(rest, 0)
		if i < 0 {
			break
		}
		p[n], rest = rest[:i], rest[i+1:]
	}
	if n != rqFields-1 || strings.IndexByte(rest, 0) >= 0 {
		panic("jsbridge: the inbox holds a record of " + strconv.Itoa(strings.Count(g.in, "\x00")+1) + " fields, want " + strconv.Itoa(rqFields))
	}
	p[n] = rest
	return requestFields(p[:]), true
}

// Inbox is the packed record of the export call being handled, as the glue wrote it;
// ok is false outside one.
func (g *Glue) Inbox() (record string, ok bool) { return g.in, g.inOK }

// Options is the options object of call id, which the glue keeps while Go handles its
// EvRequest.
func (g *Glue) Options(id int) js.Value { return g.v.Call("options", id) }

// run calls the handler under the guard every entry into Go has: a user value that threw
// when read (AsUnreadable) goes to the glue in slot.u and answers answerUnreadable; any
// other Go panic is reported on the console and answers answerUnhandled, so the glue
// fails that task instead of the program dying.
func (g *Glue) run(ev, id int, a, b js.Value) (ok int32) {
	defer func() {
		if p := recover(); p != nil {
			if u, isU := AsUnreadable(p); isU {
				g.slot.Set("u", []any{u.Field, u.Message})
				ok = answerUnreadable
				return
			}
			ok = answerUnhandled
			ConsoleError("wxsim: internal error in dispatch: " + panicText(p))
		}
	}()
	if !g.h(ev, id, a, b) {
		return answerUnhandled
	}
	return answerHandled
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

// SetTexts hands the glue the errMsg parts it writes itself (sim.GlueTexts).
func (g *Glue) SetTexts(t map[string]any) { g.v.Call("setTexts", t) }

// SetRelay routes transfers and sockets through the relay at base (spec §9), with token
// (or, when empty, the token the relay gives its own pages) and the app configuration
// session for the relay's policy; base "" is the direct browser transport.
func (g *Glue) SetRelay(base, token string, session map[string]any) {
	g.v.Call("setRelay", base, token, js.ValueOf(session))
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
	f := g.packed("parseURL", urlFields, raw)
	return parsedURL(f), f[urlScheme] != ""
}

// RequestFields are the scalar options of one request, read in one call (ReadRequest).
type RequestFields struct {
	URLType, URL, MethodType, Method, HeaderType string
	DataKind                                     int // a Data… class
	DataType                                     string
	Timeout                                      string // String(timeout) when it is a number, else ""
	ResponseType, DataTypeOpt, Redirect          string
	Chunked                                      bool
	Parsed                                       URLInfo
	ParsedOK                                     bool
}

// ReadRequest reads the options object o of a request in one JS call. Type fields hold
// Object.prototype.toString tags ("String", "Undefined", ...).
func (g *Glue) ReadRequest(id int, o js.Value) RequestFields {
	return requestFields(g.packed("readRequest", rqFields, id, o))
}

func requestFields(f []string) RequestFields {
	return RequestFields{
		URLType: f[rqURLType], URL: f[rqURL], MethodType: f[rqMethodType], Method: f[rqMethod], HeaderType: f[rqHeaderType],
		DataKind: int(f[rqDataKind][0] - '0'), DataType: f[rqDataType], Timeout: f[rqTimeout],
		ResponseType: f[rqResponseType], DataTypeOpt: f[rqDataTypeOpt], Redirect: f[rqRedirect], Chunked: f[rqChunked] == "1",
		Parsed: parsedURL(f[rqParsed:]), ParsedOK: f[rqParsedScheme] != "",
	}
}

// packed calls the glue reader method with args; it answers the n NUL-separated fields
// of one packed record (protocol.go) in one string, one crossing instead of one per
// option. A different count is a bug in the glue.
func (g *Glue) packed(method string, n int, args ...any) []string {
	f := strings.Split(g.v.Call(method, args...).String(), "\x00")
	if len(f) != n {
		panic("jsbridge: " + method + " returned " + strconv.Itoa(len(f)) + " fields, want " + strconv.Itoa(n))
	}
	return f
}

// parsedURL reads the urlFields fields of a parsed URL at the start of f; they are all
// empty when the URL did not parse.
func parsedURL(f []string) URLInfo {
	return URLInfo{Scheme: f[urlScheme], Host: f[urlHost], Port: f[urlPort],
		Userinfo: f[urlUserinfo] == "1", PathOrQuery: f[urlPathOrQuery] == "1"}
}

// HeaderList returns the own enumerable keys of o.header with String(value), flattened.
func (g *Glue) HeaderList(o js.Value) (pairs []string, err error) {
	err = Try(func() {
		arr := g.v.Call("headerList", o)
		n := arr.Length()
		pairs = make([]string, n)
		for i := range n {
			pairs[i] = arr.Index(i).String()
		}
	})
	return
}

// DataString returns String(o.data).
func (g *Glue) DataString(o js.Value) string { return g.v.Call("dataString", o).String() }

// Form encodes o.data as k=v&… with encodeURIComponent.
func (g *Glue) Form(o js.Value) (s string, err error) {
	err = Try(func() { s = g.v.Call("form", o).String() })
	return
}

// SetBody prepares the request body of task id from o.data (JSON.stringify, form or raw).
func (g *Glue) SetBody(id, enc int, o js.Value) error {
	return Try(func() { g.v.Call("body", id, enc, o) })
}

// Fetch starts the fetch of task id on transport via (Via…) and its time-out timer
// (EvTimer after timeoutMS). url "" is the url ReadRequest read for id; headers is
// flattened name, value pairs. fast (Fast…) is how to decode a response whose
// content-type has no parameters, with okMsg its errMsg: the glue then settles it itself
// and sends EvSettled after its callbacks. method and okMsg cross only when they differ
// from the last Fetch's.
func (g *Glue) Fetch(id, via int, url, method string, headers []string, chunked, manualRedirect bool, timeoutMS float64, fast int, okMsg string) {
	u := js.Undefined() // the url ReadRequest read: one string fewer to cross
	if url != "" {
		u = js.ValueOf(url)
	}
	h := js.Null()
	if len(headers) > 0 {
		h = js.ValueOf(strs(headers))
	}
	m, ok := js.Undefined(), js.Undefined() // undefined: the same as the last time
	if method != g.lastMethod {
		g.lastMethod, m = method, js.ValueOf(method)
	}
	if okMsg != g.lastOK {
		g.lastOK, ok = okMsg, js.ValueOf(okMsg)
	}
	g.fetch.Invoke(id, via, u, m, h, chunked, manualRedirect, timeoutMS, fast, ok)
}

// Cancel aborts the transport of task id.
func (g *Glue) Cancel(id int) { g.v.Call("cancel", id) }

// SetTimer arranges EvTimer(id) after ms milliseconds, replacing an earlier timer of id.
// Task ids get theirs from Fetch; settling a task clears its timer.
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

// Observe adds observer f, a JS function, to the observer seam: it gets one object
// {id, api, phase, time, data} for every step of every task (create, queue, start,
// headers, progress, chunk, end; sockets: open, send, message, error, close), on the
// glue's clock. One that throws is reported on the console and breaks nothing.
func (g *Glue) Observe(f js.Value) {
	g.observed++
	g.v.Call("observe", f)
}

// Unobserve removes an observer added with Observe.
func (g *Glue) Unobserve(f js.Value) {
	if g.observed > 0 {
		g.observed--
	}
	g.v.Call("unobserve", f)
}

// Observed reports whether anyone observes: steps that only Go sees (Note) cost nothing
// when nobody does.
func (g *Glue) Observed() bool { return g.observed > 0 }

// Note passes a step that only Go sees of task id to the observers: "create" with data
// (the call as planned), "queue" with nil.
func (g *Glue) Note(id int, phase string, data any) {
	if data == nil {
		g.v.Call("note", id, phase)
		return
	}
	g.v.Call("note", id, phase, data)
}

// NetOn adds listener f to the §C1 network event stream; the stream is an observer of
// the seam while it has a listener.
func (g *Glue) NetOn(f js.Value) { g.netChange("netOn", f) }

// NetOff removes listener f from the §C1 stream.
func (g *Glue) NetOff(f js.Value) { g.netChange("netOff", f) }

// netChange calls the glue's netOn or netOff and counts the stream as one observer while
// it listens.
func (g *Glue) netChange(method string, f js.Value) {
	before := g.v.Call("netListening").Bool()
	g.v.Call(method, f)
	switch after := g.v.Call("netListening").Bool(); {
	case after && !before:
		g.observed++
	case before && !after:
		g.observed--
	}
}

// HAR is a promise of the §C2 HAR log of the listed tasks, with their bodies (when
// bodies) up to maxBody bytes each; ids, an array of task ids, keeps only those tasks
// (null: all).
func (g *Glue) HAR(bodies bool, maxBody float64, ids js.Value) js.Value {
	return g.v.Call("har", map[string]any{"bodies": bodies, "maxBodyBytes": maxBody, "ids": ids})
}

// Tasks is the §C1 task list: the last 1000 network tasks, oldest first.
func (g *Glue) Tasks() js.Value { return g.v.Call("tasks") }

// SetClock puts every timer and time reading of the glue on clock c, an object
// {now() → ms since the epoch, set(f, ms) → handle, clear(handle)}; undefined or null
// goes back to real time. Pending timers move over with the time they have left.
func (g *Glue) SetClock(c js.Value) { g.v.Call("useClock", c) }

// SetProfile gives the glue the profile's fields in order with their defaults (name,
// default value pairs): the shape of every result's profile.
func (g *Glue) SetProfile(pairs []any) { g.v.Call("setProfile", pairs) }

// ClockInstall puts the glue's timers on a virtual clock at now (ms since the epoch),
// which moves only with ClockTick (§C5).
func (g *Glue) ClockInstall(now float64) { g.v.Call("clockInstall", now) }

// ClockUninstall goes back to real time; pending timers keep the time they have left.
func (g *Glue) ClockUninstall() { g.v.Call("clockUninstall") }

// ClockInstalled reports whether the virtual clock is in use.
func (g *Glue) ClockInstalled() bool { return g.v.Call("clockInstalled").Bool() }

// ClockNow is the glue's clock reading in ms since the epoch.
func (g *Glue) ClockNow() float64 { return g.v.Call("clockNow").Float() }

// ClockTick moves the virtual clock by ms and returns a promise that resolves once every
// timer due by then has fired and the callbacks it caused have run.
func (g *Glue) ClockTick(ms float64) js.Value { return g.v.Call("clockTick", ms) }

// MockAdd adds §C4 mock rule r: its id, or the TypeError message of a bad rule.
func (g *Glue) MockAdd(r js.Value) (id, bad string) {
	v := g.v.Call("mockAdd", r)
	if e := v.Get("error"); e.Type() == js.TypeString {
		return "", e.String()
	}
	return v.Get("id").String(), ""
}

// MockRemove removes rule id; false when there is none.
func (g *Glue) MockRemove(id string) bool { return g.v.Call("mockRemove", id).Bool() }

// MockClear removes every rule.
func (g *Glue) MockClear() { g.v.Call("mockClear") }

// MockCount is the number of rules in force.
func (g *Glue) MockCount() int { return g.v.Call("mockCount").Int() }

// MockList is the rules in force, in match order (newest first).
func (g *Glue) MockList() js.Value { return g.v.Call("mockList") }

// MockMatch reports whether a rule answers task id's call as it will be sent; the task
// takes the rule (its times are counted).
func (g *Glue) MockMatch(id int, api, url, method string) bool {
	return g.v.Call("mockMatch", id, api, url, method).Bool()
}

// SetNetwork gives the glue the §C3 condition new tasks start under: latency in ms
// before each response's head and socket's open, and the link's rates in kbps (0: no
// limit).
func (g *Glue) SetNetwork(latencyMS, downKbps, upKbps float64) {
	g.v.Call("setNetwork", latencyMS, downKbps, upKbps)
}

// DefineCanIUse sets target.canIUse, true for exactly the schemas in list.
func (g *Glue) DefineCanIUse(target js.Value, list []string) {
	g.v.Call("defineCanIUse", target, strings.Join(list, "\n")) // one string, not one a schema
}

// Snapshot keeps the own properties of o and returns the function that restores them
// (what was added since is deleted, what was changed put back).
func (g *Glue) Snapshot(o js.Value) (restore func()) {
	f := g.v.Call("snapshot", o)
	return func() { f.Invoke() }
}

// Warn logs a console warning.
func (g *Glue) Warn(msg string) { g.v.Call("warn", msg) }

// TakeSettled returns the ids of the requests the glue settled itself (EvSettled) and has
// not yet told Go of, which it then no longer sends.
func (g *Glue) TakeSettled() []int {
	v := g.v.Call("takeSettled")
	if v.IsNull() {
		return nil
	}
	ids := make([]int, v.Length())
	for i := range ids {
		ids[i] = v.Index(i).Int()
	}
	return ids
}

// Stats returns the glue's live task records, timers, sockets and stored files.
func (g *Glue) Stats() (tasks, timers, sockets, files int) {
	s := g.v.Call("stats")
	return s.Get("tasks").Int(), s.Get("timers").Int(), s.Get("sockets").Int(), s.Get("files").Int()
}

func strs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// DefineSocketAPI sets connectSocket, sendSocketMessage, closeSocket and onSocket… on
// target; connectSocket sends EvCall(api, options) and returns the SocketTask.
func (g *Glue) DefineSocketAPI(target js.Value, api int) { g.v.Call("defineSocketAPI", target, api) }

// SocketFields are the options of connectSocket, read in one call.
type SocketFields struct {
	URLType, URL, ProtocolsType, Timeout, HeaderType string
	HeaderSet                                        bool
	Parsed                                           URLInfo
	ParsedOK                                         bool
}

// ReadSocket reads connectSocket options in one JS call.
func (g *Glue) ReadSocket(id int, o js.Value) SocketFields {
	f := g.packed("readSocket", skFields, id, o)
	return SocketFields{URLType: f[skURLType], URL: f[skURL], ProtocolsType: f[skProtocolsType], Timeout: f[skTimeout],
		HeaderType: f[skHeaderType], HeaderSet: f[skHeaderSet] == "1",
		Parsed: parsedURL(f[skParsed:]), ParsedOK: f[skParsedScheme] != ""}
}

// ReadClose reads the code and reason options of a close call: their type tags, the code
// as text when it is a number, and the reason when it is a string.
func (g *Glue) ReadClose(o js.Value) (codeType, code, reasonType, reason string) {
	f := g.packed("readClose", clFields, o)
	return f[clCodeType], f[clCode], f[clReasonType], f[clReason]
}

// SocketBind makes socket id the target of the global socket API.
func (g *Glue) SocketBind(id int) { g.v.Call("sockBind", id) }

// SocketOpen creates the WebSocket of socket id (binaryType arraybuffer) on transport
// via with the protocols ReadSocket kept, and its handshake time-out: EvTimer(timer) after
// timeoutMS. timer is the socket's timer id for as long as it lives (the glue clears it
// when the socket ends); the glue knows no rule for it.
func (g *Glue) SocketOpen(id, via, timer int, url string, headers []string, timeoutMS float64) error {
	return Try(func() { g.v.Call("sockOpen", id, via, timer, url, strs(headers), timeoutMS) })
}

// SocketError delivers errMsg to socket id's onError listeners.
func (g *Glue) SocketError(id int, errMsg string) { g.v.Call("sockError", id, errMsg) }

// SocketFail ends socket id: onError(errMsg), then onClose(1006, reason).
func (g *Glue) SocketFail(id int, errMsg, reason string) { g.v.Call("sockFail", id, errMsg, reason) }

// SocketDrop ends socket id at once for Go (its slot is already free): its WebSocket is
// forgotten and onClose gets code on a microtask, after warning on the console.
func (g *Glue) SocketDrop(id, code int, warning string) { g.v.Call("sockDrop", id, code, warning) }

// SocketClose closes socket id with code and reason.
func (g *Glue) SocketClose(id, code int, reason string) error {
	return Try(func() { g.v.Call("sockClose", id, code, reason) })
}

// SocketLive reports whether socket id is connecting or open.
func (g *Glue) SocketLive(id int) bool { return g.v.Call("sockLive", id).Bool() }

// TransferFields are the options of uploadFile/downloadFile, read in one call.
type TransferFields struct {
	URLType, URL, HeaderType, Timeout string
	FilePathType, FilePath, NameType  string
	Name, FormDataType                string
	Parsed                            URLInfo
	ParsedOK                          bool
}

// ReadTransfer reads uploadFile/downloadFile options in one JS call.
func (g *Glue) ReadTransfer(id int, o js.Value) TransferFields {
	f := g.packed("readTransfer", trFields, id, o)
	return TransferFields{URLType: f[trURLType], URL: f[trURL], HeaderType: f[trHeaderType], Timeout: f[trTimeout],
		FilePathType: f[trFilePathType], FilePath: f[trFilePath], NameType: f[trNameType], Name: f[trName],
		FormDataType: f[trFormDataType], Parsed: parsedURL(f[trParsed:]), ParsedOK: f[trParsedScheme] != ""}
}

// Upload starts the multipart upload of task id on transport via: the file at path (its bytes are in
// the glue) as field name, after the formData fields ReadTransfer kept; headers
// flattened pairs.
func (g *Glue) Upload(id, via int, url string, headers []string, name, path string, timeoutMS float64) {
	g.v.Call("upload", id, via, url, strs(headers), name, path, timeoutMS)
}

// Download starts the streamed download of task id on transport via, failing past
// capBytes.
func (g *Glue) Download(id, via int, url string, headers []string, timeoutMS float64, capBytes int64) {
	g.v.Call("download", id, via, url, strs(headers), timeoutMS, float64(capBytes))
}

// TaskSize is the size of a finished download's body.
func (g *Glue) TaskSize(id int) int64 { return int64(g.v.Call("taskSize", id).Float()) }

// OKUpload settles an upload with the response body as a string.
func (g *Glue) OKUpload(id int, errMsg string) { g.v.Call("okUpload", id, errMsg) }

// OKDownload stores a finished download at path and settles it with {key: path, …};
// with changes (non-nil) it persists them first, like Persist.
func (g *Glue) OKDownload(id int, key, path, errMsg string, changes []any) {
	if changes == nil {
		g.v.Call("okDownload", id, key, path, errMsg)
		return
	}
	g.v.Call("okDownload", id, key, path, errMsg, changes)
}

// DropFile forgets the bytes at path.
func (g *Glue) DropFile(path string) { g.v.Call("dropFile", path) }

// MoveFile moves the bytes at src to dst.
func (g *Glue) MoveFile(src, dst string) { g.v.Call("moveFile", src, dst) }

// CopyFile shares the bytes at src with dst (Blobs are immutable).
func (g *Glue) CopyFile(src, dst string) { g.v.Call("copyFile", src, dst) }

// DefineCallbackAPI sets target[name] to a callback-only function that sends
// EvCall(api, options) (FileSystemManager methods, spec §1.3).
func (g *Glue) DefineCallbackAPI(target js.Value, name string, api int) {
	g.v.Call("defineCallbackAPI", target, name, api)
}

// DefineConst sets target[name] to a function that always returns v
// (wx.getFileSystemManager).
func (g *Glue) DefineConst(target js.Value, name string, v js.Value) {
	g.v.Call("defineConst", target, name, v)
}

// ReadFile settles task id with bytes [start, end) of the file at path, as an
// ArrayBuffer (enc "") or a string in encoding enc.
func (g *Glue) ReadFile(id int, path string, start, end int64, enc, errMsg string) {
	g.v.Call("readFile", id, path, float64(start), float64(end), enc, errMsg)
}

// PrepareData converts o.data to bytes for task id; -1 when data is neither a string nor
// an ArrayBuffer (view).
func (g *Glue) PrepareData(id int, o js.Value, enc string) (size int64, err error) {
	err = Try(func() { size = int64(g.v.Call("prepareData", id, o, enc).Float()) })
	return
}

// CommitData stores task id's prepared bytes at path (appended when append is set).
func (g *Glue) CommitData(id int, path string, appendMode bool) {
	g.v.Call("commitData", id, path, appendMode)
}

// OKStat settles a stat call with a Stats object (isFile/isDirectory are functions).
func (g *Glue) OKStat(id int, errMsg string, size int64, isDir bool, mode int, atime, mtime int64) {
	g.v.Call("okStat", id, errMsg, float64(size), isDir, mode, float64(atime), float64(mtime))
}

// Load reads the persisted files of appId from IndexedDB (one record per path; a
// database of the older layout, one "#index" record of all metadata, is rewritten so
// first); Go hears EvLoaded with the records. The returned promise resolves with "" when
// done.
//
// roots are the path prefixes (each ending in "/") whose files persist: the glue keeps
// and drops files by them.
func (g *Glue) Load(appID string, roots []string) js.Value {
	return g.v.Call("load", appID, strs(roots))
}

// Persist stores changes in one IndexedDB transaction, then settles task id (0: none)
// with res. Each change is {path, size, isDir, ctime, mtime}, stored with the path's
// bytes, or {path, gone: true}, deleted; nothing else is written.
func (g *Glue) Persist(id int, changes []any, res map[string]any) {
	g.v.Call("persist", id, changes, res)
}

// SyncResult answers the …Sync call in progress: its return value, or (errMsg != "")
// the message of the Error it throws.
func (g *Glue) SyncResult(v any, errMsg string) {
	if errMsg != "" {
		g.slot.Set("r", map[string]any{"e": errMsg})
		return
	}
	g.slot.Set("r", map[string]any{"v": v})
}

// SyncStat answers the …Sync call in progress with a Stats object.
func (g *Glue) SyncStat(size int64, isDir bool, mode int, atime, mtime int64) {
	g.slot.Set("r", map[string]any{"stat": []any{float64(size), isDir, mode, float64(atime), float64(mtime)}})
}

// DefineSyncAPI sets target[name] to a synchronous method answered through EvSync.
func (g *Glue) DefineSyncAPI(target js.Value, name string, api int) {
	g.v.Call("defineSyncAPI", target, name, api)
}

// FileInfo settles getFileInfo task id with size and the digest (alg "md5" or "sha1")
// of the file at path.
func (g *Glue) FileInfo(id int, path string, size int64, alg, errMsg string) {
	g.v.Call("fileInfo", id, path, float64(size), alg, errMsg)
}

// OKStatList settles a recursive stat with [{path, stats}]; each item of list is
// [path, size, isDir, mode, atime, mtime].
func (g *Glue) OKStatList(id int, errMsg string, list []any) {
	g.v.Call("okStatList", id, errMsg, list)
}
