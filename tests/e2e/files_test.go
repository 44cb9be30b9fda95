package e2e

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/fixture"
)

const filesCfg = `{domains: {request: ['https://api.example.test'], uploadFile: ['https://api.example.test'], downloadFile: ['https://api.example.test']}}`

// filesJS are page helpers: download(opts) records progress and the result; sha(path)
// reads a file through the file system manager and hashes it; write(path, n) writes n
// deterministic bytes (byte i = (i*31) % 251, the fixture's pattern) and returns their sha.
const filesJS = `
window.fsm = wx.getFileSystemManager();
window.pcall = (fn, o) => new Promise((res) => fn(Object.assign({}, o, {success: (r) => res(T.plain(r)), fail: (r) => res(T.plain(r))})));
window.transfer = (api, o, onTask) => new Promise((res) => {
  const prog = [], order = [];
  const t = wx[api](Object.assign({}, o, {
    success: (r) => { order.push('success'); res({ok: true, res: T.plain(r), prog, order}); },
    fail: (r) => { order.push('fail'); res({ok: false, res: T.plain(r), prog, order}); },
  }));
  t.onProgressUpdate((p) => { prog.push([p.progress, p.totalBytesWritten ?? p.totalBytesSent, p.totalBytesExpectedToWrite ?? p.totalBytesExpectedToSend]); order.push('progress'); });
  if (onTask) onTask(t, prog);
});
window.sha = async (path) => { const r = await pcall(fsm.readFile, {filePath: path}); return r.data && r.data.ab ? T.sha256(new Uint8Array(r.data.ab)) : r.errMsg; };
window.pattern = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31) % 251; return b; };
window.write = async (path, n) => { const b = pattern(n); const r = await pcall(fsm.writeFile, {filePath: path, data: b.buffer}); if (r.errMsg !== 'writeFile:ok') throw new Error(r.errMsg); return T.sha256(b); };
true`

type transferResult struct {
	OK    bool           `json:"ok"`
	Res   map[string]any `json:"res"`
	Prog  [][]float64    `json:"prog"`
	Order []string       `json:"order"`
}

func filesPage(t *testing.T, cfg string) *Page {
	p := newPage(t, cfg)
	p.Eval(filesJS, nil)
	return p
}

// checkProgress asserts spec §5.3: monotonic, ends at 100, all before success.
func checkProgress(t *testing.T, r transferResult) {
	t.Helper()
	require.NotEmpty(t, r.Prog)
	for i := 1; i < len(r.Prog); i++ {
		assert.GreaterOrEqual(t, r.Prog[i][0], r.Prog[i-1][0], "progress is monotonic")
		assert.GreaterOrEqual(t, r.Prog[i][1], r.Prog[i-1][1], "bytes are monotonic")
	}
	assert.Equal(t, 100.0, r.Prog[len(r.Prog)-1][0], "the last progress event is 100")
	assert.Equal(t, "success", r.Order[len(r.Order)-1], "progress comes before success")
}

// spec §5.2: downloads are byte-exact with and without content-length; any status is a
// success; progress per §5.3.
func TestDownloadFile(t *testing.T) {
	for _, tr := range transports { // spec §9: the same behaviour through the relay
		t.Run(tr.name, func(t *testing.T) { testDownloadFile(t, withTransport(filesCfg, tr.extra)) })
	}
}

