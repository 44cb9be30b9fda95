//go:build js && wasm

package runtime

import (
	"sync"
	"syscall/js"

	"github.com/wxsim/wxsim/jsbridge"
	"github.com/wxsim/wxsim/sim"
)

// API numbers shared with the glue's EvCall.
const (
	apiRequest = iota + 1
	apiGetNetworkType
	apiConnectSocket
	apiUploadFile
	apiDownloadFile
)

// Runtime is one installed wx.
type Runtime struct {
	global js.Value
	wx     js.Value
	g      *jsbridge.Glue
	cfg    sim.Config
	sched  *sim.Scheduler
	socks  *sim.Sockets
	reqs   map[int]*task
	fs     *sim.FS
	plans  plans // sim's plans of recent requests, while cfg stays as it is

	headerWarned bool     // the connectSocket header warning was shown
	mocks        int      // §C4 rules in force (as of the last change the runtime saw)
	restore      []func() // puts back the page's own wx (and its env) at Stop
	visRelease   func()   // stops following the page's visibility
	loading      js.Value // promise of the IndexedDB load (Loaded)
}

// wasmExports is the wasm instance's exports when the loader provided them (Serve): the
// glue then enters Go through the wxsim_dispatch export instead of a js.Func.
var wasmExports = js.Undefined()

// Install creates the wx object on global from cfg (spec §2 fields, plain Go values as
// from JSON; nil for defaults). It fails with a message naming the bad field.
func Install(global js.Value, cfg map[string]any) (*Runtime, error) {
	r := &Runtime{global: global, sched: sim.NewScheduler(), socks: sim.NewSockets(), reqs: map[int]*task{}, fs: sim.NewFS(now)}
	r.g = jsbridge.NewGlue(r.handle, wasmExports)
	r.g.SetProfile(profileFields())
	r.g.SetTexts(sim.GlueTexts())
	c, err := sim.ParseConfig(cfg, r.parseURL)
	if err != nil {
		r.g.Release()
		return nil, err
	}
	wx := global.Get("wx")
	layered := c.LayerWx && (wx.Type() == js.TypeObject || wx.Type() == js.TypeFunction)
	if layered { // the page's own wx (a simulator's storage, UI, system info): add to it
		r.restore = append(r.restore, r.g.Snapshot(wx))
	} else {
		wx = js.Global().Get("Object").New()
	}
	r.apply(c)
	r.g.DefineTaskAPI(wx, "request", apiRequest, "HeadersReceived", "ChunkReceived")
	r.g.DefineTaskAPI(wx, "uploadFile", apiUploadFile, "ProgressUpdate", "HeadersReceived")
	r.g.DefineTaskAPI(wx, "downloadFile", apiDownloadFile, "ProgressUpdate", "HeadersReceived")
	r.g.DefineAsyncAPI(wx, "getNetworkType", apiGetNetworkType)
	r.g.DefineSocketAPI(wx, apiConnectSocket)
	r.g.DefineListeners(wx, "AppHide")
	r.g.DefineListeners(wx, "AppShow")
	r.g.DefineListeners(wx, "Error")
	r.g.DefineListeners(wx, "NetworkStatusChange")
	r.defineFiles(wx)
	if env := wx.Get("env"); layered && env.Type() == js.TypeObject {
		r.restore = append(r.restore, r.g.Snapshot(env))
		env.Set("USER_DATA_PATH", "http://usr")
	} else {
		wx.Set("env", map[string]any{"USER_DATA_PATH": "http://usr"})
	}
	if !layered || wx.Get("canIUse").Type() != js.TypeFunction {
		r.g.DefineCanIUse(wx, sim.CanIUseSchemas())
	}
	r.wx = wx
	if !layered {
		global.Set("wx", wx)
	}
	r.loading = r.g.Load(c.AppID, persistedRoots())
	return r, nil
}

