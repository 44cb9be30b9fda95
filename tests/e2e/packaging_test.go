package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/browser"
)

// §C7 packaging: web/dist is an npm package (package.json with exports), with the ES
// module wxsim.mjs and the types wxsim.d.ts / wxsim-host.d.ts. The tools come from
// tests/jslib, pinned by its lock file.

// jslibTool is the absolute path of a file in tests/jslib/node_modules, and node.
func jslibTool(t *testing.T, rel string) (node, path string) {
	t.Helper()
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node is needed for the packaging tests")
	path, err = filepath.Abs(filepath.Join("../jslib/node_modules", rel))
	require.NoError(t, err)
	_, err = os.Stat(path)
	require.NoError(t, err, "tests/jslib is not installed (./build.sh test runs npm ci there)")
	return node, path
}

// pkgProject is a temporary project with testdata/pkg in it and node_modules/wxsim as an
// install of web/dist would make it: files copied (so that the types find
// miniprogram-api-typings next to them, as in a real node_modules) or, with link, a
// symbolic link to web/dist.
func pkgProject(t *testing.T, link bool) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadDir("testdata/pkg")
	require.NoError(t, err)
	for _, e := range src {
		b, err := os.ReadFile(filepath.Join("testdata/pkg", e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
	}
	nm := filepath.Join(dir, "node_modules")
	require.NoError(t, os.Mkdir(nm, 0o755))
	dist, err := filepath.Abs("../../web/dist")
	require.NoError(t, err)
	if link {
		require.NoError(t, os.Symlink(dist, filepath.Join(nm, "wxsim")))
	} else {
		require.NoError(t, os.Mkdir(filepath.Join(nm, "wxsim"), 0o755))
		for _, f := range []string{"package.json", "wxsim.d.ts", "wxsim-host.d.ts", "wxsim.mjs", "wxsim.js"} {
			b, err := os.ReadFile(filepath.Join(dist, f))
			require.NoError(t, err, "web/dist/%s (run ./build.sh)", f)
			require.NoError(t, os.WriteFile(filepath.Join(nm, "wxsim", f), b, 0o644))
		}
	}
	typings, err := filepath.Abs("../jslib/node_modules/miniprogram-api-typings")
	require.NoError(t, err)
	require.NoError(t, os.Symlink(typings, filepath.Join(nm, "miniprogram-api-typings")))
	return dir
}

// tsc runs tsc --noEmit --strict on the project in dir, with extra flags; its output.
func tsc(t *testing.T, dir string, extra ...string) (string, error) {
	t.Helper()
	node, bin := jslibTool(t, "typescript/bin/tsc")
	args := append([]string{bin, "--noEmit", "--strict", "-p", filepath.Join(dir, "tsconfig.json")}, extra...)
	out, err := exec.Command(node, args...).CombinedOutput()
	return string(out), err
}

// §C7: a TypeScript app using wx.request and wx.connectSocket (typed by the official
// miniprogram-api-typings), wxsim.mock, wxsim.on, the clock and the host helper, importing
// "wxsim" and "wxsim/host" through the package's exports, passes tsc --noEmit --strict;
// every misuse in misuse.ts is refused (a @ts-expect-error that is not needed fails).
func TestPackageTypes(t *testing.T) {
	dir := pkgProject(t, false)
	out, err := tsc(t, dir)
	require.NoError(t, err, "tsc:\n%s", out)

	// the declarations themselves: with skipLibCheck off, the only errors are the known
	// clash of miniprogram-api-typings with lib.dom (console, HTMLCanvasElement, …),
	// none in wxsim's files or the app
	out, _ = tsc(t, dir, "--skipLibCheck", "false")
	for _, l := range strings.Split(out, "\n") {
		if m := regexp.MustCompile(`^(\S+)\(\d+,\d+\): error`).FindStringSubmatch(l); m != nil {
			assert.True(t, strings.Contains(m[1], "lib.dom.d.ts") || strings.Contains(m[1], "miniprogram-api-typings"),
				"an error outside the known lib.dom clash: %s", l)
		}
	}

	// without its @ts-expect-error directives, misuse.ts fails on each of those lines
	b, err := os.ReadFile(filepath.Join(dir, "misuse.ts"))
	require.NoError(t, err)
	want := map[int]bool{}
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.Contains(l, "// @ts-expect-error") {
			want[i+2] = true // 1-based number of the next line
			lines[i] = strings.Replace(l, "// @ts-expect-error", "// (was expected to fail)", 1)
		}
	}
	require.GreaterOrEqual(t, len(want), 15)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "misuse.ts"), []byte(strings.Join(lines, "\n")), 0o644))
	out, err = tsc(t, dir)
	require.Error(t, err, "tsc passed misuse.ts without its directives:\n%s", out)
	got := map[int]bool{}
	for _, m := range regexp.MustCompile(`misuse\.ts\((\d+),\d+\): error`).FindAllStringSubmatch(out, -1) {
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		got[n] = true
	}
	assert.Equal(t, want, got, "tsc:\n%s", out)
}

