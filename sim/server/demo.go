package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// DemoHost is the name under which the relay reaches this server's demo backend (the
// relay refuses loopback targets unless pinned): cmd/wxsim pins it to its own address,
// and the page's "through the relay" demo calls http://DemoHost:PORT/demo/echo.
const DemoHost = "demo.wxsim.test"

const (
	maxSlowMS      = 30000   // upper bound for /demo/slow?ms= and /demo/bytes?ms=
	defaultSlowMS  = 1000    // /demo/slow without ms
	maxEchoBodyLen = 1 << 20 // bytes /demo/echo accepts
	maxUploadLen   = 16 << 20
	maxUploadField = 1 << 20 // bytes of one non-file field of /demo/upload
	maxBytesN      = 64 << 20
	defaultBytesN  = 1 << 20
	bytesStepMS    = 50      // /demo/bytes?ms=: one piece about every 50 ms
	maxWSMessage   = 1 << 20 // read limit of /demo/ws
	demoImageSide  = 64      // /demo/image.png is square
)

// registerDemo adds the demo backend the simulator page calls.
func registerDemo(mux *http.ServeMux) {
	mux.HandleFunc("GET /demo/hello", demoHello)
	mux.HandleFunc("GET /demo/slow", demoSlow)
	mux.HandleFunc("/demo/status/{code}", demoStatus)
	mux.HandleFunc("/demo/echo", demoEcho)
	mux.HandleFunc("POST /demo/upload", demoUpload)
	mux.HandleFunc("GET /demo/bytes", demoBytes)
	mux.HandleFunc("GET /demo/image.png", demoImage)
	mux.HandleFunc("GET /demo/json", demoJSON)
	mux.HandleFunc("GET /demo/gbk", demoGBK)
	mux.HandleFunc("GET /demo/ws", demoWS)
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

// uploadReply is what /demo/upload answers.
type uploadReply struct {
	Fields map[string]string `json:"fields"`
	Files  []uploadedFile    `json:"files"`
}

// uploadedFile describes one file part of an upload.
type uploadedFile struct {
	Field       string `json:"field"`
	Filename    string `json:"filename"`
	Size        int64  `json:"size"`
	ContentType string `json:"contentType"`
}

// demoUpload reads a multipart/form-data body (at most 16 MiB; what wx.uploadFile
// sends) and answers its fields (name: value, at most 1 MiB each) and, for each file
// part, its field name, file name, size and Content-Type. The files are counted, not
// kept. A body that is not multipart gets 400, one too large 413.
func demoUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadLen)
	mr, err := r.MultipartReader()
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want a multipart/form-data body: " + err.Error()})
		return
	}
	reply := uploadReply{Fields: map[string]string{}, Files: []uploadedFile{}}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			uploadError(w, err)
			return
		}
		if part.FileName() != "" {
			n, err := io.Copy(io.Discard, part)
			if err != nil {
				uploadError(w, err)
				return
			}
			reply.Files = append(reply.Files, uploadedFile{Field: part.FormName(), Filename: part.FileName(),
				Size: n, ContentType: part.Header.Get("Content-Type")})
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxUploadField+1))
		if err != nil {
			uploadError(w, err)
			return
		}
		if len(b) > maxUploadField {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "field " + strconv.Quote(part.FormName()) + " is over 1 MiB"})
			return
		}
		reply.Fields[part.FormName()] = string(b)
	}
	writeJSON(w, http.StatusOK, reply)
}

