package sim

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the metadata and rules layer of the simulated file system (spec §7). File
// bytes live on the JS side (Blobs keyed by canonical path); FS holds what WeChat knows
// about them (sizes, kinds, times) and decides every rule: paths, permissions, quotas and
// the node-style errors. Methods are pure: they update the index and return what JS must
// do to the bytes (which blobs to drop, move or copy), never performing I/O.

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

// Node-style fail reasons (spec §7.2): FSError appends ", <op> <path>".
const (
	FSNoEnt        = "no such file or directory"
	FSExist        = "file already exists"
	FSNotEmpty     = "directory not empty"
	FSNotDir       = "not a directory"
	FSIsDir        = "illegal operation on a directory"
	FSAccess       = "permission denied" // a write outside http://usr, or a path escaping its root
	FSNotPermitted = "operation not permitted"
	FSInvalid      = "invalid argument"
	FSNotFound     = "file not found" // uploadFile's wording for a missing file (spec §5.1)
)

// fsErrno is WeChat's errno for each reason (its public errno table, 13xxxxx range).
var fsErrno = map[string]int{
	FSNoEnt:        1300002,
	FSExist:        1301005,
	FSNotEmpty:     1300066,
	FSNotDir:       1300020,
	FSIsDir:        1301003,
	FSAccess:       1300013,
	FSNotPermitted: 1300001,
	FSInvalid:      1300022,
	FSNotFound:     1300002,
}

// Bare file reasons: WeChat words these without an op or a path.
var (
	ErrStorageLimit     = Reason{"the maximum size of the file storage limit is exceeded", 1300202} // spec §7.3
	ErrFileNotExist     = Reason{"file not exist", 1300002}                                         // getFileInfo, getSavedFileInfo, removeSavedFile
	ErrTempFileNotExist = Reason{"tempFilePath file not exist", 1301112}                            // saveFile
	ErrPositionRange    = Reason{`the value of "position" is out of range`, 1301009}                // readFile
	ErrLengthRange      = Reason{`the value of "length" is out of range`, 1301006}                  // readFile
)

// fsOps is the op word each API puts in its node-style errors, as node names the syscall
// (spec §7.2): readdir → scandir, copyFile → copyfile, everything that opens a file → open.
var fsOps = map[string]string{
	APIReadFile:     "open",
	APIWriteFile:    "open",
	APIAppendFile:   "open",
	APIAccess:       "access",
	APIStat:         "stat",
	APIUnlink:       "unlink",
	APIMkdir:        "mkdir",
	APIReaddir:      "scandir",
	APIRmdir:        "rmdir",
	APICopyFile:     "copyfile",
	APIRename:       "rename",
	APISaveFile:     "open",
	APIGetFileInfo:  "open",
	APIUploadFile:   "open",
	APIDownloadFile: "open",
}

// FSOp returns the op word of api's node-style errors; a …Sync twin uses its async
// name's, and an unknown api "open".
func FSOp(api string) string {
	if op, ok := fsOps[strings.TrimSuffix(api, "Sync")]; ok {
		return op
	}
	return "open"
}

// FSError renders the node-style reason "<reason>, <op> <path>" (spec §7.2) with WeChat's
// errno for reason (1 when it has none). An empty op means api's (FSOp); an empty path
// drops the trailing " <path>". Two-path ops (rename, copyfile) pass "<src> -> <dst>".
// Fail{api, FSError(api, FSNoEnt, "", p)}.ErrMsg() is "readFile:fail no such file or
// directory, open http://usr/a.txt".
func FSError(api, reason, op, path string) Reason {
	if op == "" {
		op = FSOp(api)
	}
	text := reason + ", " + op
	if path != "" {
		text += " " + path
	}
	errno, ok := fsErrno[reason]
	if !ok {
		errno = 1
	}
	return Reason{text, errno}
}

// fsFail is FSError as an error (always a Reason).
func fsFail(reason, op, path string) error { return FSError("", reason, op, path) }

// fsPair renders the two paths of rename and copyFile as node does.
func fsPair(src, dst string) string { return src + " -> " + dst }

// ---- paths (spec §7.1) ----

// Root is a file-system root in its DevTools form.
type Root string

const (
	RootUsr   Root = "http://usr"   // wx.env.USER_DATA_PATH: the only writable root
	RootTmp   Root = "http://tmp"   // temp files (downloads); read-only through the manager
	RootStore Root = "http://store" // saved files (wx.saveFile); read-only through the manager
)

