package sim_test

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wxsim/wxsim/sim"
)

// Fuzz targets for file paths (§7.1), names and extensions (§5.1, §5.2), encodings and
// read ranges (§7.2) and the file-system index as a whole.

var roots = []sim.Root{sim.RootUsr, sim.RootTmp, sim.RootStore}

// pathSeeds are the ParsePath, BaseName and CheckDownloadPath golden rows.
var pathSeeds = []string{
	"http://usr", "http://usr/", "http://usr/a/b.txt", "http://usr//a///b.txt//", "http://usr/./a/./b.txt",
	"http://usr/a/../b.txt", "http://usr/a/b/../../c", "http://usr/a/..", "http://tmp/x.jpg", "http://store/s.png",
	"wxfile://usr/a.txt", "wxfile://usr", "wxfile://tmp/x.jpg", "wxfile://store/s.png", "wxfile://tmp_abc.jpg",
	"wxfile://store_abc.jpg", "wxfile://abc", "wxfile://usrfile.txt", "http://usr/a b/中.txt", "http://usr/...",
	"http://usr/a?b#c", "", "a.txt", "/usr/a.txt", "usr/a.txt", "http://usrx/a", "http://usr.txt", "http://foo/a",
	"https://usr/a", "HTTP://usr/a", "http:/usr/a", "http:///usr/a", "wxfile://", "wxfile://..", "wxfile://.",
	"wxfile://foo/bar", "http://usr/..", "http://usr/../tmp/x", "http://usr/a/../../b", "http://tmp/..",
	"wxfile://usr/../../etc/passwd", "http://usr/a/b.txt/", "wxfile://usr/x/../y.jpg", "http://store/",
	"relative/name.txt", "http://usr/../x.txt", "plain", "/", "http://usr/a\\..\\..\\b", "http://usr/a/%2e%2e/b",
}

// FuzzParsePath: ParsePath never escapes its root. A path it accepts has one of the three
// roots, a cleaned Rel (no empty, "." or ".." segment, no leading or trailing '/'), a
// Canon under that root, and parses to itself again (idempotent); a path written under a
// root stays under that root. It refuses with FSNoEnt (no root) or FSAccess (".." above
// the root) only. BaseName is one non-empty segment; CheckDownloadPath passes exactly the
// paths strictly below http://usr.
func FuzzParsePath(f *testing.F) {
	for _, p := range pathSeeds {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := sim.ParsePath(raw)
		if q, err2 := sim.ParsePath(raw); q != p || err != err2 {
			t.Fatalf("ParsePath(%q) is not deterministic", raw)
		}
		name := sim.BaseName(raw)
		if name == "" || strings.Contains(name, "/") {
			t.Fatalf("BaseName(%q) = %q", raw, name)
		}
		if ct := sim.ContentTypeForName(raw); !strings.Contains(ct, "/") {
			t.Fatalf("ContentTypeForName(%q) = %q", raw, ct)
		}
		downloadOK := sim.CheckDownloadPath(raw) == nil
		if err != nil {
			r, ok := err.(sim.Reason)
			if !ok || r != (sim.Reason{Text: sim.FSNoEnt, Errno: 1300002}) && r != (sim.Reason{Text: sim.FSAccess, Errno: 1300013}) {
				t.Fatalf("ParsePath(%q) fails with %#v", raw, err)
			}
			if downloadOK {
				t.Fatalf("CheckDownloadPath(%q) passes a path ParsePath refuses", raw)
			}
			return
		}
		if !slices.Contains(roots, p.Root) {
			t.Fatalf("ParsePath(%q) = %+v: unknown root", raw, p)
		}
		if p.Rel != "" {
			for _, seg := range strings.Split(p.Rel, "/") {
				if seg == "" || seg == "." || seg == ".." {
					t.Fatalf("ParsePath(%q) = %+v: segment %q left", raw, p, seg)
				}
			}
		}
		c := p.Canon()
		if !strings.HasPrefix(c, string(p.Root)) || len(c) > len(p.Root) && c[len(p.Root)] != '/' {
			t.Fatalf("ParsePath(%q).Canon() = %q escapes %s", raw, c, p.Root)
		}
		if q, err := sim.ParsePath(c); err != nil || q != p {
			t.Fatalf("ParsePath(%q) = %+v, but its Canon %q parses to %+v, %v", raw, p, c, q, err)
		}
		for _, prefix := range []string{"http://", "wxfile://"} {
			for _, r := range roots {
				written := prefix + strings.TrimPrefix(string(r), "http://")
				if (raw == written || strings.HasPrefix(raw, written+"/")) && p.Root != r {
					t.Fatalf("ParsePath(%q) = %+v leaves %s", raw, p, r)
				}
			}
		}
		if downloadOK != (p.Root == sim.RootUsr && !p.IsRoot()) {
			t.Fatalf("CheckDownloadPath(%q) ok %v for %+v", raw, downloadOK, p)
		}
		if !p.IsRoot() {
			if name != p.Name() || p.Parent().Join(p.Name()) != p || !p.Parent().Contains(p) || p.Contains(p) {
				t.Fatalf("ParsePath(%q) = %+v: Name %q, Parent %+v, BaseName %q", raw, p, p.Name(), p.Parent(), name)
			}
		}
	})
}

