package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
)

// DemoHost is the name under which the relay reaches this server's demo backend (the
// relay refuses loopback targets unless pinned): cmd/wxsim pins it to its own address,
// and the page's "through the relay" demo calls http://DemoHost:PORT/demo/echo.
const DemoHost = "demo.wxsim.test"

const (
	maxSlowMS      = 30000   // upper bound for /demo/slow?ms=
	defaultSlowMS  = 1000    // /demo/slow without ms
	maxEchoBodyLen = 1 << 20 // bytes /demo/echo accepts
)

// registerDemo adds the demo backend the simulator page calls.
func registerDemo(mux *http.ServeMux) {
	mux.HandleFunc("GET /demo/hello", demoHello)
	mux.HandleFunc("GET /demo/slow", demoSlow)
	mux.HandleFunc("/demo/status/{code}", demoStatus)
	mux.HandleFunc("/demo/echo", demoEcho)
	mux.HandleFunc("/demo/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such demo endpoint"})
	})
}

// demoHello answers {"hello":"wxsim","time":<unix ms>}.
func demoHello(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"hello": "wxsim", "time": time.Now().UnixMilli()})
}

// demoSlow answers {"slept":N} after ?ms=N milliseconds (default 1000, at
// most 30000). It gives up without answering when the client goes away.
func demoSlow(w http.ResponseWriter, r *http.Request) {
	ms := defaultSlowMS
	if v := r.URL.Query().Get("ms"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "ms must be a non-negative integer"})
			return
		}
		ms = min(n, maxSlowMS)
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-r.Context().Done():
		return
	case <-t.C:
	}
	writeJSON(w, http.StatusOK, map[string]int{"slept": ms})
}

// demoStatus answers with the status in the path and {"status":code}.
// Only final statuses (200..599) can be produced: Go sends 1xx as
// informational responses followed by a 200, so they are refused with 400.
func demoStatus(w http.ResponseWriter, r *http.Request) {
	code, err := strconv.Atoi(r.PathValue("code"))
	if err != nil || code < 200 || code > 599 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "status code must be 200..599"})
		return
	}
	writeJSON(w, code, map[string]int{"status": code})
}

// echoReply is what /demo/echo answers.
type echoReply struct {
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Query   map[string][]string `json:"query"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body"`
}

// demoEcho answers any method with the request's method, query, headers
// (plus Host) and body (at most 1 MiB) as JSON.
func demoEcho(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEchoBodyLen))
	if err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		writeJSON(w, status, map[string]string{"error": err.Error()})
		return
	}
	headers := r.Header.Clone()
	headers.Set("Host", r.Host)
	writeJSON(w, http.StatusOK, echoReply{
		Method:  r.Method,
		Path:    r.URL.Path,
		Query:   r.URL.Query(),
		Headers: headers,
		Body:    string(body),
	})
}

// writeJSON sends v as an uncacheable JSON response with the given status
// (without a body where HTTP forbids one).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if status == http.StatusNoContent || status == http.StatusNotModified {
		return
	}
	_ = json.NewEncoder(w).Encode(v)
}
