package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const mb = 1024 * 1024

// tick is a clock that advances one second per call, from t0.
var t0 = time.Unix(1700000000, 0)

func tick() func() time.Time {
	t := t0
	return func() time.Time { t = t.Add(time.Second); return t }
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

// spec §7.1: DevTools forms, device aliases, cleaning, no escape.
func TestParsePath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"http://usr", "http://usr"},
		{"http://usr/", "http://usr"},
		{"http://usr/a/b.txt", "http://usr/a/b.txt"},
		{"http://usr//a///b.txt//", "http://usr/a/b.txt"},
		{"http://usr/./a/./b.txt", "http://usr/a/b.txt"},
		{"http://usr/a/../b.txt", "http://usr/b.txt"},
		{"http://usr/a/b/../../c", "http://usr/c"},
		{"http://usr/a/..", "http://usr"},
		{"http://tmp/x.jpg", "http://tmp/x.jpg"},
		{"http://store/s.png", "http://store/s.png"},
		{"wxfile://usr/a.txt", "http://usr/a.txt"},
		{"wxfile://usr", "http://usr"},
		{"wxfile://tmp/x.jpg", "http://tmp/x.jpg"},
		{"wxfile://store/s.png", "http://store/s.png"},
		{"wxfile://tmp_abc.jpg", "http://tmp/tmp_abc.jpg"},
		{"wxfile://store_abc.jpg", "http://store/store_abc.jpg"},
		{"wxfile://abc", "http://tmp/abc"},
		{"wxfile://usrfile.txt", "http://tmp/usrfile.txt"},
		{"http://usr/a b/中.txt", "http://usr/a b/中.txt"},
		{"http://usr/...", "http://usr/..."},
		{"http://usr/a?b#c", "http://usr/a?b#c"},
		// errors: FSNoEnt for what cannot be a path, FSAccess for escapes
		{"", "!" + FSNoEnt},
		{"a.txt", "!" + FSNoEnt},
		{"/usr/a.txt", "!" + FSNoEnt},
		{"usr/a.txt", "!" + FSNoEnt},
		{"http://usrx/a", "!" + FSNoEnt},
		{"http://usr.txt", "!" + FSNoEnt},
		{"http://foo/a", "!" + FSNoEnt},
		{"https://usr/a", "!" + FSNoEnt},
		{"HTTP://usr/a", "!" + FSNoEnt},
		{"http:/usr/a", "!" + FSNoEnt},
		{"http:///usr/a", "!" + FSNoEnt},
		{"wxfile://", "!" + FSNoEnt},
		{"wxfile://..", "!" + FSNoEnt},
		{"wxfile://foo/bar", "!" + FSNoEnt},
		{"http://usr/..", "!" + FSAccess},
		{"http://usr/../tmp/x", "!" + FSAccess},
		{"http://usr/a/../../b", "!" + FSAccess},
		{"http://tmp/..", "!" + FSAccess},
		{"wxfile://usr/../../etc/passwd", "!" + FSAccess},
	} {
		p, err := ParsePath(c.in)
		if c.want[0] == '!' {
			if assert.Error(t, err, c.in) {
				assert.Equal(t, c.want[1:], err.(Reason).Text, c.in)
			}
			continue
		}
		if assert.NoError(t, err, c.in) {
			assert.Equal(t, c.want, p.Canon(), c.in)
		}
	}
}

func TestPathMethods(t *testing.T) {
	p := Path{RootUsr, "a/b/c.txt"}
	assert.Equal(t, "c.txt", p.Name())
	assert.Equal(t, Path{RootUsr, "a/b"}, p.Parent())
	assert.Equal(t, Path{RootUsr, ""}, Path{RootUsr, "a"}.Parent())
	assert.Equal(t, Path{RootUsr, ""}, Path{RootUsr, ""}.Parent())
	assert.Equal(t, "", Path{RootUsr, ""}.Name())
	assert.True(t, Path{RootUsr, ""}.IsRoot())
	assert.Equal(t, "http://usr/x", Path{RootUsr, ""}.Join("x").Canon())
	assert.Equal(t, "http://usr/a/x", Path{RootUsr, "a"}.Join("x").Canon())
	assert.True(t, Path{RootUsr, "a"}.Contains(Path{RootUsr, "a/b"}))
	assert.True(t, Path{RootUsr, ""}.Contains(Path{RootUsr, "a"}))
	assert.False(t, Path{RootUsr, "a"}.Contains(Path{RootUsr, "a"}))
	assert.False(t, Path{RootUsr, "a"}.Contains(Path{RootUsr, "ab"}))
	assert.False(t, Path{RootUsr, "a"}.Contains(Path{RootTmp, "a/b"}))
}