// Loaded is a promise that resolves once the saved and user files of the app are loaded
// from IndexedDB (after Install, and after a Reconfigure that changed appId).
func (r *Runtime) Loaded() js.Value { return r.loading }

// Reconfigure applies a new configuration to the running wx; tasks in flight keep going.
func (r *Runtime) Reconfigure(cfg map[string]any) error {
	r.syncSettled()
	c, err := sim.ParseConfig(cfg, r.parseURL)
	if err != nil {
		return err
	}
	appChanged := c.AppID != r.cfg.AppID
	c.Network = r.cfg.Network // not a config field: wxsim.setNetwork's (§C3)
	r.apply(c)
	if appChanged {
		r.loading = r.g.Load(c.AppID, persistedRoots())
	}
	return nil
}

func (r *Runtime) apply(c sim.Config) {
	r.cfg = c
	r.plans.reset()
	r.followVisibility(c.FollowPageVisibility)
	r.sched.QueueExcess = c.QueueExcess
	r.sched.KeepAlive = c.BackgroundKeepAlive
	r.socks.SDK = c.SDK
	r.g.SetPromiseStyle(c.PromiseStyle())
	r.g.SetRelay(c.Relay, c.RelayToken, relaySession(c))
}

// relaySession is what the relay needs of the configuration to apply the app's policy
// and send its Referer (spec §9): the relay parses it with the same sim.ParseConfig.
func relaySession(c sim.Config) map[string]any {
	if c.Relay == "" {
		return nil
	}
	e := c.Export()
	return map[string]any{"appId": e["appId"], "appVersion": e["appVersion"], "sdkVersion": e["sdkVersion"],
		"domains": e["domains"], "urlCheck": e["urlCheck"]}
}

// Config returns the effective configuration.
func (r *Runtime) Config() map[string]any { return r.cfg.Export() }

// Hide sends the app to the background (spec §8.3).
func (r *Runtime) Hide() {
	r.syncSettled()
	r.g.Emit("AppHide", map[string]any{})
	r.do(r.sched.Hide())
}

// Show brings the app to the foreground (spec §8.3).
func (r *Runtime) Show() {
	r.syncSettled()
	r.do(r.sched.Show())
	r.g.Emit("AppShow", map[string]any{"path": "", "query": map[string]any{}, "scene": 1001})
}

// Relaunch fails every unfinished task "interrupted", closes sockets the same way,
// drops temp files (spec §7.4) and clears app listeners.
func (r *Runtime) Relaunch() {
	r.syncSettled()
	r.do(r.sched.Relaunch())
	r.doSockets(r.socks.Interrupt())
	for _, p := range r.fs.ClearTemp() {
		r.g.DropFile(p)
	}
	r.g.ClearListeners()
}

// Stop fails what is pending, removes wx from the global object and releases the glue.
//
// A wx the page had before Install (config layerWx, the default) is left as it was:
// wxsim's additions are removed and what they replaced is put back.
func (r *Runtime) Stop() {
	r.Relaunch()
	r.followVisibility(false)
	if r.restore != nil {
		for i := len(r.restore) - 1; i >= 0; i-- {
			r.restore[i]()
		}
	} else {
		r.global.Delete("wx")
	}
	r.g.Release()
}

// followVisibility maps the document's visibilitychange to Hide and Show (config
// followPageVisibility, §8.3), or stops doing so.
func (r *Runtime) followVisibility(on bool) {
	doc := js.Global().Get("document")
	if doc.Type() != js.TypeObject {
		return
	}
	if on && r.visRelease == nil {
		fn, release := jsbridge.NewFunc("visibilitychange", func(js.Value, []js.Value) any {
			if doc.Get("visibilityState").String() == "hidden" {
				r.Hide()
			} else {
				r.Show()
			}
			return nil
		})
		doc.Call("addEventListener", "visibilitychange", fn)
		r.visRelease = func() { doc.Call("removeEventListener", "visibilitychange", fn); release() }
	}
	if !on && r.visRelease != nil {
		r.visRelease()
		r.visRelease = nil
	}
}

