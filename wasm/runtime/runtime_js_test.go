//go:build js && wasm

package runtime_test

import (
	"os"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/jsbridge"
	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/wasm/runtime"
)

// fixture is the HTTPS fixture's base URL (https://api.example.test, mapped to loopback
// by the browser); tests/e2e TestWasmPackages sets it.
func fixture(t *testing.T) string {
	u := os.Getenv("WXSIM_FIXTURE")
	if u == "" {
		t.Skip("WXSIM_FIXTURE not set: run through ./build.sh test")
	}
	return u
}

// call runs wx.request(opts) and returns the complete result, as a user's wasm test would.
func call(opts map[string]any) js.Value {
	done := make(chan js.Value, 1)
	complete := js.FuncOf(func(_ js.Value, args []js.Value) any { done <- args[0]; return nil })
	defer complete.Release()
	opts["complete"] = complete
	js.Global().Get("wx").Call("request", opts)
	return <-done
}

// The README example: install wx in-process and drive it like page code.
func TestInstallInProcess(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{
		"appId": "wxtest", "domains": map[string]any{"request": []any{base}},
	})
	require.NoError(t, err)
	defer rt.Stop()

	res := call(map[string]any{"url": base + "/json"})
	require.Equal(t, "request:ok", res.Get("errMsg").String())
	assert.Equal(t, 200, res.Get("statusCode").Int())
	assert.Equal(t, 1, res.Get("data").Get("a").Int())

	res = call(map[string]any{"url": "https://elsewhere.example.test/"})
	assert.Equal(t, "request:fail url not in domain list", res.Get("errMsg").String())

	require.NoError(t, rt.Reconfigure(map[string]any{"urlCheck": false}))
	assert.Equal(t, false, rt.Config()["urlCheck"])
	st := rt.Stats()
	assert.Equal(t, 0, st["tasks"])
}

func TestInstallRejectsBadConfig(t *testing.T) {
	before := jsbridge.LiveFuncs()
	_, err := runtime.Install(js.Global(), map[string]any{"networkTimeout": map[string]any{"request": "fast"}})
	assert.ErrorContains(t, err, "config.networkTimeout.request")
	assert.Equal(t, before, jsbridge.LiveFuncs(), "a failed Install leaks nothing")
}

// Stop fails pending work and removes wx; no js.Func stays behind.
func TestStopReleases(t *testing.T) {
	before := jsbridge.LiveFuncs()
	rt, err := runtime.Install(js.Global(), nil)
	require.NoError(t, err)
	rt.Stop()
	assert.True(t, js.Global().Get("wx").IsUndefined())
	assert.Equal(t, before, jsbridge.LiveFuncs())
}

// The glue's transport numbers are sim's: the plan's choice reaches transports[via].
func TestTransportNumbers(t *testing.T) {
	assert.Equal(t, int(sim.TransportDirect), jsbridge.ViaDirect)
	assert.Equal(t, int(sim.TransportRelay), jsbridge.ViaRelay)
	assert.Equal(t, int(sim.TransportMock), jsbridge.ViaMock)
}
