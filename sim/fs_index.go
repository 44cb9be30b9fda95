package sim

import "strings"

// The directory tree of the index: put and del keep nodes, kids, used and changed in
// step; the lookups and walks below answer the operations' questions.

// get returns the entry at p, if there is one.
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
	sortStrings(out)
	return out
}

// children returns the names directly in directory p, sorted.
func (f *FS) children(p Path) []string {
	var out []string
	for name := range f.kids[p.Canon()] {
		out = append(out, name)
	}
	sortStrings(out)
	return out
}
