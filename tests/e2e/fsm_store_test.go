package e2e

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/fixture"
)

// storeJS are page helpers for the IndexedDB layout: idbRecords(appId) lists the records
// of the app's database ({path, size, isDir, ctime, mtime, blob: its size or -1}, by
// path); idbOldLayout(appId, entries, blobs) writes a database in the first layout (one
// "#index" record holding every entry, one {path, blob} record per file).
const storeJS = `
window.idbOpen = (appId) => new Promise((res, rej) => {
  const r = indexedDB.open('wxsim:' + appId, 1);
  r.onupgradeneeded = () => r.result.createObjectStore('files', {keyPath: 'path'});
  r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error);
});
window.idbRecords = async (appId) => {
  const db = await idbOpen(appId);
  return new Promise((res, rej) => {
    const q = db.transaction(['files']).objectStore('files').getAll();
    q.onsuccess = () => { db.close(); res(q.result.map((x) => ({path: x.path, size: x.size, isDir: !!x.isDir,
      ctime: x.ctime, mtime: x.mtime, blob: x.blob ? x.blob.size : -1}))); };
    q.onerror = () => rej(q.error);
  });
};
window.idbOldLayout = async (appId, entries, blobs) => {
  const db = await idbOpen(appId);
  await new Promise((res, rej) => {
    const tx = db.transaction(['files'], 'readwrite'), st = tx.objectStore('files');
    st.put({path: '#index', entries});
    for (const [path, text] of Object.entries(blobs)) st.put({path, blob: new Blob([text])});
    tx.oncomplete = res; tx.onerror = () => rej(tx.error);
  });
  db.close();
  return true;
};
true`

// storeReload reloads p with appID and installs the page helpers again.
func storeReload(p *Page, appID string) {
	p.t.Helper()
	p.Reload(`{appId: '` + appID + `', domains: {downloadFile: ['https://api.example.test']}}`)
	p.Eval(filesJS, nil)
	p.Eval(fsmJS, nil)
	p.Eval(storeJS, nil)
}

// storeRecord is one record of idbRecords.
type storeRecord struct {
	Path  string  `json:"path"`
	Size  float64 `json:"size"`
	IsDir bool    `json:"isDir"`
	Ctime float64 `json:"ctime"`
	Mtime float64 `json:"mtime"`
	Blob  float64 `json:"blob"`
}

// spec §7.4: after many changes of every kind (async and …Sync writes, appends,
// unlinks, a directory rename, a copy, a saved file, non-ASCII names) a reload finds the store exactly
// as it was, and IndexedDB holds one record per stored path, with its bytes.
func TestFSMStoreManyWrites(t *testing.T) {
	p := fsmPage(t, "")
	p.Eval(storeJS, nil)
	var appID string
	p.Eval(`wxsim.config().appId`, &appID)
	var tmp string
	p.Eval(`fsmDownload('/file/keep.png?size=400')`, &tmp)
	saved := fsmOK(t, fsmCall(p, "wx.saveFile", `{tempFilePath: '`+tmp+`'}`), "saveFile")["savedFilePath"].(string)
	var want map[string]string
	p.Eval(`(async () => {
		const w = (filePath, data) => new Promise((res, rej) => fsm.writeFile({filePath, data, success: res, fail: (r) => rej(new Error(r.errMsg))}));
		fsm.mkdirSync('http://usr/m/n', true);
		const want = {}, path = (i) => 'http://usr/m/' + (i % 3 === 0 ? 'n/' : '') + 'f' + i + '.txt';
		for (let i = 0; i < 300; i++) {
			const d = 'file ' + i + ' ' + 'x'.repeat(i);
			if (i % 2) fsm.writeFileSync(path(i), d); else await w(path(i), d);
			want[path(i)] = d;
		}
		for (let i = 0; i < 300; i += 7) { fsm.unlinkSync(path(i)); delete want[path(i)]; }
		for (let i = 1; i < 300; i += 11) if (want[path(i)] !== undefined) { fsm.appendFileSync(path(i), '+'); want[path(i)] += '+'; }
		fsm.renameSync('http://usr/m/n', 'http://usr/m/r');
		for (const k of Object.keys(want)) if (k.startsWith('http://usr/m/n/')) { want['http://usr/m/r/' + k.slice(15)] = want[k]; delete want[k]; }
		fsm.copyFileSync('http://usr/m/f1.txt', 'http://usr/copy.txt');
		want['http://usr/copy.txt'] = want['http://usr/m/f1.txt'];
		fsm.mkdirSync('http://usr/\u00fc');
		const odd = 'http://usr/\u00fc/\ud83d\ude00 \u540d.txt'; // non-ASCII survives the packed load
		fsm.writeFileSync(odd, 'odd');
		want[odd] = 'odd';
		await w('http://usr/last.txt', 'last'); // settles after every earlier transaction
		want['http://usr/last.txt'] = 'last';
		return want;
	})()`, &want)
	require.Greater(t, len(want), 250)
	type listing struct {
		Stat  []string `json:"stat"` // "path size isDir mtime" below http://usr (whose own times are not stored)
		Saved []any    `json:"saved"`
	}
	list := func() listing {
		var l listing
		p.Eval(`new Promise((res) => fsm.stat({path: 'http://usr', recursive: true, success: (r) => {
			const stat = r.stats.filter((s) => s.path !== '/').map((s) => [s.path, s.stats.size, s.stats.isDirectory(), s.stats.lastModifiedTime].join(' '));
			wx.getSavedFileList({success: (s) => res({stat, saved: s.fileList})});
		}}))`, &l)
		return l
	}
	before := list()

	storeReload(p, appID)
	after := list()
	assert.Equal(t, before, after, "every path, size, kind and time survives")
	var got map[string]string
	p.Eval(`(async (paths) => { const o = {}; for (const k of paths) o[k] = await fsmText(k); return o; })(`+jsonArg(t, keys(want))+`)`, &got)
	assert.Equal(t, want, got, "every file's bytes survive")
	var sum string
	p.Eval(`sha('`+saved+`')`, &sum)
	assert.Equal(t, fixture.FileSHA256(400, 0), sum, "the saved file survives")

	var recs []storeRecord
	p.Eval(`idbRecords('`+appID+`')`, &recs)
	var paths, wantPaths []string
	for _, r := range recs {
		paths = append(paths, r.Path)
		if !r.IsDir {
			assert.Equal(t, r.Size, r.Blob, "%s: the record holds its bytes", r.Path)
		}
	}
	for _, s := range before.Stat {
		for range 3 { // size, isDir, mtime
			s = s[:strings.LastIndexByte(s, ' ')]
		}
		wantPaths = append(wantPaths, "http://usr"+s)
	}
	wantPaths = append(wantPaths, saved)
	sort.Strings(wantPaths)
	assert.Equal(t, wantPaths, paths, "one record per stored path, and nothing else")
}

