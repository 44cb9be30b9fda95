//go:build js && wasm

package runtime

import (
	"math"
	"syscall/js"
	"time"

	"wxsim/jsbridge"
	"wxsim/sim"
)

// fsMethod is one file API: its name (the errMsg api, spec §1.1) and handler.
type fsMethod struct {
	name string
	run  func(r *Runtime, c fsCall)
}

// fsCall is one call of a file API.
type fsCall struct {
	id  int
	api string
	o   js.Value
}

// str reads a required String option; ok false when it failed the call.
func (c fsCall) str(r *Runtime, name string) (string, bool) {
	v := jsbridge.Get(c.o, name)
	if jsbridge.TypeOf(v) != js.TypeString {
		r.fail(c.id, sim.Fail{API: c.api, Reason: sim.ParamError(name, "String", jsbridge.TypeName(v, name))})
		return "", false
	}
	return v.String(), true
}

func (c fsCall) flag(name string) bool { b, _ := jsbridge.Bool(jsbridge.Get(c.o, name)); return b }

// commit is done for calls that change saved or user files: success is delivered once the
// change is stored in IndexedDB (spec §7.4).
func (c fsCall) commit(r *Runtime, err error, res map[string]any) {
	if err != nil {
		c.done(r, err, nil)
		return
	}
	if res == nil {
		res = map[string]any{}
	}
	res["errMsg"] = sim.OK(c.api)
	r.g.Persist(c.id, r.changes(), res)
}

func (c fsCall) done(r *Runtime, err error, res map[string]any) {
	if err != nil {
		r.fail(c.id, sim.Fail{API: c.api, Reason: asReason(err)})
		return
	}
	if res == nil {
		res = map[string]any{}
	}
	res["errMsg"] = sim.OK(c.api)
	r.g.OKWith(c.id, res)
}

// managerMethods are the FileSystemManager methods (spec §7.2), callback-only (§1.3).
var managerMethods = []fsMethod{
	{sim.APIReadFile, (*Runtime).fsReadFile},
	{sim.APIWriteFile, func(r *Runtime, c fsCall) { r.fsWrite(c, false) }},
	{sim.APIAppendFile, func(r *Runtime, c fsCall) { r.fsWrite(c, true) }},
	{sim.APIAccess, func(r *Runtime, c fsCall) {
		if p, ok := c.str(r, "path"); ok {
			c.done(r, r.fs.Access(p), nil)
		}
	}},
	{sim.APIStat, func(r *Runtime, c fsCall) {
		p, ok := c.str(r, "path")
		if !ok {
			return
		}
		st, list, err := r.fs.Stat(p, c.flag("recursive"))
		switch {
		case err != nil:
			c.done(r, err, nil)
		case list != nil: // a directory stat'ed recursively: [{path, stats}]
			items := make([]any, len(list))
			for i, fs := range list {
				s := fs.Stat
				items[i] = []any{fs.Path, float64(s.Size), s.IsDir, s.Mode, float64(s.LastAccessedTime), float64(s.LastModifiedTime)}
			}
			r.g.OKStatList(c.id, sim.OK(c.api), items)
		default:
			r.g.OKStat(c.id, sim.OK(c.api), st.Size, st.IsDir, st.Mode, st.LastAccessedTime, st.LastModifiedTime)
		}
	}},
	{sim.APIUnlink, func(r *Runtime, c fsCall) {
		if p, ok := c.str(r, "filePath"); ok {
			canon, err := r.fs.Unlink(p)
			if err == nil {
				r.g.DropFile(canon)
			}
			c.commit(r, err, nil)
		}
	}},
	{sim.APIMkdir, func(r *Runtime, c fsCall) {
		if p, ok := c.str(r, "dirPath"); ok {
			c.commit(r, r.fs.Mkdir(p, c.flag("recursive")), nil)
		}
	}},
	{sim.APIReaddir, func(r *Runtime, c fsCall) {
		if p, ok := c.str(r, "dirPath"); ok {
			names, err := r.fs.Readdir(p)
			c.done(r, err, map[string]any{"files": anySlice(names)})
		}
	}},
	{sim.APIRmdir, func(r *Runtime, c fsCall) {
		if p, ok := c.str(r, "dirPath"); ok {
			removed, err := r.fs.Rmdir(p, c.flag("recursive"))
			for _, f := range removed {
				r.g.DropFile(f)
			}
			c.commit(r, err, nil)
		}
	}},
	{sim.APICopyFile, func(r *Runtime, c fsCall) {
		src, ok1 := c.str(r, "srcPath")
		if !ok1 {
			return
		}
		if dst, ok := c.str(r, "destPath"); ok {
			m, err := r.fs.CopyFile(src, dst)
			if err == nil {
				r.g.CopyFile(m.From, m.To)
			}
			c.commit(r, err, nil)
		}
	}},
	{sim.APIRename, func(r *Runtime, c fsCall) {
		src, ok1 := c.str(r, "oldPath")
		if !ok1 {
			return
		}
		if dst, ok := c.str(r, "newPath"); ok {
			moves, err := r.fs.Rename(src, dst)
			for _, m := range moves {
				r.g.MoveFile(m.From, m.To)
			}
			c.commit(r, err, nil)
		}
	}},
	{sim.APISaveFile, (*Runtime).fsSaveFile},
	{sim.APIRemoveSavedFile, (*Runtime).fsRemoveSaved},
	{sim.APIGetSavedFileList, (*Runtime).fsSavedList},
	{sim.APIGetFileInfo, (*Runtime).fsFileInfo},
}