// rootPrefixes maps every accepted root spelling to its root: the DevTools forms and the
// device (wxfile://) aliases. Matching is exact (case-sensitive) and the prefix must end
// the path or be followed by "/".
var rootPrefixes = []struct {
	prefix string
	root   Root
}{
	{"http://usr", RootUsr},
	{"http://tmp", RootTmp},
	{"http://store", RootStore},
	{"wxfile://usr", RootUsr},
	{"wxfile://tmp", RootTmp},
	{"wxfile://store", RootStore},
}

// devicePrefix starts device paths. A bare device name (wxfile://tmp_abc.jpg: one segment
// that is not a root name) is a file directly under a root: store_* names are saved files
// (http://store/store_abc.jpg), every other name is a temp file (http://tmp/tmp_abc.jpg).
const devicePrefix = "wxfile://"

// Path reasons from ParsePath: no known root → FSNoEnt; ".." above the root → FSAccess.
var (
	errPathNoEnt  = Reason{FSNoEnt, 1300002}
	errPathEscape = Reason{FSAccess, 1300013}
)

// Path is a parsed file path: a root and a cleaned relative part ("" for the root itself,
// no leading, trailing or duplicate slashes, no "." or ".." segments).
type Path struct {
	Root Root
	Rel  string
}

// ParsePath parses a wx file path (spec §7.1): a DevTools form (http://usr/a/b.txt), a
// device alias (wxfile://usr/a/b.txt) or a bare device name (see devicePrefix). It drops
// "." segments, duplicate and trailing slashes and resolves "..". Errors are Reasons ready
// for FSError: empty, relative or unknown-root paths → FSNoEnt (node reports a path that
// cannot exist as missing); ".." climbing above the root → FSAccess (never escapes).
func ParsePath(p string) (Path, error) {
	root, rest, ok := splitRoot(p)
	if !ok {
		return Path{}, errPathNoEnt
	}
	var segs []string
	for s := range strings.SplitSeq(rest, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(segs) == 0 {
				return Path{}, errPathEscape
			}
			segs = segs[:len(segs)-1]
		default:
			segs = append(segs, s)
		}
	}
	return Path{root, strings.Join(segs, "/")}, nil
}

func splitRoot(p string) (Root, string, bool) {
	for _, rp := range rootPrefixes {
		if strings.HasPrefix(p, rp.prefix) && (len(p) == len(rp.prefix) || p[len(rp.prefix)] == '/') {
			return rp.root, p[len(rp.prefix):], true
		}
	}
	name, ok := strings.CutPrefix(p, devicePrefix)
	if !ok || name == "" || name == "." || name == ".." || strings.Contains(name, "/") {
		return "", "", false
	}
	if strings.HasPrefix(name, "store_") {
		return RootStore, name, true
	}
	return RootTmp, name, true
}

// Canon is the DevTools form: http://usr for the root, http://usr/a/b.txt below it.
func (p Path) Canon() string {
	if p.Rel == "" {
		return string(p.Root)
	}
	return string(p.Root) + "/" + p.Rel
}

// IsRoot reports whether p is a root itself.
func (p Path) IsRoot() bool { return p.Rel == "" }

// Name is the last segment ("" for a root).
func (p Path) Name() string { return p.Rel[strings.LastIndexByte(p.Rel, '/')+1:] }

// Parent is the directory holding p (a root is its own parent).
func (p Path) Parent() Path {
	i := strings.LastIndexByte(p.Rel, '/')
	if i < 0 {
		return Path{p.Root, ""}
	}
	return Path{p.Root, p.Rel[:i]}
}

// Join appends the relative segment name (already clean).
func (p Path) Join(name string) Path {
	if p.Rel == "" {
		return Path{p.Root, name}
	}
	return Path{p.Root, p.Rel + "/" + name}
}

// Contains reports whether q lies strictly below p.
func (p Path) Contains(q Path) bool {
	if p.Root != q.Root || p.Rel == q.Rel {
		return false
	}
	return p.Rel == "" || strings.HasPrefix(q.Rel, p.Rel+"/")
}

// ---- encodings (spec §7.2) ----

// Encoding is a readFile/writeFile/appendFile `encoding`. The JS side does the conversion
// (TextDecoder/TextEncoder, atob/btoa, hex) with node's semantics: ascii decodes bytes with
// the high bit cleared and encodes a string like latin1 (low byte of each UTF-16 unit).
type Encoding int

