//go:build js && wasm

package miniapp

import "syscall/js"

// Login is the app code under test: it calls wx.request as a mini-program would and
// reports the user's name, or the errMsg.
func Login(base string, done func(name, errMsg string)) {
	var cb js.Func
	cb = js.FuncOf(func(_ js.Value, a []js.Value) any {
		defer cb.Release()
		r := a[0]
		if r.Get("statusCode").Type() == js.TypeNumber && r.Get("statusCode").Int() == 200 {
			done(r.Get("data").Get("name").String(), "")
			return nil
		}
		done("", r.Get("errMsg").String())
		return nil
	})
	js.Global().Get("wx").Call("request", map[string]any{
		"url": base + "/login", "method": "POST", "data": map[string]any{"code": "x1"}, "complete": cb,
	})
}