// wxFileMethods are the wx.* file APIs, Promise style without callbacks (spec §1.3, §7.3).
var wxFileMethods = []fsMethod{
	{sim.APISaveFile, (*Runtime).fsSaveFile},
	{sim.APIRemoveSavedFile, (*Runtime).fsRemoveSaved},
	{sim.APIGetSavedFileList, (*Runtime).fsSavedList},
	{sim.APIGetSavedFileInfo, func(r *Runtime, c fsCall) {
		if p, ok := c.str(r, "filePath"); ok {
			sf, err := r.fs.SavedInfo(p)
			c.done(r, err, map[string]any{"size": float64(sf.Size), "createTime": float64(sf.CreateTime)})
		}
	}},
	{sim.APIGetFileInfo, (*Runtime).fsFileInfo},
}

// apiFileBase numbers file APIs for EvCall: manager methods first, then wx.* ones.
const apiFileBase = 100

// defineFiles installs wx.getFileSystemManager() and the wx.* file APIs.
func (r *Runtime) defineFiles(wx js.Value) {
	mgr := js.Global().Get("Object").New()
	for i, m := range managerMethods {
		r.g.DefineCallbackAPI(mgr, m.name, apiFileBase+i)
	}
	r.defineSync(mgr)
	for i, m := range wxFileMethods {
		r.g.DefineAsyncAPI(wx, m.name, apiFileBase+len(managerMethods)+i)
	}
	r.g.DefineConst(wx, "getFileSystemManager", mgr)
}

// fileCall dispatches EvCall for a file API number; false if api is not one.
func (r *Runtime) fileCall(id, api int, o js.Value) bool {
	i := api - apiFileBase
	var m fsMethod
	switch {
	case i >= 0 && i < len(managerMethods):
		m = managerMethods[i]
	case i >= len(managerMethods) && i < len(managerMethods)+len(wxFileMethods):
		m = wxFileMethods[i-len(managerMethods)]
	default:
		return false
	}
	m.run(r, fsCall{id: id, api: m.name, o: o})
	return true
}

func (r *Runtime) fsReadFile(c fsCall) {
	p, ok := c.str(r, "filePath")
	if !ok {
		return
	}
	enc, ok := r.encoding(c, "")
	if !ok {
		return
	}
	canon, size, err := r.fs.Read(c.api, p)
	if err != nil {
		c.done(r, err, nil)
		return
	}
	pos, hasPos := jsbridge.Number(jsbridge.Get(c.o, "position"))
	length, hasLen := jsbridge.Number(jsbridge.Get(c.o, "length"))
	start, end, err := sim.ReadRange(size, pos, length, hasPos, hasLen)
	if err != nil {
		c.done(r, err, nil)
		return
	}
	r.g.ReadFile(c.id, canon, start, end, enc.String(), sim.OK(c.api))
}

func (r *Runtime) fsWrite(c fsCall, appendMode bool) {
	p, ok := c.str(r, "filePath")
	if !ok {
		return
	}
	enc, ok := r.encoding(c, "utf8")
	if !ok {
		return
	}
	size, err := r.g.PrepareData(c.id, c.o, enc.String())
	if err != nil || size < 0 {
		c.done(r, sim.ParamError("data", "String/ArrayBuffer", jsbridge.TypeName(jsbridge.Get(c.o, "data"), "data")), nil)
		return
	}
	canon, err := r.fs.Write(c.api, p, size, appendMode)
	if err == nil {
		r.g.CommitData(c.id, canon, appendMode)
	}
	c.commit(r, err, nil)
}

