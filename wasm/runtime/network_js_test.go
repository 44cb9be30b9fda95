//go:build js && wasm

package runtime_test

import (
	"strconv"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/wasm/runtime"
)

// The Go twin of §C3: SetNetwork and Network. A bad condition is an error that changes
// nothing; a change of type reaches wx.getNetworkType and the onNetworkStatusChange
// listeners; type "none" fails a running request and refuses a new one without
// traffic (the observer seam sees create and end only); a reconfiguration keeps the
// condition.
func TestNetworkTwin_SpecC3(t *testing.T) {
	base := fixture(t)
	rt, err := runtime.Install(js.Global(), map[string]any{"sdkVersion": "2.30.0", "domains": map[string]any{"request": []any{base}}})
	require.NoError(t, err)
	defer rt.Stop()
	wx := js.Global().Get("wx")

	assert.Equal(t, sim.DefaultNetwork(), rt.Network())
	assert.ErrorContains(t, rt.SetNetwork(sim.Network{Type: "lte"}), "wxsim.setNetwork: options.type should be one of wifi 2g 3g 4g 5g unknown none")
	var argErr *runtime.ArgError
	assert.ErrorAs(t, rt.SetNetwork(sim.Network{LatencyMS: -1}), &argErr)
	assert.Equal(t, sim.DefaultNetwork(), rt.Network(), "a refused condition changed nothing")

	changes := make(chan string, 4)
	onChange := js.FuncOf(func(_ js.Value, args []js.Value) any {
		changes <- args[0].Get("networkType").String() + " " + strconv.FormatBool(args[0].Get("isConnected").Bool())
		return nil
	})
	defer onChange.Release()
	wx.Call("onNetworkStatusChange", onChange)

	require.NoError(t, rt.SetNetwork(sim.Network{Type: "3g", LatencyMS: 40}))
	assert.Equal(t, sim.Network{Type: "3g", LatencyMS: 40}, rt.Network())
	assert.Equal(t, "3g true", <-changes)
	got, err := await(wx.Call("getNetworkType"))
	require.NoError(t, err)
	assert.Equal(t, "3g", got.Get("networkType").String())

	results := make(chan js.Value, 2)
	complete := js.FuncOf(func(_ js.Value, args []js.Value) any { results <- args[0]; return nil })
	defer complete.Release()
	wx.Call("request", map[string]any{"url": base + "/hold?id=nettwin", "complete": complete})
	steps, stop := recorder(t, rt)
	defer stop()
	require.NoError(t, rt.SetNetwork(sim.Network{Type: sim.NetworkNone}))
	assert.Equal(t, "none false", <-changes)
	res := <-results
	assert.Equal(t, "request:fail network unavailable", res.Get("errMsg").String())
	assert.Equal(t, 600001, res.Get("errno").Int())

	res = call(map[string]any{"url": base + "/json"})
	assert.Equal(t, "request:fail network unavailable", res.Get("errMsg").String())
	assert.Equal(t, []string{"end", "call", "create", "end"}, phases(steps(), "request"), "the running one ends; the new one never starts")

	require.NoError(t, rt.Reconfigure(map[string]any{"sdkVersion": "2.30.0", "domains": map[string]any{"request": []any{base}}}))
	assert.Equal(t, sim.NetworkNone, rt.Network().Type, "a reconfiguration keeps the condition")
	require.NoError(t, rt.SetNetwork(sim.Network{}))
	assert.Equal(t, sim.DefaultNetwork(), rt.Network(), "a zero Type is wifi")
	assert.Equal(t, "wifi true", <-changes)
	res = call(map[string]any{"url": base + "/json"})
	assert.Equal(t, "request:ok", res.Get("errMsg").String())
}
