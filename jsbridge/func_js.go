//go:build js && wasm

package jsbridge

import "syscall/js"

var live int

// NewFunc wraps f as a js.Func and returns it with its release function. This is the only
// place wxsim creates js.Funcs; release is idempotent. The handler is guarded: a Go panic
// is reported on the console and the JS caller gets undefined, so one bad call never ends
// the program for the page.
func NewFunc(name string, f func(this js.Value, args []js.Value) any) (js.Func, func()) {
	fn := js.FuncOf(func(this js.Value, args []js.Value) (ret any) {
		defer func() {
			if p := recover(); p != nil {
				ret = js.Undefined()
				ConsoleError("wxsim: internal error in " + name + ": " + panicText(p))
			}
		}()
		return f(this, args)
	})
	live++
	released := false
	return fn, func() {
		if !released {
			released = true
			live--
			fn.Release()
		}
	}
}

// LiveFuncs is the number of js.Funcs created by NewFunc and not yet released.
func LiveFuncs() int { return live }
