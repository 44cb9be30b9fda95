//go:build js && wasm

// Command empty is the baseline for the start-time benchmark: a Go wasm program that
// only tells the page it is ready, the way wx.wasm does.
package main

import "syscall/js"

func main() {
	js.Global().Get("__wxsimBoot").Call("ready", js.Null())
	select {}
}