// FuzzTempFileName: a download's temp path is always a file directly under http://tmp
// named wxsim_<n> plus an extension of a dot and 1–8 lower-case letters or digits, which
// ParsePath and AddTemp accept as it is; ExtForContentType ignores ASCII case and
// parameters and only gives known extensions; URLPath has no query or fragment.
func FuzzTempFileName(f *testing.F) {
	for _, s := range [][2]string{
		{"/img/a.png", "image/jpeg"}, {"/img/a.JPG", ""}, {"/img/a", "image/jpeg"}, {"/", "text/plain"},
		{"/a.tar.gz", ""}, {"/a.verylongext", "image/png"}, {"/a.12345678", ""}, {"/a.b-c", ""}, {"/a.", "image/gif"},
		{"/.hidden", ""}, {"/dir.png/file", ""}, {"/captcha.php", "image/png"}, {"/x.ASPX", "application/json"},
		{"/a.png?x=1.jpg", ""}, {"/a.mp3#t=1.5", ""}, {"https://cdn.example.com/v/a.mp4?sig=1", ""},
		{"https://cdn.example.com", "image/webp"}, {"https://cdn.example.com?f=a.png", ""},
		{"/file", "application/octet-stream"}, {"/a.%E4.png", ""}, {"/a/..", "IMAGE/JPEG; charset=binary"},
		{"/x", "application/problem+json"}, {"/x", "application/atom+xml"}, {"/x/../../y.txt", " image/png "},
	} {
		f.Add(s[0], s[1], uint16(1))
	}
	exts := map[string]bool{"": true, ".json": true, ".xml": true}
	for _, ct := range []string{"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp", "image/svg+xml",
		"image/x-icon", "image/heic", "image/avif", "video/mp4", "video/quicktime", "video/webm", "audio/mpeg",
		"audio/mp4", "audio/aac", "audio/wav", "audio/ogg", "text/plain", "text/html", "text/css", "text/csv",
		"text/javascript", "application/pdf", "application/zip", "application/gzip", "application/msword",
		"application/vnd.ms-excel", "application/vnd.ms-powerpoint",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation"} {
		exts[sim.ExtForContentType(ct)] = true
	}
	f.Fuzz(func(t *testing.T, urlPath, ct string, n uint16) {
		name := sim.TempFileName(urlPath, ct, int(n))
		prefix := "http://tmp/wxsim_" + strconv.Itoa(int(n))
		ext, ok := strings.CutPrefix(name, prefix)
		if !ok || ext != "" && !saneExt(ext) {
			t.Fatalf("TempFileName(%q, %q, %d) = %q", urlPath, ct, n, name)
		}
		p, err := sim.ParsePath(name)
		if err != nil || p.Root != sim.RootTmp || strings.Contains(p.Rel, "/") || p.Canon() != name {
			t.Fatalf("TempFileName(%q, %q) = %q parses to %+v, %v", urlPath, ct, name, p, err)
		}
		if got, err := sim.NewFS(nil).AddTemp(1, name); err != nil || got != name {
			t.Fatalf("AddTemp(%q) = %q, %v", name, got, err)
		}
		e := sim.ExtForContentType(ct)
		if !exts[e] && !saneExt(e) {
			t.Fatalf("ExtForContentType(%q) = %q", ct, e)
		}
		if up := sim.ExtForContentType(asciiUpper(ct)); up != e {
			t.Fatalf("ExtForContentType(%q) = %q, of %q %q", ct, e, asciiUpper(ct), up)
		}
		if mt, _, _ := strings.Cut(ct, ";"); sim.ExtForContentType(mt) != e {
			t.Fatalf("ExtForContentType(%q) = %q depends on the parameters", ct, e)
		}
		beforeQuery, _, _ := strings.Cut(strings.SplitN(urlPath, "#", 2)[0], "?")
		if path := sim.URLPath(urlPath); strings.ContainsAny(path, "?#") ||
			strings.Contains(beforeQuery, "://") && !strings.HasPrefix(path, "/") {
			t.Fatalf("URLPath(%q) = %q", urlPath, path)
		}
	})
}

