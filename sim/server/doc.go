// Package server is the native side of the wxsim simulator: an HTTP handler that
// serves the simulator page and its built files, plus a small demo backend the
// page's examples call.
//
// Routes:
//
//	/                   files under Options.WebDir (index.html at /)
//	/dist/...           built artifacts (wx.wasm, wasm_exec.js, wxsim.js)
//	GET /app/...        with Options.App (wxsim --app DIR): the files of DIR; a folder
//	                    answers 404 (no listing), hidden paths too
//	GET /wxsim/project  what the page runs, read again on each request (below)
//	GET /demo/hello     {"hello":"wxsim","time":<unix ms>}
//	GET /demo/slow      ?ms=N: answers after N ms (at most 30000) unless the client leaves
//	/demo/status/{code} that status (200..599) with {"status":code}
//	/demo/echo          any method: method, query, headers and body as JSON
//	POST /demo/upload   a multipart/form-data body (at most 16 MiB), answered as
//	                    {"fields":{name:value},"files":[{"field","filename","size","contentType"}]}
//	GET /demo/bytes     ?n=N (0..64 MiB, default 1 MiB) bytes of application/octet-stream,
//	                    byte i being i mod 256; &ms=M (0..30000) spreads them over M ms;
//	                    &name=F adds Content-Disposition: attachment; filename=F
//	GET /demo/image.png a 64×64 PNG
//	GET /demo/json      a nested JSON document with every kind of value
//	GET /demo/gbk       a Chinese text in GBK, as text/plain; charset=gbk
//	GET /demo/ws        a WebSocket echo (text and binary, at most 1 MiB a message); the
//	                    text "close" gets the close 1000 "bye". Pages of other origins are
//	                    refused
//
// GET /wxsim/project answers (Cache-Control: no-store), with Options.App,
//
//	{"mode":"app","name":NAME,"entry":"/app/ENTRY","config":{...},"warnings":[...]}
//
// where ENTRY is the script (escaped as a URL path), config holds the fields of the
// project's files that wxsim.start takes (appId, urlCheck, sdkVersion, networkTimeout;
// package wxsim/sim/project), only those found, and warnings tells what was missing or
// left out. The files are read again on each request, so an edit shows on the page's
// next load; a file that no longer reads gives 500 {"error":...}. Without Options.App
// it names the built-in demo:
//
//	{"mode":"demo","name":"wxsim demo","entry":"/demo-app/app.js",
//	 "config":{"appId":"wxdemo","urlCheck":false},"warnings":[]}
//
// Every static file is sent with Cache-Control: no-cache, so a rebuilt
// web/dist is picked up on reload. Options.Relay (package wxsim/sim/relay,
// spec §9) is mounted at /relay/.
//
// The handler does not choose its listening address; cmd/wxsim binds loopback.
package server
