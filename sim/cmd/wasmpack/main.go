// Command wasmpack rewrites, in place, the data section of a WebAssembly module built by
// Go so that it compresses well (see package wasmpack). build.sh runs it on wx.wasm.
//
//	wasmpack FILE.wasm
package main

import (
	"fmt"
	"os"

	"github.com/wxsim/wxsim/sim/wasmpack"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasmpack FILE.wasm")
		os.Exit(2)
	}
	path := os.Args[1]
	mod, err := os.ReadFile(path)
	if err == nil {
		var packed []byte
		var st wasmpack.Stats
		packed, st, err = wasmpack.Pack(mod, wasmpack.DefaultGap)
		if err == nil {
			err = os.WriteFile(path+".tmp", packed, 0o644)
		}
		if err == nil {
			err = os.Rename(path+".tmp", path)
		}
		if err == nil {
			fmt.Printf("wasmpack: %s: %d data segments -> %d\n", path, st.Before, st.After)
			return
		}
	}
	fmt.Fprintln(os.Stderr, "wasmpack:", err)
	os.Exit(1)
}
