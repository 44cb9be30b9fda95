//go:build !(js && wasm && wxsim_loaderglue)

package jsbridge

import _ "embed"

// The glue's modules, one per concept (see the package doc), each embedded as a string.
// They are put together in the lexical order of their names, the order of glueModules;
// TestGlueModules checks that it is exactly glue/*.js, sorted. (An embed.FS of the
// directory would do the listing at run time, for about 9 KB more of gzipped wx.wasm.)
var (
	//go:embed glue/00_protocol.js
	glue00 string
	//go:embed glue/10_core.js
	glue10 string
	//go:embed glue/12_events.js
	glue12 string
	//go:embed glue/14_har.js
	glue14 string
	//go:embed glue/15_clock.js
	glue15 string
	//go:embed glue/20_options.js
	glue20 string
	//go:embed glue/25_transport.js
	glue25 string
	//go:embed glue/27_network.js
	glue27 string
	//go:embed glue/30_fetch.js
	glue30 string
	//go:embed glue/40_xhr.js
	glue40 string
	//go:embed glue/45_mock.js
	glue45 string
	//go:embed glue/50_relay.js
	glue50 string
	//go:embed glue/60_socket.js
	glue60 string
	//go:embed glue/70_files.js
	glue70 string
	//go:embed glue/80_codec.js
	glue80 string
	//go:embed glue/99_api.js
	glue99 string
)

var glueModules = []struct{ name, src string }{
	{"00_protocol.js", glue00},
	{"10_core.js", glue10},
	{"12_events.js", glue12},
	{"14_har.js", glue14},
	{"15_clock.js", glue15},
	{"20_options.js", glue20},
	{"25_transport.js", glue25},
	{"27_network.js", glue27},
	{"30_fetch.js", glue30},
	{"40_xhr.js", glue40},
	{"45_mock.js", glue45},
	{"50_relay.js", glue50},
	{"60_socket.js", glue60},
	{"70_files.js", glue70},
	{"80_codec.js", glue80},
	{"99_api.js", glue99},
}

// The shipped wx.wasm is built with the tag wxsim_loaderglue (build.sh): it embeds
// nothing, and the loader hands it the same modules, put together by build.sh into
// web/dist/glue.js (gluesrc_loader_js.go). Embedding links package embed, and through it
// time: 54 KB of gzipped wx.wasm, plus the 17 KB of the glue's own text.

// glueSource is the body of the one glue closure: the modules, in order. glue_js.go
// evaluates it with new Function once per glue; 00_protocol.js opens it with "use
// strict", and 10_core.js reads its arguments.
func glueSource() string {
	n := 0
	for _, m := range glueModules {
		n += len(m.src)
	}
	b := make([]byte, 0, n)
	for _, m := range glueModules {
		b = append(b, m.src...)
	}
	return string(b)
}