func testDownloadFile(t *testing.T, cfg string) {
	p := filesPage(t, cfg)
	for _, c := range []struct {
		size int
		cl   string
	}{{0, "1"}, {1, "1"}, {1 << 20, "1"}, {1 << 20, "0"}, {50 << 20, "1"}, {3 << 20, "0"}} {
		t.Run(fmt.Sprintf("%d bytes cl=%s", c.size, c.cl), func(t *testing.T) {
			var r transferResult
			p.Eval(fmt.Sprintf(`transfer('downloadFile', {url: '%s/file?size=%d&cl=%s'})`, api, c.size, c.cl), &r)
			require.True(t, r.OK, "%v", r.Res)
			assert.Equal(t, "downloadFile:ok", r.Res["errMsg"])
			assert.Equal(t, 200.0, r.Res["statusCode"])
			path, _ := r.Res["tempFilePath"].(string)
			require.True(t, strings.HasPrefix(path, "http://tmp/"), path)
			var sum string
			p.Eval(`sha('`+path+`')`, &sum)
			assert.Equal(t, fixture.FileSHA256(c.size, 0), sum, "byte-exact")
			checkProgress(t, r)
			if c.cl == "0" {
				for _, ev := range r.Prog[:len(r.Prog)-1] {
					assert.Equal(t, []float64{0, ev[1], 0}, ev, "no length: expected 0 and progress 0 until done")
				}
			} else {
				assert.Equal(t, float64(c.size), r.Prog[len(r.Prog)-1][2])
			}
		})
	}
	// without an onProgressUpdate listener the download goes over fetch().blob(), or
	// counted chunks when there is no length, on each transport: the same file
	for _, c := range []struct {
		size int
		cl   string
	}{{0, "1"}, {1 << 20, "1"}, {3 << 20, "0"}} {
		t.Run(fmt.Sprintf("no listener %d bytes cl=%s", c.size, c.cl), func(t *testing.T) {
			var r struct {
				ErrMsg     string  `json:"errMsg"`
				StatusCode float64 `json:"statusCode"`
				Fixture    string  `json:"fixture"`
				Sum        string  `json:"sum"`
				XHRs       float64 `json:"xhrs"`
			}
			p.Eval(fmt.Sprintf(`(async () => {
				const open = XMLHttpRequest.prototype.open;
				let xhrs = 0;
				XMLHttpRequest.prototype.open = function () { xhrs++; return open.apply(this, arguments); };
				let r;
				try { r = await pcall(wx.downloadFile, {url: '%s/file?size=%d&cl=%s'}); } finally { XMLHttpRequest.prototype.open = open; }
				const h = r.header || {};
				return {errMsg: r.errMsg, statusCode: r.statusCode, fixture: h['x-fixture'] || h['X-Fixture'] || '',
					sum: r.tempFilePath ? await sha(r.tempFilePath) : '', xhrs};
			})()`, api, c.size, c.cl), &r)
			assert.Equal(t, 0.0, r.XHRs, "fetch, not XMLHttpRequest")
			assert.Equal(t, "downloadFile:ok", r.ErrMsg)
			assert.Equal(t, 200.0, r.StatusCode)
			assert.Equal(t, "wxsim", r.Fixture, "the server's header")
			assert.Equal(t, fixture.FileSHA256(c.size, 0), r.Sum, "byte-exact")
		})
	}
	t.Run("404 body is saved", func(t *testing.T) {
		var r transferResult
		p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=10&status=404'})`, &r)
		require.True(t, r.OK, "%v", r.Res)
		assert.Equal(t, 404.0, r.Res["statusCode"])
		var sum string
		p.Eval(`sha('`+r.Res["tempFilePath"].(string)+`')`, &sum)
		assert.Equal(t, fixture.FileSHA256(10, 0), sum)
	})
	t.Run("extension from URL or content-type", func(t *testing.T) {
		var a, b transferResult
		p.Eval(`transfer('downloadFile', {url: '`+api+`/file/photo.jpg?size=3'})`, &a)
		p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=3&type=image/png'})`, &b)
		assert.True(t, strings.HasSuffix(a.Res["tempFilePath"].(string), ".jpg"), "%v", a.Res)
		assert.True(t, strings.HasSuffix(b.Res["tempFilePath"].(string), ".png"), "%v", b.Res)
	})
	t.Run("filePath under USER_DATA_PATH", func(t *testing.T) {
		var r transferResult
		p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=1000', filePath: 'http://usr/dl.bin'})`, &r)
		require.True(t, r.OK, "%v", r.Res)
		assert.Equal(t, "http://usr/dl.bin", r.Res["filePath"])
		assert.NotContains(t, r.Res, "tempFilePath")
		var sum string
		p.Eval(`sha('http://usr/dl.bin')`, &sum)
		assert.Equal(t, fixture.FileSHA256(1000, 0), sum)
		p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=10', filePath: 'http://tmp/x.bin'})`, &r)
		assert.False(t, r.OK)
		assert.Contains(t, r.Res["errMsg"], "downloadFile:fail permission denied")
	})
}