// spec §7.2: "<reason>, <op> <path>", the op per API, WeChat's errnos.
func TestFSError(t *testing.T) {
	for _, c := range []struct {
		api, reason, op, path, want string
		errno                       int
	}{
		{APIReadFile, FSNoEnt, "", "http://usr/a.txt", "readFile:fail no such file or directory, open http://usr/a.txt", 1300002},
		{"readFileSync", FSNoEnt, "", "http://usr/a.txt", "readFileSync:fail no such file or directory, open http://usr/a.txt", 1300002},
		{APIWriteFile, FSAccess, "", "http://tmp/a", "writeFile:fail permission denied, open http://tmp/a", 1300013},
		{APIAppendFile, FSIsDir, "", "http://usr/d", "appendFile:fail illegal operation on a directory, open http://usr/d", 1301003},
		{APIUnlink, FSNotPermitted, "", "http://usr/d", "unlink:fail operation not permitted, unlink http://usr/d", 1300001},
		{APIMkdir, FSExist, "", "http://usr/d", "mkdir:fail file already exists, mkdir http://usr/d", 1301005},
		{APIRmdir, FSNotEmpty, "", "http://usr/d", "rmdir:fail directory not empty, rmdir http://usr/d", 1300066},
		{APIReaddir, FSNotDir, "", "http://usr/a", "readdir:fail not a directory, scandir http://usr/a", 1300020},
		{APIStat, FSNoEnt, "", "http://usr/x", "stat:fail no such file or directory, stat http://usr/x", 1300002},
		{APIAccess, FSNoEnt, "", "http://usr/x", "access:fail no such file or directory, access http://usr/x", 1300002},
		{APIRename, FSNoEnt, "", "a -> b", "rename:fail no such file or directory, rename a -> b", 1300002},
		{APICopyFile, FSInvalid, "", "a -> b", "copyFile:fail invalid argument, copyfile a -> b", 1300022},
		{APIUploadFile, FSNotFound, "", "http://tmp/x", "uploadFile:fail file not found, open http://tmp/x", 1300002},
		{APIReadFile, FSNoEnt, "", "", "readFile:fail no such file or directory, open", 1300002},
		{APIReadFile, "something else", "read", "p", "readFile:fail something else, read p", 1},
		{"unknownApi", FSNoEnt, "", "p", "unknownApi:fail no such file or directory, open p", 1300002},
	} {
		r := FSError(c.api, c.reason, c.op, c.path)
		assert.Equal(t, c.want, Fail{c.api, r}.ErrMsg())
		assert.Equal(t, c.errno, r.Errno, c.want)
	}
	for api, op := range map[string]string{
		APIReadFile: "open", APIWriteFile: "open", APIAppendFile: "open", APIUnlink: "unlink",
		APIMkdir: "mkdir", APIRmdir: "rmdir", APIReaddir: "scandir", APIStat: "stat",
		APIAccess: "access", APIRename: "rename", APICopyFile: "copyfile", "copyFileSync": "copyfile",
		APISaveFile: "open", APIGetFileInfo: "open", APIDownloadFile: "open", "mkdirSync": "mkdir",
	} {
		assert.Equal(t, op, FSOp(api), api)
	}
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

func TestAccess(t *testing.T) {
	f := fixture(t)
	for _, c := range []struct{ path, want string }{
		{"http://usr/a.txt", "access:ok"},
		{"wxfile://usr/a.txt", "access:ok"},
		{"http://usr/d", "access:ok"},
		{"http://usr/d/", "access:ok"},
		{"http://tmp/t.jpg", "access:ok"},
		{"http://usr/x", "access:fail no such file or directory, access http://usr/x"},
		{"http://usr/a.txt/x", "access:fail not a directory, access http://usr/a.txt/x"},
		{"http://usr/nope/x", "access:fail no such file or directory, access http://usr/nope/x"},
		{"http://foo/x", "access:fail no such file or directory, access http://foo/x"},
		{"http://usr/../x", "access:fail permission denied, access http://usr/../x"},
		{"", "access:fail no such file or directory, access"},
	} {
		assert.Equal(t, c.want, result(APIAccess, f.Access(c.path)), c.path)
	}
}

func TestStat(t *testing.T) {
	f := fixture(t)
	// fixture clock: roots at +1, usr/d and usr/d/e at +2 (Mkdir reads the clock once),
	// a.txt at +3, d/b.txt at +4, t.jpg at +5.
	st, list, err := f.Stat("http://usr/a.txt", false)
	require.NoError(t, err)
	assert.Nil(t, list)
	assert.Equal(t, Stat{Size: 3, Mode: 33188, LastAccessedTime: t0.Unix() + 3, LastModifiedTime: t0.Unix() + 3}, st)

	st, list, err = f.Stat("http://usr/a.txt", true)
	require.NoError(t, err)
	assert.Nil(t, list, "a file stat'ed recursively gives its Stats")
	assert.False(t, st.IsDir)

	st, _, err = f.Stat("http://usr/d", false)
	require.NoError(t, err)
	assert.Equal(t, Stat{IsDir: true, Mode: 16877, LastAccessedTime: t0.Unix() + 2, LastModifiedTime: t0.Unix() + 2}, st)

	_, list, err = f.Stat("http://usr", true)
	require.NoError(t, err)
	var paths []string
	for _, fs := range list {
		paths = append(paths, fs.Path)
	}
	assert.Equal(t, []string{"/", "/a.txt", "/d", "/d/b.txt", "/d/e"}, paths)
	assert.Equal(t, int64(5), list[3].Stat.Size)
	assert.True(t, list[4].Stat.IsDir)

	_, list, err = f.Stat("wxfile://usr/d/", true)
	require.NoError(t, err)
	assert.Len(t, list, 3)
	assert.Equal(t, "/b.txt", list[1].Path)

	_, _, err = f.Stat("http://usr/x", false)
	assert.Equal(t, "stat:fail no such file or directory, stat http://usr/x", result(APIStat, err))
	_, _, err = f.Stat("http://usr/a.txt/b", true)
	assert.Equal(t, "stat:fail not a directory, stat http://usr/a.txt/b", result(APIStat, err))
	st, _, err = f.Stat("http://tmp/t.jpg", false)
	require.NoError(t, err)
	assert.Equal(t, int64(7), st.Size)
}

func TestReaddir(t *testing.T) {
	f := fixture(t)
	for _, c := range []struct {
		path  string
		names []string
		want  string
	}{
		{"http://usr", []string{"a.txt", "d"}, "readdir:ok"},
		{"http://usr/", []string{"a.txt", "d"}, "readdir:ok"},
		{"http://usr/d", []string{"b.txt", "e"}, "readdir:ok"},
		{"http://usr/d/e", []string{}, "readdir:ok"},
		{"http://tmp", []string{"t.jpg"}, "readdir:ok"},
		{"http://store", []string{}, "readdir:ok"},
		{"http://usr/a.txt", nil, "readdir:fail not a directory, scandir http://usr/a.txt"},
		{"http://usr/x", nil, "readdir:fail no such file or directory, scandir http://usr/x"},
		{"http://usr/..", nil, "readdir:fail permission denied, scandir http://usr/.."},
	} {
		names, err := f.Readdir(c.path)
		assert.Equal(t, c.want, result(APIReaddir, err), c.path)
		assert.Equal(t, c.names, names, c.path)
	}
}

func TestMkdir(t *testing.T) {
	for _, c := range []struct {
		path      string
		recursive bool
		want      string
		exists    []string
	}{
		{"http://usr/n", false, "mkdir:ok", []string{"http://usr/n"}},
		{"http://usr/d/n/", false, "mkdir:ok", []string{"http://usr/d/n"}},
		{"wxfile://usr/n", false, "mkdir:ok", []string{"http://usr/n"}},
		{"http://usr/d", false, "mkdir:fail file already exists, mkdir http://usr/d", nil},
		{"http://usr/d", true, "mkdir:ok", nil},
		{"http://usr", false, "mkdir:fail file already exists, mkdir http://usr", nil},
		{"http://usr", true, "mkdir:ok", nil},
		{"http://usr/a.txt", false, "mkdir:fail file already exists, mkdir http://usr/a.txt", nil},
		{"http://usr/a.txt", true, "mkdir:fail file already exists, mkdir http://usr/a.txt", nil},
		{"http://usr/x/y", false, "mkdir:fail no such file or directory, mkdir http://usr/x/y", nil},
		{"http://usr/x/y/z", true, "mkdir:ok", []string{"http://usr/x", "http://usr/x/y", "http://usr/x/y/z"}},
		{"http://usr/a.txt/y", false, "mkdir:fail not a directory, mkdir http://usr/a.txt/y", nil},
		{"http://usr/a.txt/y", true, "mkdir:fail not a directory, mkdir http://usr/a.txt/y", nil},
		{"http://tmp/n", true, "mkdir:fail permission denied, mkdir http://tmp/n", nil},
		{"http://store/n", false, "mkdir:fail permission denied, mkdir http://store/n", nil},
		{"http://usr/../n", true, "mkdir:fail permission denied, mkdir http://usr/../n", nil},
		{"n", true, "mkdir:fail no such file or directory, mkdir n", nil},
	} {
		f := fixture(t)
		before := f.Snapshot()
		assert.Equal(t, c.want, result(APIMkdir, f.Mkdir(c.path, c.recursive)), c.path)
		for _, p := range c.exists {
			st, _, err := f.Stat(p, false)
			if assert.NoError(t, err, p) {
				assert.True(t, st.IsDir, p)
			}
		}
		if c.exists == nil {
			assert.Equal(t, before, f.Snapshot(), "%s: nothing changes", c.path)
		}
	}
}

func TestRmdir(t *testing.T) {
	for _, c := range []struct {
		path      string
		recursive bool
		want      string
		removed   []string
		gone      []string
	}{
		{"http://usr/d", false, "rmdir:fail directory not empty, rmdir http://usr/d", nil, nil},
		{"http://usr/d", true, "rmdir:ok", []string{"http://usr/d/b.txt"}, []string{"http://usr/d", "http://usr/d/b.txt", "http://usr/d/e"}},
		{"http://usr/d/e", false, "rmdir:ok", []string{}, []string{"http://usr/d/e"}},
		{"wxfile://usr/d/e/", false, "rmdir:ok", []string{}, []string{"http://usr/d/e"}},
		{"http://usr/a.txt", true, "rmdir:fail not a directory, rmdir http://usr/a.txt", nil, nil},
		{"http://usr/x", true, "rmdir:fail no such file or directory, rmdir http://usr/x", nil, nil},
		{"http://tmp", true, "rmdir:fail permission denied, rmdir http://tmp", nil, nil},
		{"http://usr", false, "rmdir:fail directory not empty, rmdir http://usr", nil, nil},
		{"http://usr", true, "rmdir:ok", []string{"http://usr/a.txt", "http://usr/d/b.txt"}, []string{"http://usr/a.txt", "http://usr/d"}},
	} {
		f := fixture(t)
		removed, err := f.Rmdir(c.path, c.recursive)
		assert.Equal(t, c.want, result(APIRmdir, err), c.path)
		assert.Equal(t, c.removed, removed, c.path)
		for _, p := range c.gone {
			assert.Error(t, f.Access(p), p)
		}
		assert.NoError(t, f.Access("http://usr"), "the root always exists")
	}
	f := fixture(t)
	_, err := f.Rmdir("http://usr", true)
	require.NoError(t, err)
	assert.Equal(t, int64(0), f.Used(RootUsr))
	assert.Equal(t, []Entry{}, f.Snapshot())
	removed, err := f.Rmdir("http://usr", false)
	assert.NoError(t, err, "an empty root: no-op")
	assert.Equal(t, []string{}, removed)
	assert.NoError(t, f.Access("http://tmp/t.jpg"), "temp files are untouched")
}

func TestUnlink(t *testing.T) {
	for _, c := range []struct{ path, want, canon string }{
		{"http://usr/a.txt", "unlink:ok", "http://usr/a.txt"},
		{"wxfile://usr/d/./b.txt", "unlink:ok", "http://usr/d/b.txt"},
		{"http://usr/d", "unlink:fail operation not permitted, unlink http://usr/d", ""},
		{"http://usr", "unlink:fail operation not permitted, unlink http://usr", ""},
		{"http://usr/x", "unlink:fail no such file or directory, unlink http://usr/x", ""},
		{"http://usr/a.txt/x", "unlink:fail not a directory, unlink http://usr/a.txt/x", ""},
		{"http://tmp/t.jpg", "unlink:fail permission denied, unlink http://tmp/t.jpg", ""},
		{"wxfile://tmp/t.jpg", "unlink:fail permission denied, unlink wxfile://tmp/t.jpg", ""},
	} {
		f := fixture(t)
		used := f.Used(RootUsr)
		canon, err := f.Unlink(c.path)
		assert.Equal(t, c.want, result(APIUnlink, err), c.path)
		assert.Equal(t, c.canon, canon, c.path)
		if err == nil {
			assert.Error(t, f.Access(canon))
			assert.Less(t, f.Used(RootUsr), used)
		} else {
			assert.Equal(t, used, f.Used(RootUsr))
		}
	}
}

func TestWrite(t *testing.T) {
	for _, c := range []struct {
		api, path string
		size      int64
		append    bool
		want      string
		newSize   int64
	}{
		{APIWriteFile, "http://usr/n.txt", 10, false, "writeFile:ok", 10},
		{APIWriteFile, "wxfile://usr/d/n.txt", 10, false, "writeFile:ok", 10},
		{APIWriteFile, "http://usr/a.txt", 10, false, "writeFile:ok", 10},
		{APIWriteFile, "http://usr/a.txt", 0, false, "writeFile:ok", 0},
		{APIAppendFile, "http://usr/a.txt", 10, true, "appendFile:ok", 13},
		{"appendFileSync", "http://usr/a.txt", 0, true, "appendFileSync:ok", 3},
		{APIAppendFile, "http://usr/n.txt", 10, true, "appendFile:fail no such file or directory, open http://usr/n.txt", 0},
		{APIWriteFile, "http://usr/d", 1, false, "writeFile:fail illegal operation on a directory, open http://usr/d", 0},
		{APIWriteFile, "http://usr", 1, false, "writeFile:fail illegal operation on a directory, open http://usr", 0},
		{APIAppendFile, "http://usr/d/", 1, true, "appendFile:fail illegal operation on a directory, open http://usr/d/", 0},
		{APIWriteFile, "http://usr/x/n.txt", 1, false, "writeFile:fail no such file or directory, open http://usr/x/n.txt", 0},
		{APIWriteFile, "http://usr/a.txt/n.txt", 1, false, "writeFile:fail not a directory, open http://usr/a.txt/n.txt", 0},
		{APIWriteFile, "http://tmp/n.txt", 1, false, "writeFile:fail permission denied, open http://tmp/n.txt", 0},
		{APIWriteFile, "http://tmp/t.jpg", 1, false, "writeFile:fail permission denied, open http://tmp/t.jpg", 0},
		{"writeFileSync", "http://store/n", 1, false, "writeFileSync:fail permission denied, open http://store/n", 0},
		{APIDownloadFile, "http://store/n", 1, false, "downloadFile:fail permission denied, open http://store/n", 0},
		{APIDownloadFile, "http://usr/dl.bin", 1, false, "downloadFile:ok", 1},
		{APIWriteFile, "http://usr/../a.txt", 1, false, "writeFile:fail permission denied, open http://usr/../a.txt", 0},
		{APIWriteFile, "http://x/a.txt", 1, false, "writeFile:fail no such file or directory, open http://x/a.txt", 0},
		{APIWriteFile, "http://usr/n.txt", -1, false, "writeFile:fail invalid argument, open http://usr/n.txt", 0},
	} {
		f := fixture(t)
		before := f.Snapshot()
		canon, err := f.Write(c.api, c.path, c.size, c.append)
		assert.Equal(t, c.want, result(c.api, err), c.path)
		if err != nil {
			assert.Equal(t, "", canon)
			assert.Equal(t, before, f.Snapshot(), "%s: nothing changes", c.path)
			continue
		}
		_, size, err := f.Read(APIReadFile, canon)
		require.NoError(t, err)
		assert.Equal(t, c.newSize, size, c.path)
	}
}

func TestWriteTimes(t *testing.T) {
	f := fixture(t)
	st0, _, _ := f.Stat("http://usr/a.txt", false)
	_, err := f.Write(APIWriteFile, "http://usr/a.txt", 1, false)
	require.NoError(t, err)
	snap := f.Snapshot()
	var a Entry
	for _, e := range snap {
		if e.Path == "http://usr/a.txt" {
			a = e
		}
	}
	assert.Equal(t, st0.LastModifiedTime, a.CreateTime.Unix(), "overwrite keeps the creation time")
	assert.Greater(t, a.ModTime.Unix(), a.CreateTime.Unix())
}

// spec §7.3: http://usr holds at most 200 MB; exactly 200 MB is fine.
func TestUserQuota(t *testing.T) {
	const limit = "writeFile:fail the maximum size of the file storage limit is exceeded"
	f := NewFS(tick())
	_, err := f.Write(APIWriteFile, "http://usr/big", 200*mb+1, false)
	assert.Equal(t, limit, result(APIWriteFile, err))
	assert.Equal(t, 1300202, err.(Reason).Errno)
	_, err = f.Write(APIWriteFile, "http://usr/big", 200*mb, false)
	assert.NoError(t, err)
	assert.Equal(t, int64(200*mb), f.Used(RootUsr))
	_, err = f.Write(APIWriteFile, "http://usr/big", 200*mb, false)
	assert.NoError(t, err, "an overwrite counts the delta")
	_, err = f.Write(APIWriteFile, "http://usr/one", 1, false)
	assert.Equal(t, limit, result(APIWriteFile, err))
	_, err = f.Write(APIAppendFile, "http://usr/big", 1, true)
	assert.Equal(t, "appendFile:fail the maximum size of the file storage limit is exceeded", result(APIAppendFile, err))
	_, err = f.Write(APIAppendFile, "http://usr/big", 0, true)
	assert.NoError(t, err)
	_, err = f.Write(APIWriteFile, "http://usr/big", 100*mb, false)
	assert.NoError(t, err, "shrinking frees space")
	_, err = f.Write(APIWriteFile, "http://usr/one", 1, false)
	assert.NoError(t, err)
	assert.Equal(t, int64(100*mb+1), f.Used(RootUsr))

	// copyFile counts the copy; temp files do not count.
	g := NewFS(tick())
	_, err = g.AddTemp(150*mb, "t.bin")
	require.NoError(t, err)
	assert.Equal(t, int64(0), g.Used(RootUsr))
	_, err = g.Write(APIWriteFile, "http://usr/a", 50*mb, false)
	require.NoError(t, err)
	_, err = g.CopyFile("http://tmp/t.bin", "http://usr/b")
	assert.NoError(t, err, "exactly 200 MB")
	_, err = g.CopyFile("http://usr/a", "http://usr/c")
	assert.Equal(t, "copyFile:fail the maximum size of the file storage limit is exceeded", result(APICopyFile, err))
	_, err = g.CopyFile("http://usr/a", "http://usr/b")
	assert.NoError(t, err, "an overwriting copy counts the delta")
	assert.Equal(t, int64(100*mb), g.Used(RootUsr))
}

func TestRead(t *testing.T) {
	f := fixture(t)
	_, err := f.SaveFile("http://tmp/t.jpg")
	require.NoError(t, err)
	_, err = f.AddTemp(4, "u.png")
	require.NoError(t, err)
	for _, c := range []struct {
		api, path, want, canon string
		size                   int64
	}{
		{APIReadFile, "http://usr/a.txt", "readFile:ok", "http://usr/a.txt", 3},
		{APIReadFile, "wxfile://usr/d/b.txt", "readFile:ok", "http://usr/d/b.txt", 5},
		{APIReadFile, "http://tmp/u.png", "readFile:ok", "http://tmp/u.png", 4},
		{APIReadFile, "http://store/wxsim_1.jpg", "readFile:ok", "http://store/wxsim_1.jpg", 7},
		{APIUploadFile, "wxfile://u.png", "uploadFile:ok", "http://tmp/u.png", 4},
		{APIReadFile, "http://usr/d", "readFile:fail illegal operation on a directory, open http://usr/d", "", 0},
		{APIReadFile, "http://usr/x", "readFile:fail no such file or directory, open http://usr/x", "", 0},
		{"readFileSync", "http://usr/a.txt/x", "readFileSync:fail not a directory, open http://usr/a.txt/x", "", 0},
		{APIReadFile, "http://usr/..", "readFile:fail permission denied, open http://usr/..", "", 0},
		{APIReadFile, "", "readFile:fail no such file or directory, open", "", 0},
		{APIUploadFile, "http://tmp/nope.jpg", "uploadFile:fail file not found, open http://tmp/nope.jpg", "", 0},
		{APIUploadFile, "nope.jpg", "uploadFile:fail file not found, open nope.jpg", "", 0},
		{APIUploadFile, "http://usr/d", "uploadFile:fail illegal operation on a directory, open http://usr/d", "", 0},
	} {
		canon, size, err := f.Read(c.api, c.path)
		assert.Equal(t, c.want, result(c.api, err), c.path)
		assert.Equal(t, c.canon, canon, c.path)
		assert.Equal(t, c.size, size, c.path)
	}
}

func TestReadRange(t *testing.T) {
	zero := 0.0
	nan, inf := zero/zero, 1/zero
	for _, c := range []struct {
		size           int64
		pos, length    float64
		hasPos, hasLen bool
		start, end     int64
		want           string
	}{
		{10, 0, 0, false, false, 0, 10, ""},
		{10, 3, 0, true, false, 3, 10, ""},
		{10, 9, 0, true, false, 9, 10, ""},
		{10, 10, 0, true, false, 0, 0, "position"},
		{10, -1, 0, true, false, 0, 0, "position"},
		{10, 2.7, 0, true, false, 2, 10, ""},
		{10, 9.5, 0, true, false, 9, 10, ""},
		{10, nan, 0, true, false, 0, 0, "position"},
		{10, inf, 0, true, false, 0, 0, "position"},
		{0, 0, 0, true, false, 0, 0, ""},
		{0, 0.5, 0, true, false, 0, 0, ""},
		{0, 1, 0, true, false, 0, 0, "position"},
		{10, 0, 10, false, true, 0, 10, ""},
		{10, 0, 1, false, true, 0, 1, ""},
		{10, 0, 0, false, true, 0, 0, "length"},
		{10, 0, 0.5, false, true, 0, 0, "length"},
		{10, 0, 11, false, true, 0, 0, "length"},
		{10, 0, 10.9, false, true, 0, 10, ""},
		{10, 4, 6, true, true, 4, 10, ""},
		{10, 4, 7, true, true, 0, 0, "length"},
		{10, 4, nan, true, true, 0, 0, "length"},
		{0, 0, 1, false, true, 0, 0, "length"},
	} {
		start, end, err := ReadRange(c.size, c.pos, c.length, c.hasPos, c.hasLen)
		switch c.want {
		case "":
			if assert.NoError(t, err, "%+v", c) {
				assert.Equal(t, [2]int64{c.start, c.end}, [2]int64{start, end}, "%+v", c)
			}
		case "position":
			assert.Equal(t, `readFile:fail the value of "position" is out of range`, result(APIReadFile, err), "%+v", c)
		case "length":
			assert.Equal(t, `readFile:fail the value of "length" is out of range`, result(APIReadFile, err), "%+v", c)
		}
	}
}

func TestRename(t *testing.T) {
	for _, c := range []struct {
		src, dst string
		want     string
		moves    []Move
		exists   []string
		gone     []string
	}{
		{"http://usr/a.txt", "http://usr/b.txt", "rename:ok",
			[]Move{{"http://usr/a.txt", "http://usr/b.txt"}}, []string{"http://usr/b.txt"}, []string{"http://usr/a.txt"}},
		{"wxfile://usr/a.txt", "http://usr/d/e/a.txt", "rename:ok",
			[]Move{{"http://usr/a.txt", "http://usr/d/e/a.txt"}}, []string{"http://usr/d/e/a.txt"}, []string{"http://usr/a.txt"}},
		{"http://usr/a.txt", "http://usr/d/b.txt", "rename:ok",
			[]Move{{"http://usr/a.txt", "http://usr/d/b.txt"}}, nil, []string{"http://usr/a.txt"}},
		{"http://usr/d", "http://usr/d2", "rename:ok",
			[]Move{{"http://usr/d/b.txt", "http://usr/d2/b.txt"}}, []string{"http://usr/d2", "http://usr/d2/e", "http://usr/d2/b.txt"}, []string{"http://usr/d"}},
		{"http://usr/d", "http://usr/z/d", "rename:fail no such file or directory, rename http://usr/d -> http://usr/z/d", nil, nil, nil},
		{"http://usr/a.txt", "http://usr/a.txt", "rename:ok", []Move{}, []string{"http://usr/a.txt"}, nil},
		{"http://usr/d/e", "http://usr/e", "rename:ok", []Move{}, []string{"http://usr/e"}, []string{"http://usr/d/e"}},
		{"http://usr/x", "http://usr/y", "rename:fail no such file or directory, rename http://usr/x -> http://usr/y", nil, nil, nil},
		{"http://usr/a.txt", "http://usr/x/y", "rename:fail no such file or directory, rename http://usr/a.txt -> http://usr/x/y", nil, nil, nil},
		{"http://usr/a.txt", "http://usr/a.txt/y", "rename:fail not a directory, rename http://usr/a.txt -> http://usr/a.txt/y", nil, nil, nil},
		{"http://usr/a.txt", "http://usr/d", "rename:fail illegal operation on a directory, rename http://usr/a.txt -> http://usr/d", nil, nil, nil},
		{"http://usr/d", "http://usr/a.txt", "rename:fail not a directory, rename http://usr/d -> http://usr/a.txt", nil, nil, nil},
		{"http://usr/d/e", "http://usr/d", "rename:fail directory not empty, rename http://usr/d/e -> http://usr/d", nil, nil, nil},
		{"http://usr/d", "http://usr/d/e/f", "rename:fail invalid argument, rename http://usr/d -> http://usr/d/e/f", nil, nil, nil},
		{"http://tmp/t.jpg", "http://usr/t.jpg", "rename:fail permission denied, rename http://tmp/t.jpg -> http://usr/t.jpg", nil, nil, nil},
		{"http://usr/a.txt", "http://store/a.txt", "rename:fail permission denied, rename http://usr/a.txt -> http://store/a.txt", nil, nil, nil},
		{"http://usr", "http://usr/x", "rename:fail permission denied, rename http://usr -> http://usr/x", nil, nil, nil},
		{"http://usr/a.txt", "http://usr/", "rename:fail permission denied, rename http://usr/a.txt -> http://usr/", nil, nil, nil},
		{"http://usr/a.txt", "http://usr/../a", "rename:fail permission denied, rename http://usr/a.txt -> http://usr/../a", nil, nil, nil},
		{"nope", "http://usr/a", "rename:fail no such file or directory, rename nope -> http://usr/a", nil, nil, nil},
	} {
		f := fixture(t)
		used := f.Used(RootUsr)
		before := f.Snapshot()
		moves, err := f.Rename(c.src, c.dst)
		assert.Equal(t, c.want, result(APIRename, err), c.src)
		assert.Equal(t, c.moves, moves, c.src)
		for _, p := range c.exists {
			assert.NoError(t, f.Access(p), p)
		}
		for _, p := range c.gone {
			assert.Error(t, f.Access(p), p)
		}
		if err != nil {
			assert.Equal(t, before, f.Snapshot())
		}
		if c.dst != "http://usr/d/b.txt" {
			assert.Equal(t, used, f.Used(RootUsr), c.src)
		}
	}
	// a file replacing another frees the replaced bytes
	f := fixture(t)
	_, err := f.Rename("http://usr/a.txt", "http://usr/d/b.txt")
	require.NoError(t, err)
	assert.Equal(t, int64(3), f.Used(RootUsr))
	_, size, _ := f.Read(APIReadFile, "http://usr/d/b.txt")
	assert.Equal(t, int64(3), size)
	// a directory onto an empty directory replaces it
	require.NoError(t, f.Mkdir("http://usr/empty", false))
	moves, err := f.Rename("http://usr/d", "http://usr/empty")
	require.NoError(t, err)
	assert.Equal(t, []Move{{"http://usr/d/b.txt", "http://usr/empty/b.txt"}}, moves)
	names, _ := f.Readdir("http://usr/empty")
	assert.Equal(t, []string{"b.txt", "e"}, names)
}

func TestCopyFile(t *testing.T) {
	for _, c := range []struct {
		src, dst, want string
		move           Move
	}{
		{"http://tmp/t.jpg", "http://usr/t.jpg", "copyFile:ok", Move{"http://tmp/t.jpg", "http://usr/t.jpg"}},
		{"wxfile://t.jpg", "wxfile://usr/d/t.jpg", "copyFile:ok", Move{"http://tmp/t.jpg", "http://usr/d/t.jpg"}},
		{"http://usr/a.txt", "http://usr/d/b.txt", "copyFile:ok", Move{"http://usr/a.txt", "http://usr/d/b.txt"}},
		{"http://usr/a.txt", "http://usr/a.txt", "copyFile:ok", Move{"http://usr/a.txt", "http://usr/a.txt"}},
		{"http://usr/a.txt", "http://tmp/a.txt", "copyFile:fail permission denied, copyfile http://usr/a.txt -> http://tmp/a.txt", Move{}},
		{"http://usr/d", "http://usr/d2", "copyFile:fail illegal operation on a directory, copyfile http://usr/d -> http://usr/d2", Move{}},
		{"http://usr/a.txt", "http://usr/d", "copyFile:fail illegal operation on a directory, copyfile http://usr/a.txt -> http://usr/d", Move{}},
		{"http://usr/x", "http://usr/y", "copyFile:fail no such file or directory, copyfile http://usr/x -> http://usr/y", Move{}},
		{"http://usr/a.txt", "http://usr/x/y", "copyFile:fail no such file or directory, copyfile http://usr/a.txt -> http://usr/x/y", Move{}},
		{"http://usr/a.txt", "http://usr/a.txt/y", "copyFile:fail not a directory, copyfile http://usr/a.txt -> http://usr/a.txt/y", Move{}},
		{"http://usr/../a", "http://usr/y", "copyFile:fail permission denied, copyfile http://usr/../a -> http://usr/y", Move{}},
		{"http://nope/a", "http://usr/y", "copyFile:fail no such file or directory, copyfile http://nope/a -> http://usr/y", Move{}},
	} {
		f := fixture(t)
		before := f.Snapshot()
		move, err := f.CopyFile(c.src, c.dst)
		assert.Equal(t, c.want, result(APICopyFile, err), c.src)
		assert.Equal(t, c.move, move, c.src)
		if err != nil {
			assert.Equal(t, before, f.Snapshot())
			continue
		}
		_, s1, err1 := f.Read(APIReadFile, move.From)
		_, s2, err2 := f.Read(APIReadFile, move.To)
		require.NoError(t, err1)
		require.NoError(t, err2)
		assert.Equal(t, s1, s2)
	}
}

// spec §5.2, §7.4: downloads register temp files; a relaunch clears them.
func TestTempFiles(t *testing.T) {
	f := NewFS(tick())
	p1 := f.NewTempPath("/img/a.PNG", "image/jpeg")
	assert.Equal(t, "http://tmp/wxsim_1.png", p1)
	c, err := f.AddTemp(10, p1)
	require.NoError(t, err)
	assert.Equal(t, p1, c)
	_, err = f.AddTemp(1, "wxsim_3.json")
	require.NoError(t, err)
	assert.Equal(t, "http://tmp/wxsim_2", f.NewTempPath("/x", ""))
	_, err = f.AddTemp(1, "http://tmp/wxsim_2")
	require.NoError(t, err)
	assert.Equal(t, "http://tmp/wxsim_4.json", f.NewTempPath("/api", "application/json; charset=utf-8"), "wxsim_3.json is taken")
	c, err = f.AddTemp(5, "wxfile://tmp_dev.jpg")
	require.NoError(t, err)
	assert.Equal(t, "http://tmp/tmp_dev.jpg", c)
	c, err = f.AddTemp(20, "wxsim_1.png")
	require.NoError(t, err, "replacing a temp file")
	assert.Equal(t, p1, c)
	_, size, _ := f.Read(APIReadFile, p1)
	assert.Equal(t, int64(20), size)
	assert.Equal(t, int64(0), f.Used(RootUsr))
	assert.Equal(t, int64(27), f.Used(RootTmp))

	for _, bad := range []string{"", "http://usr/a", "a/b", "http://tmp", "http://tmp/a/b", ".", ".."} {
		_, err := f.AddTemp(1, bad)
		assert.Error(t, err, bad)
	}
	_, err = f.AddTemp(-1, "neg")
	assert.Equal(t, "downloadFile:fail invalid argument, open neg", result(APIDownloadFile, err))

	_, err = f.Write(APIWriteFile, "http://usr/keep", 1, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"http://tmp/tmp_dev.jpg", "http://tmp/wxsim_1.png", "http://tmp/wxsim_2", "http://tmp/wxsim_3.json"}, f.ClearTemp())
	assert.Equal(t, []string{}, f.ClearTemp())
	names, _ := f.Readdir("http://tmp")
	assert.Equal(t, []string{}, names)
	assert.NoError(t, f.Access("http://usr/keep"))
	assert.Equal(t, int64(0), f.Used(RootTmp))
}

