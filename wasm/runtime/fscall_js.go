//go:build js && wasm

package runtime

import (
	"syscall/js"

	"github.com/wxsim/wxsim/jsbridge"
	"github.com/wxsim/wxsim/sim"
)

// This file turns the table of file operations (fileOps, fs_js.go) into both of their
// forms: the asynchronous one (EvCall, an options object; a FileSystemManager method
// and/or a wx.* function) and the …Sync twin (EvSync, positional arguments), so an
// operation's argument rules, sim call and result are written once.

// fsOp is one file operation (spec §7.2, §7.3), described once for both forms. Its API
// number is its index in fileOps plus apiFileBase; EvCall and EvSync both carry it.
type fsOp struct {
	name  string  // errMsg api name of the asynchronous form (spec §1.1), e.g. "readdir"
	on    fsOn    // where the asynchronous form is defined
	sync  string  // the …Sync twin on the manager, e.g. "readdirSync"; "" for none
	args  []fsArg // the arguments, read in this order; the first bad one fails the call
	run   fsRun   // the sim call and what it does to the blobs
	reply fsReply // how a success is delivered
	key   string  // fsValue, fsStored: the asynchronous result's field holding run's value
}

// fsRun carries out an operation once its arguments are read into c: it asks sim, tells
// the glue what to do to the file bytes and returns the result value (see fsOp.key) or
// the error the call fails with.
type fsRun func(r *Runtime, c *fsCall) (any, error)

// fsOn says where an operation's asynchronous form is defined.
type fsOn int

const (
	onManager fsOn = 1 << iota // a FileSystemManager method, callback-only (spec §1.3)
	onWX                       // a wx.* function, Promise style without callbacks

	onBoth = onManager | onWX
)

// fsReply is how an operation's success is delivered.
type fsReply int

const (
	// fsValue: the asynchronous call succeeds with {<key>: value, errMsg} (with key "",
	// value is the result object itself, nil for {errMsg}); a twin returns value.
	fsValue fsReply = iota
	// fsStored: as fsValue, once what the call changed is stored in IndexedDB (spec §7.4;
	// a twin returns at once and the change is stored right after).
	fsStored
	// fsByGlue: run has settled the call itself through a glue settler (ReadFile, OKStat,
	// FileInfo; a twin's SyncStat).
	fsByGlue
)

// fsArg is one argument: its option name in the asynchronous form and its position in
// the …Sync twin's arguments (asyncOnly: the twin does not take it, it reads undefined).
type fsArg struct {
	kind fsArgKind
	name string
	pos  int
	def  string // fsEncoding: the encoding when the argument is absent
}

const asyncOnly = -1

// fsArgKind is how an argument is read, and where its value goes in fsCall.
type fsArgKind int

const (
	fsPath     fsArgKind = iota // a required String (spec §1.5 wording): appended to paths
	fsFlag                      // true only when it is the Boolean true: flag
	fsText                      // its text when it is a String, else "": text
	fsEncoding                  // absent (def) or a String naming a known encoding: enc
	fsData                      // a String (in enc) or ArrayBuffer (view) the glue holds: size
)

func pathArg(name string, pos int) fsArg { return fsArg{kind: fsPath, name: name, pos: pos} }
func flagArg(name string, pos int) fsArg { return fsArg{kind: fsFlag, name: name, pos: pos} }
func textArg(name string, pos int) fsArg { return fsArg{kind: fsText, name: name, pos: pos} }
func dataArg(pos int) fsArg              { return fsArg{kind: fsData, name: "data", pos: pos} }

func encodingArg(pos int, def string) fsArg {
	return fsArg{kind: fsEncoding, name: "encoding", pos: pos, def: def}
}

// fsCall is one call of an operation: asynchronous (task id, o the options object) or a
// …Sync twin (id 0, o the arguments array). The arguments are read into the fields below.
type fsCall struct {
	id   int
	api  string // errMsg api name: the operation's, or its twin's ("readdirSync")
	sync bool
	o    js.Value

	paths []string     // the fsPath arguments, in order
	flag  bool         // the fsFlag argument
	text  string       // the fsText argument
	enc   sim.Encoding // the fsEncoding argument
	size  int64        // the byte length of the fsData argument (then CommitData(id, …))
}

// apiFileBase numbers the file operations for EvCall and EvSync (fileOps[api-apiFileBase]).
const apiFileBase = 100

// fsOpOf returns the operation of API number api, or nil.
func fsOpOf(api int) *fsOp {
	if i := api - apiFileBase; i >= 0 && i < len(fileOps) {
		return &fileOps[i]
	}
	return nil
}

