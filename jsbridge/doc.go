// Package jsbridge is wxsim's typed access to browser APIs and JS values for the js/wasm
// runtime. It holds no wx rules: package sim decides, jsbridge carries out.
//
// Rules of the package:
//   - Every js.Func is created by NewFunc (func_js.go), released exactly once, and counted;
//     LiveFuncs is what wxsim.stats().liveCallbacks reports.
//   - A JS exception becomes a Go *Error at the call that raised it (Try); a thrown value
//     that is not an Error object never panics a second time.
//   - Bytes stay in JS. Response bodies, chunks and request bodies are ArrayBuffers or
//     strings held by the glue (glue_js.go); Go sees sizes, statuses and headers only.
//   - Per-event work (fetch resolution, stream chunks, decoding with TextDecoder, JSON.parse,
//     delivery of user callbacks on a microtask, with throws caught and reported) runs in
//     the glue, a small JS object that Go owns. Go is entered once when a task is created
//     and once when it ends (measured: each JS→Go crossing costs ~100 µs on a quiet page,
//     see README "How it is built" and "Benchmarks").
//
// The glue is one closure, evaluated with new Function per glue, put together from the
// modules in glue/, one per concept, in the lexical order of their names (gluesrc.go):
//
//	00_protocol.js  the protocol prelude, generated from protocol.go ("use strict" too)
//	10_core.js      dispatch into Go, task records, settle, later/flush delivery,
//	                listeners, timers, and the glue object the modules add methods to
//	20_options.js   option readers that answer packed records, parseURL, dataKind
//	30_fetch.js     wx.request over fetch: body, streamed chunks, ok, profile
//	40_xhr.js       uploadFile and downloadFile over XMLHttpRequest
//	50_relay.js     the relay transport: session, lanes, progress, its answers
//	60_socket.js    connectSocket and the global socket API over WebSocket
//	70_files.js     the file store (path → Blob), IndexedDB, file system settlements
//	80_codec.js     encodings, latin1, MD5, TextDecoders, form encoding
//	99_api.js       stats, and the return of the glue object
//
// The protocol between Go and the glue is defined once, in protocol.go: event numbers
// (EvCall…), the dispatcher's answers, body encodings (BodyRaw…), request data classes
// (DataNone…), and the field order of each packed record a reader answers (readRequest
// RQ, readSocket SK, readTransfer TR, readClose CL, a parsed URL PU, a persisted record of
// EvLoaded LD), as Go index constants with the glue's names. prelude generates
// glue/00_protocol.js from those tables (go generate ./jsbridge); the modules use only
// its names (EV_CALL, f[RQ.url] = …, pack(f, RQ)), and the tests of protocol_test.go fail
// when the file is stale, when a module uses a name the prelude does not define or
// defines one itself, or when a record field is never written. Timer ids are Go's: the
// glue is handed every id it arms, a socket's too (SocketOpen).
//
// Files: func_js.go (Func registry), errors_js.go (JS errors), value_js.go (typed reads),
// guard.js and guard_js.go (reading user values), protocol.go (the protocol), gluesrc.go
// (the glue's modules), glue_js.go (the glue and its typed Go handle).
package jsbridge