const (
	EncNone    Encoding = iota // no encoding: readFile returns an ArrayBuffer (writeFile of a string uses utf8)
	EncUTF8                    // utf8, utf-8
	EncBase64                  // base64
	EncHex                     // hex
	EncLatin1                  // latin1, binary
	EncASCII                   // ascii
	EncUTF16LE                 // ucs2, ucs-2, utf16le, utf-16le
)

// encodingNames are the accepted spellings: WeChat's documented list, which is node's
// Buffer encodings minus base64url (wxsim decision: refused, WeChat does not list it).
var encodingNames = map[string]Encoding{
	"":         EncNone,
	"utf8":     EncUTF8,
	"utf-8":    EncUTF8,
	"base64":   EncBase64,
	"hex":      EncHex,
	"latin1":   EncLatin1,
	"binary":   EncLatin1,
	"ascii":    EncASCII,
	"ucs2":     EncUTF16LE,
	"ucs-2":    EncUTF16LE,
	"utf16le":  EncUTF16LE,
	"utf-16le": EncUTF16LE,
}

// ParseEncoding resolves an encoding name, ASCII-case-insensitively as node does ("UTF8"
// is utf8, "latİn1" is unknown). "" is EncNone. Unknown names → false: fail with
// ErrBadEncoding.
func ParseEncoding(s string) (Encoding, bool) {
	e, ok := encodingNames[asciiLower(s)]
	return e, ok
}

// String is the canonical (node) name: "", utf8, base64, hex, latin1, ascii, utf16le.
func (e Encoding) String() string {
	names := [...]string{"", "utf8", "base64", "hex", "latin1", "ascii", "utf16le"}
	if e < 0 || int(e) >= len(names) {
		return ""
	}
	return names[e]
}

// ErrBadEncoding is the failure for an unknown encoding name (wxsim wording, errno 1300022
// "invalid argument"): readFile:fail unknown encoding: "gbk".
func ErrBadEncoding(enc string) Reason {
	return Reason{"unknown encoding: " + strconv.Quote(enc), fsErrno[FSInvalid]}
}

// ReadRange checks readFile's position and length (spec §7.2) against a file of size bytes
// and returns the byte range [start, end) to read. WeChat's valid ranges: position in
// [0, size-1] (0 always allowed, so an empty file can be read from 0) and length in
// [1, size-position]. Fractions are truncated; NaN and ±Inf are out of range.
func ReadRange(size int64, position, length float64, hasPosition, hasLength bool) (start, end int64, err error) {
	end = size
	if hasPosition {
		// floor(position) < size ⟺ position < size, size being an integer
		if !fsFinite(position) || position < 0 || (position >= 1 && position >= float64(size)) {
			return 0, 0, ErrPositionRange
		}
		start = int64(position)
	}
	if hasLength {
		if !fsFinite(length) || length < 1 || length >= float64(size-start+1) {
			return 0, 0, ErrLengthRange
		}
		end = start + int64(length)
	}
	return start, end, nil
}

func fsFinite(f float64) bool { return f == f && f < 1e300 && f > -1e300 }

// ---- the index ----

// Entry is the metadata of one file or directory, as persisted (Snapshot, Load) in
// IndexedDB by the JS side. Path is canonical. Directories have Size 0.
type Entry struct {
	Path       string
	Size       int64
	IsDir      bool
	CreateTime time.Time
	ModTime    time.Time
}

// Stat is a Stats object (FileSystemManager.stat). Mode is st_mode: 0o100644 (33188) for
// files, 0o40755 (16877) for directories. Times are Unix seconds; wxsim does not track
// access, so LastAccessedTime is the modification time. A directory's times are those of
// its creation (adding entries does not touch them).
type Stat struct {
	Size             int64
	IsDir            bool
	Mode             int
	LastAccessedTime int64
	LastModifiedTime int64
}

// Stat modes (st_mode).
const (
	ModeFile = 0o100644
	ModeDir  = 0o40755
)

// FileStat is one item of a recursive stat: Path relative to the directory stat'ed, "/"
// for the directory itself, "/a.txt", "/sub/b.txt" below it.
type FileStat struct {
	Path string
	Stat Stat
}

// Move tells JS to move (rename, saveFile) or copy (copyFile) the blob at From to To, both
// canonical; To replaces any blob already there.
type Move struct{ From, To string }

// SavedFile is one item of getSavedFileList / the result of getSavedFileInfo (spec §7.3);
// CreateTime is in Unix seconds.
type SavedFile struct {
	FilePath   string
	Size       int64
	CreateTime int64
}