// defineFiles installs wx.getFileSystemManager() (its methods, then their …Sync twins)
// and the wx.* file APIs.
func (r *Runtime) defineFiles(wx js.Value) {
	mgr := js.Global().Get("Object").New()
	for i, op := range fileOps {
		if op.on&onManager != 0 {
			r.g.DefineCallbackAPI(mgr, op.name, apiFileBase+i)
		}
	}
	for i, op := range fileOps {
		if op.sync != "" {
			r.g.DefineSyncAPI(mgr, op.sync, apiFileBase+i)
		}
	}
	for i, op := range fileOps {
		if op.on&onWX != 0 {
			r.g.DefineAsyncAPI(wx, op.name, apiFileBase+i)
		}
	}
	r.g.DefineConst(wx, "getFileSystemManager", mgr)
}

// fileCall answers EvCall for API number api with options o; false if api is not a file
// operation.
func (r *Runtime) fileCall(id, api int, o js.Value) bool {
	op := fsOpOf(api)
	if op == nil {
		return false
	}
	r.fsDo(op, &fsCall{id: id, api: op.name, o: o})
	return true
}

// syncCall answers EvSync for API number api with positional args, before returning
// (Glue.SyncResult: the value, or the errMsg the twin throws as an Error).
func (r *Runtime) syncCall(api int, args js.Value) {
	op := fsOpOf(api)
	if op == nil || op.sync == "" {
		r.g.SyncResult(nil, "internal error: unknown sync api")
		return
	}
	r.fsDo(op, &fsCall{api: op.sync, sync: true, o: args})
}

// fsDo runs op for c: its arguments, then run, then the delivery of the outcome.
func (r *Runtime) fsDo(op *fsOp, c *fsCall) {
	var v any
	err := r.fsReadArgs(c, op.args)
	if err == nil {
		v, err = op.run(r, c)
	}
	if err != nil {
		f := sim.Fail{API: c.api, Reason: asReason(err)}
		if c.sync {
			r.g.SyncResult(nil, f.ErrMsg())
		} else {
			r.fail(c.id, f)
		}
		return
	}
	switch {
	case op.reply == fsByGlue: // run has answered
	case c.sync:
		if op.reply == fsStored {
			r.g.Persist(0, r.changes(), nil) // no task waits on it
		}
		r.g.SyncResult(v, "")
	case op.reply == fsStored:
		r.g.Persist(c.id, r.changes(), op.result(c.api, v))
	default:
		r.g.OKWith(c.id, op.result(c.api, v))
	}
}

// result is the success object of an asynchronous call of op that gave v.
func (op *fsOp) result(api string, v any) map[string]any {
	res := map[string]any{}
	if op.key != "" {
		res[op.key] = v
	} else if m, ok := v.(map[string]any); ok {
		res = m
	}
	res["errMsg"] = sim.OK(api)
	return res
}

// value is argument a as the user passed it: option a.name, or the twin's argument a.pos.
func (c *fsCall) value(a fsArg) js.Value {
	if !c.sync {
		return jsbridge.Get(c.o, a.name)
	}
	if a.pos >= 0 && a.pos < c.o.Length() {
		return c.o.Index(a.pos)
	}
	return js.Undefined()
}

// number reads the Number option name of an asynchronous call, for a run that must read
// it after its sim call (readFile's position and length).
func (c *fsCall) number(name string) (float64, bool) {
	return jsbridge.Number(c.value(fsArg{name: name, pos: asyncOnly}))
}

// fsReadArgs reads args into c's fields in order, or says why the call fails (the first
// bad argument; the rest are not read).
func (r *Runtime) fsReadArgs(c *fsCall, args []fsArg) error {
	for _, a := range args {
		if err := r.fsReadArg(c, a); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runtime) fsReadArg(c *fsCall, a fsArg) error {
	switch a.kind {
	case fsPath:
		v := c.value(a)
		if jsbridge.TypeOf(v) != js.TypeString {
			return sim.ParamError(a.name, "String", jsbridge.TypeName(v, a.name))
		}
		c.paths = append(c.paths, v.String())
	case fsFlag:
		c.flag, _ = jsbridge.Bool(c.value(a))
	case fsText:
		c.text = jsbridge.String(c.value(a))
	case fsEncoding:
		v := c.value(a)
		name := a.def
		switch jsbridge.TypeOf(v) {
		case js.TypeUndefined, js.TypeNull:
		case js.TypeString:
			name = v.String()
		default:
			return sim.ParamError(a.name, "String", jsbridge.TypeName(v, a.name))
		}
		enc, ok := sim.ParseEncoding(name)
		if !ok {
			return sim.ErrBadEncoding(name)
		}
		c.enc = enc
	case fsData:
		// the glue reads o.data itself; a twin's positional data is handed over the same way
		o := c.o
		if c.sync {
			o = js.ValueOf(map[string]any{a.name: c.value(a)})
		}
		size, err := r.g.PrepareData(c.id, o, c.enc.String())
		if err != nil || size < 0 {
			return sim.ParamError(a.name, "String/ArrayBuffer", jsbridge.TypeName(c.value(a), a.name))
		}
		c.size = size
	}
	return nil
}
