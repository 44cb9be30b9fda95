package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/chromedp/chromedp"

	"github.com/wxsim/wxsim/sim/relay"
	"github.com/wxsim/wxsim/tests/browser"
	"github.com/wxsim/wxsim/tests/fixture"
)

// relayJS are wx-only measuring units, run in two tabs that differ only in transport
// (spec §9): the Go side alternates the tabs chunk by chunk, so both see the same
// machine conditions.
const relayJS = `
window.R = {
  async lat(k) { const ts = []; for (let i = 0; i < k; i++) { const t = performance.now(); await wxGet(API + '/json'); ts.push(performance.now() - t); } return ts; },
  async dl(size) {
    const t = performance.now(); const r = await wxDownload(API + '/file?size=' + size); const ms = performance.now() - t;
    const n = await wxSize(r.tempFilePath); wxsim.relaunch();
    if (n !== size) throw new Error('short download: ' + n);
    return ms;
  },
  async rtt(k) {
    if (!window.__rs) window.__rs = await wxSock();
    const d = 'x'.repeat(64), ts = [];
    for (let i = 0; i < k; i++) { const t = performance.now(); await echo(__rs, wxSend, d); ts.push(performance.now() - t); }
    return ts;
  },
  async tp(ms) {
    if (!window.__rs) window.__rs = await wxSock();
    const t = performance.now(); const bytes = await pump(__rs, wxSend, new Uint8Array(65536).buffer, ms);
    return {bytes, ms: performance.now() - t};
  },
};
true`

// runRelay compares wx through the relay with wx direct, in two tabs of one browser.
func runRelay(ctx context.Context, dist string, fx *fixture.Server) error {
	var rl *relay.Relay
	url, stop, err := browser.ServeIsolatedPage(dist, []byte(benchPage), browser.Dir{Prefix: "/relay/",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { rl.ServeHTTP(w, r) })})
	if err != nil {
		return err
	}
	defer stop()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(fx.CertPEM)
	addr, err := net.ResolveTCPAddr("tcp", strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")) // a literal: no DNS
	if err != nil {
		return err
	}
	rl = relay.New(relay.Options{Token: "bench", Self: relay.SelfOrigins(addr), Roots: roots,
		Pins: map[string]string{"api.example.test": strings.TrimPrefix(fx.URL, "https://")}})

	tabs := [2]context.Context{}
	for i, extra := range []string{"", ", relay: true"} {
		tab, cancel := chromedp.NewContext(ctx)
		defer cancel()
		if err := openIsolated(tab, url); err != nil {
			return err
		}
		if err := browser.Eval(tab, `wxsim.start({domains: {request: [API], socket: ['wss://api.example.test'],
			downloadFile: [API]}`+extra+`}).then(() => true)`, nil); err != nil {
			return err
		}
		if err := browser.Eval(tab, relayJS, nil); err != nil {
			return err
		}
		tabs[i] = tab
	}
	// each alternates runs expr in both tabs, rounds times, swapping which goes first,
	// and appends the results to out[0] (direct) and out[1] (relay).
	each := func(rounds int, expr string, add func(i int, xs []float64)) error {
		for r := 0; r < rounds; r++ {
			for k := 0; k < 2; k++ {
				i := (r + k) % 2
				var xs []float64
				if err := browser.Eval(tabs[i], expr, &xs); err != nil {
					return err
				}
				add(i, xs)
			}
		}
		return nil
	}
	times := func(expr string, rounds int) ([2][]float64, error) {
		var out [2][]float64
		err := each(rounds, expr, func(i int, xs []float64) { out[i] = append(out[i], xs...) })
		return out, err
	}
	if _, err := times(`R.lat(20)`, 2); err != nil { // warm both paths
		return err
	}
	lat, err := times(`R.lat(50)`, 10)
	if err != nil {
		return err
	}
	fmt.Printf("relay latency, %d small JSON requests each: direct median %.3f ms, relay median %.3f ms, added %.3f ms (target ≤ 1 ms)\n",
		len(lat[0]), median(lat[0]), median(lat[1]), median(lat[1])-median(lat[0]))
	for _, c := range []struct{ size, rounds int }{{1 << 20, 20}, {50 << 20, 3}} {
		ms, err := times(fmt.Sprintf(`R.dl(%d).then((ms) => [ms])`, c.size), c.rounds)
		if err != nil {
			return err
		}
		mbps := func(xs []float64) float64 { return float64(len(xs)*c.size) / (1 << 20) / (sum(xs) / 1000) }
		fmt.Printf("relay downloadFile, %d × %d MiB each: direct %.1f MB/s, relay %.1f MB/s, ratio %.3f (target ≥ 0.8)\n",
			c.rounds, c.size>>20, mbps(ms[0]), mbps(ms[1]), mbps(ms[1])/mbps(ms[0]))
	}
	if _, err := times(`R.rtt(50)`, 1); err != nil {
		return err
	}
	rtt, err := times(`R.rtt(100)`, 10)
	if err != nil {
		return err
	}
	fmt.Printf("relay socket RTT, %d × 64 B echoes each: direct median %.3f ms mean %.3f ms, relay median %.3f ms mean %.3f ms, added (means) %.3f ms (target ≤ 0.5 ms)\n",
		len(rtt[0]), median(rtt[0]), mean(rtt[0]), median(rtt[1]), mean(rtt[1]), mean(rtt[1])-mean(rtt[0]))
	var tp [2]struct{ bytes, ms float64 }
	err = each(5, `R.tp(1000).then((r) => [r.bytes, r.ms])`, func(i int, xs []float64) {
		tp[i].bytes += xs[0]
		tp[i].ms += xs[1]
	})
	if err != nil {
		return err
	}
	rate := func(i int) float64 { return tp[i].bytes / (1 << 20) / (tp[i].ms / 1000) }
	fmt.Printf("relay socket throughput, 64 KiB frames, 5 × 1 s each (8 in flight): direct %.1f MB/s, relay %.1f MB/s, ratio %.3f (target ≥ 0.8)\n",
		rate(0), rate(1), rate(1)/rate(0))
	return nil
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

func mean(xs []float64) float64 { return sum(xs) / float64(len(xs)) }