// §C7: web/dist/package.json is publishable as is: its exports and files name files
// that are there (after the §C6 merge, wxsim-host.js / .mjs too), and its version is
// the loader's.
func TestPackageJSON(t *testing.T) {
	b, err := os.ReadFile("../../web/dist/package.json")
	require.NoError(t, err, "run ./build.sh")
	var pkg struct {
		Name, Version, Type, Types string
		Exports                    map[string]any
		Files                      []string
	}
	require.NoError(t, json.Unmarshal(b, &pkg))
	assert.Equal(t, "wxsim", pkg.Name)
	assert.Equal(t, "module", pkg.Type)
	loader, err := os.ReadFile("../../web/wxsim.js")
	require.NoError(t, err)
	assert.Contains(t, string(loader), `version: "`+pkg.Version+`"`, "package.json's version is wxsim.version")
	root, ok := pkg.Exports["."].(map[string]any)
	require.True(t, ok, "exports['.'] is an object of conditions")
	assert.Equal(t, map[string]any{"types": "./wxsim.d.ts", "import": "./wxsim.mjs", "default": "./wxsim.js"}, root)
	assert.Contains(t, pkg.Exports, "./host")
	assert.Contains(t, pkg.Exports, "./wx.wasm")
	files := []string{"wxsim.js", "wxsim.mjs", "wxsim.d.ts", "wxsim-host.d.ts", "wx.wasm", "wasm_exec.js", "glue.js", "guard.js"}
	if _, err := os.Stat("../../web/wxsim-host.js"); err == nil { // the §C6 host helper
		files = append(files, "wxsim-host.js", "wxsim-host.mjs")
	}
	for _, f := range files {
		assert.Contains(t, pkg.Files, f)
		_, err := os.Stat(filepath.Join("../../web/dist", f))
		assert.NoError(t, err)
	}
}

// §C7: "wxsim/host" resolves, by the package's exports, to the host helper's ES module
// (node imports it as a bundler would resolve it).
func TestPackageHostModule(t *testing.T) {
	if _, err := os.Stat("../../web/dist/wxsim-host.mjs"); err != nil {
		t.Skip("no web/dist/wxsim-host.mjs (the §C6 host helper) in this build")
	}
	dir := pkgProject(t, true)
	node, _ := jslibTool(t, "typescript/package.json")
	cmd := exec.Command(node, "--input-type=module", "-e",
		`const m = await import("wxsim/host"); console.log(typeof m.connect, typeof m.default.connect)`)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, "function function", strings.TrimSpace(string(out)))
}

