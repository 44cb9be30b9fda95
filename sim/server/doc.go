// Package server is the native side of the wxsim simulator: an HTTP handler that
// serves the simulator page and its built files, plus a small demo backend the
// page's examples call.
//
// Routes:
//
//	/                   files under Options.WebDir (index.html at /)
//	/dist/...           built artifacts (wx.wasm, wasm_exec.js, wxsim.js)
//	GET /demo/hello     {"hello":"wxsim","time":<unix ms>}
//	GET /demo/slow      ?ms=N: answers after N ms (at most 30000) unless the client leaves
//	/demo/status/{code} that status (200..599) with {"status":code}
//	/demo/echo          any method: method, query, headers and body as JSON
//
// Every static file is sent with Cache-Control: no-cache, so a rebuilt
// web/dist is picked up on reload. Options.Relay (package wxsim/sim/relay,
// spec §9) is mounted at /relay/.
//
// The handler does not choose its listening address; cmd/wxsim binds loopback.
package server
