//go:build js && wasm

package runtime

import (
	"syscall/js"

	"wxsim/jsbridge"
	"wxsim/sim"
)

// syncMethod is one FileSystemManager …Sync twin: it answers from the in-memory index
// and the Blobs already in memory, so it can be honest without waiting for JS. Changes
// are persisted to IndexedDB right after (asynchronously). readFileSync is not offered:
// file bytes are Blobs, which can only be read asynchronously.
type syncMethod struct {
	name string // errMsg api name, e.g. "accessSync"
	run  func(r *Runtime, api string, args js.Value) (any, error)
}

func arg(args js.Value, i int) js.Value {
	if i < args.Length() {
		return args.Index(i)
	}
	return js.Undefined()
}

// strArg reads positional String argument i named name (spec §1.5 wording).
func strArg(args js.Value, i int, name string) (string, error) {
	v := arg(args, i)
	if jsbridge.TypeOf(v) != js.TypeString {
		return "", sim.ParamError(name, "String", jsbridge.TypeName(v, name))
	}
	return v.String(), nil
}

func boolArg(args js.Value, i int) bool { b, _ := jsbridge.Bool(arg(args, i)); return b }

var syncMethods = []syncMethod{
	{"accessSync", func(r *Runtime, api string, a js.Value) (any, error) {
		p, err := strArg(a, 0, "path")
		if err != nil {
			return nil, err
		}
		return nil, r.fs.Access(p)
	}},
	{"statSync", func(r *Runtime, api string, a js.Value) (any, error) {
		p, err := strArg(a, 0, "path")
		if err != nil {
			return nil, err
		}
		st, _, err := r.fs.Stat(p, false)
		if err == nil {
			r.g.SyncStat(st.Size, st.IsDir, st.Mode, st.LastAccessedTime, st.LastModifiedTime)
		}
		return statAnswered{}, err
	}},
	{"readdirSync", func(r *Runtime, api string, a js.Value) (any, error) {
		p, err := strArg(a, 0, "dirPath")
		if err != nil {
			return nil, err
		}
		names, err := r.fs.Readdir(p)
		return anySlice(names), err
	}},
	{"mkdirSync", func(r *Runtime, api string, a js.Value) (any, error) {
		p, err := strArg(a, 0, "dirPath")
		if err != nil {
			return nil, err
		}
		return nil, r.persistSync(r.fs.Mkdir(p, boolArg(a, 1)))
	}},
	{"rmdirSync", func(r *Runtime, api string, a js.Value) (any, error) {
		p, err := strArg(a, 0, "dirPath")
		if err != nil {
			return nil, err
		}
		removed, err := r.fs.Rmdir(p, boolArg(a, 1))
		for _, f := range removed {
			r.g.DropFile(f)
		}
		return nil, r.persistSync(err)
	}},
	{"unlinkSync", func(r *Runtime, api string, a js.Value) (any, error) {
		p, err := strArg(a, 0, "filePath")
		if err != nil {
			return nil, err
		}
		canon, err := r.fs.Unlink(p)
		if err == nil {
			r.g.DropFile(canon)
		}
		return nil, r.persistSync(err)
	}},
	{"renameSync", func(r *Runtime, api string, a js.Value) (any, error) {
		src, err := strArg(a, 0, "oldPath")
		if err != nil {
			return nil, err
		}
		dst, err := strArg(a, 1, "newPath")
		if err != nil {
			return nil, err
		}
		moves, err := r.fs.Rename(src, dst)
		for _, m := range moves {
			r.g.MoveFile(m.From, m.To)
		}
		return nil, r.persistSync(err)
	}},
	{"copyFileSync", func(r *Runtime, api string, a js.Value) (any, error) {
		src, err := strArg(a, 0, "srcPath")
		if err != nil {
			return nil, err
		}
		dst, err := strArg(a, 1, "destPath")
		if err != nil {
			return nil, err
		}
		m, err := r.fs.CopyFile(src, dst)
		if err == nil {
			r.g.CopyFile(m.From, m.To)
		}
		return nil, r.persistSync(err)
	}},
	{"writeFileSync", func(r *Runtime, api string, a js.Value) (any, error) { return nil, r.writeSync(api, a, false) }},
	{"appendFileSync", func(r *Runtime, api string, a js.Value) (any, error) { return nil, r.writeSync(api, a, true) }},
	{"saveFileSync", func(r *Runtime, api string, a js.Value) (any, error) {
		p, err := strArg(a, 0, "tempFilePath")
		if err != nil {
			return nil, err
		}
		m, err := r.fs.SaveFile(p)
		if err == nil {
			r.g.MoveFile(m.From, m.To)
		}
		return m.To, r.persistSync(err)
	}},
}

// statAnswered marks a result already written with SyncStat.
type statAnswered struct{}

const apiSyncBase = 200

func (r *Runtime) defineSync(mgr js.Value) {
	for i, m := range syncMethods {
		r.g.DefineSyncAPI(mgr, m.name, apiSyncBase+i)
	}
}

// syncCall answers EvSync for api number api with positional args.
func (r *Runtime) syncCall(api int, args js.Value) {
	i := api - apiSyncBase
	if i < 0 || i >= len(syncMethods) {
		r.g.SyncResult(nil, "internal error: unknown sync api")
		return
	}
	m := syncMethods[i]
	v, err := m.run(r, m.name, args)
	switch {
	case err != nil:
		r.g.SyncResult(nil, sim.Fail{API: m.name, Reason: asReason(err)}.ErrMsg())
	case v == (statAnswered{}):
	default:
		r.g.SyncResult(v, "")
	}
}

// persistSync stores a successful synchronous change in IndexedDB (no task waits on it).
func (r *Runtime) persistSync(err error) error {
	if err == nil {
		r.g.Persist(0, r.changes(), nil)
	}
	return err
}

// writeSync is writeFileSync/appendFileSync(filePath, data, encoding).
func (r *Runtime) writeSync(api string, a js.Value, appendMode bool) error {
	p, err := strArg(a, 0, "filePath")
	if err != nil {
		return err
	}
	name := "utf8"
	if v := arg(a, 2); jsbridge.TypeOf(v) == js.TypeString {
		name = v.String()
	} else if jsbridge.TypeOf(v) != js.TypeUndefined && jsbridge.TypeOf(v) != js.TypeNull {
		return sim.ParamError("encoding", "String", jsbridge.TypeName(v, "encoding"))
	}
	enc, ok := sim.ParseEncoding(name)
	if !ok {
		return sim.ErrBadEncoding(name)
	}
	holder := js.ValueOf(map[string]any{"data": arg(a, 1)})
	size, err := r.g.PrepareData(0, holder, enc.String())
	if err != nil || size < 0 {
		return sim.ParamError("data", "String/ArrayBuffer", jsbridge.TypeName(arg(a, 1), "data"))
	}
	canon, err := r.fs.Write(api, p, size, appendMode)
	if err == nil {
		r.g.CommitData(0, canon, appendMode)
	}
	return r.persistSync(err)
}
