package sim

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// This file holds the helpers the fs_*_test.go files share, and the tests of FS as a
// whole; the others follow the split of fs.go.

const mb = 1024 * 1024

// t0 is where tick starts.
const t0 = UnixMS(1700000000_000)

// tick is a clock that advances one second per call, from t0.
func tick() func() UnixMS {
	t := t0
	return func() UnixMS { t += 1000; return t }
}

// result renders an API outcome as the errMsg the user sees ("<api>:ok" on success).
func result(api string, err error) string {
	if err == nil {
		return OK(api)
	}
	r, ok := err.(Reason)
	if !ok {
		return "not a Reason: " + err.Error()
	}
	return Fail{api, r}.ErrMsg()
}

// fixture: http://usr/a.txt (3 B), http://usr/d/b.txt (5 B), http://usr/d/e/ (empty),
// http://tmp/t.jpg (7 B).
func fixture(t *testing.T) *FS {
	t.Helper()
	f := NewFS(tick())
	require.NoError(t, f.Mkdir("http://usr/d/e", true))
	_, err := f.Write(APIWriteFile, "http://usr/a.txt", 3, false)
	require.NoError(t, err)
	_, err = f.Write(APIWriteFile, "http://usr/d/b.txt", 5, false)
	require.NoError(t, err)
	_, err = f.AddTemp(7, "t.jpg")
	require.NoError(t, err)
	return f
}

func TestNewFSRoots(t *testing.T) {
	f := NewFS(tick())
	for _, r := range []string{"http://usr", "http://tmp", "http://store", "wxfile://usr"} {
		assert.NoError(t, f.Access(r))
		names, err := f.Readdir(r)
		assert.NoError(t, err)
		assert.Equal(t, []string{}, names)
	}
	assert.Equal(t, []Entry{}, f.Snapshot())
	assert.NotNil(t, NewFS(nil).now)
}

// Random operations: applying every TakeChanges to a mirror (as IndexedDB is) always
// gives Snapshot, and the directory index (kids) agrees with a scan of every path.
func TestRandomOps(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rnd := rand.New(rand.NewPCG(seed, 0))
		f := NewFS(tick())
		mirror := map[string]Entry{}
		names := []string{"a", "b", "c", "a/x", "a/y", "b/z", "a/x/k", "c/q"}
		pick := func() string { return "http://usr/" + names[rnd.IntN(len(names))] }
		for i := 0; i < 300; i++ {
			switch rnd.IntN(8) {
			case 0:
				_ = f.Mkdir(pick(), rnd.IntN(2) == 0)
			case 1, 2:
				_, _ = f.Write(APIWriteFile, pick(), int64(rnd.IntN(100)), rnd.IntN(3) == 0)
			case 3:
				_, _ = f.Rename(pick(), pick())
			case 4:
				_, _ = f.Rmdir(pick(), rnd.IntN(2) == 0)
			case 5:
				_, _ = f.Unlink(pick())
			case 6:
				_, _ = f.CopyFile(pick(), pick())
			case 7:
				if p, err := f.AddTemp(int64(rnd.IntN(50)), "t.bin"); err == nil && rnd.IntN(2) == 0 {
					_, _ = f.SaveFile(p)
				}
			}
			if rnd.IntN(3) == 0 {
				continue // changes pile up until the next TakeChanges
			}
			for _, c := range f.TakeChanges() {
				if c.Removed {
					delete(mirror, c.Path)
				} else {
					mirror[c.Path] = c.Entry
				}
			}
			var got []Entry
			for _, e := range mirror {
				got = append(got, e)
			}
			slices.SortFunc(got, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
			want := f.Snapshot()
			if len(want) == 0 {
				want = nil
			}
			require.Equal(t, sortedByPath(want), got, "seed %d step %d", seed, i)
			for dir, e := range f.nodes {
				if !e.IsDir {
					continue
				}
				var scan []string
				for k := range f.nodes {
					if rest, ok := strings.CutPrefix(k, dir+"/"); ok && !strings.Contains(rest, "/") {
						scan = append(scan, rest)
					}
				}
				slices.Sort(scan)
				p, _ := ParsePath(dir)
				require.Equal(t, scan, f.children(p), "seed %d step %d: %s", seed, i, dir)
			}
		}
	}
}

func sortedByPath(es []Entry) []Entry {
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return es
}

// UnixMS.Unix rounds down as time.Time.Unix does, negative times included.
func TestUnixMSUnix(t *testing.T) {
	for _, ms := range []int64{0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, -1500, 1700000000_123, math.MaxInt64, math.MinInt64} {
		assert.Equal(t, time.UnixMilli(ms).Unix(), UnixMS(ms).Unix(), ms)
	}
}
