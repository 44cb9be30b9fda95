package main

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/wxsim/wxsim/tests/browser"
)

// storePage measures the persistent file store (IndexedDB behind http://usr). S.fill(n)
// writes n files of 1 KiB one after another; S.ops(k) times k more 1 KiB writeFile calls
// (call to success, which waits for IndexedDB) and then k unlinkSync calls of them (the
// synchronous call alone), and ends once the store has caught up; S.count() is the number
// of files in http://usr/s.
const storePage = `<!doctype html>
<meta charset="utf-8">
<script src="/dist/wxsim.js"></script>
<script>
const kib = () => new Uint8Array(1024).fill(7).buffer;
const fsm = () => wx.getFileSystemManager();
const wr = (filePath) => new Promise((res, rej) => fsm().writeFile({filePath, data: kib(),
  success: res, fail: (r) => rej(new Error(r.errMsg))}));
const q = (xs, p) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
window.S = {
  async start(appId) { const t = performance.now(); await wxsim.start({appId}); return performance.now() - t; },
  async fill(n) {
    fsm().mkdirSync('http://usr/s', true);
    const t = performance.now();
    for (let i = 0; i < n; i++) await wr('http://usr/s/f' + i + '.bin');
    return performance.now() - t;
  },
  async ops(k) {
    const w = [], u = [];
    for (let i = 0; i < k; i++) { const t = performance.now(); await wr('http://usr/op' + i + '.bin'); w.push(performance.now() - t); }
    for (let i = 0; i < k; i++) { const t = performance.now(); fsm().unlinkSync('http://usr/op' + i + '.bin'); u.push(performance.now() - t); }
    await wr('http://usr/flush.bin'); // settles after every earlier transaction
    return {writeMedian: q(w, 0.5), writeMin: q(w, 0), writeMax: q(w, 1), unlinkMedian: q(u, 0.5), unlinkMin: q(u, 0), unlinkMax: q(u, 1)};
  },
  count() { return fsm().readdirSync('http://usr/s').length; },
  // getAll: reading the app's whole database alone (what a start must do at least)
  async getAll(appId) {
    const t = performance.now();
    const db = await new Promise((res, rej) => { const r = indexedDB.open('wxsim:' + appId); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    await new Promise((res, rej) => { const q = db.transaction(['files']).objectStore('files').getAll(); q.onsuccess = () => res(q.result.length); q.onerror = () => rej(q.error); });
    db.close();
    return performance.now() - t;
  },
  // raw: IndexedDB alone, for reference: a database of n {path, blob} records of 1 KiB
  // (filled in one transaction), then k puts of one more, one transaction each, timed to
  // oncomplete.
  async raw(name, n, k) {
    const db = await new Promise((res, rej) => { const r = indexedDB.open(name, 1);
      r.onupgradeneeded = () => r.result.createObjectStore('files', {keyPath: 'path'});
      r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = (fn) => new Promise((res, rej) => { const t = db.transaction(['files'], 'readwrite'); fn(t.objectStore('files'));
      t.oncomplete = res; t.onerror = t.onabort = () => rej(t.error); });
    await tx((st) => { for (let i = 0; i < n; i++) st.put({path: 'http://usr/s/f' + i + '.bin', blob: new Blob([kib()])}); });
    const w = [];
    for (let i = 0; i < k; i++) { const t = performance.now(); await tx((st) => st.put({path: 'http://usr/op' + i + '.bin', blob: new Blob([kib()])})); w.push(performance.now() - t); }
    db.close();
    await new Promise((res) => { const r = indexedDB.deleteDatabase(name); r.onsuccess = r.onerror = r.onblocked = () => res(); });
    return q(w, 0.5);
  },
  drop(appId) { return new Promise((res) => { const r = indexedDB.deleteDatabase('wxsim:' + appId); r.onsuccess = r.onerror = r.onblocked = () => res(true); }); },
};
</script>`

