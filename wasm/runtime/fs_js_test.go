//go:build js && wasm

package runtime

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func keys(o js.Value) []string {
	ks := js.Global().Get("Object").Call("keys", o)
	out := make([]string, ks.Length())
	for i := range out {
		out[i] = ks.Index(i).String()
	}
	return out
}

// The table makes the manager's methods, then their …Sync twins, and the wx.* file
// APIs; every row has an asynchronous form and a run.
func TestFileSurface(t *testing.T) {
	rt, err := Install(js.Global(), nil)
	require.NoError(t, err)
	defer rt.Stop()
	assert.Equal(t, []string{"readFile", "writeFile", "appendFile", "access", "stat", "unlink", "mkdir",
		"readdir", "rmdir", "copyFile", "rename", "saveFile", "removeSavedFile", "getSavedFileList", "getFileInfo",
		"writeFileSync", "appendFileSync", "accessSync", "statSync", "unlinkSync", "mkdirSync", "readdirSync",
		"rmdirSync", "copyFileSync", "renameSync", "saveFileSync"},
		keys(js.Global().Get("wx").Call("getFileSystemManager")))
	var wxFiles []string
	for _, k := range keys(js.Global().Get("wx")) {
		for _, op := range fileOps {
			if op.name == k {
				wxFiles = append(wxFiles, k)
			}
		}
	}
	assert.Equal(t, []string{"saveFile", "removeSavedFile", "getSavedFileList", "getSavedFileInfo", "getFileInfo"}, wxFiles)
	for _, op := range fileOps {
		assert.NotZero(t, op.on, op.name)
		assert.NotNil(t, op.run, op.name)
		if op.sync != "" {
			assert.Equal(t, op.name+"Sync", op.sync)
		}
	}
}

// A …Sync call of an API number without a twin throws instead of answering nothing.
func TestSyncWithoutTwin(t *testing.T) {
	rt, err := Install(js.Global(), nil)
	require.NoError(t, err)
	defer rt.Stop()
	target := js.Global().Get("Object").New()
	rt.g.DefineSyncAPI(target, "readFileSync", apiFileBase) // readFile: no twin
	rt.g.DefineSyncAPI(target, "bogusSync", apiFileBase+10000)
	for _, name := range []string{"readFileSync", "bogusSync"} {
		thrown := js.Global().Get("Function").New("f", "try { f(); return 'no throw'; } catch (e) { return e.message; }").
			Invoke(target.Get(name))
		assert.Equal(t, "internal error: unknown sync api", thrown.String(), name)
	}
}
