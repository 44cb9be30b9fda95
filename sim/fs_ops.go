package sim

import "strings"

// The FileSystemManager operations on the index (spec §7.2): access, stat, readdir,
// mkdir, rmdir, unlink, writeFile/appendFile, readFile, rename, copyFile and getFileInfo.
// Write and Read also decide downloadFile's filePath and uploadFile's file.

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
