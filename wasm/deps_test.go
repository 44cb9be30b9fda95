//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Packages the wasm binary must not link, each with its reason (size figures from
// shared/notes/go-wasm-style.md §6).
var banned = map[string]string{
	"net/http":      "a page has fetch/XHR/WebSocket; +2.1 MB gzip",
	"encoding/json": "JSON stays in JS (JSON.parse/stringify); +340 KB",
	"fmt":           "+171 KB; use strconv",
	"net/url":       "the browser's URL parser is the one fetch uses; +228 KB",
	"testing":       "test code in the runtime",
	"reflect":       "pulled by fmt/json; size",
}

// MaxGzipBytes is the size budget of wx.wasm after gzip -9 (compress/gzip
// BestCompression, as TestWasmSize measures; the gzip -9 command gives about 10 KB
// less). Issue 4 set 0.8 MB for the request runtime, which measured 0.746 MB (0.778 MB
// with sockets). The file system manager and transfers (issue 5) brought it to 0.850 MB.
// File times as Unix ms instead of time.Time and one shared sort instead of the slices
// instantiations took it from 0.882 MB to 0.844 MB (gzip -9 command: 0.872 → 0.834 MB);
// the budget keeps about 25 KB of room over that, so a heavy dependency (fmt +171 KB,
// net/url +228 KB, time +54 KB once embed no longer links it) still fails.
const MaxGzipBytes = 870_000

func wasmEnv() []string { return append(os.Environ(), "GOOS=js", "GOARCH=wasm") }

// noTime are the wxsim packages that must not import time themselves (file times are
// sim.UnixMS, durations sim.Duration, the clock is Date.now()): time costs about 54 KB
// of gzip. It is not in banned yet because embed (jsbridge's glue.js) still links it.
var noTime = []string{"wxsim/sim", "wxsim/jsbridge", "wxsim/wasm/runtime", "wxsim/wasm"}

func TestWasmDependencies(t *testing.T) {
	list := exec.Command("go", append([]string{"list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}"}, noTime...)...)
	list.Env = wasmEnv()
	imports, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(imports)), "\n") {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			if imp == "time" {
				t.Errorf("%s imports time: keep times as sim.UnixMS / sim.Duration", f[0])
			}
		}
	}

	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = wasmEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if why, bad := banned[pkg]; bad {
			t.Errorf("wx.wasm links %s: %s", pkg, why)
		}
	}
}

func TestWasmSize(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "wx.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = wasmEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(raw)
	w.Close()
	t.Logf("wx.wasm: %d bytes, %d gzip -9", len(raw), buf.Len())
	if buf.Len() > MaxGzipBytes {
		t.Errorf("wx.wasm is %d bytes gzip, over the %d budget", buf.Len(), MaxGzipBytes)
	}
}