// The first IndexedDB layout (one "#index" record of all metadata, rewritten on every
// change) is read once and rewritten as one record per path: the files, their times and
// the saved list survive, an unreachable blob goes, and later changes are not undone by
// the old index at the next reload.
func TestFSMStoreMigration(t *testing.T) {
	p := fsmPage(t, "")
	p.Eval(storeJS, nil)
	var appID string
	p.Eval(`wxsim.config().appId + 'old'`, &appID)
	const t1, t2, t3 = 1700000000000, 1700000100000, 1700000200000
	p.Eval(`idbOldLayout('`+appID+`', [
		{path: 'http://usr/d', size: 0, isDir: true, ctime: 1700000000000, mtime: 1700000000000},
		{path: 'http://usr/d/a.txt', size: 5, isDir: false, ctime: 1700000000000, mtime: 1700000100000},
		{path: 'http://usr/b.txt', size: 3, isDir: false, ctime: 1700000000000, mtime: 1700000000000},
		{path: 'http://store/wxsim_7.png', size: 4, isDir: false, ctime: 1700000200000, mtime: 1700000200000},
	], {'http://usr/d/a.txt': 'hello', 'http://usr/b.txt': 'bee', 'http://store/wxsim_7.png': 'png!', 'http://usr/orphan': 'zz'})`, nil)

	storeReload(p, appID)
	readdir := func(dir string) any {
		return fsmOK(t, fsmCall(p, "fsm.readdir", `{dirPath: '`+dir+`'}`), "readdir")["files"]
	}
	text := func(path string) string {
		var s string
		p.Eval(`fsmText('`+path+`')`, &s)
		return s
	}
	assert.Equal(t, []any{"b.txt", "d"}, readdir("http://usr"))
	assert.Equal(t, "hello", text("http://usr/d/a.txt"))
	assert.Equal(t, "bee", text("http://usr/b.txt"))
	assert.Equal(t, "png!", text("http://store/wxsim_7.png"))
	var st map[string]any
	p.Eval(`fsmStat('http://usr/d/a.txt')`, &st)
	assert.Equal(t, float64(t2/1000), st["lastModifiedTime"], "times come from the old index")
	list := fsmOK(t, fsmCall(p, "wx.getSavedFileList", `{}`), "getSavedFileList")["fileList"]
	assert.Equal(t, []any{map[string]any{"filePath": "http://store/wxsim_7.png", "size": 4.0, "createTime": float64(t3 / 1000)}}, list)
	fsmFail(t, fsmCall(p, "fsm.access", `{path: 'http://usr/orphan'}`), "access:fail no such file or directory, access http://usr/orphan")

	var recs []storeRecord
	p.Eval(`idbRecords('`+appID+`')`, &recs)
	assert.Equal(t, []storeRecord{
		{Path: "http://store/wxsim_7.png", Size: 4, Ctime: t3, Mtime: t3, Blob: 4},
		{Path: "http://usr/b.txt", Size: 3, Ctime: t1, Mtime: t1, Blob: 3},
		{Path: "http://usr/d", IsDir: true, Ctime: t1, Mtime: t1, Blob: -1},
		{Path: "http://usr/d/a.txt", Size: 5, Ctime: t1, Mtime: t2, Blob: 5},
	}, recs, "one record per path; no #index, no orphan")

	fsmOK(t, fsmCall(p, "fsm.unlink", `{filePath: 'http://usr/b.txt'}`), "unlink")
	fsmOK(t, fsmCall(p, "fsm.writeFile", `{filePath: 'http://usr/d/c.txt', data: 'sea'}`), "writeFile")
	storeReload(p, appID)
	assert.Equal(t, []any{"d"}, readdir("http://usr"), "the unlinked file stays gone")
	assert.Equal(t, []any{"a.txt", "c.txt"}, readdir("http://usr/d"))
	assert.Equal(t, "sea", text("http://usr/d/c.txt"))
	assert.Equal(t, "hello", text("http://usr/d/a.txt"))
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jsonArg renders v as a JS literal.
func jsonArg(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