// spec §5.2: the size cap fails as soon as it is known and keeps no file; abort too.
func TestDownloadLimitsAndAbort(t *testing.T) {
	for _, tr := range transports { // spec §9: the same behaviour through the relay
		t.Run(tr.name, func(t *testing.T) {
			testDownloadLimitsAndAbort(t, withTransport(`{domains: {downloadFile: ['https://api.example.test']}, maxDownloadSize: 100000}`, tr.extra))
		})
	}
}

func testDownloadLimitsAndAbort(t *testing.T, cfg string) {
	p := filesPage(t, cfg)
	files := func() float64 { return p.Stats()["files"] }
	before := files()
	for _, cl := range []string{"1", "0"} {
		var r transferResult
		p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=100001&cl=`+cl+`'})`, &r)
		assert.False(t, r.OK)
		assert.Equal(t, "downloadFile:fail exceed max file size", r.Res["errMsg"], "cl=%s", cl)
	}
	var edge transferResult
	p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=100000&cl=0'})`, &edge)
	assert.True(t, edge.OK, "exactly at the cap is fine: %v", edge.Res)
	assert.Equal(t, before+1, files(), "only the file at the cap was kept")

	real := filesPage(t, `{domains: {downloadFile: ['https://api.example.test']}}`)
	var r transferResult
	real.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=209715201'})`, &r)
	assert.Equal(t, "downloadFile:fail exceed max file size", r.Res["errMsg"], "the real 200 MB cap, from content-length")

	var ab transferResult
	before = files()
	aborted := fx.TransferStats().DownloadsAborted
	p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=90000&slowKBps=8'}, (t, prog) => {
		const tick = () => prog.length > 1 ? t.abort() : setTimeout(tick, 5); tick(); })`, &ab)
	assert.Equal(t, "downloadFile:fail abort", ab.Res["errMsg"])
	assert.Equal(t, before, files(), "an aborted download keeps no file")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, fx.WaitTransfers(ctx, func(s fixture.TransferStats) bool { return s.DownloadsAborted > aborted }),
		"the server sees the download dropped")
}

type uploadReply struct {
	Fields     map[string]string `json:"fields"`
	FieldOrder []string          `json:"fieldOrder"`
	Files      []struct {
		Field, Filename, ContentType, SHA256 string
		Size                                 int
	} `json:"files"`
	BoundaryOK bool `json:"boundaryOK"`
}

// spec §5.1: uploads arrive byte-exact with their fields, names and a sound boundary.
func TestUploadFile(t *testing.T) {
	for _, tr := range transports { // spec §9: the same behaviour through the relay
		t.Run(tr.name, func(t *testing.T) { testUploadFile(t, withTransport(filesCfg, tr.extra)) })
	}
}

func testUploadFile(t *testing.T, cfg string) {
	p := filesPage(t, cfg)
	for _, n := range []int{0, 1, 1 << 20, 50 << 20} {
		t.Run(fmt.Sprintf("%d bytes", n), func(t *testing.T) {
			var out struct {
				Sum string         `json:"sum"`
				R   transferResult `json:"r"`
			}
			p.Eval(fmt.Sprintf(`(async () => { const sum = await write('http://usr/up%d.bin', %d);
				const r = await transfer('uploadFile', {url: '%s/upload', filePath: 'http://usr/up%[1]d.bin', name: 'file',
					formData: {a: '1', b: '中', n: 5}, header: {'Content-Type': 'application/json', 'X-Up': 'y'}});
				return {sum, r}; })()`, n, n, api), &out)
			require.True(t, out.R.OK, "%v", out.R.Res)
			data, ok := out.R.Res["data"].(string)
			require.True(t, ok, "data is always a string (spec §5.1): %T", out.R.Res["data"])
			var rep uploadReply
			require.NoError(t, json.Unmarshal([]byte(data), &rep))
			assert.True(t, rep.BoundaryOK, "a user content-type does not break the boundary")
			assert.Equal(t, map[string]string{"a": "1", "b": "中", "n": "5"}, rep.Fields)
			assert.Equal(t, []string{"a", "b", "n", "file"}, rep.FieldOrder, "fields first, then the file")
			require.Len(t, rep.Files, 1)
			assert.Equal(t, "file", rep.Files[0].Field)
			assert.Equal(t, fmt.Sprintf("up%d.bin", n), rep.Files[0].Filename)
			assert.Equal(t, out.Sum, rep.Files[0].SHA256, "byte-exact")
			assert.Equal(t, n, rep.Files[0].Size)
			checkProgress(t, out.R)
		})
	}
	t.Run("raw response stays a string (spec §10)", func(t *testing.T) {
		var r transferResult
		p.Eval(`(async () => { await write('http://usr/raw.bin', 3); return transfer('uploadFile', {url: '`+api+`/upload?respond=raw', filePath: 'http://usr/raw.bin', name: 'f'}); })()`, &r)
		assert.Equal(t, `{"ok":1}`, r.Res["data"])
	})
	t.Run("missing file names the path", func(t *testing.T) {
		var r transferResult
		p.Eval(`transfer('uploadFile', {url: '`+api+`/upload', filePath: 'http://usr/nope.bin', name: 'f'})`, &r)
		assert.False(t, r.OK)
		assert.Equal(t, "uploadFile:fail file not found, open http://usr/nope.bin", r.Res["errMsg"])
	})
	t.Run("abort mid-upload drops the connection", func(t *testing.T) {
		before := fx.TransferStats().UploadsAborted
		var r transferResult
		p.Eval(`(async () => { await write('http://usr/big.bin', 8 << 20);
			return transfer('uploadFile', {url: '`+api+`/upload?slowKBps=512', filePath: 'http://usr/big.bin', name: 'f'},
				(t, prog) => { const tick = () => prog.length > 0 ? t.abort() : setTimeout(tick, 5); tick(); }); })()`, &r)
		assert.Equal(t, "uploadFile:fail abort", r.Res["errMsg"])
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, fx.WaitTransfers(ctx, func(s fixture.TransferStats) bool { return s.UploadsAborted > before }))
	})
}

// spec §5.3, issue 11: upload progress follows the bytes the server has read, on both
// transports. The server reads 12 MiB at 64 KiB every 8 ms (8000 KiB/s, about 1.5 s).
// Through the relay the page's XHR sees only its loopback hop to the relay, whose socket
// buffers take most of the body at once, so there the events must come from the relay's
// count of bytes sent upstream.
func TestUploadProgressFollowsServer(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { testUploadProgressFollowsServer(t, withTransport(filesCfg, tr.extra), tr.name) })
	}
}

func testUploadProgressFollowsServer(t *testing.T, cfg, run string) {
	const (
		size = 12 << 20
		// slack is how far the sender may run ahead of the server's reads: HTTP/2 flow
		// control (the fixture's 1 MiB window) and the sender's buffers
		slack = 3 << 19
		// clock allows for Date.now()'s millisecond steps against the fixture's clock
		clock = 5 * time.Millisecond
	)
	p := filesPage(t, cfg)
	var out struct {
		R     transferResult `json:"r"`
		Ev    [][3]float64   `json:"ev"` // Date.now(), progress, totalBytesSent
		Start float64        `json:"start"`
		Done  float64        `json:"done"`
	}
	p.Eval(fmt.Sprintf(`(async () => { await write('http://usr/paced.bin', %d);
		const ev = [], start = Date.now();
		const r = await transfer('uploadFile', {url: '%s/upload?slowKBps=8000', filePath: 'http://usr/paced.bin', name: 'file',
			formData: {run: '%s'}}, (t) => t.onProgressUpdate((e) => ev.push([Date.now(), e.progress, e.totalBytesSent])));
		return {r, ev, start, done: Date.now()}; })()`, size, api, run), &out)
	require.True(t, out.R.OK, "%v", out.R.Res)
	checkProgress(t, out.R)
	var rec *fixture.UploadRecord
	for _, u := range fx.Uploads() {
		if u.Fields["run"] == run {
			rec = &u
		}
	}
	require.NotNil(t, rec, "the fixture recorded the upload")
	require.NotEmpty(t, rec.Reads)
	ms := func(f float64) time.Time { return time.UnixMicro(int64(f * 1000)) }
	read := func(at time.Time) int64 { // what the server had read by then
		n := int64(0)
		for _, m := range rec.Reads {
			if m.At.After(at) {
				break
			}
			n = m.N
		}
		return n
	}
	ev := out.Ev
	require.NotEmpty(t, ev)
	first, last := ev[0], ev[len(ev)-1]
	t.Logf("%s: %d events, the first at %.0f ms says %.0f%%; 100%% at %.0f ms, success at %.0f ms; the server read the last byte at %d ms",
		run, len(ev), first[0]-out.Start, first[1], last[0]-out.Start, out.Done-out.Start,
		rec.Reads[len(rec.Reads)-1].At.Sub(ms(out.Start)).Milliseconds())
	assert.GreaterOrEqual(t, len(ev), 10, "progress is reported as the server reads, not in a few jumps")
	assert.LessOrEqual(t, first[1], 50.0, "the first event does not say most of the body is sent")
	for _, e := range ev {
		n := read(ms(e[0]).Add(clock))
		assert.LessOrEqual(t, int64(e[2]), n+slack, "at %.0f ms %.0f bytes are said to be sent, the server has read %d",
			e[0]-out.Start, e[2], n)
	}
	assert.Equal(t, rec.BodySize, int64(last[2]), "the last event counts the whole body")
	assert.False(t, rec.Reads[len(rec.Reads)-1].At.After(ms(out.Done).Add(clock)), "success comes after the server read everything")
}

// spec §1.5, §5: uploadFile and downloadFile fail a mistyped option with WeChat's text,
// the first bad one in the order url, header, then filePath, name, formData.
func TestTransferArgErrors(t *testing.T) {
	p := filesPage(t, filesCfg)
	for _, c := range []struct{ api, opts, errMsg string }{
		{"uploadFile", `{filePath: 'http://usr/a.bin', name: 'f'}`, "uploadFile:fail parameter error: parameter.url should be String instead of Undefined;"},
		{"uploadFile", `{url: '` + api + `/upload', header: 'x', name: 'f'}`, "uploadFile:fail parameter error: parameter.header should be Object instead of String;"},
		{"uploadFile", `{url: '` + api + `/upload', name: 'f'}`, "uploadFile:fail parameter error: parameter.filePath should be String instead of Undefined;"},
		{"uploadFile", `{url: '` + api + `/upload', filePath: 'http://usr/a.bin', name: 3}`, "uploadFile:fail parameter error: parameter.name should be String instead of Number;"},
		{"uploadFile", `{url: '` + api + `/upload', filePath: 'http://usr/a.bin', name: 'f', formData: []}`, "uploadFile:fail parameter error: parameter.formData should be Object instead of Array;"},
		{"downloadFile", `{url: 42}`, "downloadFile:fail parameter error: parameter.url should be String instead of Number;"},
		{"downloadFile", `{url: '` + api + `/file?size=1', filePath: 7}`, "downloadFile:fail parameter error: parameter.filePath should be String instead of Number;"},
	} {
		var r transferResult
		p.Eval(`transfer('`+c.api+`', `+c.opts+`)`, &r)
		assert.False(t, r.OK, c.opts)
		assert.Equal(t, c.errMsg, r.Res["errMsg"], c.opts)
		assert.Equal(t, 1.0, r.Res["errno"], c.opts)
	}
	var ok transferResult
	p.Eval(`transfer('downloadFile', {url: '`+api+`/file?size=1', filePath: null, header: null})`, &ok)
	assert.True(t, ok.OK, "null filePath and header count as left out: %v", ok.Res)
}

// spec §7.4 and the issue 5 chain: download → saveFile → reload → getSavedFileList →
// readFile → upload, byte-exact; user files survive the reload, temp files do not.
func TestPersistenceChain(t *testing.T) {
	p := filesPage(t, filesCfg)
	var saved struct {
		Path string `json:"path"`
		Temp string `json:"temp"`
		Usr  string `json:"usr"`
	}
	p.Eval(`(async () => {
		const d = await transfer('downloadFile', {url: '`+api+`/file/pic.png?size=300000'});
		const s = await wx.saveFile({tempFilePath: d.res.tempFilePath});
		const t2 = await transfer('downloadFile', {url: '`+api+`/file?size=10'});
		await pcall(fsm.mkdir, {dirPath: 'http://usr/keep'});
		const usr = await write('http://usr/keep/me.bin', 5000).catch((e) => e.message);
		return {path: s.savedFilePath, temp: t2.res.tempFilePath, usr};
	})()`, &saved)
	require.True(t, strings.HasPrefix(saved.Path, "http://store/"), "%+v", saved)
	require.True(t, strings.HasSuffix(saved.Path, ".png"), "saved files keep the extension: %s", saved.Path)

	p.Reload(filesCfg)
	p.Eval(filesJS, nil)
	var after struct {
		List    []map[string]any `json:"list"`
		Sum     string           `json:"sum"`
		UsrSum  string           `json:"usrSum"`
		Temp    string           `json:"temp"`
		Upload  string           `json:"upload"`
		Readdir []string         `json:"readdir"`
	}
	p.Eval(`(async () => {
		const list = (await wx.getSavedFileList()).fileList;
		const sum = await sha('`+saved.Path+`');
		const usrSum = await sha('http://usr/keep/me.bin');
		const temp = await sha('`+saved.Temp+`');
		const readdir = (await pcall(fsm.readdir, {dirPath: 'http://usr/keep'})).files;
		const up = await transfer('uploadFile', {url: '`+api+`/upload', filePath: '`+saved.Path+`', name: 'f'});
		return {list, sum, usrSum, temp, readdir, upload: up.ok ? JSON.parse(up.res.data).files[0].sha256 : up.res.errMsg};
	})()`, &after)
	require.Len(t, after.List, 1)
	assert.Equal(t, saved.Path, after.List[0]["filePath"])
	assert.Equal(t, 300000.0, after.List[0]["size"])
	assert.Equal(t, fixture.FileSHA256(300000, 0), after.Sum, "saved file byte-exact after reload")
	assert.Equal(t, fixture.FileSHA256(300000, 0), after.Upload, "and uploads byte-exact")
	assert.Equal(t, []string{"me.bin"}, after.Readdir)
	assert.Equal(t, "readFile:fail no such file or directory, open "+saved.Temp, after.Temp, "temp files do not survive")
	var usrWant string
	p.Eval(`T.sha256(pattern(5000))`, &usrWant)
	assert.Equal(t, usrWant, after.UsrSum, "user files survive a reload")
}

// A real client written for mini-programs works unmodified for upload and download:
// axios-miniprogram (tests/jslib, its published ES module) picks its wx adapter because
// a global wx exists, and calls wx.uploadFile / wx.downloadFile.
func TestAxiosMiniprogramTransfers(t *testing.T) {
	p := filesPage(t, filesCfg)
	var out struct {
		Sum, UpSum, DlSum string
		Status            int
		Fields            map[string]string
	}
	p.Eval(`(async () => {
		const axios = (await import('/jslib/axios-miniprogram/dist/axios-miniprogram.esm.js')).default;
		const sum = await write('http://usr/ax.bin', 123457);
		const up = await axios.post('`+api+`/upload', {name: 'file', filePath: 'http://usr/ax.bin', note: 'from axios'}, {upload: true});
		const dl = await axios.request({url: '`+api+`/file?size=54321', method: 'GET', download: true});
		return {Sum: sum, UpSum: up.data.files[0].sha256, Fields: up.data.fields, Status: dl.status,
			DlSum: await sha(dl.data.tempFilePath)};
	})()`, &out)
	assert.Equal(t, out.Sum, out.UpSum, "upload byte-exact through axios-miniprogram")
	assert.Equal(t, map[string]string{"note": "from axios"}, out.Fields)
	assert.Equal(t, 200, out.Status)
	assert.Equal(t, fixture.FileSHA256(54321, 0), out.DlSum, "download byte-exact through axios-miniprogram")
}

// getFileInfo reports size and digest (md5 by default, sha1 on request), and stat with
// recursive lists a directory's entries with their Stats.
func TestFileInfoDigestAndRecursiveStat(t *testing.T) {
	p := filesPage(t, filesCfg)
	for _, n := range []int{0, 55, 56, 64, 100000} {
		var out struct {
			MD5, SHA1 map[string]any
			Bad       string
		}
		p.Eval(fmt.Sprintf(`(async () => {
			await write('http://usr/d%d.bin', %[1]d);
			return {MD5: await wx.getFileInfo({filePath: 'http://usr/d%[1]d.bin'}),
				SHA1: await pcall(fsm.getFileInfo, {filePath: 'http://usr/d%[1]d.bin', digestAlgorithm: 'sha1'}),
				Bad: (await wx.getFileInfo({filePath: 'http://usr/d%[1]d.bin', digestAlgorithm: 'sha256'}).catch((r) => r)).errMsg};
		})()`, n), &out)
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i * 31 % 251)
		}
		assert.Equal(t, fmt.Sprintf("%x", md5.Sum(b)), out.MD5["digest"], "md5 of %d bytes", n)
		assert.Equal(t, float64(n), out.MD5["size"])
		assert.Equal(t, fmt.Sprintf("%x", sha1.Sum(b)), out.SHA1["digest"], "sha1 of %d bytes", n)
		assert.Equal(t, `getFileInfo:fail invalid digestAlgorithm "sha256": use md5 or sha1`, out.Bad)
	}
	var st []struct {
		Path  string `json:"path"`
		Size  int    `json:"size"`
		IsDir bool   `json:"isDir"`
	}
	p.Eval(`(async () => {
		await pcall(fsm.mkdir, {dirPath: 'http://usr/tree/sub', recursive: true});
		await write('http://usr/tree/a.bin', 3);
		await write('http://usr/tree/sub/b.bin', 4);
		const r = await pcall(fsm.stat, {path: 'http://usr/tree', recursive: true});
		return r.stats.map((x) => ({path: x.path, size: x.stats.size, isDir: x.stats.isDirectory()}));
	})()`, &st)
	require.Len(t, st, 4, "%+v", st)
	assert.Equal(t, "/", st[0].Path)
	assert.True(t, st[0].IsDir)
	got := map[string]int{}
	for _, x := range st[1:] {
		got[x.Path] = x.Size
	}
	assert.Equal(t, map[string]int{"/a.bin": 3, "/sub": 0, "/sub/b.bin": 4}, got)
}

// node's corner cases of the §7.2 encodings: an odd last byte is dropped by ucs2, and
// base64 input may use the URL-safe alphabet.
func TestEncodingCornerCases(t *testing.T) {
	p := filesPage(t, filesCfg)
	var out struct {
		UCS2 string `json:"ucs2"`
		B64  []int  `json:"b64"`
	}
	p.Eval(`(async () => {
		await pcall(fsm.writeFile, {filePath: 'http://usr/odd.bin', data: new Uint8Array([0x41, 0x00, 0x42]).buffer});
		const ucs2 = (await pcall(fsm.readFile, {filePath: 'http://usr/odd.bin', encoding: 'ucs2'})).data;
		await pcall(fsm.writeFile, {filePath: 'http://usr/b64.bin', data: 'a-_b', encoding: 'base64'});
		const r = await pcall(fsm.readFile, {filePath: 'http://usr/b64.bin'});
		return {ucs2, b64: r.data.ab};
	})()`, &out)
	assert.Equal(t, "A", out.UCS2)
	assert.Equal(t, []int{0x6b, 0xef, 0xdb}, out.B64, "as node's Buffer.from('a-_b', 'base64')")
}