// Observe adds f, a JS function, to the runtime's observer seam: it is called with one
// object {id, api, phase, time, data} for every step of every task (jsbridge.Glue.Observe
// lists the phases). The returned function removes it. With no observer, steps cost
// nothing more than a comparison.
func (r *Runtime) Observe(f js.Value) (stop func()) {
	r.g.Observe(f)
	return sync.OnceFunc(func() { r.g.Unobserve(f) })
}

// SetClock puts every time rule of the runtime (§8.2 time-outs, socket handshake
// time-outs and close grace, the §8.3 grace) on clock c, a JS object {now() → ms since
// the epoch, set(f, ms) → handle, clear(handle)}; js.Undefined() goes back to real time.
// Pending timers keep the time they have left.
func (r *Runtime) SetClock(c js.Value) { r.g.SetClock(c) }

// Stats reports task counts and live js.Funcs (wxsim.stats()).
func (r *Runtime) Stats() map[string]any {
	r.syncSettled()
	running, queued := r.sched.Stats()
	jsTasks, timers, jsSockets, jsFiles := r.g.Stats()
	return map[string]any{
		"running": running, "queued": queued, "liveCallbacks": jsbridge.LiveFuncs(),
		"tasks": r.sched.Live(), "jsTasks": jsTasks, "timers": timers, "sockets": r.socks.Live(), "jsSockets": jsSockets, "files": jsFiles,
	}
}

// handle receives every glue event. It returns false for an event it does not know (an
// API number no table has): the glue then fails that task, so every call settles.
func (r *Runtime) handle(ev, id int, a, b js.Value) bool {
	switch ev {
	case jsbridge.EvCall:
		if a.Type() != js.TypeNumber {
			return false
		}
		switch api := a.Int(); api {
		case apiRequest:
			r.request(id, func() js.Value { return b })
		case apiConnectSocket:
			r.connectSocket(id, b)
		case apiUploadFile:
			r.uploadFile(id, b)
		case apiDownloadFile:
			r.downloadFile(id, b)
		case apiGetNetworkType:
			r.g.OKWith(id, map[string]any{"networkType": r.cfg.Network.Type, "signalStrength": 0, "hasSystemProxy": false, "errMsg": sim.OK(sim.APIGetNetworkType)})
		default:
			return r.fileCall(id, api, b)
		}
	case jsbridge.EvRequest:
		r.request(id, func() js.Value { return r.g.Options(id) })
	case jsbridge.EvAbort:
		r.do(r.sched.Abort(sim.TaskID(id)))
	case jsbridge.EvTimer:
		if sock, ok := sim.SocketOfTimer(sim.TaskID(id)); ok {
			r.doSockets(r.socks.Timer(sock))
		} else if sim.TaskID(id) == sim.BackgroundTimer {
			r.do(r.sched.BackgroundExpired())
		} else {
			r.do(r.sched.Timeout(sim.TaskID(id)))
		}
	case jsbridge.EvRedirect:
		r.redirected(id, a.String())
	case jsbridge.EvDone:
		if q := r.reqs[id]; q != nil && b.Type() == js.TypeString {
			q.contentType = b.String()
		}
		r.do(r.sched.Complete(sim.TaskID(id)))
	case jsbridge.EvSettled:
		r.settled(id)
	case jsbridge.EvError:
		r.do(r.sched.Fail(sim.TaskID(id), sim.TransportError(a.String(), b.String())))
	case jsbridge.EvLoaded:
		r.loaded(a, b)
	case jsbridge.EvSync:
		r.syncCall(id, a)
	case jsbridge.EvUnreadable:
		f := sim.Fail{API: a.String(), Reason: sim.ParamUnreadable(b.Index(0).String(), b.Index(1).String())}
		if id == 0 {
			r.g.SyncResult(nil, f.ErrMsg())
		} else {
			r.fail(id, f)
		}
	default:
		return r.socketEvent(ev, id, a, b)
	}
	return true
}

