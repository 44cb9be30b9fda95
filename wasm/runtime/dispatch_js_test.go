//go:build js && wasm

package runtime

import (
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/jsbridge"
)

// A call whose API number no table knows settles (fail, then complete, spec §1.2) and
// leaves no record behind: Runtime.handle reports it unhandled and the glue fails it.
func TestUnknownAPISettles(t *testing.T) {
	before := jsbridge.LiveFuncs()
	rt, err := Install(js.Global(), nil)
	require.NoError(t, err)
	target := js.Global().Get("Object").New()
	for i, api := range []int{apiFileBase + 10000, -5, 0} {
		name := []string{"bogus", "negative", "zero"}[i]
		rt.g.DefineCallbackAPI(target, name, api)
		got := make(chan [2]string, 2)
		cb := func(kind string) js.Func {
			return js.FuncOf(func(_ js.Value, args []js.Value) any {
				got <- [2]string{kind, args[0].Get("errMsg").String()}
				return nil
			})
		}
		fail, complete := cb("fail"), cb("complete")
		target.Call(name, map[string]any{"fail": fail, "complete": complete})
		assert.Equal(t, [2]string{"fail", name + ":fail internal error (see console)"}, <-got)
		assert.Equal(t, [2]string{"complete", name + ":fail internal error (see console)"}, <-got)
		fail.Release()
		complete.Release()
	}
	assert.Equal(t, 0, rt.Stats()["jsTasks"])
	rt.Stop()
	assert.Equal(t, before, jsbridge.LiveFuncs())
}
