package sim

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spec §7.4: usr and store persist (Snapshot → IndexedDB → Load); temp files do not.
func TestSnapshotLoadRoundTrip(t *testing.T) {
	f := fixture(t)
	require.NoError(t, f.Mkdir("http://usr/empty", false))
	_, err := f.SaveFile("http://tmp/t.jpg")
	require.NoError(t, err)
	_, err = f.AddTemp(9, "gone.bin")
	require.NoError(t, err)
	snap := f.Snapshot()
	var paths []string
	for _, e := range snap {
		paths = append(paths, e.Path)
	}
	assert.Equal(t, []string{"http://usr/a.txt", "http://usr/d", "http://usr/d/b.txt", "http://usr/d/e", "http://usr/empty", "http://store/wxsim_1.jpg"}, paths)

	g := NewFS(tick())
	_, _ = g.AddTemp(2, "live.tmp")
	_, _ = g.Write(APIWriteFile, "http://usr/old", 100, false)
	assert.Equal(t, []string{}, g.Load(snap))
	assert.Equal(t, snap, g.Snapshot())
	assert.Equal(t, f.Used(RootUsr), g.Used(RootUsr))
	assert.Equal(t, f.Used(RootStore), g.Used(RootStore))
	assert.Equal(t, f.SavedList(), g.SavedList())
	assert.Error(t, g.Access("http://usr/old"), "Load replaces usr")
	assert.NoError(t, g.Access("http://tmp/live.tmp"), "Load keeps temp files")
	h1, _, _ := f.Stat("http://usr", true)
	h2, _, _ := g.Stat("http://usr", true)
	assert.Equal(t, h1.IsDir, h2.IsDir)
	_, l1, _ := f.Stat("http://usr/d", true)
	_, l2, _ := g.Stat("http://usr/d", true)
	assert.Equal(t, l1, l2)

	// the next saved name does not collide with a loaded one
	p, _ := g.AddTemp(1, "n.jpg")
	m, err := g.SaveFile(p)
	require.NoError(t, err)
	assert.Equal(t, "http://store/wxsim_2.jpg", m.To)
}

func TestLoadLenient(t *testing.T) {
	ct := t0 + 3600_000 // an hour later
	f := NewFS(tick())
	dropped := f.Load([]Entry{
		{Path: "http://usr/x/y/z.txt", Size: 4, CreateTime: ct, ModTime: ct}, // parents created
		{Path: "wxfile://usr/w.txt", Size: 1},                                // alias canonicalised
		{Path: "http://usr/f", Size: 1},
		{Path: "http://usr/f/under", Size: 1},          // below a file: dropped
		{Path: "http://usr/f", Size: 2},                // duplicate: the first wins, not reported (live)
		{Path: "http://usr/../etc", Size: 1},           // escapes: dropped
		{Path: "http://tmp/t", Size: 1},                // temp: dropped
		{Path: "http://usr/neg", Size: -1},             // negative: dropped
		{Path: "nonsense", Size: 1},                    // dropped
		{Path: "http://usr", IsDir: true},              // root: ignored
		{Path: "http://usr/dd", IsDir: true, Size: 99}, // a directory has no size
	})
	assert.Equal(t, []string{"http://tmp/t", "http://usr/../etc", "http://usr/f/under", "http://usr/neg", "nonsense"}, dropped)
	var paths []string
	for _, e := range f.Snapshot() {
		paths = append(paths, e.Path)
	}
	assert.Equal(t, []string{"http://usr/dd", "http://usr/f", "http://usr/w.txt", "http://usr/x", "http://usr/x/y", "http://usr/x/y/z.txt"}, paths)
	assert.Equal(t, int64(6), f.Used(RootUsr))
	_, size, _ := f.Read(APIReadFile, "http://usr/f")
	assert.Equal(t, int64(1), size)
	st, _, _ := f.Stat("http://usr/x/y", false)
	assert.Equal(t, ct.Unix(), st.LastModifiedTime, "implicit parents take the child's creation time")
	assert.Error(t, f.Access("http://tmp/t"))
}

// renderChanges is TakeChanges as text: "+path size c<ctime> m<mtime>" (times in seconds
// after t0; "dir" for a directory) or "-path".
func renderChanges(cs []Change) []string {
	out := []string{}
	for _, c := range cs {
		switch {
		case c.Removed:
			out = append(out, "-"+c.Path)
		case c.IsDir:
			out = append(out, fmt.Sprintf("+%s dir c%d", c.Path, c.CreateTime.Unix()-t0.Unix()))
		default:
			out = append(out, fmt.Sprintf("+%s %d c%d m%d", c.Path, c.Size, c.CreateTime.Unix()-t0.Unix(), c.ModTime.Unix()-t0.Unix()))
		}
	}
	return out
}

