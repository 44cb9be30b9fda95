package sim

import (
	"strconv"
	"strings"
)

// Temp files (finished downloads, http://tmp) and saved files (wx.saveFile and its kin,
// http://store), spec §5.2, §7.3, §7.4.

// SavedFile is one item of getSavedFileList / the result of getSavedFileInfo (spec §7.3);
// CreateTime is in Unix seconds.
type SavedFile struct {
	FilePath   string
	Size       int64
	CreateTime int64
}

// NewTempPath returns a fresh temp path for a download of urlPath with contentType
// (TempFileName with the next free number).
func (f *FS) NewTempPath(urlPath, contentType string) string {
	for {
		f.tempSeq++
		p := TempFileName(urlPath, contentType, f.tempSeq)
		if _, ok := f.nodes[p]; !ok {
			return p
		}
	}
}

// AddTemp registers a temp file of size bytes (a finished download, spec §5.2): name is a
// bare file name or a path directly under http://tmp (NewTempPath's). An existing temp
// file of that name is replaced. Temp files have no quota (the 200 MB download cap is
// enforced by the download itself). It returns the canonical path.
func (f *FS) AddTemp(size int64, name string) (string, error) {
	p, err := ParsePath(name)
	if err != nil || !strings.Contains(name, "/") {
		p, err = Path{RootTmp, name}, nil
	}
	if p.Root != RootTmp || p.IsRoot() || strings.Contains(p.Rel, "/") || p.Rel == "." || p.Rel == ".." || size < 0 {
		return "", fsFail(FSInvalid, "open", name)
	}
	t := f.now()
	f.put(Entry{Path: p.Canon(), Size: size, CreateTime: t, ModTime: t})
	return p.Canon(), nil
}

// ClearTemp drops every temp file (relaunch, spec §7.4) and returns their paths, sorted.
func (f *FS) ClearTemp() []string {
	removed := f.below(Path{RootTmp, ""})
	for _, k := range removed {
		f.del(k)
	}
	if removed == nil {
		removed = []string{}
	}
	return removed
}

// SaveFile is wx.saveFile (spec §7.3): it moves the temp file tempPath into http://store
// under a new name that keeps its extension (http://store/wxsim_<n><ext>) and returns the
// move; To is savedFilePath. Only temp files can be saved (wxsim decision: a usr or saved
// file fails FSAccess "permission denied, open <path>"); a missing one fails
// ErrTempFileNotExist; the saved total after the move at most MaxSavedBytes
// (ErrStorageLimit).
func (f *FS) SaveFile(tempPath string) (Move, error) {
	p, err := ParsePath(tempPath)
	if err != nil {
		return Move{}, ErrTempFileNotExist
	}
	if p.Root != RootTmp {
		return Move{}, fsFail(FSAccess, "open", tempPath)
	}
	e, ok := f.get(p)
	if !ok || e.IsDir {
		return Move{}, ErrTempFileNotExist
	}
	if f.used[RootStore]+e.Size > MaxSavedBytes {
		return Move{}, ErrStorageLimit
	}
	ext := fileExt(p.Name())
	var to string
	for {
		f.storeSeq++
		to = string(RootStore) + "/wxsim_" + strconv.Itoa(f.storeSeq) + ext
		if _, ok := f.nodes[to]; !ok {
			break
		}
	}
	f.del(e.Path)
	t := f.now()
	f.put(Entry{Path: to, Size: e.Size, CreateTime: t, ModTime: t})
	return Move{e.Path, to}, nil
}

// saved finds the saved file p (ErrFileNotExist for anything else).
func (f *FS) saved(p string) (Entry, error) {
	pp, err := ParsePath(p)
	if err != nil || pp.Root != RootStore {
		return Entry{}, ErrFileNotExist
	}
	e, ok := f.get(pp)
	if !ok || e.IsDir {
		return Entry{}, ErrFileNotExist
	}
	return e, nil
}

// RemoveSaved is wx.removeSavedFile: p must be a saved file (ErrFileNotExist). It returns
// the canonical path whose blob JS drops.
func (f *FS) RemoveSaved(p string) (string, error) {
	e, err := f.saved(p)
	if err != nil {
		return "", err
	}
	f.del(e.Path)
	return e.Path, nil
}

// SavedInfo is wx.getSavedFileInfo.
func (f *FS) SavedInfo(p string) (SavedFile, error) {
	e, err := f.saved(p)
	if err != nil {
		return SavedFile{}, err
	}
	return SavedFile{e.Path, e.Size, e.CreateTime.Unix()}, nil
}

// SavedList is wx.getSavedFileList: every saved file, oldest first (ties by path).
func (f *FS) SavedList() []SavedFile {
	var es []Entry
	for _, k := range f.below(Path{RootStore, ""}) {
		if e := f.nodes[k]; !e.IsDir {
			es = append(es, e)
		}
	}
	sortStable(es, func(a, b *Entry) bool { return a.CreateTime < b.CreateTime })
	out := make([]SavedFile, len(es))
	for i, e := range es {
		out[i] = SavedFile{e.Path, e.Size, e.CreateTime.Unix()}
	}
	return out
}