// saneExt is an extension TempFileName may use: a dot and 1–8 lower-case letters or digits.
func saneExt(ext string) bool {
	if len(ext) < 2 || len(ext) > 9 || ext[0] != '.' {
		return false
	}
	return strings.Trim(ext[1:], "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// encodingNames are node's Buffer encodings that WeChat lists (base64url refused).
var encodingNames = map[string]string{"": "", "utf8": "utf8", "utf-8": "utf8", "base64": "base64", "hex": "hex",
	"latin1": "latin1", "binary": "latin1", "ascii": "ascii", "ucs2": "utf16le", "ucs-2": "utf16le",
	"utf16le": "utf16le", "utf-16le": "utf16le"}

// FuzzParseEncoding: an encoding name is accepted exactly when it is one of node's names
// in any ASCII case (node's rule: Buffer.isEncoding("latİn1") is false); the canonical
// name parses to the same encoding; the refusal quotes the name. DigestAlgorithm accepts
// md5, sha1 and "" (md5) only.
func FuzzParseEncoding(f *testing.F) {
	for n := range encodingNames {
		f.Add(n)
		f.Add(asciiUpper(n))
	}
	for _, s := range []string{"gbk", "utf16", "utf-16", "base64url", "latin-1", " utf8", "utf8 ", "undefined",
		"Utf16LE", "md5", "sha1", "SHA1", "sha256", "lat\u0130n1", "BİNARY", "ascİİ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, ok := sim.ParseEncoding(s)
		want, known := encodingNames[asciiLower(s)]
		if ok != known || ok && e.String() != want {
			t.Fatalf("ParseEncoding(%q) = %v (%q), %v; want %q, %v", s, e, e.String(), ok, want, known)
		}
		if ok {
			if again, ok := sim.ParseEncoding(e.String()); !ok || again != e {
				t.Fatalf("ParseEncoding(%q) = %v; its name %q gives %v, %v", s, e, e.String(), again, ok)
			}
		} else if r := sim.ErrBadEncoding(s); !strings.Contains(r.Text, strconv.Quote(s)) || r.Errno != 1300022 {
			t.Fatalf("ErrBadEncoding(%q) = %#v", s, r)
		}
		alg, err := sim.DigestAlgorithm(s)
		switch s {
		case "", "md5", "sha1":
			if err != nil || alg != cmp(s, "md5") {
				t.Fatalf("DigestAlgorithm(%q) = %q, %v", s, alg, err)
			}
		default:
			if err == nil {
				t.Fatalf("DigestAlgorithm(%q) = %q", s, alg)
			}
		}
	})
}

// FuzzReadRange: a range ReadRange accepts lies in the file, 0 ≤ start ≤ end ≤ size,
// starts at floor(position) (0 without one) and holds floor(length) bytes (the rest of
// the file without one); it refuses exactly the positions outside [0, size-1] (0 always
// allowed) and the lengths outside [1, size-position], NaN and ±Inf included.
func FuzzReadRange(f *testing.F) {
	for _, s := range [][3]float64{{10, 0, 10}, {10, 9, 1}, {10, 9.9, 1.5}, {10, 10, 1}, {0, 0, 1}, {0, 0.5, 0},
		{10, -0.5, 1}, {10, 3, 8}, {10, math.NaN(), math.Inf(1)}, {5, 1e300, -1e300}, {200 << 20, 1, 200 << 20}} {
		f.Add(int64(s[0]), s[1], s[2], true, true)
		f.Add(int64(s[0]), s[1], s[2], true, false)
		f.Add(int64(s[0]), s[1], s[2], false, true)
	}
	f.Fuzz(func(t *testing.T, size int64, pos, length float64, hasPos, hasLen bool) {
		if size < 0 || size > 1<<40 {
			return // file sizes: at most 200 MB in practice
		}
		start, end, err := sim.ReadRange(size, pos, length, hasPos, hasLen)
		finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
		posOK := !hasPos || finite(pos) && pos >= 0 && (math.Floor(pos) == 0 || math.Floor(pos) <= float64(size-1))
		begin := int64(0)
		if hasPos && posOK {
			begin = int64(pos)
		}
		lenOK := !hasLen || finite(length) && length >= 1 && math.Floor(length) <= float64(size-begin)
		switch {
		case !posOK:
			if err != sim.ErrPositionRange {
				t.Fatalf("ReadRange(%d, pos %v) = %d, %d, %v; want the position error", size, pos, start, end, err)
			}
		case !lenOK:
			if err != sim.ErrLengthRange {
				t.Fatalf("ReadRange(%d, %v, len %v) = %d, %d, %v; want the length error", size, pos, length, start, end, err)
			}
		case err != nil:
			t.Fatalf("ReadRange(%d, %v, %v, %v, %v) = %v", size, pos, length, hasPos, hasLen, err)
		case start != begin || start < 0 || end < start || end > size,
			hasLen && end-start != int64(length), !hasLen && end != size:
			t.Fatalf("ReadRange(%d, %v, %v, %v, %v) = [%d, %d)", size, pos, length, hasPos, hasLen, start, end)
		}
	})
}

// FuzzFS drives the index with a sequence of operations on a small set of paths (plus
// two from the fuzzer) and checks after each step that it stays consistent: every entry
// is canonical and below an existing directory of its root, the per-root byte counts
// (Used) are the sums of the file sizes and within the quotas, errors are node-style
// Reasons with a known errno, nothing is ever written outside http://usr by the
// manager's writes, and Snapshot → Load gives the same Snapshot.
func FuzzFS(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, "a/b", "x.jpg")
	f.Add([]byte{0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed, 0xfe}, "..", "wxfile://tmp_x.png")
	f.Add([]byte{0x08, 0x18, 0x0a, 0x2b, 0x3c, 0x1d, 0x0e, 0x4f, 0x50, 0x61}, "a/./../a", "http://tmp/../usr")
	f.Add([]byte{0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x0c, 0x1c, 0x2c, 0x3c}, "中 文", "store_1.txt")
	f.Fuzz(func(t *testing.T, ops []byte, name1, name2 string) {
		clock := sim.UnixMS(1700000000_000)
		fs := sim.NewFS(func() sim.UnixMS { clock += 1000; return clock })
		paths := []string{"http://usr/a", "http://usr/a/b", "http://usr/a/b/c.txt", "http://usr/d", "http://usr",
			"wxfile://usr/a/../d/e.png", "http://tmp/x.jpg", "http://store/s.png", "http://usr/" + name1, name2,
			"http://tmp/wxsim_1.jpg", "http://store/wxsim_1.jpg", "wxfile://tmp_x.jpg", "http://usr/a/" + name1, "", "http://usr/a/b/.."}
		var saved []string
		for i := 0; i+1 < len(ops) && i < 64; i += 2 {
			op, arg := ops[i], ops[i+1]
			p, q := paths[int(arg)%len(paths)], paths[int(arg/16)%len(paths)]
			size := int64(arg) << (3 * (op >> 5)) // up to 510 MB: quotas come into reach
			var err error
			switch op & 15 {
			case 0:
				err = fs.Mkdir(p, arg&1 == 1)
			case 1:
				var got string
				if got, err = fs.Write(sim.APIWriteFile, p, size, false); err == nil {
					assertUsr(t, "writeFile", p, got)
				}
			case 2:
				var got string
				if got, err = fs.Write(sim.APIAppendFile, p, size, true); err == nil {
					assertUsr(t, "appendFile", p, got)
				}
			case 3:
				_, err = fs.Unlink(p)
			case 4:
				_, err = fs.Rmdir(p, arg&1 == 1)
			case 5:
				var moves []sim.Move
				if moves, err = fs.Rename(p, q); err == nil {
					for _, m := range moves {
						assertUsr(t, "rename", p, m.To)
					}
				}
			case 6:
				var m sim.Move
				if m, err = fs.CopyFile(q, p); err == nil {
					assertUsr(t, "copyFile", p, m.To)
				}
			case 7:
				_, err = fs.AddTemp(size, strings.TrimPrefix(p, "http://tmp/"))
			case 8:
				var m sim.Move
				if m, err = fs.SaveFile(p); err == nil {
					saved = append(saved, m.To)
				}
			case 9:
				if len(saved) > 0 {
					_, err = fs.RemoveSaved(saved[int(arg)%len(saved)])
				}
			case 10:
				_, _, err = fs.Read(sim.APIReadFile, p)
			case 11:
				_, _, err = fs.Stat(p, arg&1 == 1)
			case 12:
				_, err = fs.Readdir(p)
			case 13:
				fs.ClearTemp()
			case 14:
				if dropped := fs.Load(fs.Snapshot()); len(dropped) != 0 {
					t.Fatalf("Load(Snapshot()) drops %q", dropped)
				}
			case 15:
				err = fs.Access(p)
			}
			if err != nil {
				if r, ok := err.(sim.Reason); !ok || r.Errno == 0 || r.Text == "" {
					t.Fatalf("op %d on %q, %q: error %#v", op&15, p, q, err)
				}
			}
			checkIndex(t, fs)
		}
		snap := fs.Snapshot()
		fs2 := sim.NewFS(nil)
		if dropped := fs2.Load(snap); len(dropped) != 0 || !slices.Equal(fs2.Snapshot(), snap) {
			t.Fatalf("Snapshot → Load → Snapshot: dropped %q, %v ≠ %v", dropped, fs2.Snapshot(), snap)
		}
	})
}

