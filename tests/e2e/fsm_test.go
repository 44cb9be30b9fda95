package e2e

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/fixture"
)

// fsmJS are page helpers on top of filesJS. fsmRec(fn, opts) calls a file API with
// recording callbacks and resolves after complete with what a user sees: the callbacks
// in order, whether any ran inside the call, whether success/fail and complete got the
// same object, what the call returned, and the result (T.plain). fsmStat(path) calls
// fsm.stat and evaluates the Stats methods. fsmBytes(path) reads a file as a byte array
// (or its errMsg).
const fsmJS = `
window.fsmRec = (fn, o) => new Promise((res) => {
  const cbs = []; let inCall = true, sync = false, first, ret;
  const mark = (k) => (r) => { cbs.push(k); if (inCall) sync = true; if (k !== 'complete') first = r;
    if (k === 'complete') setTimeout(() => res({cbs, sync, same: first === r, ret: typeof ret, res: T.plain(r)}), 0); };
  ret = fn(Object.assign({}, o, {success: mark('success'), fail: mark('fail'), complete: mark('complete')}));
  inCall = false;
});
window.fsmStat = (path) => new Promise((res) => fsm.stat({path,
  success: (r) => res({ok: true, errMsg: r.errMsg, size: r.stats.size, mode: r.stats.mode,
    lastAccessedTime: r.stats.lastAccessedTime, lastModifiedTime: r.stats.lastModifiedTime,
    isFileType: typeof r.stats.isFile, isDirType: typeof r.stats.isDirectory,
    isFile: r.stats.isFile(), isDirectory: r.stats.isDirectory()}),
  fail: (r) => res({ok: false, errMsg: r.errMsg})}));
window.fsmBytes = async (path, extra) => { const r = await pcall(fsm.readFile, Object.assign({filePath: path}, extra)); return r.data && r.data.ab ? r.data.ab : r.errMsg; };
window.fsmText = async (path, encoding) => { const r = await pcall(fsm.readFile, {filePath: path, encoding: encoding || 'utf8'}); return typeof r.data === 'string' ? r.data : r.errMsg; };
window.fsmDownload = async (q) => { const r = await transfer('downloadFile', {url: 'https://api.example.test' + q}); if (!r.ok) throw new Error(r.res.errMsg); return r.res.tempFilePath; };
window.fsmPromise = (p) => p === undefined ? Promise.resolve({notPromise: true}) :
  p.then((r) => ({resolved: T.plain(r)}), (e) => ({rejected: T.plain(e)}));
true`

// fsmResult is what fsmRec reports.
type fsmResult struct {
	Cbs  []string       `json:"cbs"`
	Sync bool           `json:"sync"`
	Same bool           `json:"same"`
	Ret  string         `json:"ret"`
	Res  map[string]any `json:"res"`
}

var fsmAppSeq = 0

// fsmPage opens a page whose appId is unique to this test run, so that saved and user
// files persisted per appId (spec §7.4) by other tests or runs never show up here.
// extra is appended inside the config object (e.g. `, maxDownloadSize: 10`).
func fsmPage(t *testing.T, extra string) *Page {
	t.Helper()
	fsmAppSeq++
	name := regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(t.Name(), "")
	appID := fmt.Sprintf("wxfsm%s%d_%d", name, time.Now().UnixNano(), fsmAppSeq)
	p := newPage(t, `{appId: '`+appID+`', domains: {request: ['https://api.example.test'], uploadFile: ['https://api.example.test'], downloadFile: ['https://api.example.test']}`+extra+`}`)
	p.Eval(filesJS, nil)
	p.Eval(fsmJS, nil)
	return p
}

// fsmCall runs fn (a JS expression naming the API, e.g. `fsm.readFile`) with opts (a JS
// object literal) through fsmRec.
func fsmCall(p *Page, fn, opts string) fsmResult {
	p.t.Helper()
	var r fsmResult
	p.Eval(`fsmRec(`+fn+`, `+opts+`)`, &r)
	return r
}

// fsmCallbacks asserts spec §1.2: exactly one of success/fail, then complete with the same
// object, all asynchronous; and §1.3: the call itself returns nothing.
func fsmCallbacks(t *testing.T, r fsmResult, first string) {
	t.Helper()
	assert.Equal(t, []string{first, "complete"}, r.Cbs, "exactly one of success/fail, then complete (spec §1.2): %v", r.Res)
	assert.False(t, r.Sync, "callbacks run asynchronously (spec §1.2)")
	assert.True(t, r.Same, "complete gets the same object as %s", first)
	assert.Equal(t, "undefined", r.Ret, "callback style returns nothing (spec §1.3)")
}

// fsmOK asserts a success with errMsg "<api>:ok" and returns the result.
func fsmOK(t *testing.T, r fsmResult, api string) map[string]any {
	t.Helper()
	fsmCallbacks(t, r, "success")
	assert.Equal(t, api+":ok", r.Res["errMsg"])
	return r.Res
}

// fsmFail asserts a failure with exactly errMsg and a numeric errno (spec §1.4: the
// default base library is ≥ 2.24.0); errno, when given, is its expected value.
func fsmFail(t *testing.T, r fsmResult, errMsg string, errno ...float64) {
	t.Helper()
	fsmCallbacks(t, r, "fail")
	assert.Equal(t, errMsg, r.Res["errMsg"])
	n, ok := r.Res["errno"].(float64)
	assert.True(t, ok, "fail results carry a numeric errno (spec §1.4): %v", r.Res)
	if len(errno) > 0 {
		assert.Equal(t, errno[0], n, "errno of %q", errMsg)
	}
}

// fsmAB converts the {ab:[...]} form of an ArrayBuffer result into bytes.
func fsmAB(t *testing.T, v any) []byte {
	t.Helper()
	m, ok := v.(map[string]any)
	require.True(t, ok, "an ArrayBuffer, got %T %v", v, v)
	arr, ok := m["ab"].([]any)
	require.True(t, ok, "an ArrayBuffer, got %v", v)
	out := make([]byte, len(arr))
	for i, x := range arr {
		out[i] = byte(x.(float64))
	}
	return out
}

// fsmPattern is filesJS's pattern(n) and the fixture's /file bytes: byte i = (i*31)%251.
func fsmPattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((i * 31) % 251)
	}
	return b
}

