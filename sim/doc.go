// Package sim holds the mini-program network rules of wxsim in pure Go: configuration
// (spec §2), the URL and domain policy (§3), request encoding and response decoding
// decisions (§4.4, §4.5), errMsg/errno construction (§1), the task scheduler with its
// 10-slot lanes, time-outs and abort (§8.1, §8.2) and the app lifecycle (§8.3).
//
// Nothing here touches syscall/js: the js/wasm runtime (wasm/) and the native server
// (sim/server) both ask sim for decisions and carry out the effects it returns. The rules
// are data plus small functions, tested natively against golden tables of the behaviour
// the README describes (§1–§10).
package sim
