package server

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/wxsim/wxsim/sim/project"
)

// Options configures New.
type Options struct {
	// WebDir is the directory served at "/"; it must exist. Its dist/
	// subdirectory holds the built artifacts.
	WebDir string
	// Relay, when set, serves /relay/ (package wxsim/sim/relay, spec §9).
	Relay http.Handler
	// Logf, when set, receives one line per request.
	Logf func(format string, args ...any)
	// AllowOrigins are the page origins ("scheme://host[:port]") that may load the
	// built files under /dist/ from another origin: their requests get CORS headers
	// (a web IDE that loads wxsim.js and wx.wasm from this server). The server's own
	// origins belong here too when pages of one may load from the other
	// (http://127.0.0.1:PORT and http://localhost:PORT).
	AllowOrigins []string
	// App, when set, is the mini-program project the page runs (wxsim --app): its
	// folder is served at /app/ and GET /wxsim/project describes it, read again from
	// its files on each request. Without it, /wxsim/project names the built-in demo.
	App *project.Project
}

// server holds the routes and what later routes (the relay) need.
type server struct {
	mux  *http.ServeMux
	logf func(format string, args ...any)
}

// New returns the simulator's HTTP handler: static files from opts.WebDir and
// the /demo/ backend (see the package documentation).
func New(opts Options) (http.Handler, error) {
	if opts.WebDir == "" {
		return nil, errors.New("server: Options.WebDir is empty")
	}
	info, err := os.Stat(opts.WebDir)
	if err != nil {
		return nil, fmt.Errorf("server: web dir: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("server: web dir %s is not a directory", opts.WebDir)
	}
	if opts.App != nil {
		if info, err := os.Stat(opts.App.Dir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("server: app dir %q is not a directory", opts.App.Dir)
		}
	}
	s := &server{mux: http.NewServeMux(), logf: opts.Logf}
	s.mux.Handle("/", staticHandler(opts.WebDir))
	s.mux.Handle("/dist/", distCORS(opts.AllowOrigins, staticHandler(opts.WebDir)))
	if opts.Relay != nil {
		s.mux.Handle("/relay/", opts.Relay)
	}
	if opts.App != nil {
		s.mux.Handle("GET /app/", appHandler(opts.App.Dir))
	}
	s.mux.Handle("GET /wxsim/project", projectHandler(opts.App))
	registerDemo(s.mux)
	return s, nil
}

// ServeHTTP dispatches to the routes, logging each request when Logf is set.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.logf == nil {
		s.mux.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	s.mux.ServeHTTP(rec, r)
	status := strconv.Itoa(rec.statusCode())
	if rec.status == 0 && r.Context().Err() != nil {
		status = "client-gone" // nothing was written before the client left
	}
	uri := r.URL.RequestURI()
	if strings.HasPrefix(r.URL.Path, "/relay/") {
		uri = r.URL.Path // the relay's query carries the token: never logged
	}
	s.logf("%s %s %s %dB %s", r.Method, uri, status, rec.bytes,
		time.Since(start).Round(time.Microsecond))
}

// staticHandler serves dir with explicit content types for the file kinds
// the page uses and Cache-Control: no-cache so rebuilds show on reload.
// Path traversal is refused by http.FileServer (it cleans the path); hidden
// files and directories (a segment starting with ".") are not served.
func staticHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hasHiddenSegment(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		if ct, ok := contentTypes[path.Ext(r.URL.Path)]; ok {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// distCORS adds CORS headers to the answers under /dist/ for the allowed origins:
// Access-Control-Allow-Origin naming the request's Origin, and Vary: Origin on every
// answer (an allowed and a refused origin get different headers). A preflight
// (OPTIONS with Access-Control-Request-Method) from an allowed origin gets 204 with
// GET and HEAD allowed (and Access-Control-Allow-Private-Network when asked, for
// Chromium's private network access checks); one from any other origin gets 403.
// Credentials are never allowed: the files are public to the allowed pages.
func distCORS(origins []string, next http.Handler) http.Handler {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[strings.TrimSuffix(o, "/")] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		ok := origin != "" && allowed[origin]
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			if !ok {
				http.Error(w, "origin not allowed", http.StatusForbidden)
				return
			}
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, HEAD")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
				h.Set("Access-Control-Allow-Private-Network", "true")
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if ok {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		next.ServeHTTP(w, r)
	})
}

// contentTypes fixes the types that matter for the page instead of relying
// on the system's mime tables; application/wasm is required by
// WebAssembly.instantiateStreaming.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
	".wasm": "application/wasm",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".md":   "text/plain; charset=utf-8", // web/docs: shown as text, not downloaded
	".txt":  "text/plain; charset=utf-8",
	".wxss": "text/css; charset=utf-8",   // a mini-program's style sheets (/app/)
	".wxml": "text/plain; charset=utf-8", // and its templates: shown as text
}

// hasHiddenSegment reports whether any segment of p starts with a dot.
func hasHiddenSegment(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// statusRecorder remembers the status and body size written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader records the final status; 101 is final too (a WebSocket upgrade: the
// connection is hijacked next), other 1xx are informational.
func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush, Hijack and deadlines.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush forwards to the underlying writer when it can flush.
func (r *statusRecorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *statusRecorder) statusCode() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}