// spec §7.2, §1.2, §1.5: writeFile/readFile/appendFile success paths and their errors,
// with the node-style errMsg "<reason>, open <path>" and WeChat's errno.
func TestFSMReadWriteErrors(t *testing.T) {
	p := fsmPage(t, "")
	fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/a.txt', data: 'hello'}`), "writeFile")
	res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/a.txt', encoding: 'utf8'}`), "readFile")
	assert.Equal(t, "hello", res["data"])
	res = fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/a.txt'}`), "readFile")
	assert.Equal(t, []byte("hello"), fsmAB(t, res["data"]), "no encoding: an ArrayBuffer")
	fsmOK(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/a.txt', data: ' world'}`), "appendFile")
	var s string
	p.Eval(`fsmText('http://usr/a.txt')`, &s)
	assert.Equal(t, "hello world", s)
	fsmOK(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/d'}`), "mkdir")

	cases := []struct{ name, fn, opts, want string }{
		{"read missing", "fsm.readFile", `{filePath: 'http://usr/missing.txt'}`, "readFile:fail no such file or directory, open http://usr/missing.txt"},
		{"read missing with encoding", "fsm.readFile", `{filePath: 'http://usr/missing.txt', encoding: 'utf8'}`, "readFile:fail no such file or directory, open http://usr/missing.txt"},
		{"read missing temp", "fsm.readFile", `{filePath: 'http://tmp/none.bin'}`, "readFile:fail no such file or directory, open http://tmp/none.bin"},
		{"read unknown root", "fsm.readFile", `{filePath: '/etc/passwd'}`, "readFile:fail no such file or directory, open /etc/passwd"},
		{"read below a file", "fsm.readFile", `{filePath: 'http://usr/a.txt/x'}`, "readFile:fail not a directory, open http://usr/a.txt/x"},
		{"read a directory", "fsm.readFile", `{filePath: 'http://usr/d'}`, "readFile:fail illegal operation on a directory, open http://usr/d"},
		{"read escaping root", "fsm.readFile", `{filePath: 'http://usr/../tmp/x'}`, "readFile:fail permission denied, open http://usr/../tmp/x"},
		{"read no filePath", "fsm.readFile", `{}`, "readFile:fail parameter error: parameter.filePath should be String instead of Undefined;"},
		{"read filePath number", "fsm.readFile", `{filePath: 5}`, "readFile:fail parameter error: parameter.filePath should be String instead of Number;"},
		{"read unknown encoding", "fsm.readFile", `{filePath: 'http://usr/a.txt', encoding: 'gbk'}`, `readFile:fail unknown encoding: "gbk"`},
		{"read base64url refused", "fsm.readFile", `{filePath: 'http://usr/a.txt', encoding: 'base64url'}`, `readFile:fail unknown encoding: "base64url"`},
		{"read encoding number", "fsm.readFile", `{filePath: 'http://usr/a.txt', encoding: 8}`, "readFile:fail parameter error: parameter.encoding should be String instead of Number;"},
		{"write to temp", "fsm.writeFile", `{filePath: 'http://tmp/x.txt', data: 'x'}`, "writeFile:fail permission denied, open http://tmp/x.txt"},
		{"write to store", "fsm.writeFile", `{filePath: 'http://store/x.txt', data: 'x'}`, "writeFile:fail permission denied, open http://store/x.txt"},
		{"write device temp alias", "fsm.writeFile", `{filePath: 'wxfile://tmp/x.txt', data: 'x'}`, "writeFile:fail permission denied, open wxfile://tmp/x.txt"},
		{"write escaping usr", "fsm.writeFile", `{filePath: 'http://usr/../../x.txt', data: 'x'}`, "writeFile:fail permission denied, open http://usr/../../x.txt"},
		{"write unknown root", "fsm.writeFile", `{filePath: 'x.txt', data: 'x'}`, "writeFile:fail no such file or directory, open x.txt"},
		{"write missing parent", "fsm.writeFile", `{filePath: 'http://usr/nodir/a.txt', data: 'x'}`, "writeFile:fail no such file or directory, open http://usr/nodir/a.txt"},
		{"write below a file", "fsm.writeFile", `{filePath: 'http://usr/a.txt/b.txt', data: 'x'}`, "writeFile:fail not a directory, open http://usr/a.txt/b.txt"},
		{"write onto a directory", "fsm.writeFile", `{filePath: 'http://usr/d', data: 'x'}`, "writeFile:fail illegal operation on a directory, open http://usr/d"},
		{"write no filePath", "fsm.writeFile", `{data: 'x'}`, "writeFile:fail parameter error: parameter.filePath should be String instead of Undefined;"},
		{"write no data", "fsm.writeFile", `{filePath: 'http://usr/b.txt'}`, "writeFile:fail parameter error: parameter.data should be String/ArrayBuffer instead of Undefined;"},
		{"write data number", "fsm.writeFile", `{filePath: 'http://usr/b.txt', data: 42}`, "writeFile:fail parameter error: parameter.data should be String/ArrayBuffer instead of Number;"},
		{"write data object", "fsm.writeFile", `{filePath: 'http://usr/b.txt', data: {a: 1}}`, "writeFile:fail parameter error: parameter.data should be String/ArrayBuffer instead of Object;"},
		{"write unknown encoding", "fsm.writeFile", `{filePath: 'http://usr/b.txt', data: 'x', encoding: 'gbk'}`, `writeFile:fail unknown encoding: "gbk"`},
		{"append missing", "fsm.appendFile", `{filePath: 'http://usr/none.txt', data: 'x'}`, "appendFile:fail no such file or directory, open http://usr/none.txt"},
		{"append to temp", "fsm.appendFile", `{filePath: 'http://tmp/x.txt', data: 'x'}`, "appendFile:fail permission denied, open http://tmp/x.txt"},
		{"append to a directory", "fsm.appendFile", `{filePath: 'http://usr/d', data: 'x'}`, "appendFile:fail illegal operation on a directory, open http://usr/d"},
		{"append no filePath", "fsm.appendFile", `{data: 'x'}`, "appendFile:fail parameter error: parameter.filePath should be String instead of Undefined;"},
		{"append unknown encoding", "fsm.appendFile", `{filePath: 'http://usr/a.txt', data: 'x', encoding: 'utf7'}`, `appendFile:fail unknown encoding: "utf7"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsmFail(t, fsmCall(p, c.fn, c.opts), c.want)
		})
	}
	t.Run("errno values", func(t *testing.T) {
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/missing.txt'}`), "readFile:fail no such file or directory, open http://usr/missing.txt", 1300002)
		fsmFail(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://tmp/x.txt', data: 'x'}`), "writeFile:fail permission denied, open http://tmp/x.txt", 1300013)
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/d'}`), "readFile:fail illegal operation on a directory, open http://usr/d", 1301003)
	})
	t.Run("failed writes change nothing", func(t *testing.T) {
		p.Eval(`fsmText('http://usr/a.txt')`, &s)
		assert.Equal(t, "hello world", s, "a failed append with a bad encoding left the file alone")
		fsmFail(t, fsmCall(p, "fsm.access", `{path: 'http://usr/b.txt'}`), "access:fail no such file or directory, access http://usr/b.txt")
	})
	t.Run("device aliases and unclean paths", func(t *testing.T) {
		// spec §7.1: wxfile:// paths are accepted as aliases of the DevTools forms
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'wxfile://usr/alias.txt', data: 'via alias'}`), "writeFile")
		p.Eval(`fsmText('http://usr/alias.txt')`, &s)
		assert.Equal(t, "via alias", s)
		p.Eval(`fsmText('http://usr//d/../alias.txt')`, &s)
		assert.Equal(t, "via alias", s, "duplicate slashes and .. are resolved")
		res := fsmOK(t, fsmCall(p, "fsm.readdir", `{dirPath: 'wxfile://usr'}`), "readdir")
		assert.Contains(t, res["files"], "alias.txt")
	})
	t.Run("overwrite replaces", func(t *testing.T) {
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/a.txt', data: 'x'}`), "writeFile")
		p.Eval(`fsmText('http://usr/a.txt')`, &s)
		assert.Equal(t, "x", s, "writeFile truncates")
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/empty.txt', data: ''}`), "writeFile")
		res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/empty.txt'}`), "readFile")
		assert.Equal(t, []byte{}, fsmAB(t, res["data"]))
		res = fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/empty.txt', encoding: 'utf8'}`), "readFile")
		assert.Equal(t, "", res["data"])
	})
	t.Run("a throwing callback", func(t *testing.T) {
		// spec §1.2: a callback that throws is reported on the console and does not
		// suppress complete or break the runtime
		var out []string
		p.Eval(`new Promise((res) => { const log = []; fsm.access({path: 'http://usr/a.txt',
			success: () => { log.push('success'); throw new Error('fsm-boom'); },
			complete: (r) => { log.push('complete ' + r.errMsg); setTimeout(() => res(log), 0); }}); })`, &out)
		assert.Equal(t, []string{"success", "complete access:ok"}, out)
		assert.True(t, p.ConsoleHas("error", "fsm-boom"), "reported on the console: %v", p.Console())
		fsmOK(t, fsmCall(p, "fsm.access", `{path: 'http://usr/a.txt'}`), "access")
	})
}

