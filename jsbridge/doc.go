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
//     see shared/notes/wasm-performance.md).
//
// Files: func_js.go (Func registry), errors_js.go (JS errors), value_js.go (typed reads),
// glue_js.go (the glue and its typed Go handle).
package jsbridge