// settled completes request id, which the glue settled itself (EvSettled).
func (r *Runtime) settled(id int) {
	if q := r.reqs[id]; q != nil {
		q.settled = true
	}
	r.do(r.sched.Complete(sim.TaskID(id)))
}

// syncSettled completes the requests the glue settled itself and has not told Go of yet
// (it does so on a macrotask): what is called from outside the glue's events (the
// control calls, the page's visibility) first sees the tasks as they are.
func (r *Runtime) syncSettled() {
	for _, id := range r.g.TakeSettled() {
		r.settled(id)
	}
}

func (r *Runtime) doSockets(effs []sim.SocketEffect) {
	for _, e := range effs {
		r.doSocket(e)
	}
}

// do carries out scheduler effects in order.
func (r *Runtime) do(effs []sim.Effect) {
	for _, e := range effs {
		id := int(e.ID)
		switch e.Kind {
		case sim.Start:
			r.start(id, r.reqs[id], e.Via, ms(e.After))
		case sim.Cancel:
			r.g.Cancel(id)
		case sim.Settle:
			q := r.reqs[id]
			delete(r.reqs, id)
			if !e.OK {
				r.fail(id, e.Fail)
				continue
			}
			r.succeed(id, q)
		case sim.ArmTimer:
			r.g.SetTimer(id, ms(e.After))
		case sim.DisarmTimer:
			r.g.ClearTimer(id)
		case sim.Interrupt:
			r.doSockets(r.socks.Interrupt())
		case sim.Queued:
			if r.g.Observed() {
				r.g.Note(id, "queue", nil)
			}
		}
	}
}

func ms(d sim.Duration) float64 { return d.MS() }

// now is the wall clock of the file index (create and modify times): the page's
// Date.now(), in Unix milliseconds. It is the only place the runtime reads the time (the
// binary links no time package for it), so a virtual clock can replace it.
func now() sim.UnixMS { return sim.UnixMS(js.Global().Get("Date").Call("now").Float()) }

func (r *Runtime) fail(id int, f sim.Fail) {
	errno, ok := f.Errno(r.cfg.SDK)
	if !ok {
		errno = -1
	}
	r.g.Fail(id, f.ErrMsg(), errno)
}

// parseURL is sim's URLParser on top of the browser's URL parser.
func (r *Runtime) parseURL(raw string) (sim.URLParts, bool, error) {
	info, ok := r.g.ParseURL(raw)
	return urlParts(raw, info, ok)
}

// urlParts converts what the browser's URL parser said of raw (sim.URLRead.Parts).
func urlParts(raw string, info jsbridge.URLInfo, ok bool) (sim.URLParts, bool, error) {
	u := urlRead("String", raw, info, ok)
	parts, err := u.Parts()
	return parts, u.PathOrQuery, err
}

// profileFields are sim.ProfileFields as the glue's [name, default] pairs.
func profileFields() []any {
	out := make([]any, len(sim.ProfileFields))
	for i, f := range sim.ProfileFields {
		out[i] = []any{f.Name, f.Default}
	}
	return out
}

// persistedRoots are sim's persisted roots as the glue's path prefixes.
func persistedRoots() []string {
	out := make([]string, len(sim.PersistedRoots))
	for i, r := range sim.PersistedRoots {
		out[i] = string(r) + "/"
	}
	return out
}

func asReason(err error) sim.Reason { return sim.AsReason(err) }

// redirected re-checks the final URL of a followed redirect (spec §3.6: the browser
// transport cannot see intermediate hops).
func (r *Runtime) redirected(id int, finalURL string) {
	info, ok := r.g.ParseURL(finalURL)
	if x := sim.PlanRedirect(&r.cfg, urlRead("String", finalURL, info, ok)); x != nil {
		if x.Warning != "" {
			r.g.Warn(x.Warning)
		}
		r.do(r.sched.Fail(sim.TaskID(id), x.Fail.Reason))
	}
}