// spec §7.2: directories and file moves — mkdir, readdir, rmdir, unlink, access, rename,
// copyFile — with node's rules and op words (scandir, copyfile).
func TestFSMDirectories(t *testing.T) {
	p := fsmPage(t, "")
	mk := func(path string) { t.Helper(); fsmOK(t, fsmCall(p, "fsm.mkdir", `{dirPath: '`+path+`'}`), "mkdir") }
	wr := func(path, data string) {
		t.Helper()
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: '`+path+`', data: '`+data+`'}`), "writeFile")
	}
	text := func(path string) string { t.Helper(); var s string; p.Eval(`fsmText('`+path+`')`, &s); return s }
	readdir := func(path string) []any {
		t.Helper()
		return fsmOK(t, fsmCall(p, "fsm.readdir", `{dirPath: '`+path+`'}`), "readdir")["files"].([]any)
	}

	t.Run("mkdir", func(t *testing.T) {
		mk("http://usr/d")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/d'}`), "mkdir:fail file already exists, mkdir http://usr/d", 1301005)
		fsmOK(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/d', recursive: true}`), "mkdir")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/a/b/c'}`), "mkdir:fail no such file or directory, mkdir http://usr/a/b/c")
		fsmOK(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/a/b/c', recursive: true}`), "mkdir")
		wr("http://usr/f.txt", "file")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/f.txt'}`), "mkdir:fail file already exists, mkdir http://usr/f.txt")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/f.txt', recursive: true}`), "mkdir:fail file already exists, mkdir http://usr/f.txt")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/f.txt/sub', recursive: true}`), "mkdir:fail not a directory, mkdir http://usr/f.txt/sub")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://tmp/d'}`), "mkdir:fail permission denied, mkdir http://tmp/d")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://store/d'}`), "mkdir:fail permission denied, mkdir http://store/d")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr'}`), "mkdir:fail file already exists, mkdir http://usr")
		fsmFail(t, fsmCall(p, "fsm.mkdir", `{}`), "mkdir:fail parameter error: parameter.dirPath should be String instead of Undefined;")
	})
	t.Run("readdir", func(t *testing.T) {
		wr("http://usr/d/z.txt", "z")
		wr("http://usr/d/b.txt", "b")
		mk("http://usr/d/m")
		wr("http://usr/d/m/deep.txt", "deep")
		assert.Equal(t, []any{"b.txt", "m", "z.txt"}, readdir("http://usr/d"), "names directly inside, sorted")
		assert.Equal(t, []any{"a", "d", "f.txt"}, readdir("http://usr"))
		assert.Equal(t, []any{"a", "d", "f.txt"}, readdir("http://usr/"), "a trailing slash is the same directory")
		assert.Equal(t, []any{}, readdir("http://usr/a/b/c"), "an empty directory lists []")
		fsmFail(t, fsmCall(p, "fsm.readdir", `{dirPath: 'http://usr/f.txt'}`), "readdir:fail not a directory, scandir http://usr/f.txt", 1300020)
		fsmFail(t, fsmCall(p, "fsm.readdir", `{dirPath: 'http://usr/nope'}`), "readdir:fail no such file or directory, scandir http://usr/nope")
		fsmFail(t, fsmCall(p, "fsm.readdir", `{dirPath: 'ftp://x'}`), "readdir:fail no such file or directory, scandir ftp://x")
		fsmFail(t, fsmCall(p, "fsm.readdir", `{}`), "readdir:fail parameter error: parameter.dirPath should be String instead of Undefined;")
		fsmOK(t, fsmCall(p, "fsm.readdir", `{dirPath: 'http://tmp'}`), "readdir")
	})
	t.Run("access", func(t *testing.T) {
		fsmOK(t, fsmCall(p, "fsm.access", `{path: 'http://usr/f.txt'}`), "access")
		fsmOK(t, fsmCall(p, "fsm.access", `{path: 'http://usr/d'}`), "access")
		fsmOK(t, fsmCall(p, "fsm.access", `{path: 'http://usr'}`), "access")
		fsmFail(t, fsmCall(p, "fsm.access", `{path: 'http://usr/none'}`), "access:fail no such file or directory, access http://usr/none", 1300002)
		fsmFail(t, fsmCall(p, "fsm.access", `{path: 'http://usr/f.txt/x'}`), "access:fail not a directory, access http://usr/f.txt/x")
		fsmFail(t, fsmCall(p, "fsm.access", `{}`), "access:fail parameter error: parameter.path should be String instead of Undefined;")
	})
	t.Run("unlink", func(t *testing.T) {
		wr("http://usr/gone.txt", "bye")
		fsmOK(t, fsmCall(p, "fsm.unlink", `{filePath: 'http://usr/gone.txt'}`), "unlink")
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/gone.txt'}`), "readFile:fail no such file or directory, open http://usr/gone.txt")
		fsmFail(t, fsmCall(p, "fsm.unlink", `{filePath: 'http://usr/gone.txt'}`), "unlink:fail no such file or directory, unlink http://usr/gone.txt")
		fsmFail(t, fsmCall(p, "fsm.unlink", `{filePath: 'http://usr/d'}`), "unlink:fail operation not permitted, unlink http://usr/d", 1300001)
		fsmFail(t, fsmCall(p, "fsm.unlink", `{filePath: 'http://tmp/x.bin'}`), "unlink:fail permission denied, unlink http://tmp/x.bin")
		fsmFail(t, fsmCall(p, "fsm.unlink", `{}`), "unlink:fail parameter error: parameter.filePath should be String instead of Undefined;")
	})
	t.Run("rmdir", func(t *testing.T) {
		fsmFail(t, fsmCall(p, "fsm.rmdir", `{dirPath: 'http://usr/d'}`), "rmdir:fail directory not empty, rmdir http://usr/d", 1300066)
		fsmFail(t, fsmCall(p, "fsm.rmdir", `{dirPath: 'http://usr/f.txt'}`), "rmdir:fail not a directory, rmdir http://usr/f.txt")
		fsmFail(t, fsmCall(p, "fsm.rmdir", `{dirPath: 'http://usr/none'}`), "rmdir:fail no such file or directory, rmdir http://usr/none")
		fsmFail(t, fsmCall(p, "fsm.rmdir", `{dirPath: 'http://tmp'}`), "rmdir:fail permission denied, rmdir http://tmp")
		fsmFail(t, fsmCall(p, "fsm.rmdir", `{}`), "rmdir:fail parameter error: parameter.dirPath should be String instead of Undefined;")
		fsmOK(t, fsmCall(p, "fsm.rmdir", `{dirPath: 'http://usr/a/b/c'}`), "rmdir")
		assert.Equal(t, []any{}, readdir("http://usr/a/b"), "an empty directory is removed without recursive")
		fsmOK(t, fsmCall(p, "fsm.rmdir", `{dirPath: 'http://usr/d', recursive: true}`), "rmdir")
		fsmFail(t, fsmCall(p, "fsm.access", `{path: 'http://usr/d'}`), "access:fail no such file or directory, access http://usr/d")
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/d/m/deep.txt'}`), "readFile:fail no such file or directory, open http://usr/d/m/deep.txt")
		assert.Equal(t, []any{"a", "f.txt"}, readdir("http://usr"))
	})
	t.Run("rename", func(t *testing.T) {
		wr("http://usr/r1.txt", "one")
		fsmOK(t, fsmCall(p, "fsm.rename", `{oldPath: 'http://usr/r1.txt', newPath: 'http://usr/r2.txt'}`), "rename")
		assert.Equal(t, "one", text("http://usr/r2.txt"))
		fsmFail(t, fsmCall(p, "fsm.access", `{path: 'http://usr/r1.txt'}`), "access:fail no such file or directory, access http://usr/r1.txt")
		wr("http://usr/r3.txt", "three")
		fsmOK(t, fsmCall(p, "fsm.rename", `{oldPath: 'http://usr/r2.txt', newPath: 'http://usr/r3.txt'}`), "rename")
		assert.Equal(t, "one", text("http://usr/r3.txt"), "renaming onto a file replaces it")
		// a directory moves with its contents
		mk("http://usr/src")
		wr("http://usr/src/in.txt", "inside")
		fsmOK(t, fsmCall(p, "fsm.rename", `{oldPath: 'http://usr/src', newPath: 'http://usr/a/dst'}`), "rename")
		assert.Equal(t, "inside", text("http://usr/a/dst/in.txt"))
		fsmFail(t, fsmCall(p, "fsm.access", `{path: 'http://usr/src'}`), "access:fail no such file or directory, access http://usr/src")

		mk("http://usr/e")
		mk("http://usr/full")
		wr("http://usr/full/x.txt", "x")
		for _, c := range []struct{ opts, want string }{
			{`{oldPath: 'http://usr/none', newPath: 'http://usr/x'}`, "rename:fail no such file or directory, rename http://usr/none -> http://usr/x"},
			{`{oldPath: 'http://usr/r3.txt', newPath: 'http://usr/nodir/x'}`, "rename:fail no such file or directory, rename http://usr/r3.txt -> http://usr/nodir/x"},
			{`{oldPath: 'http://usr/r3.txt', newPath: 'http://tmp/r3.txt'}`, "rename:fail permission denied, rename http://usr/r3.txt -> http://tmp/r3.txt"},
			{`{oldPath: 'http://tmp/t.bin', newPath: 'http://usr/t.bin'}`, "rename:fail permission denied, rename http://tmp/t.bin -> http://usr/t.bin"},
			{`{oldPath: 'http://usr/r3.txt', newPath: 'http://usr/e'}`, "rename:fail illegal operation on a directory, rename http://usr/r3.txt -> http://usr/e"},
			{`{oldPath: 'http://usr/e', newPath: 'http://usr/r3.txt'}`, "rename:fail not a directory, rename http://usr/e -> http://usr/r3.txt"},
			{`{oldPath: 'http://usr/e', newPath: 'http://usr/full'}`, "rename:fail directory not empty, rename http://usr/e -> http://usr/full"},
			{`{oldPath: 'http://usr/e', newPath: 'http://usr/e/sub'}`, "rename:fail invalid argument, rename http://usr/e -> http://usr/e/sub"},
			{`{oldPath: 'http://usr/e', newPath: 'http://usr'}`, "rename:fail permission denied, rename http://usr/e -> http://usr"},
			{`{newPath: 'http://usr/x'}`, "rename:fail parameter error: parameter.oldPath should be String instead of Undefined;"},
			{`{oldPath: 'http://usr/r3.txt'}`, "rename:fail parameter error: parameter.newPath should be String instead of Undefined;"},
		} {
			fsmFail(t, fsmCall(p, "fsm.rename", c.opts), c.want)
		}
		fsmOK(t, fsmCall(p, "fsm.rename", `{oldPath: 'http://usr/r3.txt', newPath: 'http://usr/r3.txt'}`), "rename")
		assert.Equal(t, "one", text("http://usr/r3.txt"), "a rename onto itself keeps the file")
		fsmOK(t, fsmCall(p, "fsm.rename", `{oldPath: 'http://usr/full', newPath: 'http://usr/e'}`), "rename")
		assert.Equal(t, "x", text("http://usr/e/x.txt"), "a directory replaces an empty one")
	})
	t.Run("copyFile", func(t *testing.T) {
		wr("http://usr/c1.txt", "copy me")
		fsmOK(t, fsmCall(p, "fsm.copyFile", `{srcPath: 'http://usr/c1.txt', destPath: 'http://usr/a/c2.txt'}`), "copyFile")
		assert.Equal(t, "copy me", text("http://usr/a/c2.txt"))
		wr("http://usr/c1.txt", "changed")
		assert.Equal(t, "copy me", text("http://usr/a/c2.txt"), "the copy is independent of its source")
		fsmOK(t, fsmCall(p, "fsm.copyFile", `{srcPath: 'http://usr/c1.txt', destPath: 'http://usr/a/c2.txt'}`), "copyFile")
		assert.Equal(t, "changed", text("http://usr/a/c2.txt"), "copying onto a file replaces it")
		fsmOK(t, fsmCall(p, "fsm.copyFile", `{srcPath: 'http://usr/c1.txt', destPath: 'http://usr/c1.txt'}`), "copyFile")
		assert.Equal(t, "changed", text("http://usr/c1.txt"), "a copy onto itself keeps the file")
		for _, c := range []struct{ opts, want string }{
			{`{srcPath: 'http://usr/none', destPath: 'http://usr/c.txt'}`, "copyFile:fail no such file or directory, copyfile http://usr/none -> http://usr/c.txt"},
			{`{srcPath: 'http://tmp/none', destPath: 'http://usr/c.txt'}`, "copyFile:fail no such file or directory, copyfile http://tmp/none -> http://usr/c.txt"},
			{`{srcPath: 'http://usr/c1.txt', destPath: 'http://tmp/c.txt'}`, "copyFile:fail permission denied, copyfile http://usr/c1.txt -> http://tmp/c.txt"},
			{`{srcPath: 'http://usr/c1.txt', destPath: 'http://usr/nodir/c.txt'}`, "copyFile:fail no such file or directory, copyfile http://usr/c1.txt -> http://usr/nodir/c.txt"},
			{`{srcPath: 'http://usr/e', destPath: 'http://usr/c.txt'}`, "copyFile:fail illegal operation on a directory, copyfile http://usr/e -> http://usr/c.txt"},
			{`{srcPath: 'http://usr/c1.txt', destPath: 'http://usr/e'}`, "copyFile:fail illegal operation on a directory, copyfile http://usr/c1.txt -> http://usr/e"},
			{`{destPath: 'http://usr/c.txt'}`, "copyFile:fail parameter error: parameter.srcPath should be String instead of Undefined;"},
			{`{srcPath: 'http://usr/c1.txt'}`, "copyFile:fail parameter error: parameter.destPath should be String instead of Undefined;"},
		} {
			fsmFail(t, fsmCall(p, "fsm.copyFile", c.opts), c.want)
		}
	})
}

