package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
		{Path: "http://store/a", Size: 1, CreateTime: t0 + 3000},
		{Path: "http://store/b", Size: 2, CreateTime: t0 + 1000},
		{Path: "http://store/d", Size: 3, CreateTime: t0 + 2000},
		{Path: "http://store/c", Size: 4, CreateTime: t0 + 2000},
	})
	var order []string
	for _, s := range g.SavedList() {
		order = append(order, s.FilePath)
	}
	assert.Equal(t, []string{"http://store/b", "http://store/c", "http://store/d", "http://store/a"}, order)
	assert.Equal(t, []SavedFile{}, NewFS(nil).SavedList())
}