// spec §7.3: saveFile moves a temp file into the store; 10 MB in all.
func TestSaveFile(t *testing.T) {
	f := fixture(t)
	m, err := f.SaveFile("http://tmp/t.jpg")
	require.NoError(t, err)
	assert.Equal(t, Move{"http://tmp/t.jpg", "http://store/wxsim_1.jpg"}, m)
	assert.Error(t, f.Access("http://tmp/t.jpg"), "the temp file is moved")
	assert.Equal(t, int64(7), f.Used(RootStore))
	assert.Equal(t, int64(0), f.Used(RootTmp))

	for _, c := range []struct{ path, want string }{
		{"http://tmp/t.jpg", "saveFile:fail tempFilePath file not exist"},
		{"http://tmp", "saveFile:fail tempFilePath file not exist"},
		{"bogus", "saveFile:fail tempFilePath file not exist"},
		{"http://usr/a.txt", "saveFile:fail permission denied, open http://usr/a.txt"},
		{"http://store/wxsim_1.jpg", "saveFile:fail permission denied, open http://store/wxsim_1.jpg"},
	} {
		_, err := f.SaveFile(c.path)
		assert.Equal(t, c.want, result(APISaveFile, err), c.path)
	}
	assert.Equal(t, 1301112, ErrTempFileNotExist.Errno)

	// quota edge: exactly 10 MB of saved files is fine, one byte more fails
	g := NewFS(tick())
	a, _ := g.AddTemp(10*mb-1, "a.bin")
	b, _ := g.AddTemp(2, "b")
	c, _ := g.AddTemp(1, "c.TXT")
	_, err = g.SaveFile(a)
	require.NoError(t, err)
	_, err = g.SaveFile(b)
	assert.Equal(t, "saveFile:fail the maximum size of the file storage limit is exceeded", result(APISaveFile, err))
	assert.NoError(t, g.Access(b), "a refused save leaves the temp file")
	m, err = g.SaveFile(c)
	require.NoError(t, err)
	assert.Equal(t, "http://store/wxsim_2.txt", m.To)
	assert.Equal(t, int64(10*mb), g.Used(RootStore))
	_, err = g.RemoveSaved(m.To)
	require.NoError(t, err)
	_, err = g.SaveFile(b)
	assert.Error(t, err, "10 MB - 1 + 2 is over")
	d, _ := g.AddTemp(1, "d")
	_, err = g.SaveFile(d)
	assert.NoError(t, err)
}