// spec §7.2: encodings round trip (utf8/utf-8, base64, hex, latin1/binary, ascii,
// ucs2/utf16le, case-insensitive names), writes in each encoding, appendFile.
func TestFSMEncodings(t *testing.T) {
	p := fsmPage(t, "")
	const text = "Aé€😀 ok!"
	raw := []byte(text)
	latin1 := func(b []byte) string {
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	}
	ascii := make([]byte, len(raw))
	for i, c := range raw {
		ascii[i] = c & 0x7f
	}
	require.Zero(t, len(raw)%2)
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	utf16le := string(utf16.Decode(units))
	fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/t.txt', data: 'A\u00e9\u20ac\ud83d\ude00 ok!', encoding: 'utf8'}`), "writeFile")
	want := map[string]string{
		"utf8": text, "utf-8": text, "UTF8": text, "Utf-8": text,
		"base64": base64.StdEncoding.EncodeToString(raw),
		"hex":    hex.EncodeToString(raw), "HEX": hex.EncodeToString(raw),
		"latin1": latin1(raw), "binary": latin1(raw),
		"ascii": string(ascii),
		"ucs2":  utf16le, "ucs-2": utf16le, "utf16le": utf16le, "utf-16le": utf16le,
	}
	for enc, w := range want {
		t.Run("read "+enc, func(t *testing.T) {
			res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/t.txt', encoding: '`+enc+`'}`), "readFile")
			assert.Equal(t, w, res["data"])
		})
	}
	t.Run("default write encoding is utf8", func(t *testing.T) {
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/d.txt', data: 'A\u00e9\u20ac\ud83d\ude00 ok!'}`), "writeFile")
		res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/d.txt'}`), "readFile")
		assert.Equal(t, raw, fsmAB(t, res["data"]))
	})

	writes := []struct {
		name, data, enc string
		bytes           []byte
	}{
		{"base64", "AAEC/w==", "base64", []byte{0, 1, 2, 255}},
		{"base64 unpadded", "AAEC/w", "base64", []byte{0, 1, 2, 255}},
		{"hex", "0001ff7f", "hex", []byte{0, 1, 255, 127}},
		{"hex upper case", "ABCDEF", "hex", []byte{0xab, 0xcd, 0xef}},
		{"latin1", `\u00e9\u00ff\u0041`, "latin1", []byte{0xe9, 0xff, 0x41}},
		{"binary", `\u00e9\u00ff`, "binary", []byte{0xe9, 0xff}},
		{"ascii", "abc", "ascii", []byte("abc")},
		{"ucs2", `h\u20ac`, "ucs2", []byte{0x68, 0, 0xac, 0x20}},
		{"utf16le", `h\u20ac`, "utf16le", []byte{0x68, 0, 0xac, 0x20}},
		{"utf-8", `\u4e2d`, "utf-8", []byte{0xe4, 0xb8, 0xad}},
	}
	for _, w := range writes {
		t.Run("write "+w.name, func(t *testing.T) {
			fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/w.bin', data: '`+w.data+`', encoding: '`+w.enc+`'}`), "writeFile")
			res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/w.bin'}`), "readFile")
			assert.Equal(t, w.bytes, fsmAB(t, res["data"]))
			res = fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/w.bin', encoding: 'hex'}`), "readFile")
			assert.Equal(t, hex.EncodeToString(w.bytes), res["data"])
		})
	}
	t.Run("ArrayBuffer round trip", func(t *testing.T) {
		var n []int
		p.Eval(`(async () => { const b = pattern(1000); const r = await pcall(fsm.writeFile, {filePath: 'http://usr/ab.bin', data: b.buffer});
			if (r.errMsg !== 'writeFile:ok') return r.errMsg; return fsmBytes('http://usr/ab.bin'); })()`, &n)
		back := make([]byte, len(n))
		for i, x := range n {
			back[i] = byte(x)
		}
		assert.Equal(t, fsmPattern(1000), back)
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/ab.bin', data: new Uint8Array([1, 2]).buffer, encoding: 'base64'}`), "writeFile")
		res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/ab.bin'}`), "readFile")
		assert.Equal(t, []byte{1, 2}, fsmAB(t, res["data"]), "an ArrayBuffer ignores encoding")
	})
	t.Run("appendFile grows the file", func(t *testing.T) {
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/log.txt', data: 'ab'}`), "writeFile")
		fsmOK(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/log.txt', data: 'cd'}`), "appendFile")
		fsmOK(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/log.txt', data: new Uint8Array([0xff, 0x00]).buffer}`), "appendFile")
		fsmOK(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/log.txt', data: 'AQ==', encoding: 'base64'}`), "appendFile")
		fsmOK(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/log.txt', data: '0a0b', encoding: 'hex'}`), "appendFile")
		fsmOK(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/log.txt', data: '\u00e9'}`), "appendFile")
		fsmOK(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/log.txt', data: ''}`), "appendFile")
		res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/log.txt'}`), "readFile")
		want := []byte{'a', 'b', 'c', 'd', 0xff, 0x00, 0x01, 0x0a, 0x0b, 0xc3, 0xa9}
		assert.Equal(t, want, fsmAB(t, res["data"]))
		var st map[string]any
		p.Eval(`fsmStat('http://usr/log.txt')`, &st)
		assert.Equal(t, float64(len(want)), st["size"], "stat sees the grown size")
	})
}

// spec §7.2: readFile position/length slices and their range errors.
func TestFSMReadRange(t *testing.T) {
	p := fsmPage(t, "")
	var sum string
	p.Eval(`write('http://usr/ten.bin', 10)`, &sum)
	fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/empty.bin', data: new ArrayBuffer(0)}`), "writeFile")
	all := fsmPattern(10)
	for _, c := range []struct {
		opts string
		want []byte
	}{
		{`position: 0`, all},
		{`position: 2`, all[2:]},
		{`position: 9`, all[9:]},
		{`length: 3`, all[:3]},
		{`length: 10`, all},
		{`position: 2, length: 3`, all[2:5]},
		{`position: 2, length: 8`, all[2:]},
		{`position: 9, length: 1`, all[9:]},
		{`position: 1.7, length: 2.9`, all[1:3]},
	} {
		t.Run(c.opts, func(t *testing.T) {
			res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/ten.bin', `+c.opts+`}`), "readFile")
			assert.Equal(t, c.want, fsmAB(t, res["data"]))
		})
	}
	t.Run("with an encoding", func(t *testing.T) {
		res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/ten.bin', position: 1, length: 2, encoding: 'hex'}`), "readFile")
		assert.Equal(t, hex.EncodeToString(all[1:3]), res["data"])
	})
	t.Run("empty file from 0", func(t *testing.T) {
		res := fsmOK(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/empty.bin', position: 0}`), "readFile")
		assert.Equal(t, []byte{}, fsmAB(t, res["data"]))
	})
	const pos = `readFile:fail the value of "position" is out of range`
	const length = `readFile:fail the value of "length" is out of range`
	for _, c := range []struct{ path, opts, want string }{
		{"ten", `position: 10`, pos},
		{"ten", `position: 11`, pos},
		{"ten", `position: -1`, pos},
		{"ten", `position: NaN`, pos},
		{"ten", `position: Infinity`, pos},
		{"ten", `length: 0`, length},
		{"ten", `length: 11`, length},
		{"ten", `length: -1`, length},
		{"ten", `position: 2, length: 9`, length},
		{"ten", `position: 9, length: 2`, length},
		{"ten", `length: Infinity`, length},
		{"empty", `position: 1`, pos},
		{"empty", `length: 1`, length},
	} {
		t.Run(c.path+" "+c.opts, func(t *testing.T) {
			fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/`+c.path+`.bin', `+c.opts+`}`), c.want)
		})
	}
	t.Run("errno", func(t *testing.T) {
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/ten.bin', position: 10}`), pos, 1301009)
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: 'http://usr/ten.bin', length: 0}`), length, 1301006)
	})
}

// spec §7.2: stat gives a Stats object with isFile()/isDirectory() functions, size, mode
// (st_mode 0o100644 files, 0o40755 directories) and times in seconds.
func TestFSMStat(t *testing.T) {
	p := fsmPage(t, "")
	before := time.Now().Unix()
	var sum string
	p.Eval(`write('http://usr/s.bin', 1234)`, &sum)
	fsmOK(t, fsmCall(p, "fsm.mkdir", `{dirPath: 'http://usr/sd'}`), "mkdir")
	after := time.Now().Unix()
	type stat struct {
		OK               bool    `json:"ok"`
		ErrMsg           string  `json:"errMsg"`
		Size             float64 `json:"size"`
		Mode             float64 `json:"mode"`
		LastAccessedTime float64 `json:"lastAccessedTime"`
		LastModifiedTime float64 `json:"lastModifiedTime"`
		IsFileType       string  `json:"isFileType"`
		IsDirType        string  `json:"isDirType"`
		IsFile           bool    `json:"isFile"`
		IsDirectory      bool    `json:"isDirectory"`
	}
	get := func(path string) stat {
		var s stat
		p.Eval(`fsmStat('`+path+`')`, &s)
		return s
	}
	f := get("http://usr/s.bin")
	require.True(t, f.OK, f.ErrMsg)
	assert.Equal(t, "stat:ok", f.ErrMsg)
	assert.Equal(t, "function", f.IsFileType)
	assert.Equal(t, "function", f.IsDirType)
	assert.True(t, f.IsFile)
	assert.False(t, f.IsDirectory)
	assert.Equal(t, 1234.0, f.Size)
	assert.Equal(t, float64(0o100644), f.Mode, "33188")
	assert.GreaterOrEqual(t, f.LastModifiedTime, float64(before-1), "seconds, not ms")
	assert.LessOrEqual(t, f.LastModifiedTime, float64(after+1), "seconds, not ms")
	assert.Equal(t, f.LastModifiedTime, f.LastAccessedTime)

	d := get("http://usr/sd")
	require.True(t, d.OK, d.ErrMsg)
	assert.False(t, d.IsFile)
	assert.True(t, d.IsDirectory)
	assert.Equal(t, 0.0, d.Size)
	assert.Equal(t, float64(0o40755), d.Mode, "16877")
	assert.GreaterOrEqual(t, d.LastModifiedTime, float64(before-1))

	root := get("http://usr")
	assert.True(t, root.OK && root.IsDirectory, "%+v", root)
	tmp := get("http://tmp")
	assert.True(t, tmp.OK && tmp.IsDirectory, "temp root can be stat'ed: %+v", tmp)

	fsmFail(t, fsmCall(p, "fsm.stat", `{path: 'http://usr/none'}`), "stat:fail no such file or directory, stat http://usr/none")
	fsmFail(t, fsmCall(p, "fsm.stat", `{path: 'http://usr/s.bin/x'}`), "stat:fail not a directory, stat http://usr/s.bin/x")
	fsmFail(t, fsmCall(p, "fsm.stat", `{}`), "stat:fail parameter error: parameter.path should be String instead of Undefined;")
	fsmCallbacks(t, fsmCall(p, "fsm.stat", `{path: 'http://usr/s.bin'}`), "success")
}

// spec §7.3, §1.3: saveFile moves a downloaded temp file into http://store; the list,
// info and remove APIs, on wx (Promise style without callbacks) and on the manager
// (callback-only).
func TestFSMSavedFiles(t *testing.T) {
	p := fsmPage(t, "")
	var tmp string
	p.Eval(`fsmDownload('/file/photo.jpg?size=1000')`, &tmp)
	require.True(t, strings.HasPrefix(tmp, "http://tmp/"), tmp)
	before := time.Now().Unix()
	var saved map[string]any
	p.Eval(`fsmPromise(wx.saveFile({tempFilePath: '`+tmp+`'}))`, &saved)
	after := time.Now().Unix()
	res, ok := saved["resolved"].(map[string]any)
	require.True(t, ok, "wx.saveFile() without callbacks returns a Promise that resolves: %v", saved)
	assert.Equal(t, "saveFile:ok", res["errMsg"])
	path, _ := res["savedFilePath"].(string)
	require.True(t, strings.HasPrefix(path, "http://store/"), "savedFilePath under http://store (spec §7.1): %q", path)
	assert.True(t, strings.HasSuffix(path, ".jpg"), "keeps the extension: %q", path)

	t.Run("the temp file is gone, the saved one has its bytes", func(t *testing.T) {
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: '`+tmp+`'}`), "readFile:fail no such file or directory, open "+tmp)
		var sum string
		p.Eval(`sha('`+path+`')`, &sum)
		assert.Equal(t, fixture.FileSHA256(1000, 0), sum)
		fsmFail(t, fsmCall(p, "wx.saveFile", `{tempFilePath: '`+tmp+`'}`), "saveFile:fail tempFilePath file not exist", 1301112)
	})
	t.Run("getSavedFileList", func(t *testing.T) {
		var out map[string]any
		p.Eval(`fsmPromise(wx.getSavedFileList())`, &out)
		res, ok := out["resolved"].(map[string]any)
		require.True(t, ok, "Promise style (spec §1.3): %v", out)
		assert.Equal(t, "getSavedFileList:ok", res["errMsg"])
		list, _ := res["fileList"].([]any)
		require.Len(t, list, 1)
		item := list[0].(map[string]any)
		assert.Equal(t, path, item["filePath"])
		assert.Equal(t, 1000.0, item["size"])
		ct, _ := item["createTime"].(float64)
		assert.GreaterOrEqual(t, ct, float64(before-1), "createTime in seconds")
		assert.LessOrEqual(t, ct, float64(after+1), "createTime in seconds")
		cb := fsmOK(t, fsmCall(p, "wx.getSavedFileList", `{}`), "getSavedFileList")
		assert.Equal(t, res["fileList"], cb["fileList"], "callback style gives the same list")
		mgr := fsmOK(t, fsmCall(p, "fsm.getSavedFileList", `{}`), "getSavedFileList")
		assert.Equal(t, res["fileList"], mgr["fileList"], "the manager's twin gives the same list")
	})
	t.Run("getSavedFileInfo", func(t *testing.T) {
		info := fsmOK(t, fsmCall(p, "wx.getSavedFileInfo", `{filePath: '`+path+`'}`), "getSavedFileInfo")
		assert.Equal(t, 1000.0, info["size"])
		ct, _ := info["createTime"].(float64)
		assert.GreaterOrEqual(t, ct, float64(before-1))
		assert.LessOrEqual(t, ct, float64(after+1))
		var out map[string]any
		p.Eval(`fsmPromise(wx.getSavedFileInfo({filePath: '`+path+`'}))`, &out)
		assert.Equal(t, "getSavedFileInfo:ok", out["resolved"].(map[string]any)["errMsg"])
		p.Eval(`fsmPromise(wx.getSavedFileInfo({filePath: 'http://store/none.jpg'}))`, &out)
		rej, ok := out["rejected"].(map[string]any)
		require.True(t, ok, "a failing call rejects: %v", out)
		assert.Equal(t, "getSavedFileInfo:fail file not exist", rej["errMsg"])
		fsmFail(t, fsmCall(p, "wx.getSavedFileInfo", `{filePath: 'http://usr/none'}`), "getSavedFileInfo:fail file not exist", 1300002)
		fsmFail(t, fsmCall(p, "wx.getSavedFileInfo", `{}`), "getSavedFileInfo:fail parameter error: parameter.filePath should be String instead of Undefined;")
	})
	t.Run("getFileInfo", func(t *testing.T) {
		info := fsmOK(t, fsmCall(p, "wx.getFileInfo", `{filePath: '`+path+`'}`), "getFileInfo")
		assert.Equal(t, 1000.0, info["size"])
		info = fsmOK(t, fsmCall(p, "fsm.getFileInfo", `{filePath: '`+path+`'}`), "getFileInfo")
		assert.Equal(t, 1000.0, info["size"])
		fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/i.txt', data: 'abc'}`), "writeFile")
		var out map[string]any
		p.Eval(`fsmPromise(wx.getFileInfo({filePath: 'http://usr/i.txt'}))`, &out)
		res, ok := out["resolved"].(map[string]any)
		require.True(t, ok, "%v", out)
		assert.Equal(t, 3.0, res["size"])
		p.Eval(`fsmPromise(wx.getFileInfo({filePath: 'http://usr/none'}))`, &out)
		assert.Equal(t, "getFileInfo:fail file not exist", out["rejected"].(map[string]any)["errMsg"])
		fsmFail(t, fsmCall(p, "fsm.getFileInfo", `{filePath: 'http://usr'}`), "getFileInfo:fail file not exist")
		fsmFail(t, fsmCall(p, "wx.getFileInfo", `{}`), "getFileInfo:fail parameter error: parameter.filePath should be String instead of Undefined;")
	})
	t.Run("saved files are read-only through the manager", func(t *testing.T) {
		fsmFail(t, fsmCall(p, "fsm.writeFile", `{filePath: '`+path+`', data: 'x'}`), "writeFile:fail permission denied, open "+path)
		fsmFail(t, fsmCall(p, "fsm.unlink", `{filePath: '`+path+`'}`), "unlink:fail permission denied, unlink "+path)
		fsmFail(t, fsmCall(p, "fsm.rename", `{oldPath: '`+path+`', newPath: 'http://usr/x.jpg'}`), "rename:fail permission denied, rename "+path+" -> http://usr/x.jpg")
		fsmOK(t, fsmCall(p, "fsm.copyFile", `{srcPath: '`+path+`', destPath: 'http://usr/copy.jpg'}`), "copyFile")
		var sum string
		p.Eval(`sha('http://usr/copy.jpg')`, &sum)
		assert.Equal(t, fixture.FileSHA256(1000, 0), sum, "a saved file can be copied into USER_DATA_PATH")
	})
	t.Run("saveFile errors", func(t *testing.T) {
		fsmFail(t, fsmCall(p, "wx.saveFile", `{tempFilePath: 'http://tmp/none.bin'}`), "saveFile:fail tempFilePath file not exist")
		fsmFail(t, fsmCall(p, "wx.saveFile", `{tempFilePath: 'http://usr/i.txt'}`), "saveFile:fail permission denied, open http://usr/i.txt")
		fsmFail(t, fsmCall(p, "wx.saveFile", `{tempFilePath: '`+path+`'}`), "saveFile:fail permission denied, open "+path)
		fsmFail(t, fsmCall(p, "wx.saveFile", `{}`), "saveFile:fail parameter error: parameter.tempFilePath should be String instead of Undefined;")
		fsmFail(t, fsmCall(p, "fsm.saveFile", `{tempFilePath: 'http://tmp/none.bin'}`), "saveFile:fail tempFilePath file not exist")
	})
	t.Run("the manager's saveFile and removeSavedFile", func(t *testing.T) {
		var tmp2 string
		p.Eval(`fsmDownload('/file?size=10')`, &tmp2)
		res := fsmOK(t, fsmCall(p, "fsm.saveFile", `{tempFilePath: '`+tmp2+`'}`), "saveFile")
		p2, _ := res["savedFilePath"].(string)
		require.True(t, strings.HasPrefix(p2, "http://store/"), p2)
		assert.NotEqual(t, path, p2)
		fsmOK(t, fsmCall(p, "fsm.removeSavedFile", `{filePath: '`+p2+`'}`), "removeSavedFile")
		fsmFail(t, fsmCall(p, "fsm.removeSavedFile", `{filePath: '`+p2+`'}`), "removeSavedFile:fail file not exist")
		var ret string
		p.Eval(`typeof fsm.getSavedFileList()`, &ret)
		assert.Equal(t, "undefined", ret, "manager methods are callback-only (spec §1.3)")
	})
	t.Run("removeSavedFile", func(t *testing.T) {
		var out map[string]any
		p.Eval(`fsmPromise(wx.removeSavedFile({filePath: '`+path+`'}))`, &out)
		assert.Equal(t, "removeSavedFile:ok", out["resolved"].(map[string]any)["errMsg"], "%v", out)
		fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: '`+path+`'}`), "readFile:fail no such file or directory, open "+path)
		list := fsmOK(t, fsmCall(p, "wx.getSavedFileList", `{}`), "getSavedFileList")
		assert.Equal(t, []any{}, list["fileList"])
		fsmFail(t, fsmCall(p, "wx.removeSavedFile", `{filePath: '`+path+`'}`), "removeSavedFile:fail file not exist", 1300002)
		fsmFail(t, fsmCall(p, "wx.removeSavedFile", `{filePath: 'http://usr/i.txt'}`), "removeSavedFile:fail file not exist")
		fsmFail(t, fsmCall(p, "wx.removeSavedFile", `{}`), "removeSavedFile:fail parameter error: parameter.filePath should be String instead of Undefined;")
	})
}

// spec §7.3: saved files total at most 10 MiB, inclusive; one byte more fails with the
// storage-limit wording and keeps the temp file.
func TestFSMSavedLimit(t *testing.T) {
	p := fsmPage(t, "")
	save := func(size int) fsmResult {
		t.Helper()
		var tmp string
		p.Eval(fmt.Sprintf(`fsmDownload('/file?size=%d')`, size), &tmp)
		return fsmCall(p, "wx.saveFile", `{tempFilePath: '`+tmp+`'}`)
	}
	const limit = 10 * 1024 * 1024
	var paths []string
	for _, n := range []int{6 << 20, 4<<20 - 1, 1} {
		res := fsmOK(t, save(n), "saveFile")
		paths = append(paths, res["savedFilePath"].(string))
	}
	list := fsmOK(t, fsmCall(p, "wx.getSavedFileList", `{}`), "getSavedFileList")["fileList"].([]any)
	total := 0.0
	for _, it := range list {
		total += it.(map[string]any)["size"].(float64)
	}
	assert.Equal(t, float64(limit), total, "exactly the limit is allowed")
	for i, it := range list {
		assert.Equal(t, paths[i], it.(map[string]any)["filePath"], "oldest first")
	}

	var tmp string
	p.Eval(`fsmDownload('/file?size=1')`, &tmp)
	fsmFail(t, fsmCall(p, "wx.saveFile", `{tempFilePath: '`+tmp+`'}`), "saveFile:fail the maximum size of the file storage limit is exceeded", 1300202)
	var out map[string]any
	p.Eval(`fsmPromise(wx.saveFile({tempFilePath: '`+tmp+`'}))`, &out)
	rej, _ := out["rejected"].(map[string]any)
	assert.Equal(t, "saveFile:fail the maximum size of the file storage limit is exceeded", rej["errMsg"], "%v", out)
	fsmOK(t, fsmCall(p, "fsm.access", `{path: '`+tmp+`'}`), "access")
	list = fsmOK(t, fsmCall(p, "wx.getSavedFileList", `{}`), "getSavedFileList")["fileList"].([]any)
	assert.Len(t, list, 3, "nothing was saved")

	fsmOK(t, fsmCall(p, "wx.removeSavedFile", `{filePath: '`+paths[2]+`'}`), "removeSavedFile")
	fsmOK(t, fsmCall(p, "wx.saveFile", `{tempFilePath: '`+tmp+`'}`), "saveFile")
}

// spec §7.3: all files under USER_DATA_PATH total at most 200 MiB, inclusive. copyFile
// shares the bytes, so two 100 MiB files cost one allocation.
func TestFSMUserDataLimit(t *testing.T) {
	p := fsmPage(t, "")
	const half = 100 << 20
	start := time.Now()
	fsmOK(t, fsmCall(p, "fsm.writeFile", fmt.Sprintf(`{filePath: 'http://usr/a.bin', data: new ArrayBuffer(%d)}`, half)), "writeFile")
	fsmOK(t, fsmCall(p, "fsm.copyFile", `{srcPath: 'http://usr/a.bin', destPath: 'http://usr/b.bin'}`), "copyFile")
	t.Logf("200 MiB written in %v", time.Since(start))
	const full = "the maximum size of the file storage limit is exceeded"
	fsmFail(t, fsmCall(p, "fsm.appendFile", `{filePath: 'http://usr/a.bin', data: 'x'}`), "appendFile:fail "+full, 1300202)
	fsmFail(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/c.txt', data: 'x'}`), "writeFile:fail "+full)
	fsmFail(t, fsmCall(p, "fsm.copyFile", `{srcPath: 'http://usr/a.bin', destPath: 'http://usr/c.bin'}`), "copyFile:fail "+full)
	var r transferResult
	p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=1', filePath: 'http://usr/dl.bin'})`, &r)
	assert.Equal(t, "downloadFile:fail "+full, r.Res["errMsg"], "a download into USER_DATA_PATH counts too")
	fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/b.bin', data: 'small'}`), "writeFile")
	fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/c.txt', data: 'x'}`), "writeFile")
	var st map[string]any
	p.Eval(`fsmStat('http://usr/a.bin')`, &st)
	assert.Equal(t, float64(half), st["size"], "the failed append left the file alone")
}

// spec §7.4: wxsim.relaunch() drops temp files; user and saved files stay.
func TestFSMRelaunch(t *testing.T) {
	p := fsmPage(t, "")
	var tmp, keep, sum string
	p.Eval(`fsmDownload('/file?size=500')`, &tmp)
	p.Eval(`fsmDownload('/file/k.txt?size=300')`, &keep)
	saved := fsmOK(t, fsmCall(p, "wx.saveFile", `{tempFilePath: '`+keep+`'}`), "saveFile")["savedFilePath"].(string)
	p.Eval(`write('http://usr/stay.bin', 700)`, &sum)
	fsmOK(t, fsmCall(p, "fsm.access", `{path: '`+tmp+`'}`), "access")
	files := p.Stats()["files"]

	p.Eval(`(wxsim.relaunch(), true)`, nil)
	fsmFail(t, fsmCall(p, "fsm.readFile", `{filePath: '`+tmp+`'}`), "readFile:fail no such file or directory, open "+tmp)
	fsmFail(t, fsmCall(p, "fsm.access", `{path: '`+tmp+`'}`), "access:fail no such file or directory, access "+tmp)
	fsmFail(t, fsmCall(p, "wx.getFileInfo", `{filePath: '`+tmp+`'}`), "getFileInfo:fail file not exist")
	fsmFail(t, fsmCall(p, "wx.saveFile", `{tempFilePath: '`+tmp+`'}`), "saveFile:fail tempFilePath file not exist")
	assert.Equal(t, []any{}, fsmOK(t, fsmCall(p, "fsm.readdir", `{dirPath: 'http://tmp'}`), "readdir")["files"])
	assert.Equal(t, files-1, p.Stats()["files"], "the temp file's bytes are released")

	var got string
	p.Eval(`sha('http://usr/stay.bin')`, &got)
	assert.Equal(t, sum, got, "user files stay")
	p.Eval(`sha('`+saved+`')`, &got)
	assert.Equal(t, fixture.FileSHA256(300, 0), got, "saved files stay")
	list := fsmOK(t, fsmCall(p, "wx.getSavedFileList", `{}`), "getSavedFileList")["fileList"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, saved, list[0].(map[string]any)["filePath"])

	// the runtime keeps working: a new download makes a new temp file
	var again string
	p.Eval(`fsmDownload('/file?size=5')`, &again)
	p.Eval(`sha('`+again+`')`, &got)
	assert.Equal(t, fixture.FileSHA256(5, 0), got)
}

// spec §1.3, §7.2: the manager's …Sync twins return the value or throw an Error whose
// message is the errMsg ("<api>Sync:fail …", sim/fs.go).
func TestFSMSyncTwins(t *testing.T) {
	p := fsmPage(t, "")
	var out map[string]any
	p.Eval(`(() => {
		const names = ['writeFileSync', 'appendFileSync', 'accessSync', 'statSync', 'unlinkSync',
			'mkdirSync', 'readdirSync', 'rmdirSync', 'copyFileSync', 'renameSync', 'saveFileSync'];
		const missing = names.filter((n) => typeof fsm[n] !== 'function');
		const thrown = (f) => { try { f(); return 'no throw'; } catch (e) { return (e instanceof Error ? '' : 'not an Error: ') + e.message; } };
		fsm.mkdirSync('http://usr/s/t', true);
		fsm.writeFileSync('http://usr/s/t/a.txt', 'héllo', 'utf8');
		fsm.appendFileSync('http://usr/s/t/a.txt', '!!');
		fsm.copyFileSync('http://usr/s/t/a.txt', 'http://usr/s/b.txt');
		fsm.renameSync('http://usr/s/b.txt', 'http://usr/s/c.txt');
		const st = fsm.statSync('http://usr/s/t/a.txt');
		const dir = fsm.statSync('http://usr/s');
		const list = fsm.readdirSync('http://usr/s');
		fsm.unlinkSync('http://usr/s/c.txt');
		return {missing, list, after: fsm.readdirSync('http://usr/s'), size: st.size, isFile: st.isFile(), isDir: dir.isDirectory(),
			access: thrown(() => fsm.accessSync('http://usr/none')),
			param: thrown(() => fsm.accessSync()),
			rmdir: thrown(() => fsm.rmdirSync('http://usr/s')),
			perm: thrown(() => fsm.writeFileSync('http://tmp/x.txt', 'x')),
			readFileSync: typeof fsm.readFileSync};
	})()`, &out)
	assert.Equal(t, []any{}, out["missing"], "…Sync twins where they can be honest (spec §7.2)")
	assert.Equal(t, []any{"c.txt", "t"}, out["list"])
	assert.Equal(t, []any{"t"}, out["after"])
	assert.Equal(t, 8.0, out["size"], "héllo is 6 UTF-8 bytes, plus 2 appended")
	assert.Equal(t, true, out["isFile"])
	assert.Equal(t, true, out["isDir"])
	assert.Equal(t, "accessSync:fail no such file or directory, access http://usr/none", out["access"], "sync twins throw an Error with the errMsg (spec §1.3)")
	assert.Equal(t, "accessSync:fail parameter error: parameter.path should be String instead of Undefined;", out["param"])
	assert.Equal(t, "rmdirSync:fail directory not empty, rmdir http://usr/s", out["rmdir"])
	assert.Contains(t, out["perm"], "writeFileSync:fail permission denied")
	assert.Equal(t, "undefined", out["readFileSync"], "not offered: Blob bytes can only be read asynchronously (README)")

	// synchronous writes are stored right after they return; an async change reports
	// success only once stored, and IndexedDB commits read-write transactions in order,
	// so after it the sync writes have survived too
	p.Eval(`new Promise((res) => fsm.writeFile({filePath: 'http://usr/flush.txt', data: 'x', complete: () => res(true)}))`, nil)
	var appID string
	p.Eval(`wxsim.config().appId`, &appID)
	p.Reload(`{appId: '` + appID + `'}`)
	var got string
	p.Eval(`new Promise((res) => wx.getFileSystemManager().readFile({filePath: 'http://usr/s/t/a.txt', encoding: 'utf8', success: (r) => res(r.data), fail: (r) => res(r.errMsg)}))`, &got)
	assert.Equal(t, "héllo!!", got)
}

// wxsim.stats(): after 200 mixed transfers (downloads, uploads of files written first,
// aborted ones, policy and argument failures) the live callbacks are back to their idle
// value and no task, timer or JS task record is left (spec §5, §8.1).
func TestFSMNoLeaks(t *testing.T) {
	p := fsmPage(t, "")
	idle := p.Stats()
	var out map[string]float64
	p.Eval(`(async () => {
		await write('http://usr/up.bin', 1000);
		await pcall(fsm.mkdir, {dirPath: 'http://usr/dl'});
		const A = 'https://api.example.test';
		const kinds = [
			['downloadFile', {url: A + '/file?size=2000'}],
			['uploadFile', {url: A + '/upload', filePath: 'http://usr/up.bin', name: 'f'}],
			['downloadFile', {url: 'https://other.example.test/file?size=10'}],
			['uploadFile', {url: 'https://evil.example.test/upload', filePath: 'http://usr/up.bin', name: 'f'}],
			['uploadFile', {url: A + '/upload', filePath: 'http://usr/nope.bin', name: 'f'}],
			['downloadFile', {url: A + '/file?size=10&status=404'}],
			['downloadFile', {url: A + '/file?size=100', filePath: 'http://usr/dl/x.bin'}],
			['downloadFile', {url: A + '/file?size=20000&slowKBps=64'}],
			['uploadFile', {url: A + '/upload'}],
			['downloadFile', {url: A + '/file?size=10', filePath: 'http://tmp/x.bin'}],
		];
		const seen = {ok: 0, fail: 0, abort: 0, complete: 0};
		for (let i = 0; i < 200; i += 50) {
			await Promise.all(Array.from({length: 50}, (_, j) => new Promise((resolve) => {
				const [api, o] = kinds[(i + j) % kinds.length];
				const t = wx[api](Object.assign({}, o, {
					success: () => seen.ok++,
					fail: (r) => { seen.fail++; if (r.errMsg.endsWith(':fail abort')) seen.abort++; },
					complete: () => { seen.complete++; resolve(); },
				}));
				t.onProgressUpdate(() => {});
				t.onHeadersReceived(() => {});
				if ((i + j) % 7 === 0 || (i + j) % 10 === 7) t.abort();
			})));
		}
		return seen;
	})()`, &out)
	assert.Equal(t, 200.0, out["complete"], "%v", out)
	assert.Equal(t, 200.0, out["ok"]+out["fail"], "exactly one of success/fail each: %v", out)
	assert.Greater(t, out["abort"], 20.0, "%v", out)
	assert.Greater(t, out["ok"], 40.0, "%v", out)
	end := p.Stats()
	assert.Equal(t, idle["liveCallbacks"], end["liveCallbacks"], "liveCallbacks back to idle")
	for _, k := range []string{"running", "queued", "tasks", "jsTasks", "timers"} {
		assert.Zero(t, end[k], k)
	}
}