// §C7: an app importing the ES module by the package name, bundled with esbuild, runs
// in Chromium: its wx.request is answered by its mock and its events arrive. The loader
// finds wasm_exec.js, glue.js and guard.js next to wx.wasm: next to the bundle (by
// import.meta.url) or next to config.wasm. Importing web/dist/wxsim.mjs itself works too.
func TestPackageBundle(t *testing.T) {
	dir := pkgProject(t, true)
	node, esbuild := jslibTool(t, "esbuild/bin/esbuild")
	out := filepath.Join(dir, "www")
	for _, d := range []string{"app", "self"} {
		require.NoError(t, os.MkdirAll(filepath.Join(out, d), 0o755))
	}
	cmd := exec.Command(node, esbuild, "app.mjs", "--bundle", "--format=esm", "--log-level=warning",
		"--outfile="+filepath.Join(out, "app", "app.js"))
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "esbuild:\n%s", b)
	assert.Empty(t, strings.TrimSpace(string(b)), "esbuild warnings")
	bundle, err := os.ReadFile(filepath.Join(out, "app", "app.js"))
	require.NoError(t, err)
	assert.NotContains(t, string(bundle), `from "wxsim"`, "the bundle has wxsim in it")
	// /self/ serves the bundle with the loader's files next to it, as an app deploys them
	require.NoError(t, os.WriteFile(filepath.Join(out, "self", "app.js"), bundle, 0o644))
	dist, err := filepath.Abs("../../web/dist")
	require.NoError(t, err)
	for _, f := range []string{"wx.wasm", "wasm_exec.js", "glue.js", "guard.js"} {
		require.NoError(t, os.Symlink(filepath.Join(dist, f), filepath.Join(out, "self", f)))
	}

	page := []byte(`<!doctype html><meta charset="utf-8"><title>bundle</title>
<script type="module">import(new URLSearchParams(location.search).get("app") || "/app/app.js");</script>`)
	u, stop, err := browser.ServePage("../../web/dist", page, browser.Dir{Prefix: "/www/", Path: out})
	require.NoError(t, err)
	t.Cleanup(stop)

	type result struct {
		StatusCode int            `json:"statusCode"`
		Data       map[string]any `json:"data"`
		Phases     []string       `json:"phases"`
		Transport  string         `json:"transport"`
		Tasks      int            `json:"tasks"`
		SameGlobal bool           `json:"sameGlobal"`
		Bridge     string         `json:"bridge"`
		Scripts    []string       `json:"scripts"`
	}
	run := func(t *testing.T, query, wantDir string) {
		ctx, cancel := chromedp.NewContext(browserCtx)
		defer cancel()
		ctx, cancelT := context.WithTimeout(ctx, time.Minute)
		defer cancelT()
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(u+query)))
		var r result
		require.NoError(t, browser.Eval(ctx, `new Promise((ok) => { const w = () => globalThis.appDone ? ok(globalThis.appDone) : setTimeout(w, 10); w(); })`, &r))
		assert.Equal(t, 200, r.StatusCode)
		assert.Equal(t, map[string]any{"id": float64(7)}, r.Data)
		assert.Equal(t, "mock", r.Transport)
		require.NotEmpty(t, r.Phases)
		assert.Equal(t, "create", r.Phases[0])
		assert.Equal(t, "end", r.Phases[len(r.Phases)-1])
		assert.Contains(t, r.Phases, "headers")
		assert.Equal(t, 1, r.Tasks)
		assert.True(t, r.SameGlobal, "the module's exports are the global wxsim's; start resolves with the global wx")
		assert.Equal(t, "function", r.Bridge)
		assert.Contains(t, r.Scripts, wantDir+"wasm_exec.js", "wasm_exec.js is loaded from next to wx.wasm")
	}
	t.Run("wasm in the config", func(t *testing.T) { run(t, "?app=/www/app/app.js&wasm=/dist/wx.wasm", "/dist/") })
	t.Run("next to the bundle", func(t *testing.T) { run(t, "?app=/www/self/app.js", "/www/self/") })

	t.Run("wxsim.mjs unbundled", func(t *testing.T) {
		ctx, cancel := chromedp.NewContext(browserCtx)
		defer cancel()
		ctx, cancelT := context.WithTimeout(ctx, time.Minute)
		defer cancelT()
		require.NoError(t, chromedp.Run(ctx, chromedp.Navigate(u+"?app=/dist/wxsim.mjs")))
		var r struct {
			Same    bool     `json:"same"`
			Names   []string `json:"names"`
			Version string   `json:"version"`
			Status  int      `json:"status"`
			Scripts []string `json:"scripts"`
		}
		require.NoError(t, browser.Eval(ctx, `import("/dist/wxsim.mjs").then(async (m) => {
			const w = await m.start({domains: {request: ['https://api.example.test']}});
			m.mock({url: 'https://api.example.test/m', response: {statusCode: 201}});
			const res = await new Promise((ok, no) => w.request({url: 'https://api.example.test/m', success: ok, fail: no}));
			return {same: m.default === globalThis.wxsim && m.start === wxsim.start && m.clock === wxsim.clock,
				names: Object.keys(m).sort(), version: m.version, status: res.statusCode,
				scripts: [...document.scripts].map((s) => new URL(s.src || location.href).pathname)};
		})`, &r))
		assert.True(t, r.Same)
		assert.Equal(t, []string{"bridge", "clearMocks", "clock", "config", "default", "har", "hide", "mock", "mocks",
			"network", "off", "on", "relaunch", "setNetwork", "show", "start", "stats", "tasks", "unmock", "version"}, r.Names)
		assert.Equal(t, "0.1.0", r.Version)
		assert.Equal(t, 201, r.Status)
		assert.Contains(t, r.Scripts, "/dist/wasm_exec.js", "found next to wxsim.mjs by import.meta.url")
	})
}
