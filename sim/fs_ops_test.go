package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