// encoding reads the encoding option (def when absent).
func (r *Runtime) encoding(c fsCall, def string) (sim.Encoding, bool) {
	v := jsbridge.Get(c.o, "encoding")
	name := def
	switch jsbridge.TypeOf(v) {
	case js.TypeUndefined, js.TypeNull:
	case js.TypeString:
		name = v.String()
	default:
		r.fail(c.id, sim.Fail{API: c.api, Reason: sim.ParamError("encoding", "String", jsbridge.TypeName(v, "encoding"))})
		return 0, false
	}
	e, ok := sim.ParseEncoding(name)
	if !ok {
		r.fail(c.id, sim.Fail{API: c.api, Reason: sim.ErrBadEncoding(name)})
	}
	return e, ok
}

func (r *Runtime) fsSaveFile(c fsCall) {
	if p, ok := c.str(r, "tempFilePath"); ok {
		m, err := r.fs.SaveFile(p)
		if err == nil {
			r.g.MoveFile(m.From, m.To)
		}
		c.commit(r, err, map[string]any{"savedFilePath": m.To})
	}
}

func (r *Runtime) fsRemoveSaved(c fsCall) {
	if p, ok := c.str(r, "filePath"); ok {
		canon, err := r.fs.RemoveSaved(p)
		if err == nil {
			r.g.DropFile(canon)
		}
		c.commit(r, err, nil)
	}
}

func (r *Runtime) fsSavedList(c fsCall) {
	list := []any{}
	for _, f := range r.fs.SavedList() {
		list = append(list, map[string]any{"filePath": f.FilePath, "size": float64(f.Size), "createTime": float64(f.CreateTime)})
	}
	c.done(r, nil, map[string]any{"fileList": list})
}

func (r *Runtime) fsFileInfo(c fsCall) {
	p, ok := c.str(r, "filePath")
	if !ok {
		return
	}
	alg, err := sim.DigestAlgorithm(jsbridge.String(jsbridge.Get(c.o, "digestAlgorithm")))
	if err != nil {
		c.done(r, err, nil)
		return
	}
	canon, size, err := r.fs.FileInfo(p)
	if err != nil {
		c.done(r, err, nil)
		return
	}
	r.g.FileInfo(c.id, canon, size, alg, sim.OK(c.api))
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// changes are the usr and store paths changed since the last call, as plain values for
// the glue's Persist: {path, size, isDir, ctime, mtime} to store, {path, gone: true} to
// delete.
func (r *Runtime) changes() []any {
	cs := r.fs.TakeChanges()
	out := make([]any, len(cs))
	for i, c := range cs {
		if c.Removed {
			out[i] = map[string]any{"path": c.Path, "gone": true}
			continue
		}
		out[i] = map[string]any{"path": c.Path, "size": float64(c.Size), "isDir": c.IsDir,
			"ctime": float64(c.CreateTime.UnixMilli()), "mtime": float64(c.ModTime.UnixMilli())}
	}
	return out
}

// loaded rebuilds the index from the persisted records (EvLoaded: the paths' UTF-8 bytes
// one after another, and five float64s per record, see jsbridge.EvLoaded); bytes the
// index does not keep are dropped, and what Load dropped or made is stored at once.
func (r *Runtime) loaded(paths, nums js.Value) {
	pb := make([]byte, paths.Length())
	js.CopyBytesToGo(pb, paths)
	nb := make([]byte, nums.Length())
	js.CopyBytesToGo(nb, nums)
	num := func(i int) float64 {
		b := nb[8*i : 8*i+8]
		return math.Float64frombits(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
	}
	n := len(nb) / 40
	entries := make([]sim.Entry, 0, n)
	off := 0
	for i := 0; i < n; i++ {
		w := int(num(5 * i))
		if w < 0 || off+w > len(pb) {
			break
		}
		entries = append(entries, sim.Entry{Path: string(pb[off : off+w]), Size: int64(num(5*i + 1)), IsDir: num(5*i+2) == 1,
			CreateTime: time.UnixMilli(int64(num(5*i + 3))), ModTime: time.UnixMilli(int64(num(5*i + 4)))})
		off += w
	}
	for _, p := range r.fs.Load(entries) {
		r.g.DropFile(p)
	}
	if cs := r.changes(); len(cs) > 0 {
		r.g.Persist(0, cs, nil)
	}
}
