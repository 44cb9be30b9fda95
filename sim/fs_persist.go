package sim

import "strings"

// What persists (spec §7.4): usr and store entries, handed to JS as changes to store in
// IndexedDB (TakeChanges), as a whole (Snapshot), and loaded back (Load).

// Change is one persistent path (under http://usr or http://store) changed since the
// last TakeChanges: Entry as it is now, or Removed (only Entry.Path set) when it is gone.
type Change struct {
	Entry
	Removed bool
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
	for _, r := range PersistedRoots {
		if strings.HasPrefix(canon, string(r)+"/") {
			return true
		}
	}
	return false
}

// PersistedRoots are the roots whose files outlive the page (§7): user files and saved
// files. The glue learns them from Load, so the rule is written once.
var PersistedRoots = []Root{RootUsr, RootStore}

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
	sortStrings(keys)
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
	sortStable(items, func(a, b *item) bool {
		if a.depth != b.depth {
			return a.depth < b.depth
		}
		return a.p.Rel < b.p.Rel
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
	gone := dropped[:0]
	for _, p := range dropped {
		if _, live := f.nodes[p]; !live {
			gone = append(gone, p)
		}
	}
	sortStrings(gone)
	return gone
}

// mkParents creates the missing directories above p, from the top (Load), or says
// FSNotDir. An existing parent ends the climb: its own parents exist.
func (f *FS) mkParents(p Path, t UnixMS) string {
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