// assertUsr fails unless a write of p landed at a canonical path strictly below
// http://usr.
func assertUsr(t *testing.T, op, p, got string) {
	t.Helper()
	pp, err := sim.ParsePath(got)
	if err != nil || pp.Root != sim.RootUsr || pp.IsRoot() || pp.Canon() != got {
		t.Fatalf("%s(%q) wrote %q", op, p, got)
	}
}

// checkIndex checks the index through its public views.
func checkIndex(t *testing.T, fs *sim.FS) {
	t.Helper()
	snap := fs.Snapshot()
	isDir := map[string]bool{string(sim.RootUsr): true, string(sim.RootStore): true}
	used := map[sim.Root]int64{}
	for i, e := range snap {
		p, err := sim.ParsePath(e.Path)
		if err != nil || p.Canon() != e.Path || p.IsRoot() || p.Root == sim.RootTmp || e.Size < 0 || e.IsDir && e.Size != 0 {
			t.Fatalf("Snapshot entry %+v", e)
		}
		if i > 0 && strings.HasPrefix(snap[i-1].Path, string(p.Root)+"/") && snap[i-1].Path >= e.Path {
			t.Fatalf("Snapshot not sorted: %q, %q", snap[i-1].Path, e.Path)
		}
		if !isDir[p.Parent().Canon()] {
			t.Fatalf("Snapshot entry %q has no parent directory (before it)", e.Path)
		}
		isDir[e.Path] = e.IsDir
		if !e.IsDir {
			used[p.Root] += e.Size
		}
		st, _, err := fs.Stat(e.Path, false)
		if err != nil || st.IsDir != e.IsDir || st.Size != e.Size {
			t.Fatalf("Stat(%q) = %+v, %v; Snapshot has %+v", e.Path, st, err, e)
		}
	}
	for _, r := range []sim.Root{sim.RootUsr, sim.RootStore} {
		if fs.Used(r) != used[r] {
			t.Fatalf("Used(%s) = %d, files sum to %d", r, fs.Used(r), used[r])
		}
	}
	if fs.Used(sim.RootUsr) > sim.MaxUserDataBytes || fs.Used(sim.RootStore) > sim.MaxSavedBytes {
		t.Fatalf("over quota: usr %d, store %d", fs.Used(sim.RootUsr), fs.Used(sim.RootStore))
	}
	list := fs.SavedList()
	for _, s := range list {
		if !strings.HasPrefix(s.FilePath, string(sim.RootStore)+"/") {
			t.Fatalf("saved file %q outside http://store", s.FilePath)
		}
	}
	for _, r := range roots {
		if names, err := fs.Readdir(string(r)); err != nil || slices.Contains(names, "") {
			t.Fatalf("Readdir(%s) = %q, %v", r, names, err)
		}
	}
}