// spec §7.4 golden table: TakeChanges lists each persistent path an operation touched,
// once, as its entry now or removed; temp files, failures and reads change nothing.
func TestTakeChanges(t *testing.T) {
	f := NewFS(tick()) // the roots take t0+1s
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	temp := func(name string, size int64) string {
		p, err := f.AddTemp(size, name)
		must(err)
		return p
	}
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"a new index", func() {}, []string{}},
		{"mkdir -p", func() { must(f.Mkdir("http://usr/a/b", true)) }, []string{
			"+http://usr/a dir c2", "+http://usr/a/b dir c2"}},
		{"a path written twice appears once, as it is now", func() {
			_, err := f.Write(APIWriteFile, "http://usr/a/x.txt", 3, false)
			must(err)
			_, err = f.Write(APIAppendFile, "http://usr/a/x.txt", 2, true)
			must(err)
		}, []string{"+http://usr/a/x.txt 5 c3 m4"}},
		{"temp files, failures and reads change nothing", func() {
			temp("t.jpg", 7)
			_, err := f.Write(APIWriteFile, "http://tmp/no.txt", 1, false)
			require.Error(t, err)
			require.Error(t, f.Mkdir("http://usr/a", false))
			_, err = f.Rmdir("http://usr/a", false)
			require.Error(t, err)
			_, err = f.Readdir("http://usr/a")
			must(err)
			_, _, err = f.Stat("http://usr", true)
			must(err)
			_ = f.SavedList()
		}, []string{}},
		{"rename of a directory: the old paths go, the new ones come", func() {
			_, err := f.Rename("http://usr/a", "http://usr/c")
			must(err)
		}, []string{"-http://usr/a", "-http://usr/a/b", "-http://usr/a/x.txt",
			"+http://usr/c dir c2", "+http://usr/c/b dir c2", "+http://usr/c/x.txt 5 c3 m4"}},
		{"rename of a file onto a file", func() {
			_, err := f.Write(APIWriteFile, "http://usr/r.txt", 1, false)
			must(err)
			_, err = f.Rename("http://usr/c/x.txt", "http://usr/r.txt")
			must(err)
		}, []string{"-http://usr/c/x.txt", "+http://usr/r.txt 5 c3 m4"}},
		{"written then unlinked: removed", func() {
			_, err := f.Write(APIWriteFile, "http://usr/n.txt", 9, false)
			must(err)
			_, err = f.Unlink("http://usr/n.txt")
			must(err)
		}, []string{"-http://usr/n.txt"}},
		{"saveFile: the saved file (the temp file is not stored)", func() {
			_, err := f.SaveFile("http://tmp/t.jpg")
			must(err)
		}, []string{"+http://store/wxsim_1.jpg 7 c8 m8"}},
		{"copyFile from a temp file, and a download to filePath", func() {
			_, err := f.CopyFile(temp("u.bin", 4), "http://usr/c/u.bin")
			must(err)
			_, err = f.Write(APIDownloadFile, "http://usr/dl.bin", 6, false)
			must(err)
		}, []string{"+http://usr/c/u.bin 4 c10 m10", "+http://usr/dl.bin 6 c11 m11"}},
		{"rmdir -r", func() {
			_, err := f.Rmdir("http://usr/c", true)
			must(err)
		}, []string{"-http://usr/c", "-http://usr/c/b", "-http://usr/c/u.bin"}},
		{"removeSavedFile and relaunch", func() {
			_, err := f.RemoveSaved("http://store/wxsim_1.jpg")
			must(err)
			f.ClearTemp()
		}, []string{"-http://store/wxsim_1.jpg"}},
		{"load forgets what was pending; reports the parents it made and what it dropped", func() {
			_, err := f.Write(APIWriteFile, "http://usr/pending.txt", 1, false)
			must(err)
			f.Load([]Entry{
				{Path: "http://usr/p/q.txt", Size: 2, CreateTime: t0, ModTime: t0},
				{Path: "http://usr/kept.txt", Size: 3, CreateTime: t0, ModTime: t0},
				{Path: "http://tmp/t", Size: 1},
				{Path: "nonsense"},
			})
		}, []string{"-http://tmp/t", "+http://usr/p dir c0", "-nonsense"}},
		{"nothing since", func() {}, []string{}},
	}
	for _, s := range steps {
		s.do()
		assert.Equal(t, s.want, renderChanges(f.TakeChanges()), s.name)
	}
	assert.Equal(t, []string{"http://usr/kept.txt", "http://usr/p", "http://usr/p/q.txt"}, paths(f.Snapshot()))
}

func paths(es []Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Path)
	}
	return out
}

// storeOf returns n 1 KiB files in http://usr/s as Load takes them.
func storeOf(n int) []Entry {
	es := []Entry{{Path: "http://usr/s", IsDir: true, CreateTime: t0, ModTime: t0}}
	for i := 0; i < n; i++ {
		es = append(es, Entry{Path: "http://usr/s/f" + strconv.Itoa(i) + ".bin", Size: 1024, CreateTime: t0, ModTime: t0})
	}
	return es
}

// Loading 1,000 stored files (wxsim.start() after a reload).
func BenchmarkLoad1000(b *testing.B) {
	es := storeOf(1000)
	for b.Loop() {
		f := NewFS(nil)
		f.Load(es)
		f.TakeChanges()
	}
}

// One 1 KiB write and its TakeChanges among 10 or 1,000 stored files: the same cost.
func BenchmarkWriteAmong(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			f := NewFS(nil)
			f.Load(storeOf(n))
			for b.Loop() {
				if _, err := f.Write(APIWriteFile, "http://usr/s/new.bin", 1024, false); err != nil {
					b.Fatal(err)
				}
				f.TakeChanges()
			}
		})
	}
}
