// Package browser starts headless Chromium and serves wxsim pages for the end-to-end
// tests and the benchmark. Traffic stays on loopback: test host names are mapped to the
// loopback fixture with --host-resolver-rules.
package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Exec is the Chromium binary: $WXSIM_CHROMIUM or Debian's real binary.
func Exec() string {
	if p := os.Getenv("WXSIM_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/lib/chromium/chromium"
}

// Launch starts headless Chromium that trusts any certificate and resolves host names
// by hostRules. Cancel the returned function to stop it.
func Launch(hostRules string) (context.Context, context.CancelFunc, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Exec()),
		chromedp.NoSandbox,
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.Flag("host-resolver-rules", hostRules),
		chromedp.Flag("disable-quic", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	if err := chromedp.Run(bctx); err != nil {
		cancelB()
		cancelA()
		return nil, nil, fmt.Errorf("start %s: %w", Exec(), err)
	}
	return bctx, func() { cancelB(); cancelA() }, nil
}

// ServePage serves dist (web/dist) under /dist/, each extra directory under its
// "/prefix/", and page at every other path on a loopback origin, and returns the page URL.
func ServePage(dist string, page []byte, extra ...Dir) (string, func(), error) {
	return servePage(dist, page, false, extra)
}

// ServeIsolatedPage is ServePage with every response sent as cross-origin isolated
// (COOP same-origin, COEP require-corp): the page's performance.now() then has 5 µs steps
// instead of 100 µs, which benchmarks of sub-millisecond differences need. Other origins
// the page calls must answer CORS (the fixture does).
func ServeIsolatedPage(dist string, page []byte, extra ...Dir) (string, func(), error) {
	return servePage(dist, page, true, extra)
}

func servePage(dist string, page []byte, isolated bool, extra []Dir) (string, func(), error) {
	dist, err := filepath.Abs(dist)
	if err != nil {
		return "", nil, err
	}
	if _, err := os.Stat(filepath.Join(dist, "wx.wasm")); err != nil {
		return "", nil, fmt.Errorf("web/dist is not built (run ./build.sh): %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/dist/", http.StripPrefix("/dist/", http.FileServer(http.Dir(dist))))
	for _, d := range extra {
		if d.Handler != nil {
			mux.Handle(d.Prefix, d.Handler)
			continue
		}
		mux.Handle(d.Prefix, http.StripPrefix(d.Prefix, http.FileServer(http.Dir(d.Path))))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var h http.Handler = mux
	if isolated {
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
			w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
			mux.ServeHTTP(w, r)
		})
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/", func() { srv.Close() }, nil
}

// Dir is an extra directory served by ServePage at Prefix ("/jslib/"), or, when Handler
// is set, a handler mounted there (the relay's "/relay/").
type Dir struct {
	Prefix, Path string
	Handler      http.Handler
}

// Eval evaluates expr in ctx's page, awaiting a promise result, and decodes it into out
// (nil to discard).
func Eval(ctx context.Context, expr string, out any) error {
	var raw json.RawMessage
	err := chromedp.Run(ctx, chromedp.Evaluate(expr, &raw, func(ep *runtime.EvaluateParams) *runtime.EvaluateParams {
		return ep.WithAwaitPromise(true)
	}))
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if len(raw) == 0 {
		return errors.New("no result")
	}
	return json.Unmarshal(raw, out)
}
