// Command bench measures wxsim against the raw browser APIs in one headless Chromium page
// against the loopback HTTPS fixture, and prints numbers (it asserts nothing).
// Run it with ./build.sh bench.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/wxsim/wxsim/tests/browser"
	"github.com/wxsim/wxsim/tests/fixture"
)

func main() {
	n := flag.Int("n", 500, "sequential small requests")
	big := flag.Int("big", 150, "1 MiB responses")
	starts := flag.Int("starts", 7, "cold starts measured per runtime")
	flag.IntVar(&files.rounds, "rounds", 3, "rounds of each file transfer")
	flag.IntVar(&files.down, "down", 100, "MiB per downloadFile")
	flag.IntVar(&files.up, "up", 50, "MiB per uploadFile")
	relayOnly := flag.Bool("relay", false, "only the relay benchmark")
	storeOnly := flag.Bool("files", false, "only the file store benchmark (IndexedDB with 10 and 1,000 files)")
	ab := flag.String("ab", "", "only an A/B of request latency and 1 MiB throughput against another built web/dist `dir`, in two tabs")
	flag.BoolVar(&quick, "quick", false, "only request latency and throughput")
	flag.Parse()
	abDist = *ab
	if err := run(*n, *big, *starts, *relayOnly, *storeOnly); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// quick stops after request latency and throughput (-quick).
var quick bool

// abDist is the other build of an A/B run (-ab).
var abDist string

// files are the file transfer benchmark's settings (flags).
var files struct{ rounds, down, up int }

func run(n, big, starts int, relayOnly, storeOnly bool) error {
	dist := "web/dist"
	if err := buildEmpty(dist); err != nil {
		return err
	}
	fx, err := fixture.New()
	if err != nil {
		return err
	}
	defer fx.Close()
	ctx, cancel, err := browser.Launch(fx.HostRules("api.example.test"))
	if err != nil {
		return err
	}
	defer cancel()
	if relayOnly {
		return runRelay(ctx, dist, fx)
	}
	if storeOnly {
		return runStore(ctx, dist)
	}
	if abDist != "" {
		return runAB(ctx, dist, abDist)
	}

	size, err := gzipSize(filepath.Join(dist, "wx.wasm"))
	if err != nil {
		return err
	}
	emptySize, err := gzipSize(filepath.Join(dist, "empty.wasm"))
	if err != nil {
		return err
	}
	fmt.Printf("wx.wasm gzip -9: %d bytes (%.3f MB; target ≤ 0.7 MB); an empty Go wasm, packed alike: %.3f MB\n",
		size, float64(size)/1e6, float64(emptySize)/1e6)

	wxStart, emptyStart, err := startTimes(ctx, dist, starts)
	if err != nil {
		return err
	}
	fmt.Printf("start to ready (median of %d cold tabs): wx %.1f ms, empty Go wasm %.1f ms, ratio %.2f (target ≤ 1.3)\n",
		starts, wxStart, emptyStart, wxStart/emptyStart)

	url, stop, err := browser.ServeIsolatedPage(dist, []byte(benchPage))
	if err != nil {
		return err
	}
	defer stop()
	tab, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	tab, cancelT := context.WithTimeout(tab, 10*time.Minute)
	defer cancelT()
	if err := openIsolated(tab, url); err != nil {
		return err
	}
	if err := browser.Eval(tab, `wxsim.start({domains: {request: [API], socket: ['wss://api.example.test'],
		downloadFile: [API], uploadFile: [API]}}).then(() => true)`, nil); err != nil {
		return err
	}
	var wasmStart float64
	if err := browser.Eval(tab, `wasmMem()`, &wasmStart); err != nil {
		return err
	}
	var lat struct{ WxMedian, RawMedian, WxP95, RawP95 float64 }
	if err := browser.Eval(tab, fmt.Sprintf(`B.latency(%d)`, n), &lat); err != nil {
		return err
	}
	fmt.Printf("latency, %d sequential small JSON GETs: wx median %.3f ms p95 %.3f ms; fetch median %.3f ms p95 %.3f ms; ratio median %.3f p95 %.3f (target ≤ 1.05)\n",
		n, lat.WxMedian, lat.WxP95, lat.RawMedian, lat.RawP95, lat.WxMedian/lat.RawMedian, lat.WxP95/lat.RawP95)
	var tp struct{ WxMBps, RawMBps float64 }
	if err := browser.Eval(tab, fmt.Sprintf(`B.throughput(%d, 1048576)`, big), &tp); err != nil {
		return err
	}
	fmt.Printf("throughput, %d × 1 MiB arraybuffer: wx %.1f MB/s, fetch %.1f MB/s, ratio %.3f (target ≥ 1.15)\n",
		big, tp.WxMBps, tp.RawMBps, tp.WxMBps/tp.RawMBps)
	if quick {
		return nil
	}
	var rtt struct{ WxMedian, RawMedian, WxMean, RawMean float64 }
	if err := browser.Eval(tab, `B.socketRTT(1000)`, &rtt); err != nil {
		return err
	}
	fmt.Printf("socket RTT, 1000 sequential 64 B echoes: SocketTask median %.3f ms mean %.3f ms, WebSocket median %.3f ms mean %.3f ms; ratio of means %.3f (target ≤ 1.15)\n",
		rtt.WxMedian, rtt.WxMean, rtt.RawMedian, rtt.RawMean, rtt.WxMean/rtt.RawMean)
	var stp struct{ WxMBps, RawMBps float64 }
	if err := browser.Eval(tab, `B.socketThroughput(5)`, &stp); err != nil {
		return err
	}
	fmt.Printf("socket throughput, 64 KiB frames for 5 s each (8 in flight): SocketTask %.1f MB/s, WebSocket %.1f MB/s, ratio %.3f (target ≥ 0.9)\n",
		stp.WxMBps, stp.RawMBps, stp.WxMBps/stp.RawMBps)
	if err := runFiles(tab, wasmStart); err != nil {
		return err
	}
	if err := runStore(ctx, dist); err != nil {
		return err
	}
	return runRelay(ctx, dist, fx)
}

// runFiles measures wx.downloadFile and wx.uploadFile against fetch().blob() and an XHR
// FormData POST, then the page's memory during one download of each kind.
func runFiles(tab context.Context, wasmStart float64) error {
	down, up := files.down<<20, files.up<<20
	var dl struct{ WxMBps, RawMBps, XhrMBps, ProgMBps float64 }
	if err := browser.Eval(tab, fmt.Sprintf(`B.download(%d, %d)`, files.rounds, down), &dl); err != nil {
		return err
	}
	fmt.Printf("downloadFile, %d × %d MiB (wxsim.relaunch() after each to drop the temp file): wx %.1f MB/s, fetch().blob() %.1f MB/s, ratio %.3f (target ≥ 0.97)\n",
		files.rounds, files.down, dl.WxMBps, dl.RawMBps, dl.WxMBps/dl.RawMBps)
	fmt.Printf("downloadFile with an onProgressUpdate listener: wx %.1f MB/s, ratio to fetch().blob() %.3f (target ≥ 0.92); bare XHR blob %.1f MB/s (%.3f of fetch().blob()), wx ÷ bare XHR %.3f\n",
		dl.ProgMBps, dl.ProgMBps/dl.RawMBps, dl.XhrMBps, dl.XhrMBps/dl.RawMBps, dl.ProgMBps/dl.XhrMBps)
	var ul struct{ WxMBps, RawMBps, ProgMBps float64 }
	if err := browser.Eval(tab, fmt.Sprintf(`B.upload(%d, %d)`, files.rounds, up), &ul); err != nil {
		return err
	}
	fmt.Printf("uploadFile, %d × %d MiB to /upload: wx %.1f MB/s, XHR FormData %.1f MB/s, ratio %.3f (target ≥ 0.9); the XHR with an upload progress listener %.1f MB/s, wx ÷ that %.3f\n",
		files.rounds, files.up, ul.WxMBps, ul.RawMBps, ul.WxMBps/ul.RawMBps, ul.ProgMBps, ul.WxMBps/ul.ProgMBps)

	wx, err := downloadMemory(tab, false, down)
	if err != nil {
		return err
	}
	raw, err := downloadMemory(tab, true, down)
	if err != nil {
		return err
	}
	mib := func(b float64) float64 { return b / (1 << 20) }
	fmt.Printf("page memory during one %d MiB download (CDP Runtime.getHeapUsage every %v, JS heap + ArrayBuffer backing stores, peak − baseline after GC): "+
		"wx.downloadFile +%.1f MiB (heap +%.1f, buffers +%.1f; %d samples over %.0f ms), ratio to file %.3f (target < 2); fetch().blob() +%.1f MiB (%d samples)\n",
		files.down, heapEvery, mib(wx.peak), mib(wx.heap), mib(wx.backing), wx.samples, wx.ms, wx.peak/float64(down), mib(raw.peak), raw.samples)
	var wasmEnd float64
	if err := browser.Eval(tab, `wasmMem()`, &wasmEnd); err != nil {
		return err
	}
	fmt.Printf("Go wasm memory (instance export \"mem\"): %.1f MiB after start, %.1f → %.1f MiB across the measured wx download, %.1f MiB after all benchmarks\n",
		mib(wasmStart), mib(wx.wasmBefore), mib(wx.wasmAfter), mib(wasmEnd))
	return nil
}

// heapEvery is how often downloadMemory samples the page's heap.
const heapEvery = 10 * time.Millisecond

// memoryUse is what downloadMemory measured: peaks above the baseline in bytes.
type memoryUse struct {
	peak, heap, backing   float64 // heap+backing together, and each alone
	samples               int
	ms                    float64
	wasmBefore, wasmAfter float64
}

// downloadMemory runs one download of size bytes (raw: fetch().blob(), else
// wx.downloadFile) while a goroutine polls CDP Runtime.getHeapUsage. It reports the peak
// over a baseline taken after a forced GC (HeapProfiler.collectGarbage). CDP rather than
// sampling performance.memory in the page: browser.Launch cannot pass
// --enable-precise-memory-info, so performance.memory may be coarse (in this headless
// Chromium it did move byte by byte, but that is not promised), page-side sampling adds
// timers to the page being measured, and getHeapUsage splits the JS heap (usedSize) from
// ArrayBuffer backing stores (backingStorageSize), which is where downloaded bytes passing
// through page JS show up. Blob bytes live in the browser process and count in neither.
func downloadMemory(tab context.Context, raw bool, size int) (memoryUse, error) {
	var m memoryUse
	if err := chromedp.Run(tab, heapprofiler.CollectGarbage()); err != nil {
		return m, err
	}
	base, err := heapUsage(tab)
	if err != nil {
		return m, err
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		t := time.NewTicker(heapEvery)
		defer t.Stop()
		for {
			u, err := heapUsage(tab)
			if err != nil {
				done <- err
				return
			}
			m.samples++
			m.heap = max(m.heap, u.UsedSize-base.UsedSize)
			m.backing = max(m.backing, u.BackingStorageSize-base.BackingStorageSize)
			m.peak = max(m.peak, u.UsedSize+u.BackingStorageSize-base.UsedSize-base.BackingStorageSize)
			select {
			case <-stop:
				done <- nil
				return
			case <-t.C:
			}
		}
	}()
	var r struct{ Ms, WasmBefore, WasmAfter float64 }
	err = browser.Eval(tab, fmt.Sprintf(`B.oneDownload(%t, %d)`, raw, size), &r)
	close(stop)
	if serr := <-done; err == nil {
		err = serr
	}
	m.ms, m.wasmBefore, m.wasmAfter = r.Ms, r.WasmBefore, r.WasmAfter
	return m, err
}

func heapUsage(ctx context.Context) (*cdpruntime.GetHeapUsageReturns, error) {
	var u cdpruntime.GetHeapUsageReturns
	err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		return cdp.Execute(ctx, cdpruntime.CommandGetHeapUsage, nil, &u)
	}))
	return &u, err
}

