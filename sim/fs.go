package sim

// The simulated file system (spec §7) is a metadata and rules layer. File bytes live on
// the JS side (Blobs keyed by canonical path); FS holds what WeChat knows about them
// (sizes, kinds, times) and decides every rule: paths, permissions, quotas and the
// node-style errors. Methods are pure: they update the index and return what JS must do
// to the bytes (which blobs to drop, move or copy), never performing I/O.
//
// This file holds the API names, the quotas, the index type FS and what it hands to JS;
// the rest is split by concern:
//
//	fs_errors.go    the node-style fail reasons, their errnos and FSError
//	fs_path.go      roots, ParsePath and the path rules (what is writable)
//	fs_encoding.go  the encodings of readFile, writeFile and appendFile
//	fs_index.go     the directory tree: the only writers, lookups and walks
//	fs_ops.go       the FileSystemManager operations (access … copyFile, getFileInfo)
//	fs_saved.go     temp files (downloads) and saved files (wx.saveFile and its kin)
//	fs_persist.go   what persists: TakeChanges, Snapshot and Load

// File API names as they appear in errMsg (spec §1.1, §7.2). The …Sync twins report as
// "<api>Sync" (e.g. readFileSync:fail …); their Reasons are the same.
const (
	APIReadFile         = "readFile"
	APIWriteFile        = "writeFile"
	APIAppendFile       = "appendFile"
	APIAccess           = "access"
	APIStat             = "stat"
	APIUnlink           = "unlink"
	APIMkdir            = "mkdir"
	APIReaddir          = "readdir"
	APIRmdir            = "rmdir"
	APICopyFile         = "copyFile"
	APIRename           = "rename"
	APISaveFile         = "saveFile"
	APIRemoveSavedFile  = "removeSavedFile"
	APIGetSavedFileList = "getSavedFileList"
	APIGetSavedFileInfo = "getSavedFileInfo"
	APIGetFileInfo      = "getFileInfo"
)

// Quotas (spec §7.3). Both are inclusive: exactly the limit is allowed, one byte more fails.
const (
	MaxUserDataBytes = 200 * 1024 * 1024 // all files under http://usr together
	MaxSavedBytes    = 10 * 1024 * 1024  // all saved files (http://store) together
)

// Entry is the metadata of one file or directory, as persisted (Snapshot, Load) in
// IndexedDB by the JS side. Path is canonical. Directories have Size 0.
type Entry struct {
	Path       string
	Size       int64
	IsDir      bool
	CreateTime UnixMS
	ModTime    UnixMS
}

// UnixMS is a time as Unix milliseconds (Date.now() in the browser, time.Time.UnixMilli
// natively): sim keeps times as numbers so that the wasm binary links no time package
// (its formatting and zone tables cost about 54 KB of gzip).
type UnixMS int64

// Unix is t in Unix seconds, rounded down (as time.Time.Unix: -1500 ms is -2 s).
func (t UnixMS) Unix() int64 {
	s := int64(t) / 1000
	if t < 0 && int64(t)%1000 != 0 {
		s--
	}
	return s
}

// Move tells JS to move (rename, saveFile) or copy (copyFile) the blob at From to To, both
// canonical; To replaces any blob already there.
type Move struct{ From, To string }

// FS is the metadata index of the three roots. The roots always exist as directories.
type FS struct {
	now      func() UnixMS
	nodes    map[string]Entry               // by canonical path
	kids     map[string]map[string]struct{} // canonical directory → the names directly in it
	used     map[Root]int64                 // bytes of files per root
	changed  map[string]struct{}            // paths to store or delete (TakeChanges)
	tempSeq  int
	storeSeq int
}

// NewFS returns an index with the three empty roots; now is the clock (nil: a clock
// stopped at 0, the Unix epoch; natively pass e.g. func() UnixMS { return
// UnixMS(time.Now().UnixMilli()) }).
func NewFS(now func() UnixMS) *FS {
	if now == nil {
		now = func() UnixMS { return 0 }
	}
	f := &FS{now: now, nodes: map[string]Entry{}, kids: map[string]map[string]struct{}{},
		used: map[Root]int64{}, changed: map[string]struct{}{}}
	t := now()
	for _, r := range []Root{RootUsr, RootTmp, RootStore} {
		f.nodes[string(r)] = Entry{Path: string(r), IsDir: true, CreateTime: t, ModTime: t}
	}
	return f
}

// Used returns the bytes of all files under root (quota accounting, spec §7.3).
func (f *FS) Used(root Root) int64 { return f.used[root] }
