//go:build js && wasm && !wxsim_loaderglue

package jsbridge

import _ "embed"

// guardSource is guard.js, embedded (see gluesrc.go for the loader's build).
//
//go:embed guard.js
var guardSource string