// startTimes opens fresh tabs (cache disabled by a fresh page each time) and measures
// wxsim.start() and the empty Go program alternately.
func startTimes(ctx context.Context, dist string, n int) (wx, empty float64, err error) {
	url, stop, err := browser.ServePage(dist, []byte(startPage))
	if err != nil {
		return 0, 0, err
	}
	defer stop()
	var wxs, emps []float64
	for i := 0; i < n; i++ {
		for _, fn := range []string{"startWx", "startEmpty"} {
			tab, cancel := chromedp.NewContext(ctx)
			var ms float64
			err := chromedp.Run(tab, chromedp.Navigate(url))
			if err == nil {
				err = browser.Eval(tab, fn+"()", &ms)
			}
			cancel()
			if err != nil {
				return 0, 0, err
			}
			if fn == "startWx" {
				wxs = append(wxs, ms)
			} else {
				emps = append(emps, ms)
			}
		}
	}
	return median(wxs), median(emps), nil
}

// openIsolated navigates tab to url, a page of ServeIsolatedPage, and checks that it is
// cross-origin isolated: its performance.now() has 5 µs steps, not 100 µs (at 3 ms a
// request, one 100 µs step is 3 % of a ratio).
func openIsolated(tab context.Context, url string) error {
	if err := chromedp.Run(tab, chromedp.Navigate(url)); err != nil {
		return err
	}
	var isolated bool
	if err := browser.Eval(tab, `crossOriginIsolated`, &isolated); err != nil {
		return err
	}
	if !isolated {
		return errors.New("the bench page is not cross-origin isolated: its clock would have 100 µs steps")
	}
	return nil
}

func buildEmpty(dist string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dist, "empty.wasm"), "./tests/bench/empty")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return err
	}
	// packed as build.sh packs wx.wasm, so that the start times compare like with like
	pack := exec.Command("go", "run", "./sim/cmd/wasmpack", filepath.Join(dist, "empty.wasm"))
	pack.Stderr = os.Stderr
	return pack.Run()
}

func gzipSize(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Len(), nil
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}
