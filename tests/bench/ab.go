package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/wxsim/wxsim/tests/browser"
)

// abJS are the units of the A/B comparison (-ab): one small GET or one 1 MiB
// arraybuffer response through wx, a bare XMLHttpRequest (the primitive wx uses for a
// whole body) and fetch, in an order that alternates.
const abJS = `
window.AB = {
  units(big) {
    const url = big ? API + '/bytes?n=1048576' : API + '/json';
    const rt = big ? 'arraybuffer' : undefined;
    return {
      wx: () => wxGet(url, rt),
      xhr: () => new Promise((res, rej) => { const x = new XMLHttpRequest(); x.open('GET', url); x.responseType = 'arraybuffer';
        x.onload = () => res(big ? x.response : JSON.parse(new TextDecoder().decode(x.response))); x.onerror = () => rej(new Error('xhr')); x.send(); }),
      fetch: () => big ? rawBuf(url) : rawJSON(url),
    };
  },
  async chunk(big, n) {
    const u = AB.units(big), T = {wx: [], xhr: [], fetch: []};
    for (let i = 0; i < n; i++) {
      for (const k of i % 2 ? ['wx', 'xhr', 'fetch'] : ['fetch', 'xhr', 'wx']) { const t = performance.now(); await u[k](); T[k].push(performance.now() - t); }
    }
    return T;
  },
};
true`

// runAB compares this build (dist) with another (other, a web/dist built elsewhere) in
// two tabs of one browser, alternating chunk by chunk, the tab in front: the difference
// of two builds is a few tens of µs a request, well under what the machine's load moves
// the numbers of one run (README "Benchmarks").
func runAB(ctx context.Context, dist, other string) error {
	type side struct {
		name string
		tab  context.Context
		t    [2]map[string][]float64 // small, big
	}
	var sides []*side
	for _, d := range []string{other, dist} {
		url, stop, err := browser.ServeIsolatedPage(d, []byte(benchPage))
		if err != nil {
			return err
		}
		defer stop()
		tab, cancel := chromedp.NewContext(ctx)
		defer cancel()
		if err := openIsolated(tab, url); err != nil {
			return err
		}
		if err := browser.Eval(tab, abJS, nil); err != nil {
			return err
		}
		if err := browser.Eval(tab, `wxsim.start({domains: {request: [API]}}).then(() => AB.chunk(false, 20))`, nil); err != nil {
			return err
		}
		sides = append(sides, &side{name: d, tab: tab, t: [2]map[string][]float64{{}, {}}})
	}
	for round := 0; round < 16; round++ {
		for j := range sides {
			s := sides[(j+round)%2]
			for b, expr := range []string{"AB.chunk(false, 40)", "AB.chunk(true, 4)"} {
				var T map[string][]float64
				if err := chromedp.Run(s.tab, page.BringToFront()); err != nil {
					return err
				}
				if err := browser.Eval(s.tab, expr, &T); err != nil {
					return err
				}
				for k, xs := range T {
					s.t[b][k] = append(s.t[b][k], xs...)
				}
			}
		}
	}
	for _, s := range sides {
		for b, what := range []string{"small GET", "1 MiB arraybuffer"} {
			m := s.t[b]
			fmt.Printf("A/B %s, %s (%d each; means of the fastest 80%%): wx %.3f ms, XHR %.3f, fetch %.3f; wx − XHR %.3f ms, wx/fetch %.3f; medians wx/fetch %.3f\n",
				s.name, what, len(m["wx"]), trimmed(m["wx"]), trimmed(m["xhr"]), trimmed(m["fetch"]),
				trimmed(m["wx"])-trimmed(m["xhr"]), trimmed(m["wx"])/trimmed(m["fetch"]), median(m["wx"])/median(m["fetch"]))
		}
	}
	return nil
}

// trimmed is the mean of the fastest 80% of xs: a median moves in steps of the page
// clock, and the slowest fifth is the machine's.
func trimmed(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	s = s[:max(1, len(s)*8/10)]
	t := 0.0
	for _, x := range s {
		t += x
	}
	return t / float64(len(s))
}
