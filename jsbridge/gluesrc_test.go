//go:build !(js && wasm && wxsim_loaderglue)

package jsbridge

import (
	"embed"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// glueDir is every module file, to check glueModules against.
//
//go:embed glue/*.js
var glueDir embed.FS

// glueModules is glue/*.js in lexical order, the prelude first and the module that
// returns the glue object last, and each module starts with a comment saying what it
// holds.
func TestGlueModules(t *testing.T) {
	ents, err := glueDir.ReadDir("glue")
	require.NoError(t, err)
	var files, listed []string
	for _, e := range ents {
		files = append(files, e.Name())
	}
	for _, m := range glueModules {
		listed = append(listed, m.name)
		b, err := glueDir.ReadFile("glue/" + m.name)
		require.NoError(t, err)
		assert.Equal(t, string(b), m.src, "%s is embedded as itself", m.name)
		assert.True(t, strings.HasPrefix(m.src, "// "+strings.TrimSuffix(m.name, ".js")+": "),
			"%s starts with a comment saying what it holds", m.name)
	}
	assert.Equal(t, files, listed, "glueModules lists every glue/*.js file once")
	assert.IsIncreasing(t, listed)
	assert.Equal(t, "00_protocol.js", listed[0])
	assert.Equal(t, "10_core.js", listed[1])
	assert.Equal(t, "99_api.js", listed[len(listed)-1])
	src := glueSource()
	assert.True(t, strings.HasPrefix(src, prelude()))
	assert.Equal(t, prelude()+modulesSource(), src)
	assert.Regexp(t, `^(//[^\n]*\n)*"use strict";\n`, prelude(), "only comments precede the directive")
	assert.Contains(t, prelude(), "const EV_CALL = "+strconv.Itoa(EvCall)+", ")
	assert.Contains(t, prelude(), "const RQ = Object.freeze({ urlType: 0, url: 1, ")
}