// storeStarts is how many reloads each wxsim.start() figure is the median of.
const storeStarts = 5

// runStore measures the file store with 10 and with 1,000 stored files: a 1 KiB
// writeFile, unlinkSync, the 1,000 writes that fill it, and wxsim.start() after a reload
// (against an empty store).
func runStore(ctx context.Context, dist string) error {
	url, stop, err := browser.ServePage(dist, []byte(storePage))
	if err != nil {
		return err
	}
	defer stop()
	tab, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	tab, cancelT := context.WithTimeout(tab, 20*time.Minute)
	defer cancelT()
	// startAfterReload reloads the page and returns the median wxsim.start() of appID,
	// and the median time of reading its database alone (after the start).
	startAfterReload := func(appID string, want int) (float64, float64, error) {
		var ms, reads []float64
		for i := 0; i < storeStarts; i++ {
			if err := chromedp.Run(tab, chromedp.Navigate(url)); err != nil {
				return 0, 0, err
			}
			var t float64
			if err := browser.Eval(tab, fmt.Sprintf(`S.start(%q)`, appID), &t); err != nil {
				return 0, 0, err
			}
			var n int
			if err := browser.Eval(tab, `(() => { try { return S.count(); } catch (e) { return 0; } })()`, &n); err != nil {
				return 0, 0, err
			}
			if n != want {
				return 0, 0, fmt.Errorf("after a reload %d files are stored, want %d", n, want)
			}
			var read float64
			if err := browser.Eval(tab, fmt.Sprintf(`S.getAll(%q)`, appID), &read); err != nil {
				return 0, 0, err
			}
			ms, reads = append(ms, t), append(reads, read)
		}
		return median(ms), median(reads), nil
	}
	seq := time.Now().UnixNano()
	empty, emptyRead, err := startAfterReload(fmt.Sprintf("wxbenchstore%d_empty", seq), 0)
	if err != nil {
		return err
	}
	fmt.Printf("file store: wxsim.start() after a reload (medians of %d), empty store: %.1f ms (reading the database alone %.1f ms)\n", storeStarts, empty, emptyRead)
	for _, n := range []int{10, 1000} {
		appID := fmt.Sprintf("wxbenchstore%d_%d", seq, n)
		if err := chromedp.Run(tab, chromedp.Navigate(url)); err != nil {
			return err
		}
		if err := browser.Eval(tab, fmt.Sprintf(`S.start(%q)`, appID), nil); err != nil {
			return err
		}
		var fill float64
		if err := browser.Eval(tab, fmt.Sprintf(`S.fill(%d)`, n), &fill); err != nil {
			return err
		}
		var ops struct{ WriteMedian, WriteMin, WriteMax, UnlinkMedian, UnlinkMin, UnlinkMax float64 }
		if err := browser.Eval(tab, `S.ops(20)`, &ops); err != nil {
			return err
		}
		start, read, err := startAfterReload(appID, n)
		if err != nil {
			return err
		}
		browser.Eval(tab, fmt.Sprintf(`S.drop(%q)`, appID), nil)
		var raw float64
		if err := browser.Eval(tab, fmt.Sprintf(`S.raw(%q, %d, 20)`, appID+"raw", n), &raw); err != nil {
			return err
		}
		fmt.Printf("file store, %d stored files: %d sequential 1 KiB writeFile %.0f ms; then 20 × writeFile 1 KiB median %.2f ms (%.2f – %.2f), unlinkSync median %.2f ms (%.2f – %.2f); wxsim.start() after a reload %.1f ms (reading the database alone %.1f ms); bare IndexedDB put of a 1 KiB Blob, one transaction each, median %.2f ms\n",
			n, n, fill, ops.WriteMedian, ops.WriteMin, ops.WriteMax, ops.UnlinkMedian, ops.UnlinkMin, ops.UnlinkMax, start, read, raw)
	}
	return nil
}
