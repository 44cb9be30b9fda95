package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/wxsim/wxsim/sim/project"
)

const secret = "top-secret-outside-webdir"

// newTestServer builds a web dir (index.html, dist/ artifacts, a hidden
// file) beside a secret file outside it, and serves it over loopback.
func newTestServer(t *testing.T, logf func(string, ...any)) *httptest.Server {
	t.Helper()
	root := t.TempDir()
	web := filepath.Join(root, "web")
	files := map[string]string{
		"secret.txt":            secret,
		"web/index.html":        "<!doctype html><title>wxsim</title>",
		"web/style.css":         "body{}",
		"web/.hidden":           secret,
		"web/dist/wx.wasm":      "\x00asm\x01\x00\x00\x00",
		"web/dist/wxsim.js":     "var wxsim = {};",
		"web/dist/wasm_exec.js": "// go",
		"web/docs/behaviour.md": "# wxsim behaviour §1",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := New(Options{WebDir: web, Logf: logf})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// get fetches path from ts and returns the response with its body read;
// header holds name, value pairs to set on the request.
func get(t *testing.T, ts *httptest.Server, method, path string, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestNewRejectsBadWebDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "missing"), file} {
		if _, err := New(Options{WebDir: dir}); err == nil {
			t.Errorf("New(WebDir=%q) succeeded, want error", dir)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	ts := newTestServer(t, nil)
	tests := []struct {
		path, contentType, bodyPrefix string
	}{
		{"/", "text/html; charset=utf-8", "<!doctype html>"},
		{"/style.css", "text/css; charset=utf-8", "body{}"},
		{"/dist/wx.wasm", "application/wasm", "\x00asm"},
		{"/dist/wxsim.js", "text/javascript; charset=utf-8", "var wxsim"},
		{"/dist/wasm_exec.js", "text/javascript; charset=utf-8", "// go"},
		{"/docs/behaviour.md", "text/plain; charset=utf-8", "# wxsim behaviour §1"},
	}
	for _, tt := range tests {
		resp, body := get(t, ts, "GET", tt.path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", tt.path, resp.StatusCode)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != tt.contentType {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, got, tt.contentType)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: Cache-Control %q, want no-cache", tt.path, got)
		}
		if !strings.HasPrefix(body, tt.bodyPrefix) {
			t.Errorf("%s: body %q, want prefix %q", tt.path, body, tt.bodyPrefix)
		}
	}
}

func TestStaticRefusesTraversalAndHiddenFiles(t *testing.T) {
	ts := newTestServer(t, nil)
	if status, body := rawGet(t, ts.Listener.Addr().String(), "/style.css"); status != http.StatusOK || body != "body{}" {
		t.Fatalf("control request: status %d body %q", status, body)
	}
	targets := []string{
		"/../secret.txt",
		"/%2e%2e/secret.txt",
		"/dist/../../secret.txt",
		"/dist/..%2f..%2fsecret.txt",
		"/dist/%2e%2e%2f%2e%2e%2fsecret.txt",
		"/..%5csecret.txt",
		"/.hidden",
		"/dist/../.hidden",
		"/%2ehidden",
	}
	for _, target := range targets {
		status, body := rawGet(t, ts.Listener.Addr().String(), target)
		if status == http.StatusOK || strings.Contains(body, secret) {
			t.Errorf("GET %s: status %d body %q, want refusal", target, status, body)
		}
	}
}

// rawGet sends target unmodified on the request line (clients clean paths)
// and returns the status and body, without following redirects.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestDemoHello(t *testing.T) {
	ts := newTestServer(t, nil)
	before := time.Now().UnixMilli()
	resp, body := get(t, ts, "GET", "/demo/hello", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var got struct {
		Hello string `json:"hello"`
		Time  int64  `json:"time"`
	}
	decode(t, body, &got)
	if got.Hello != "wxsim" || got.Time < before || got.Time > time.Now().UnixMilli() {
		t.Errorf("got %+v, want hello wxsim and a current time", got)
	}
}

func TestDemoSlow(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, body := get(t, ts, "GET", "/demo/slow?ms=20", nil)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(body) != `{"slept":20}` {
		t.Errorf("ms=20: status %d body %s", resp.StatusCode, body)
	}
	for _, bad := range []string{"-1", "x", "1.5"} {
		if resp, _ := get(t, ts, "GET", "/demo/slow?ms="+bad, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("ms=%s: status %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestDemoSlowStopsWhenClientLeaves(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequestWithContext(ctx, "GET", "/demo/slow?ms=999999", nil)
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		demoSlow(rec, req)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("demoSlow ignored the cancelled request context")
	}
	if rec.Body.Len() != 0 {
		t.Errorf("wrote %q to a departed client", rec.Body.String())
	}
}

func TestDemoStatus(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, code := range []int{200, 404, 500, 599} {
		resp, body := get(t, ts, "GET", fmt.Sprintf("/demo/status/%d", code), nil)
		want := fmt.Sprintf(`{"status":%d}`, code)
		if resp.StatusCode != code || strings.TrimSpace(body) != want {
			t.Errorf("code %d: got %d %s", code, resp.StatusCode, body)
		}
	}
	if resp, body := get(t, ts, "GET", "/demo/status/204", nil); resp.StatusCode != 204 || body != "" {
		t.Errorf("204: got %d %q", resp.StatusCode, body)
	}
	for _, bad := range []string{"99", "100", "600", "abc"} {
		if resp, _ := get(t, ts, "GET", "/demo/status/"+bad, nil); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("code %s: status %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestDemoEcho(t *testing.T) {
	ts := newTestServer(t, nil)
	req, err := http.NewRequest("PUT", ts.URL+"/demo/echo?a=1&a=2&b=x%20y", strings.NewReader(`{"k":"中"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Custom", "v")
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got echoReply
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Method != "PUT" || got.Path != "/demo/echo" || got.Body != `{"k":"中"}` {
		t.Errorf("method/path/body = %q %q %q", got.Method, got.Path, got.Body)
	}
	if q := got.Query; len(q["a"]) != 2 || q["a"][1] != "2" || q["b"][0] != "x y" {
		t.Errorf("query = %v", q)
	}
	if h := got.Headers; h["X-Custom"][0] != "v" || h["Host"][0] != ts.Listener.Addr().String() {
		t.Errorf("headers = %v", h)
	}
}

func TestDemoEchoRefusesLargeBody(t *testing.T) {
	big := strings.NewReader(strings.Repeat("x", maxEchoBodyLen+1))
	rec := httptest.NewRecorder()
	demoEcho(rec, httptest.NewRequest("POST", "/demo/echo", big))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", rec.Code)
	}
}

func TestDemoUnknownEndpoint(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, _ := get(t, ts, "GET", "/demo/nope", nil)
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestLogf(t *testing.T) {
	var lines []string
	h, err := New(Options{WebDir: t.TempDir(), Logf: func(format string, args ...any) {
		lines = append(lines, fmt.Sprintf(format, args...))
	}})
	if err != nil {
		t.Fatal(err)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/demo/status/418", nil))
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "GET /demo/status/418 418 ") {
		t.Errorf("log lines = %q", lines)
	}
}

// An upgraded connection is logged with its 101, once the handler is done with it.
func TestLogfWebSocket(t *testing.T) {
	logged := make(chan string, 1)
	h, err := New(Options{WebDir: t.TempDir(), Logf: func(format string, args ...any) {
		logged <- fmt.Sprintf(format, args...)
	}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/demo/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte("close")); err != nil {
		t.Fatal(err)
	}
	_, _, _ = c.Read(ctx) // the server's close
	select {
	case line := <-logged:
		if !strings.HasPrefix(line, "GET /demo/ws 101 ") {
			t.Errorf("log line %q", line)
		}
	case <-ctx.Done():
		t.Fatal("nothing logged")
	}
}

func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
}

// The relay is mounted at /relay/, and the request log never shows its query (the
// WebSocket route carries the token there).
func TestRelayMountedAndQueryNotLogged(t *testing.T) {
	web := t.TempDir()
	var lines []string
	h, err := New(Options{WebDir: web, Logf: func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) },
		Relay: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("relay " + r.URL.Path)) })})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	_, body := get(t, ts, "GET", "/relay/ws?token=sekrit&session=abc", nil)
	if body != "relay /relay/ws" {
		t.Fatalf("body %q", body)
	}
	if len(lines) != 1 || strings.Contains(lines[0], "sekrit") || !strings.Contains(lines[0], "/relay/ws") {
		t.Fatalf("log %q", lines)
	}
}

// CORS on web/dist (issue 14, item 3): an allowed origin loads the built files from
// another origin; any other origin gets no CORS header; Vary: Origin always.
func TestDistCORS(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{"index.html": "<!doctype html>", "dist/wx.wasm": "\x00asm\x01\x00\x00\x00",
		"dist/wxsim.js": "var wxsim = {};", "dist/.hidden": secret} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const ide = "http://127.0.0.1:3000"
	h, err := New(Options{WebDir: root, AllowOrigins: []string{ide, "https://ide.example.test/"}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	do := func(method, path string, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, ts.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, origin := range []string{ide, "https://ide.example.test"} {
		resp, body := do("GET", "/dist/wx.wasm", map[string]string{"Origin": origin})
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != origin ||
			resp.Header.Get("Content-Type") != "application/wasm" || body != "\x00asm\x01\x00\x00\x00" {
			t.Errorf("%s: %d %v", origin, resp.StatusCode, resp.Header)
		}
		if v := resp.Header.Values("Vary"); len(v) != 1 || v[0] != "Origin" {
			t.Errorf("Vary %q", v)
		}
		if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Error("credentials are never allowed")
		}
	}
	for _, c := range []struct{ path, origin string }{
		{"/dist/wxsim.js", "http://evil.example.test"}, {"/dist/wxsim.js", ""}, {"/dist/wxsim.js", "null"},
		{"/dist/wxsim.js", "http://127.0.0.1:3000.evil.test"}, {"/index.html", ide},
	} {
		resp, _ := do("GET", c.path, map[string]string{"Origin": c.origin})
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s from %q: %d %v", c.path, c.origin, resp.StatusCode, resp.Header)
		}
	}
	resp, _ := do("GET", "/dist/wxsim.js", map[string]string{"Origin": "http://evil.example.test"})
	if resp.Header.Get("Vary") != "Origin" {
		t.Errorf("a refused origin's answer varies by Origin too: %v", resp.Header)
	}
	resp, body := do("GET", "/dist/.hidden", map[string]string{"Origin": ide})
	if resp.StatusCode != 404 || strings.Contains(body, secret) {
		t.Errorf("hidden file under dist: %d", resp.StatusCode)
	}
	// a preflight (private network access included) from an allowed origin; refused otherwise
	resp, _ = do("OPTIONS", "/dist/wx.wasm", map[string]string{"Origin": ide, "Access-Control-Request-Method": "GET",
		"Access-Control-Request-Headers": "x-a", "Access-Control-Request-Private-Network": "true"})
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != ide ||
		resp.Header.Get("Access-Control-Allow-Methods") != "GET, HEAD" || resp.Header.Get("Access-Control-Allow-Headers") != "x-a" ||
		resp.Header.Get("Access-Control-Allow-Private-Network") != "true" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = do("OPTIONS", "/dist/wx.wasm", map[string]string{"Origin": "http://evil.example.test", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from a refused origin: %d %v", resp.StatusCode, resp.Header)
	}
	// no allowed origins: no CORS at all
	h, _ = New(Options{WebDir: root})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/dist/wxsim.js", nil)
	req.Header.Set("Origin", ide)
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no AllowOrigins: %d %v", rec.Code, rec.Header())
	}
}

// newAppServer serves a web dir and the project in files (written to a temp folder,
// beside a secret file outside it) as --app does.
func newAppServer(t *testing.T, files map[string]string) (*httptest.Server, string) {
	t.Helper()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"secret.txt": secret, "web/index.html": "<!doctype html>"})
	app := filepath.Join(root, "app")
	writeTree(t, app, files)
	p, err := project.Load(app, "")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{WebDir: filepath.Join(root, "web"), App: &p})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts, app
}

// writeTree creates files (slash paths) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewRejectsBadAppDir(t *testing.T) {
	if _, err := New(Options{WebDir: t.TempDir(), App: &project.Project{Dir: filepath.Join(t.TempDir(), "gone")}}); err == nil {
		t.Error("New with a missing app dir succeeded")
	}
}

// Without --app, /wxsim/project names the built-in demo, and /app/ is just a path of web/.
func TestProjectDemoMode(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, body := get(t, ts, "GET", "/wxsim/project", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	want := `{"mode":"demo","name":"wxsim demo","entry":"/demo-app/app.js","config":{"appId":"wxdemo","urlCheck":false},"warnings":[]}`
	if strings.TrimSpace(body) != want {
		t.Errorf("body %s\nwant %s", body, want)
	}
	if resp, _ := get(t, ts, "GET", "/app/app.js", nil); resp.StatusCode != 404 {
		t.Errorf("/app/ without --app: status %d", resp.StatusCode)
	}
}

func TestProjectAppMode(t *testing.T) {
	ts, app := newAppServer(t, map[string]string{
		"app.js":              "App({})",
		"app.json":            `{"networkTimeout":{"request":3000,"websocket":1}}`,
		"project.config.json": `{"appid":"wx1234","projectname":"%E5%95%86%E5%9F%8E","libVersion":"latest","setting":{"urlCheck":true}}`,
	})
	resp, body := get(t, ts, "GET", "/wxsim/project", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
	}
	want := `{"mode":"app","name":"商城","entry":"/app/app.js","config":{"appId":"wx1234","urlCheck":true,"networkTimeout":{"request":3000}},` +
		`"warnings":["libVersion \"latest\" is not a version like 3.7.0: sdkVersion defaults to 3.7.0",` +
		`"app.json networkTimeout.websocket is not one of request, connectSocket, uploadFile, downloadFile: left out"]}`
	if strings.TrimSpace(body) != want {
		t.Errorf("body %s\nwant %s", body, want)
	}

	// an edit shows on the next request
	writeTree(t, app, map[string]string{"project.private.config.json": `{"libVersion":"3.1.0","setting":{"urlCheck":false}}`})
	_, body = get(t, ts, "GET", "/wxsim/project", nil)
	want = `{"mode":"app","name":"商城","entry":"/app/app.js","config":{"appId":"wx1234","urlCheck":false,"sdkVersion":"3.1.0","networkTimeout":{"request":3000}},` +
		`"warnings":["app.json networkTimeout.websocket is not one of request, connectSocket, uploadFile, downloadFile: left out"]}`
	if strings.TrimSpace(body) != want {
		t.Errorf("after the edit: body %s\nwant %s", body, want)
	}

	// a file broken since the start: 500 with the reason
	writeTree(t, app, map[string]string{"app.json": `{"networkTimeout":`})
	resp, body = get(t, ts, "GET", "/wxsim/project", nil)
	var e struct{ Error string }
	decode(t, body, &e)
	if resp.StatusCode != 500 || !strings.HasPrefix(e.Error, "app.json:1:18: unexpected end of JSON input") {
		t.Errorf("broken app.json: status %d body %s", resp.StatusCode, body)
	}
}

// The entry's URL is escaped as a path.
func TestProjectEntryURL(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"app/my src/a#b.mjs": "export {}"})
	p, err := project.Load(filepath.Join(root, "app"), "my src/a#b.mjs")
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{WebDir: root, App: &p})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	_, body := get(t, ts, "GET", "/wxsim/project", nil)
	var got struct{ Entry string }
	decode(t, body, &got)
	if got.Entry != "/app/my%20src/a%23b.mjs" {
		t.Fatalf("entry %q", got.Entry)
	}
	if resp, body := get(t, ts, "GET", got.Entry, nil); resp.StatusCode != 200 || body != "export {}" {
		t.Errorf("GET %s: %d %q", got.Entry, resp.StatusCode, body)
	}
}

func TestAppFiles(t *testing.T) {
	ts, app := newAppServer(t, map[string]string{
		"app.js":               "App({})",
		"lib/util.mjs":         "export const x = 1",
		"app.json":             `{}`,
		"app.wxss":             "page{}",
		"assets/logo.png":      "\x89PNG",
		"assets/photo.jpg":     "\xff\xd8",
		"assets/icon.svg":      "<svg/>",
		"notes.txt":            "hello",
		"sub/index.html":       "<!doctype html>",
		".git/config":          secret,
		"sub/.env":             secret,
		"project.config.json":  `{"appid":"wxa"}`,
		"data.unknownkind":     "x",
		"pages/index/index.js": "Page({})",
	})
	for _, c := range []struct{ path, contentType, body string }{
		{"/app/app.js", "text/javascript; charset=utf-8", "App({})"},
		{"/app/lib/util.mjs", "text/javascript; charset=utf-8", "export const x = 1"},
		{"/app/app.json", "application/json", "{}"},
		{"/app/app.wxss", "text/css; charset=utf-8", "page{}"},
		{"/app/assets/logo.png", "image/png", "\x89PNG"},
		{"/app/assets/photo.jpg", "image/jpeg", "\xff\xd8"},
		{"/app/assets/icon.svg", "image/svg+xml", "<svg/>"},
		{"/app/notes.txt", "text/plain; charset=utf-8", "hello"},
		{"/app/sub/index.html", "text/html; charset=utf-8", "<!doctype html>"},
		{"/app/pages/index/index.js", "text/javascript; charset=utf-8", "Page({})"},
	} {
		resp, body := get(t, ts, "GET", c.path, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.contentType || body != c.body ||
			resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: %d %q %v", c.path, resp.StatusCode, body, resp.Header)
		}
	}
	if resp, _ := get(t, ts, "HEAD", "/app/app.js", nil); resp.StatusCode != 200 || resp.ContentLength != int64(len("App({})")) {
		t.Errorf("HEAD: %d %d", resp.StatusCode, resp.ContentLength)
	}
	// folders answer 404 (no listing, no index.html), hidden paths and escapes too
	if err := os.Symlink(filepath.Join(filepath.Dir(app), "secret.txt"), filepath.Join(app, "link.txt")); err != nil {
		t.Log("no symbolic links:", err)
	}
	addr := ts.Listener.Addr().String()
	for _, target := range []string{
		"/app/", "/app/sub", "/app/sub/", "/app/assets/", "/app/missing.js",
		"/app/.git/config", "/app/sub/.env", "/app/%2egit/config",
		"/app/../secret.txt", "/app/%2e%2e/secret.txt", "/app/..%2fsecret.txt", "/app/sub/..%2f..%2fsecret.txt",
		"/app/..%5csecret.txt", "/app/link.txt",
	} {
		status, body := rawGet(t, addr, target)
		if status == 200 || strings.Contains(body, secret) || strings.Contains(body, "index.js") {
			t.Errorf("GET %s: %d %q, want refusal", target, status, body)
		}
	}
	if status, _ := rawGet(t, addr, "/app/sub/"); status != 404 {
		t.Errorf("a folder: status %d, want 404", status)
	}
}

func TestDemoUpload(t *testing.T) {
	ts := newTestServer(t, nil)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("user", "小明")
	_ = mw.WriteField("empty", "")
	part, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Disposition": {`form-data; name="file"; filename="photo.png"`},
		"Content-Type":        {"image/png"},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(bytes.Repeat([]byte{7}, 3000))
	fw, _ := mw.CreateFormFile("doc", "notes.txt") // application/octet-stream
	_, _ = io.WriteString(fw, "hello")
	_ = mw.Close()
	resp, body := get(t, ts, "POST", "/demo/upload", &buf, "Content-Type", mw.FormDataContentType())
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	want := `{"fields":{"empty":"","user":"小明"},"files":[` +
		`{"field":"file","filename":"photo.png","size":3000,"contentType":"image/png"},` +
		`{"field":"doc","filename":"notes.txt","size":5,"contentType":"application/octet-stream"}]}`
	if strings.TrimSpace(body) != want {
		t.Errorf("body %s\nwant %s", body, want)
	}

	resp, body = get(t, ts, "POST", "/demo/upload", strings.NewReader("a=1"), "Content-Type", "application/x-www-form-urlencoded")
	var e struct{ Error string }
	decode(t, body, &e)
	if resp.StatusCode != 400 || !strings.Contains(e.Error, "multipart/form-data") {
		t.Errorf("not multipart: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, ts, "POST", "/demo/upload", strings.NewReader("--x\r\nbroken"), "Content-Type", "multipart/form-data; boundary=x")
	if resp.StatusCode != 400 {
		t.Errorf("broken multipart: %d %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, ts, "GET", "/demo/upload", nil); resp.StatusCode != 404 && resp.StatusCode != 405 {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

func TestDemoUploadRefusesLargeBody(t *testing.T) {
	for name, big := range map[string]func(*multipart.Writer){
		"file": func(mw *multipart.Writer) {
			fw, _ := mw.CreateFormFile("f", "big.bin")
			fw.Write(make([]byte, maxUploadLen))
		},
		"field": func(mw *multipart.Writer) { mw.WriteField("f", strings.Repeat("x", maxUploadField+1)) },
	} {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		big(mw)
		mw.Close()
		req := httptest.NewRequest("POST", "/demo/upload", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		rec := httptest.NewRecorder()
		demoUpload(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d, want 413: %s", name, rec.Code, rec.Body)
		}
	}
}

func TestDemoBytes(t *testing.T) {
	ts := newTestServer(t, nil)
	check := func(resp *http.Response, body string, n int) {
		t.Helper()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/octet-stream" ||
			resp.ContentLength != int64(n) || len(body) != n {
			t.Fatalf("status %d, length %d, body %d bytes, headers %v", resp.StatusCode, resp.ContentLength, len(body), resp.Header)
		}
		for i := range n {
			if body[i] != byte(i) {
				t.Fatalf("byte %d is %d, want %d", i, body[i], byte(i))
			}
		}
	}
	resp, body := get(t, ts, "GET", "/demo/bytes", nil)
	check(resp, body, defaultBytesN)
	if resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("Content-Disposition without name: %q", resp.Header.Get("Content-Disposition"))
	}
	resp, body = get(t, ts, "GET", "/demo/bytes?n=0", nil)
	check(resp, body, 0)
	resp, body = get(t, ts, "GET", "/demo/bytes?n=100000&name=数据.bin", nil)
	check(resp, body, 100000)
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err != nil || params["filename"] != "数据.bin" {
		t.Errorf("Content-Disposition %q", resp.Header.Get("Content-Disposition"))
	}
	// spread over 200 ms: the server waits for its pieces (a lower bound, not a sleep)
	start := time.Now()
	resp, body = get(t, ts, "GET", "/demo/bytes?n=70001&ms=200", nil)
	check(resp, body, 70001)
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("ms=200 took only %v", d)
	}
	resp, body = get(t, ts, "GET", "/demo/bytes?n=3&ms=120", nil) // fewer bytes than pieces
	check(resp, body, 3)
	for _, bad := range []string{"n=-1", "n=x", fmt.Sprintf("n=%d", maxBytesN+1), "ms=-5", "ms=30001", "ms=1.5", "name=a/b", "name=a%5Cb"} {
		if resp, _ := get(t, ts, "GET", "/demo/bytes?"+bad, nil); resp.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", bad, resp.StatusCode)
		}
	}
}

// The pieces of a spread download come one after another: the first arrives before
// the last has been written.
func TestDemoBytesStreams(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, err := ts.Client().Get(ts.URL + "/demo/bytes?n=1000&ms=30000")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close() // the client leaves: the handler stops (see below)
	first := make([]byte, 1)
	if _, err := io.ReadFull(resp.Body, first); err != nil || resp.ContentLength != 1000 {
		t.Fatalf("first byte: %v, length %d", err, resp.ContentLength)
	}
}

func TestDemoBytesStopsWhenClientLeaves(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, q := range []string{"n=67108864&ms=30000", "n=67108864"} {
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			demoBytes(rec, httptest.NewRequestWithContext(ctx, "GET", "/demo/bytes?"+q, nil))
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: demoBytes ignored the cancelled request context", q)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("%s: wrote %d bytes to a departed client", q, rec.Body.Len())
		}
	}
}

func TestDemoImage(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, body := get(t, ts, "GET", "/demo/image.png", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || resp.ContentLength != int64(len(body)) {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	img, err := png.Decode(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != demoImageSide || b.Dy() != demoImageSide {
		t.Errorf("size %v", b)
	}
}

func TestDemoJSON(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, body := get(t, ts, "GET", "/demo/json", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	var doc map[string]any
	decode(t, body, &doc)
	kinds := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			kinds["object"] = true
			for _, x := range v {
				walk(x)
			}
		case []any:
			kinds["array"] = true
			for _, x := range v {
				walk(x)
			}
		default:
			kinds[fmt.Sprintf("%T", v)] = true
		}
	}
	walk(doc)
	for _, k := range []string{"object", "array", "string", "float64", "bool", "<nil>"} {
		if !kinds[k] {
			t.Errorf("no %s in the document", k)
		}
	}
	if doc["greeting"] != "你好，小程序 👋" || doc["escaped"] != "tab\tquote\" é" {
		t.Errorf("strings: %q %q", doc["greeting"], doc["escaped"])
	}
}

func TestDemoGBK(t *testing.T) {
	ts := newTestServer(t, nil)
	resp, body := get(t, ts, "GET", "/demo/gbk", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=gbk" {
		t.Fatalf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	// 你 is C4E3 and 好 BAC3 in GBK; the text is not UTF-8
	if !strings.HasPrefix(body, "\xc4\xe3\xba\xc3") || !strings.Contains(body, " GBK ") || utf8.ValidString(body) {
		t.Errorf("body % x", body)
	}
}

func TestDemoWS(t *testing.T) {
	ts := newTestServer(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/demo/ws"
	// a page of this server (its Origin names the host)
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {ts.URL}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	for _, m := range []struct {
		typ  websocket.MessageType
		data string
	}{{websocket.MessageText, "你好"}, {websocket.MessageBinary, "\x00\x01\xff"}, {websocket.MessageText, ""}, {websocket.MessageText, "close please"}} {
		if err := c.Write(ctx, m.typ, []byte(m.data)); err != nil {
			t.Fatal(err)
		}
		typ, data, err := c.Read(ctx)
		if err != nil || typ != m.typ || string(data) != m.data {
			t.Fatalf("echo of %q: %v %q %v", m.data, typ, data, err)
		}
	}
	if err := c.Write(ctx, websocket.MessageText, []byte("close")); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Read(ctx)
	if ce, ok := errors.AsType[websocket.CloseError](err); !ok || ce.Code != websocket.StatusNormalClosure || ce.Reason != "bye" {
		t.Fatalf("after close: %v", err)
	}

	// a message over the read limit closes with 1009
	c, _, err = websocket.Dial(ctx, url, nil) // no Origin: a native client
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(2 * maxWSMessage)
	if err := c.Write(ctx, websocket.MessageBinary, make([]byte, maxWSMessage+1)); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Fatalf("over the limit: %v", err)
	}

	// a page of another origin is refused
	_, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example.test"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign Origin: %v %v", err, resp)
	}
	// a plain GET is no upgrade
	if resp, _ := get(t, ts, "GET", "/demo/ws", nil); resp.StatusCode != http.StatusUpgradeRequired {
		t.Errorf("plain GET: %d", resp.StatusCode)
	}
}
