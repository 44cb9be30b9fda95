//go:build js && wasm

package runtime

import "github.com/wxsim/wxsim/sim"

// fileOps are the file operations (spec §7.2, §7.3), each described once: fscall_js.go
// makes from a row its FileSystemManager method and/or wx.* function and its …Sync twin.
// Twins answer from the in-memory index and the Blobs already in memory, so they can be
// honest without waiting for JS; what they change is stored in IndexedDB right after
// (asynchronously). readFileSync is not offered: file bytes are Blobs, which can only be
// read asynchronously. The order is the order of definition (Object.keys).
var fileOps = []fsOp{
	{name: sim.APIReadFile, on: onManager, reply: fsByGlue,
		args: []fsArg{pathArg("filePath", asyncOnly), encodingArg(asyncOnly, "")},
		run:  (*Runtime).fsReadFile},
	{name: sim.APIWriteFile, on: onManager, sync: "writeFileSync", reply: fsStored,
		args: []fsArg{pathArg("filePath", 0), encodingArg(2, "utf8"), dataArg(1)},
		run:  func(r *Runtime, c *fsCall) (any, error) { return nil, r.fsWrite(c, false) }},
	{name: sim.APIAppendFile, on: onManager, sync: "appendFileSync", reply: fsStored,
		args: []fsArg{pathArg("filePath", 0), encodingArg(2, "utf8"), dataArg(1)},
		run:  func(r *Runtime, c *fsCall) (any, error) { return nil, r.fsWrite(c, true) }},
	{name: sim.APIAccess, on: onManager, sync: "accessSync", reply: fsValue,
		args: []fsArg{pathArg("path", 0)},
		run:  func(r *Runtime, c *fsCall) (any, error) { return nil, r.fs.Access(c.paths[0]) }},
	{name: sim.APIStat, on: onManager, sync: "statSync", reply: fsByGlue,
		args: []fsArg{pathArg("path", 0), flagArg("recursive", asyncOnly)},
		run:  (*Runtime).fsStat},
	{name: sim.APIUnlink, on: onManager, sync: "unlinkSync", reply: fsStored,
		args: []fsArg{pathArg("filePath", 0)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			canon, err := r.fs.Unlink(c.paths[0])
			if err == nil {
				r.g.DropFile(canon)
			}
			return nil, err
		}},
	{name: sim.APIMkdir, on: onManager, sync: "mkdirSync", reply: fsStored,
		args: []fsArg{pathArg("dirPath", 0), flagArg("recursive", 1)},
		run:  func(r *Runtime, c *fsCall) (any, error) { return nil, r.fs.Mkdir(c.paths[0], c.flag) }},
	{name: sim.APIReaddir, on: onManager, sync: "readdirSync", reply: fsValue, key: "files",
		args: []fsArg{pathArg("dirPath", 0)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			names, err := r.fs.Readdir(c.paths[0])
			return anySlice(names), err
		}},
	{name: sim.APIRmdir, on: onManager, sync: "rmdirSync", reply: fsStored,
		args: []fsArg{pathArg("dirPath", 0), flagArg("recursive", 1)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			removed, err := r.fs.Rmdir(c.paths[0], c.flag)
			for _, f := range removed {
				r.g.DropFile(f)
			}
			return nil, err
		}},
	{name: sim.APICopyFile, on: onManager, sync: "copyFileSync", reply: fsStored,
		args: []fsArg{pathArg("srcPath", 0), pathArg("destPath", 1)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			m, err := r.fs.CopyFile(c.paths[0], c.paths[1])
			if err == nil {
				r.g.CopyFile(m.From, m.To)
			}
			return nil, err
		}},
	{name: sim.APIRename, on: onManager, sync: "renameSync", reply: fsStored,
		args: []fsArg{pathArg("oldPath", 0), pathArg("newPath", 1)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			moves, err := r.fs.Rename(c.paths[0], c.paths[1])
			for _, m := range moves {
				r.g.MoveFile(m.From, m.To)
			}
			return nil, err
		}},
	{name: sim.APISaveFile, on: onBoth, sync: "saveFileSync", reply: fsStored, key: "savedFilePath",
		args: []fsArg{pathArg("tempFilePath", 0)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			m, err := r.fs.SaveFile(c.paths[0])
			if err == nil {
				r.g.MoveFile(m.From, m.To)
			}
			return m.To, err
		}},
	{name: sim.APIRemoveSavedFile, on: onBoth, reply: fsStored,
		args: []fsArg{pathArg("filePath", asyncOnly)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			canon, err := r.fs.RemoveSaved(c.paths[0])
			if err == nil {
				r.g.DropFile(canon)
			}
			return nil, err
		}},
	{name: sim.APIGetSavedFileList, on: onBoth, reply: fsValue, key: "fileList",
		run: (*Runtime).fsSavedList},
	{name: sim.APIGetSavedFileInfo, on: onWX, reply: fsValue,
		args: []fsArg{pathArg("filePath", asyncOnly)},
		run: func(r *Runtime, c *fsCall) (any, error) {
			sf, err := r.fs.SavedInfo(c.paths[0])
			return map[string]any{"size": float64(sf.Size), "createTime": float64(sf.CreateTime)}, err
		}},
	{name: sim.APIGetFileInfo, on: onBoth, reply: fsByGlue,
		args: []fsArg{pathArg("filePath", asyncOnly), textArg("digestAlgorithm", asyncOnly)},
		run:  (*Runtime).fsFileInfo},
}

