package sim

import "strings"

// Paths of the simulated file system (spec §7.1): the roots and their spellings, parsing
// and cleaning, and the rule that only http://usr is writable (spec §7.2).

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
