//go:build js && wasm && wxsim_loaderglue

package jsbridge

import "syscall/js"

// In the build the loader starts (tag wxsim_loaderglue), the glue and the guard are not
// embedded: the loader fetched web/dist/glue.js and guard.js, which build.sh makes from
// the same files, and left their text on its boot object before Go started.

// Both are read at package initialisation, before the runtime answers the loader (which
// then drops its boot object).
var (
	guardSource = loaderSource("guard")
	glueText    = loaderSource("glue")
)

func glueSource() string { return glueText }

// loaderSource is the text the loader left for name on globalThis.__wxsimBoot.
func loaderSource(name string) string {
	b := js.Global().Get("__wxsimBoot")
	if b.Type() != js.TypeObject || b.Get(name).Type() != js.TypeString {
		panic("wxsim: this wx.wasm is built for the wxsim.js loader, which gives it " + name + ".js; start it with wxsim.js, or build without -tags wxsim_loaderglue")
	}
	return b.Get(name).String()
}