// fsReadFile reads the range [position, position+length) once the file is known: its
// size bounds them (spec §7.2).
func (r *Runtime) fsReadFile(c *fsCall) (any, error) {
	canon, size, err := r.fs.Read(c.api, c.paths[0])
	if err != nil {
		return nil, err
	}
	pos, hasPos := c.number("position")
	length, hasLen := c.number("length")
	start, end, err := sim.ReadRange(size, pos, length, hasPos, hasLen)
	if err != nil {
		return nil, err
	}
	r.g.ReadFile(c.id, canon, start, end, c.enc.String(), sim.OK(c.api))
	return nil, nil
}

// fsWrite is writeFile and appendFile: the data the glue holds goes to the file.
func (r *Runtime) fsWrite(c *fsCall, appendMode bool) error {
	canon, err := r.fs.Write(c.api, c.paths[0], c.size, appendMode)
	if err == nil {
		r.g.CommitData(c.id, canon, appendMode)
	}
	return err
}

// fsStat answers with a Stats object, or for a directory stat'ed recursively (never by
// statSync) with [{path, stats}].
func (r *Runtime) fsStat(c *fsCall) (any, error) {
	st, list, err := r.fs.Stat(c.paths[0], c.flag)
	switch {
	case err != nil:
		return nil, err
	case c.sync:
		r.g.SyncStat(st.Size, st.IsDir, st.Mode, st.LastAccessedTime, st.LastModifiedTime)
	case list != nil:
		items := make([]any, len(list))
		for i, fs := range list {
			s := fs.Stat
			items[i] = []any{fs.Path, float64(s.Size), s.IsDir, s.Mode, float64(s.LastAccessedTime), float64(s.LastModifiedTime)}
		}
		r.g.OKStatList(c.id, sim.OK(c.api), items)
	default:
		r.g.OKStat(c.id, sim.OK(c.api), st.Size, st.IsDir, st.Mode, st.LastAccessedTime, st.LastModifiedTime)
	}
	return nil, nil
}

func (r *Runtime) fsSavedList(*fsCall) (any, error) {
	list := []any{}
	for _, f := range r.fs.SavedList() {
		list = append(list, map[string]any{"filePath": f.FilePath, "size": float64(f.Size), "createTime": float64(f.CreateTime)})
	}
	return list, nil
}

// fsFileInfo answers with the size and the digest the glue computes from the blob.
func (r *Runtime) fsFileInfo(c *fsCall) (any, error) {
	alg, err := sim.DigestAlgorithm(c.text)
	if err != nil {
		return nil, err
	}
	canon, size, err := r.fs.FileInfo(c.paths[0])
	if err != nil {
		return nil, err
	}
	r.g.FileInfo(c.id, canon, size, alg, sim.OK(c.api))
	return nil, nil
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