func TestSavedFiles(t *testing.T) {
	f := NewFS(tick())
	var saved []string
	for _, n := range []string{"z.png", "a.png", "m"} {
		p, _ := f.AddTemp(int64(len(n)), n)
		m, err := f.SaveFile(p)
		require.NoError(t, err)
		saved = append(saved, m.To)
	}
	assert.Equal(t, []string{"http://store/wxsim_1.png", "http://store/wxsim_2.png", "http://store/wxsim_3"}, saved)
	list := f.SavedList()
	require.Len(t, list, 3)
	assert.Equal(t, SavedFile{"http://store/wxsim_1.png", 5, t0.Unix() + 3}, list[0])
	assert.Equal(t, saved[2], list[2].FilePath)

	info, err := f.SavedInfo("wxfile://store/wxsim_2.png")
	require.NoError(t, err)
	assert.Equal(t, SavedFile{"http://store/wxsim_2.png", 5, list[1].CreateTime}, info)

	_, err = f.Write(APIWriteFile, "http://usr/u", 1, false)
	require.NoError(t, err)
	for _, p := range []string{"http://store/nope", "http://usr/u", "http://store", "", "http://tmp/x"} {
		_, err := f.SavedInfo(p)
		assert.Equal(t, "getSavedFileInfo:fail file not exist", result(APIGetSavedFileInfo, err), p)
		_, err = f.RemoveSaved(p)
		assert.Equal(t, "removeSavedFile:fail file not exist", result(APIRemoveSavedFile, err), p)
	}
	c, err := f.RemoveSaved("http://store/wxsim_2.png")
	require.NoError(t, err)
	assert.Equal(t, "http://store/wxsim_2.png", c)
	assert.Len(t, f.SavedList(), 2)
	assert.Equal(t, int64(6), f.Used(RootStore))
	_, err = f.RemoveSaved("http://store/wxsim_2.png")
	assert.Equal(t, ErrFileNotExist, err)

	// SavedList orders by creation time, not by name; ties by path
	g := NewFS(tick())
	g.Load([]Entry{
		{Path: "http://store/a", Size: 1, CreateTime: t0.Add(3 * time.Second)},
		{Path: "http://store/b", Size: 2, CreateTime: t0.Add(1 * time.Second)},
		{Path: "http://store/d", Size: 3, CreateTime: t0.Add(2 * time.Second)},
		{Path: "http://store/c", Size: 4, CreateTime: t0.Add(2 * time.Second)},
	})
	var order []string
	for _, s := range g.SavedList() {
		order = append(order, s.FilePath)
	}
	assert.Equal(t, []string{"http://store/b", "http://store/c", "http://store/d", "http://store/a"}, order)
	assert.Equal(t, []SavedFile{}, NewFS(nil).SavedList())
}

