//go:build js && wasm

// Command wasm is wxsim's js/wasm entry: built to web/dist/wx.wasm and started by the
// wxsim.js loader, which then calls wxsim.start(config).
package main

import (
	"syscall/js"

	"github.com/wxsim/wxsim/wasm/runtime"
)

func main() { runtime.Serve(js.Global()) }