// Change is one persistent path (under http://usr or http://store) changed since the
// last TakeChanges: Entry as it is now, or Removed (only Entry.Path set) when it is gone.
type Change struct {
	Entry
	Removed bool
}

// FS is the metadata index of the three roots. The roots always exist as directories.
type FS struct {
	now      func() time.Time
	nodes    map[string]Entry               // by canonical path
	kids     map[string]map[string]struct{} // canonical directory → the names directly in it
	used     map[Root]int64                 // bytes of files per root
	changed  map[string]struct{}            // paths to store or delete (TakeChanges)
	tempSeq  int
	storeSeq int
}

// NewFS returns an index with the three empty roots; now is the clock (nil: time.Now).
func NewFS(now func() time.Time) *FS {
	if now == nil {
		now = time.Now
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

func (f *FS) get(p Path) (Entry, bool) {
	e, ok := f.nodes[p.Canon()]
	return e, ok
}

// splitCanon splits the canonical path of an entry into its root, its directory and its
// name; ok is false for a root itself. It allocates nothing.
func splitCanon(canon string) (root Root, dir, name string, ok bool) {
	for _, r := range []Root{RootUsr, RootTmp, RootStore} {
		if len(canon) > len(r) && canon[len(r)] == '/' && canon[:len(r)] == string(r) {
			i := strings.LastIndexByte(canon, '/')
			return r, canon[:i], canon[i+1:], true
		}
	}
	return Root(canon), "", "", false
}

// put and del are the only writers of nodes: they keep kids, used and changed with it.
func (f *FS) put(e Entry) {
	if _, ok := f.nodes[e.Path]; ok {
		f.del(e.Path)
	}
	f.nodes[e.Path] = e
	root, dir, name, ok := splitCanon(e.Path)
	if !e.IsDir {
		f.used[root] += e.Size
	}
	if ok {
		names := f.kids[dir]
		if names == nil {
			names = map[string]struct{}{}
			f.kids[dir] = names
		}
		names[name] = struct{}{}
		f.touch(root, e.Path)
	}
}

func (f *FS) del(canon string) {
	e, ok := f.nodes[canon]
	if !ok {
		return
	}
	delete(f.nodes, canon)
	root, dir, name, ok := splitCanon(canon)
	if !e.IsDir {
		f.used[root] -= e.Size
	}
	if ok {
		delete(f.kids[dir], name)
		if len(f.kids[dir]) == 0 {
			delete(f.kids, dir)
		}
		f.touch(root, canon)
	}
}

// touch notes a change of canon (not a root) for TakeChanges when it persists (spec
// §7.4: usr and store).
func (f *FS) touch(root Root, canon string) {
	if root != RootTmp {
		f.changed[canon] = struct{}{}
	}
}

// persists reports whether the live path canon is stored (usr and store, not the roots).
func persists(canon string) bool {
	return strings.HasPrefix(canon, string(RootUsr)+"/") || strings.HasPrefix(canon, string(RootStore)+"/")
}

// TakeChanges returns what changed under http://usr and http://store since the last
// call (or Load), sorted by path, and forgets it: each path changed once or many times
// appears once, as its entry now or as Removed. The JS side stores exactly these in
// IndexedDB, so a change costs O(paths it touched), whatever the number of files. It
// also lists, as Removed, the paths Load dropped, so their records go too.
func (f *FS) TakeChanges() []Change {
	keys := make([]string, 0, len(f.changed))
	for k := range f.changed {
		keys = append(keys, k)
	}
	clear(f.changed)
	slices.Sort(keys)
	out := make([]Change, len(keys))
	for i, k := range keys {
		if e, ok := f.nodes[k]; ok && persists(k) {
			out[i] = Change{Entry: e}
		} else {
			out[i] = Change{Entry: Entry{Path: k}, Removed: true}
		}
	}
	return out
}

// ancestors checks the directories above p from the root down, as a path lookup does:
// "" when all exist as directories, FSNoEnt at the first missing one, FSNotDir at the first
// that is a file.
func (f *FS) ancestors(p Path) string {
	if p.IsRoot() {
		return ""
	}
	segs := strings.Split(p.Rel, "/")
	for i := 1; i < len(segs); i++ {
		e, ok := f.get(Path{p.Root, strings.Join(segs[:i], "/")})
		if !ok {
			return FSNoEnt
		}
		if !e.IsDir {
			return FSNotDir
		}
	}
	return ""
}

// lookup finds p, or says why not (FSNoEnt, or FSNotDir when a parent is a file).
func (f *FS) lookup(p Path) (Entry, string) {
	if e, ok := f.get(p); ok {
		return e, ""
	}
	if r := f.ancestors(p); r != "" {
		return Entry{}, r
	}
	return Entry{}, FSNoEnt
}

// below returns the canonical paths strictly below directory p, sorted. It walks kids, so
// it costs what lies below p, not the whole index.
func (f *FS) below(p Path) []string {
	var out []string
	var walk func(dir string)
	walk = func(dir string) {
		for name := range f.kids[dir] {
			k := dir + "/" + name
			out = append(out, k)
			walk(k)
		}
	}
	walk(p.Canon())
	slices.Sort(out)
	return out
}

// children returns the names directly in directory p, sorted.
func (f *FS) children(p Path) []string {
	var out []string
	for name := range f.kids[p.Canon()] {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// fsParse parses raw for a reading op: its error renders with op and the raw path.
func fsParse(raw, op string) (Path, error) {
	p, err := ParsePath(raw)
	if err != nil {
		return Path{}, fsFail(err.(Reason).Text, op, raw)
	}
	return p, nil
}

// fsParseWritable parses raw for a writing op: only below http://usr (spec §7.2).
func fsParseWritable(raw, op, shown string) (Path, error) {
	p, err := ParsePath(raw)
	if err != nil {
		return Path{}, fsFail(err.(Reason).Text, op, shown)
	}
	if p.Root != RootUsr {
		return Path{}, fsFail(FSAccess, op, shown)
	}
	return p, nil
}

func fsStatOf(e Entry) Stat {
	s := Stat{Size: e.Size, IsDir: e.IsDir, Mode: ModeFile, LastModifiedTime: e.ModTime.Unix()}
	if e.IsDir {
		s.Mode = ModeDir
	}
	s.LastAccessedTime = s.LastModifiedTime
	return s
}

// Access is FileSystemManager.access: nil when p exists (any root).
func (f *FS) Access(p string) error {
	const op = "access"
	pp, err := fsParse(p, op)
	if err != nil {
		return err
	}
	if _, r := f.lookup(pp); r != "" {
		return fsFail(r, op, p)
	}
	return nil
}

// Stat is FileSystemManager.stat. With recursive on a directory it also returns the list
// of the directory and everything below it ("/" first, then by path); otherwise list is
// nil (a file stat'ed recursively gives its Stats, as WeChat does).
func (f *FS) Stat(p string, recursive bool) (Stat, []FileStat, error) {
	const op = "stat"
	pp, err := fsParse(p, op)
	if err != nil {
		return Stat{}, nil, err
	}
	e, r := f.lookup(pp)
	if r != "" {
		return Stat{}, nil, fsFail(r, op, p)
	}
	if !recursive || !e.IsDir {
		return fsStatOf(e), nil, nil
	}
	list := []FileStat{{"/", fsStatOf(e)}}
	base := len(e.Path)
	for _, k := range f.below(pp) {
		list = append(list, FileStat{k[base:], fsStatOf(f.nodes[k])})
	}
	return fsStatOf(e), list, nil
}

// needDir fails unless pp exists and is a directory (FSNoEnt, FSNotDir), for op on the
// path as the user wrote it (shown).
func (f *FS) needDir(pp Path, op, shown string) error {
	e, r := f.lookup(pp)
	if r == "" && !e.IsDir {
		r = FSNotDir
	}
	if r != "" {
		return fsFail(r, op, shown)
	}
	return nil
}

// Readdir is FileSystemManager.readdir: the names in directory p, sorted.
func (f *FS) Readdir(p string) ([]string, error) {
	const op = "scandir"
	pp, err := fsParse(p, op)
	if err != nil {
		return nil, err
	}
	if err := f.needDir(pp, op, p); err != nil {
		return nil, err
	}
	names := f.children(pp)
	if names == nil {
		names = []string{}
	}
	return names, nil
}

// Mkdir is FileSystemManager.mkdir (only under http://usr). Like node: an existing path
// fails FSExist, except an existing directory with recursive; a missing parent fails
// FSNoEnt unless recursive, which creates it; a file on the way fails FSNotDir.
func (f *FS) Mkdir(p string, recursive bool) error {
	const op = "mkdir"
	pp, err := fsParseWritable(p, op, p)
	if err != nil {
		return err
	}
	if e, ok := f.get(pp); ok {
		if recursive && e.IsDir {
			return nil
		}
		return fsFail(FSExist, op, p)
	}
	if r := f.ancestors(pp); r != "" && (r == FSNotDir || !recursive) {
		return fsFail(r, op, p)
	}
	t := f.now()
	segs := strings.Split(pp.Rel, "/")
	for i := 1; i <= len(segs); i++ {
		d := Path{pp.Root, strings.Join(segs[:i], "/")}
		if _, ok := f.get(d); !ok {
			f.put(Entry{Path: d.Canon(), IsDir: true, CreateTime: t, ModTime: t})
		}
	}
	return nil
}

// Rmdir is FileSystemManager.rmdir (only under http://usr). It returns the canonical paths
// of the files removed (sorted) so JS can drop their blobs. A non-empty directory needs
// recursive. The root http://usr is never removed: rmdir of it empties it (recursive, or
// a no-op when already empty) and it stays, as if recreated at once.
func (f *FS) Rmdir(p string, recursive bool) ([]string, error) {
	const op = "rmdir"
	pp, err := fsParseWritable(p, op, p)
	if err != nil {
		return nil, err
	}
	if err := f.needDir(pp, op, p); err != nil {
		return nil, err
	}
	below := f.below(pp)
	if len(below) > 0 && !recursive {
		return nil, fsFail(FSNotEmpty, op, p)
	}
	removed := []string{}
	for _, k := range below {
		if !f.nodes[k].IsDir {
			removed = append(removed, k)
		}
		f.del(k)
	}
	if !pp.IsRoot() {
		f.del(pp.Canon())
	}
	return removed, nil
}

// Unlink is FileSystemManager.unlink (only under http://usr; temp and saved files are
// read-only, spec §7.2). It returns the canonical path whose blob JS drops. A directory
// fails "operation not permitted" (WeChat's documented wording).
func (f *FS) Unlink(p string) (string, error) {
	const op = "unlink"
	pp, err := fsParseWritable(p, op, p)
	if err != nil {
		return "", err
	}
	e, r := f.lookup(pp)
	if r == "" && e.IsDir {
		r = FSNotPermitted
	}
	if r != "" {
		return "", fsFail(r, op, p)
	}
	f.del(e.Path)
	return e.Path, nil
}

// Write decides writeFile / appendFile (api APIWriteFile, APIAppendFile or their Sync
// twins) and downloadFile's `filePath` (APIDownloadFile): size is the byte length of the
// data written (after encoding). Rules: only under http://usr (FSAccess); not a directory
// (FSIsDir); every parent must exist (FSNoEnt) as a directory (FSNotDir); appendFile needs
// an existing file (WeChat's documented FSNoEnt, unlike node); the usr total after the
// write (old size replaced, or grown by size when appending) at most MaxUserDataBytes
// (ErrStorageLimit). It returns the canonical path for the blob.
func (f *FS) Write(api, p string, size int64, appendMode bool) (string, error) {
	op := FSOp(api)
	pp, err := fsParseWritable(p, op, p)
	if err != nil {
		return "", err
	}
	if size < 0 {
		return "", fsFail(FSInvalid, op, p)
	}
	old, exists := f.get(pp)
	if exists && old.IsDir {
		return "", fsFail(FSIsDir, op, p)
	}
	if r := f.ancestors(pp); r != "" {
		return "", fsFail(r, op, p)
	}
	if appendMode && !exists {
		return "", fsFail(FSNoEnt, op, p)
	}
	newSize := size
	if appendMode {
		newSize += old.Size
	}
	if f.used[RootUsr]-old.Size+newSize > MaxUserDataBytes {
		return "", ErrStorageLimit
	}
	t := f.now()
	e := Entry{Path: pp.Canon(), Size: newSize, CreateTime: t, ModTime: t}
	if exists {
		e.CreateTime = old.CreateTime
	}
	f.put(e)
	return e.Path, nil
}

// Read decides readFile (and any reader: uploadFile's filePath, api APIUploadFile): p
// exists in any root and is a file. It returns the canonical path and the size. uploadFile
// words a missing file "file not found" (spec §5.1); others FSNoEnt. A directory fails
// FSIsDir.
func (f *FS) Read(api, p string) (string, int64, error) {
	op := FSOp(api)
	missing := FSNoEnt
	if strings.TrimSuffix(api, "Sync") == APIUploadFile {
		missing = FSNotFound
	}
	pp, err := ParsePath(p)
	if err != nil {
		r := err.(Reason).Text
		if r == FSNoEnt {
			r = missing
		}
		return "", 0, fsFail(r, op, p)
	}
	e, r := f.lookup(pp)
	if r == FSNoEnt {
		r = missing
	}
	if r == "" && e.IsDir {
		r = FSIsDir
	}
	if r != "" {
		return "", 0, fsFail(r, op, p)
	}
	return e.Path, e.Size, nil
}

// Rename is FileSystemManager.rename: both paths under http://usr and neither a root
// (FSAccess). Node's rules: a missing source or destination parent → FSNoEnt; file onto a
// directory → FSIsDir; directory onto a file → FSNotDir; directory onto a non-empty
// directory → FSNotEmpty (an empty one is replaced); a directory into itself → FSInvalid;
// a path onto itself succeeds with no moves. It returns the file moves (sorted by From)
// for JS to carry out on the blobs. Errors name "<oldPath> -> <newPath>".
func (f *FS) Rename(src, dst string) ([]Move, error) {
	const op = "rename"
	shown := fsPair(src, dst)
	sp, err := fsParseWritable(src, op, shown)
	if err != nil {
		return nil, err
	}
	dp, err := fsParseWritable(dst, op, shown)
	if err != nil {
		return nil, err
	}
	if sp.IsRoot() || dp.IsRoot() {
		return nil, fsFail(FSAccess, op, shown)
	}
	se, r := f.lookup(sp)
	if r != "" {
		return nil, fsFail(r, op, shown)
	}
	if sp == dp {
		return []Move{}, nil
	}
	if se.IsDir && sp.Contains(dp) {
		return nil, fsFail(FSInvalid, op, shown)
	}
	if r := f.ancestors(dp); r != "" {
		return nil, fsFail(r, op, shown)
	}
	if de, ok := f.get(dp); ok {
		switch {
		case !se.IsDir && de.IsDir:
			return nil, fsFail(FSIsDir, op, shown)
		case se.IsDir && !de.IsDir:
			return nil, fsFail(FSNotDir, op, shown)
		case se.IsDir && len(f.below(dp)) > 0:
			return nil, fsFail(FSNotEmpty, op, shown)
		}
		f.del(de.Path)
	}
	moves := []Move{}
	keys := append([]string{se.Path}, f.below(sp)...)
	from, to := sp.Canon(), dp.Canon()
	moved := make([]Entry, 0, len(keys))
	for _, k := range keys {
		e := f.nodes[k]
		f.del(k)
		e.Path = to + k[len(from):]
		moved = append(moved, e)
		if !e.IsDir {
			moves = append(moves, Move{k, e.Path})
		}
	}
	for _, e := range moved {
		f.put(e)
	}
	return moves, nil
}

// CopyFile is FileSystemManager.copyFile: src a file in any root (FSIsDir for a
// directory), dst under http://usr (FSAccess) with an existing parent directory and not a
// directory itself (FSIsDir); the usr total after the copy at most MaxUserDataBytes.
// Copying a file onto itself succeeds. Errors name "<srcPath> -> <destPath>".
func (f *FS) CopyFile(src, dst string) (Move, error) {
	const op = "copyfile"
	shown := fsPair(src, dst)
	sp, err := ParsePath(src)
	if err != nil {
		return Move{}, fsFail(err.(Reason).Text, op, shown)
	}
	dp, err := fsParseWritable(dst, op, shown)
	if err != nil {
		return Move{}, err
	}
	se, r := f.lookup(sp)
	if r == "" && se.IsDir {
		r = FSIsDir
	}
	if r != "" {
		return Move{}, fsFail(r, op, shown)
	}
	if sp == dp {
		return Move{se.Path, se.Path}, nil
	}
	if r := f.ancestors(dp); r != "" {
		return Move{}, fsFail(r, op, shown)
	}
	old, exists := f.get(dp)
	if exists && old.IsDir {
		return Move{}, fsFail(FSIsDir, op, shown)
	}
	if f.used[RootUsr]-old.Size+se.Size > MaxUserDataBytes {
		return Move{}, ErrStorageLimit
	}
	t := f.now()
	e := Entry{Path: dp.Canon(), Size: se.Size, CreateTime: t, ModTime: t}
	if exists {
		e.CreateTime = old.CreateTime
	}
	f.put(e)
	return Move{se.Path, e.Path}, nil
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
	slices.SortStableFunc(es, func(a, b Entry) int { return a.CreateTime.Compare(b.CreateTime) })
	out := make([]SavedFile, len(es))
	for i, e := range es {
		out[i] = SavedFile{e.Path, e.Size, e.CreateTime.Unix()}
	}
	return out
}

// FileInfo is getFileInfo (wx. and FileSystemManager.): a file in any root; its canonical
// path and size. The digest is computed by JS from the blob. A missing path or a
// directory fails ErrFileNotExist (WeChat's wording).
func (f *FS) FileInfo(p string) (string, int64, error) {
	pp, err := ParsePath(p)
	if err != nil {
		return "", 0, ErrFileNotExist
	}
	e, ok := f.get(pp)
	if !ok || e.IsDir {
		return "", 0, ErrFileNotExist
	}
	return e.Path, e.Size, nil
}

// Snapshot returns the persistent entries (spec §7.4: usr and store; temp files do not
// survive), roots excluded, sorted by path: the whole stored state (TakeChanges is what
// the runtime stores).
func (f *FS) Snapshot() []Entry {
	out := []Entry{}
	for _, r := range []Root{RootUsr, RootStore} {
		for _, k := range f.below(Path{r, ""}) {
			out = append(out, f.nodes[k])
		}
	}
	return out
}

// Load replaces http://usr and http://store with persisted entries (temp files are kept).
// It is lenient, since the index must come up whatever IndexedDB holds: paths are parsed
// and canonicalised, missing parent directories are created, and it returns the paths of
// entries it dropped (sorted), so JS can delete their blobs: unparsable paths, temp
// entries, negative sizes, duplicates and entries below a file. Roots in the input are
// ignored. Quotas are not re-checked. Paths are expected in Snapshot's canonical form (JS
// keys blobs by them); an alias is canonicalised, so its blob would need re-keying.
// Afterwards TakeChanges holds what differs from entries: the dropped paths (Removed) and
// the parent directories Load created; earlier changes are forgotten.
func (f *FS) Load(entries []Entry) []string {
	for _, r := range []Root{RootUsr, RootStore} {
		for _, k := range f.below(Path{r, ""}) {
			f.del(k)
		}
	}
	clear(f.changed)
	if n := len(f.nodes) + len(entries); n > 2*len(f.nodes) { // room for them at once
		nodes := make(map[string]Entry, n)
		for k, e := range f.nodes {
			nodes[k] = e
		}
		f.nodes = nodes
	}
	type item struct {
		p     Path
		e     Entry
		depth int
	}
	items := make([]item, 0, len(entries))
	dropped := []string{}
	for _, e := range entries {
		p, err := ParsePath(e.Path)
		if err != nil || p.Root == RootTmp || e.Size < 0 {
			dropped = append(dropped, e.Path)
			continue
		}
		if p.IsRoot() {
			continue
		}
		items = append(items, item{p, e, strings.Count(p.Rel, "/")})
	}
	slices.SortStableFunc(items, func(a, b item) int {
		if d := a.depth - b.depth; d != 0 {
			return d
		}
		return strings.Compare(a.p.Rel, b.p.Rel)
	})
	for _, it := range items {
		canon := it.p.Canon()
		if _, dup := f.nodes[canon]; dup || f.mkParents(it.p, it.e.CreateTime) != "" {
			dropped = append(dropped, it.e.Path)
			continue
		}
		e := it.e
		e.Path = canon
		if e.IsDir {
			e.Size = 0
		}
		f.put(e)
		delete(f.changed, canon) // stored already
	}
	for _, p := range dropped {
		f.changed[p] = struct{}{} // its record goes (or, if live after all, is rewritten)
	}
	// never report a path that is now live: JS would delete the kept file's blob
	dropped = slices.DeleteFunc(dropped, func(p string) bool { _, live := f.nodes[p]; return live })
	slices.Sort(dropped)
	return dropped
}

// mkParents creates the missing directories above p, from the top (Load), or says
// FSNotDir. An existing parent ends the climb: its own parents exist.
func (f *FS) mkParents(p Path, t time.Time) string {
	d := p.Parent()
	if d.IsRoot() {
		return ""
	}
	if e, ok := f.get(d); ok {
		if !e.IsDir {
			return FSNotDir
		}
		return ""
	}
	if r := f.mkParents(d, t); r != "" {
		return r
	}
	f.put(Entry{Path: d.Canon(), IsDir: true, CreateTime: t, ModTime: t})
	return ""
}
