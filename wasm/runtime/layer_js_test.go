//go:build js && wasm

package runtime_test

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/wasm/runtime"
)

// A page that already has a wx (a simulator's storage, UI and system info) keeps it:
// wxsim adds its APIs, offers canIUse when the page's wx has none, and Stop puts back
// what was there.
func TestLayeredWx(t *testing.T) {
	base := fixture(t)
	host := js.Global().Call("eval", `(() => {
		const store = {};
		const wx = {
			setStorageSync: (k, v) => { store[k] = v; }, getStorageSync: (k) => store[k],
			getSystemInfoSync: () => ({platform: 'devtools', SDKVersion: '3.7.0'}),
			showToast: () => 'toast', request: () => 'host request', env: {HOST: 1},
		};
		globalThis.wx = wx;
		return wx;
	})()`)
	rt, err := runtime.Install(js.Global(), map[string]any{"domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	wx := js.Global().Get("wx")
	assert.True(t, wx.Equal(host), "the page's wx object is kept")
	wx.Call("setStorageSync", "k", "v")
	assert.Equal(t, "v", wx.Call("getStorageSync", "k").String())
	assert.Equal(t, "devtools", wx.Call("getSystemInfoSync").Get("platform").String())
	assert.Equal(t, "request:ok", call(map[string]any{"url": base + "/json"}).Get("errMsg").String(), "wxsim's request")
	assert.Equal(t, "http://usr", wx.Get("env").Get("USER_DATA_PATH").String())
	assert.Equal(t, 1, wx.Get("env").Get("HOST").Int())
	assert.True(t, wx.Call("canIUse", "request.object.enableChunked").Bool())
	assert.True(t, wx.Call("canIUse", "SocketTask.onMessage").Bool())
	assert.False(t, wx.Call("canIUse", "showToast").Bool(), "canIUse answers for what wxsim implements")
	rt.Stop()

	wx = js.Global().Get("wx")
	assert.True(t, wx.Equal(host))
	assert.Equal(t, "host request", wx.Call("request").String(), "Stop puts back what was there")
	assert.Equal(t, "toast", wx.Call("showToast").String())
	assert.True(t, wx.Get("connectSocket").IsUndefined(), "and removes what wxsim added")
	assert.True(t, wx.Get("canIUse").IsUndefined())
	assert.True(t, wx.Get("env").Get("USER_DATA_PATH").IsUndefined())
	js.Global().Delete("wx")
}

// A page's own canIUse stays; layerWx: false replaces the page's wx (and Stop removes it).
func TestLayeredWxOptions(t *testing.T) {
	js.Global().Call("eval", `globalThis.wx = {canIUse: () => 'host canIUse', showToast: () => 1}`)
	rt, err := runtime.Install(js.Global(), nil)
	require.NoError(t, err)
	assert.Equal(t, "host canIUse", js.Global().Get("wx").Call("canIUse", "x").String())
	rt.Stop()
	rt, err = runtime.Install(js.Global(), map[string]any{"layerWx": false})
	require.NoError(t, err)
	assert.True(t, js.Global().Get("wx").Get("showToast").IsUndefined(), "replaced")
	rt.Stop()
	assert.True(t, js.Global().Get("wx").IsUndefined())
}
