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

// MaxGzipBytes is the size budget of wx.wasm after gzip -9. Issue 4 set 0.8 MB for the
// request runtime, which measured 0.746 MB (0.778 MB with sockets). The file system
// manager and transfers (issue 5) brought it to 0.850 MB; the budget keeps 50 KB of
// room over that so a heavy dependency (fmt +171 KB, net/url +228 KB) still fails.
// Later work used that room up (0.8996 MB); issue 12's glue modules and protocol
// prelude (their comments and names are embedded JS) brought it to 0.9023 MB, and the
// budget to 0.91 MB.
const MaxGzipBytes = 910_000

func wasmEnv() []string { return append(os.Environ(), "GOOS=js", "GOARCH=wasm") }

func TestWasmDependencies(t *testing.T) {
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