// uploadError answers a failed read of an upload: 413 over the size cap, else 400.
func uploadError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		status = http.StatusRequestEntityTooLarge
	}
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// bytesPattern holds the bytes /demo/bytes sends: byte i of the body is i mod 256.
var bytesPattern = func() []byte {
	b := make([]byte, 32<<10+256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

// demoBytes answers ?n=N bytes (0..64 MiB, default 1 MiB) of application/octet-stream,
// byte i being i mod 256, with Content-Length. With ?ms=M (0..30000, default 0) the body
// comes in pieces spread evenly over M ms (about one every 50 ms), so that a download
// shows its progress; the headers go at once. ?name=F adds Content-Disposition:
// attachment with that file name. It stops when the client goes away.
func demoBytes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n, ok := intParam(q.Get("n"), defaultBytesN, maxBytesN)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "n must be an integer 0.." + strconv.Itoa(maxBytesN)})
		return
	}
	ms, ok := intParam(q.Get("ms"), 0, maxSlowMS)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "ms must be an integer 0.." + strconv.Itoa(maxSlowMS)})
		return
	}
	h := w.Header()
	if name := q.Get("name"); name != "" {
		cd := mime.FormatMediaType("attachment", map[string]string{"filename": name})
		if cd == "" || strings.ContainsAny(name, "/\\") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "name must be a plain file name"})
			return
		}
		h.Set("Content-Disposition", cd)
	}
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.Itoa(n))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	steps := 1
	if ms > 0 {
		steps = max(1, min(ms/bytesStepMS, n))
	}
	start := time.Now()
	for i, sent := 1, 0; i <= steps; i++ {
		if ms > 0 {
			at := start.Add(time.Duration(ms) * time.Millisecond * time.Duration(i) / time.Duration(steps))
			if !sleepUntil(r.Context(), at) {
				return
			}
		}
		end := int(int64(n) * int64(i) / int64(steps))
		for sent < end {
			if r.Context().Err() != nil {
				return
			}
			off := sent % 256
			k, err := w.Write(bytesPattern[off : off+min(end-sent, len(bytesPattern)-256)])
			if err != nil {
				return
			}
			sent += k
		}
		_ = rc.Flush()
	}
}

// intParam parses v as an integer in 0..most, def when v is empty.
func intParam(v string, def, most int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 0 && n <= most
}

// sleepUntil waits until t; false when ctx ends first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// demoPNG is the image of /demo/image.png: a 64×64 gradient with a lighter grid.
var demoPNG = sync.OnceValue(func() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, demoImageSide, demoImageSide))
	for y := range demoImageSide {
		for x := range demoImageSide {
			c := color.NRGBA{R: uint8(x * 4), G: uint8(y * 4), B: 0xa0, A: 0xff}
			if x%16 == 0 || y%16 == 0 {
				c = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return b.Bytes()
})

// demoImage answers a small PNG (wx.downloadFile of an image, a request with
// responseType arraybuffer).
func demoImage(w http.ResponseWriter, r *http.Request) {
	b := demoPNG()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// demoDocument is what /demo/json answers: every kind of JSON value, nested, for the
// page's JSON tree view (and an integer past 2^53, which JSON.parse rounds).
const demoDocument = `{
  "name": "wxsim",
  "greeting": "你好，小程序 👋",
  "escaped": "tab\tquote\" \u00e9",
  "version": 3,
  "ratio": 0.75,
  "negative": -12.5e-3,
  "big": 9007199254740993,
  "enabled": true,
  "deprecated": false,
  "nothing": null,
  "tags": ["request", "socket", "upload", "download"],
  "matrix": [[1, 2], [3, 4], []],
  "owner": {
    "id": 1001,
    "nick": "开发者",
    "roles": [{"name": "admin", "since": "2024-01-01"}, {"name": "dev", "since": null}],
    "settings": {}
  },
  "mixed": [1, "two", false, null, {"three": 3}, [4]]
}
`

// demoJSON answers demoDocument.
func demoJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, demoDocument)
}

// demoGBKText is "你好，微信小程序！这段文字是 GBK 编码的。" in GBK, the encoding many
// Chinese servers still answer in: a mini-program gets bytes it must decode itself.
const demoGBKText = "\xc4\xe3\xba\xc3\xa3\xac\xce\xa2\xd0\xc5\xd0\xa1\xb3\xcc\xd0\xf2" +
	"\xa3\xa1\xd5\xe2\xb6\xce\xce\xc4\xd7\xd6\xca\xc7 GBK \xb1\xe0\xc2\xeb\xb5\xc4\xa1\xa3"

// demoGBK answers demoGBKText as text/plain; charset=gbk.
func demoGBK(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=gbk")
	w.Header().Set("Content-Length", strconv.Itoa(len(demoGBKText)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, demoGBKText)
}

// demoWS is a WebSocket echo: each text or binary message (at most 1 MiB; a larger one
// closes with 1009) comes back as is, except the text "close", to which the server
// closes with 1000 "bye". Only pages of this server may connect (a browser's Origin
// must name the request's host: coder/websocket's default); a client without Origin
// (the relay, a native client) may too.
func demoWS(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered (403 for a foreign Origin, 426 without an upgrade)
	}
	defer c.CloseNow()
	c.SetReadLimit(maxWSMessage)
	ctx := r.Context()
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			return // the client closed or left
		}
		if typ == websocket.MessageText && string(data) == "close" {
			_ = c.Close(websocket.StatusNormalClosure, "bye")
			return
		}
		if err := c.Write(ctx, typ, data); err != nil {
			return
		}
	}
}