func TestFileInfo(t *testing.T) {
	f := fixture(t)
	for _, c := range []struct {
		path, want, canon string
		size              int64
	}{
		{"http://usr/a.txt", "getFileInfo:ok", "http://usr/a.txt", 3},
		{"wxfile://t.jpg", "getFileInfo:ok", "http://tmp/t.jpg", 7},
		{"http://usr/d", "getFileInfo:fail file not exist", "", 0},
		{"http://usr/x", "getFileInfo:fail file not exist", "", 0},
		{"x", "getFileInfo:fail file not exist", "", 0},
	} {
		canon, size, err := f.FileInfo(c.path)
		assert.Equal(t, c.want, result(APIGetFileInfo, err), c.path)
		assert.Equal(t, c.canon, canon)
		assert.Equal(t, c.size, size)
	}
}

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
	ct := t0.Add(time.Hour)
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

// spec §7.2: readFile/writeFile encodings.
func TestParseEncoding(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Encoding
		name string
	}{
		{"", EncNone, ""},
		{"utf8", EncUTF8, "utf8"},
		{"utf-8", EncUTF8, "utf8"},
		{"UTF-8", EncUTF8, "utf8"},
		{"base64", EncBase64, "base64"},
		{"hex", EncHex, "hex"},
		{"binary", EncLatin1, "latin1"},
		{"latin1", EncLatin1, "latin1"},
		{"ascii", EncASCII, "ascii"},
		{"ucs2", EncUTF16LE, "utf16le"},
		{"ucs-2", EncUTF16LE, "utf16le"},
		{"utf16le", EncUTF16LE, "utf16le"},
		{"utf-16le", EncUTF16LE, "utf16le"},
		{"Utf16LE", EncUTF16LE, "utf16le"},
	} {
		e, ok := ParseEncoding(c.in)
		assert.True(t, ok, c.in)
		assert.Equal(t, c.want, e, c.in)
		assert.Equal(t, c.name, e.String(), c.in)
	}
	// node folds ASCII case only: Buffer.isEncoding("latİn1") is false (found by FuzzParseEncoding)
	for _, bad := range []string{"gbk", "utf16", "utf-16", "base64url", "latin-1", " utf8", "utf8 ", "undefined",
		"lat\u0130n1", "B\u0130NARY", "asc\u0130\u0130"} {
		_, ok := ParseEncoding(bad)
		assert.False(t, ok, bad)
	}
	r := ErrBadEncoding("gbk")
	assert.Equal(t, `readFile:fail unknown encoding: "gbk"`, Fail{APIReadFile, r}.ErrMsg())
	assert.Equal(t, 1300022, r.Errno)
	assert.Equal(t, "", Encoding(99).String())
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
