//go:build !(js && wasm && wxsim_loaderglue)

package jsbridge

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests need no browser: they read the glue's modules as text. They run natively
// (go test ./jsbridge) and in the wasm run of the package.

var update = flag.Bool("update", false, "rewrite glue/00_protocol.js from protocol.go (go generate)")

// glue/00_protocol.js is what prelude generates from the tables.
func TestPreludeFile(t *testing.T) {
	const path = "glue/00_protocol.js"
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(prelude()), 0o644))
		return
	}
	assert.Equal(t, prelude(), glue00, "%s is stale: run go generate ./jsbridge", path)
}

// modulesSource is the glue's modules after the prelude.
func modulesSource() string {
	var b strings.Builder
	for _, m := range glueModules[1:] {
		b.WriteString(m.src)
	}
	return b.String()
}

// The tables are consistent: unique names, and each record's fields are its indexes
// 0, 1, … in order (a nested record taking its count), up to its count.
func TestProtocolTables(t *testing.T) {
	seen := map[string]bool{}
	ident := regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	for _, group := range jsConsts {
		values := map[int]string{}
		for _, c := range group {
			assert.Regexp(t, ident, c.name)
			assert.False(t, seen[c.name], "%s defined twice", c.name)
			seen[c.name] = true
			if other, dup := values[c.value]; dup {
				t.Errorf("%s and %s are both %d", other, c.name, c.value)
			}
			values[c.value] = c.name
		}
	}
	for _, r := range records {
		assert.Regexp(t, ident, r.js)
		assert.False(t, seen[r.js], "%s defined twice", r.js)
		seen[r.js] = true
		next, names := 0, map[string]bool{"n": true}
		for _, f := range r.fields {
			assert.False(t, names[f.name], "%s.%s defined twice (or named n)", r.js, f.name)
			names[f.name] = true
			assert.Equal(t, next, f.index, "%s.%s: fields are consecutive, in order", r.js, f.name)
			assert.True(t, f.width == 1 || f.width == urlFields, "%s.%s: one field or a parsed URL", r.js, f.name)
			next = f.index + f.width
		}
		assert.Equal(t, next, r.n, "%s: the count is one past its last field", r.js)
	}
	assert.Equal(t, 17, rqFields)
	assert.Equal(t, 11, skFields)
	assert.Equal(t, 14, trFields)
	assert.Equal(t, 4, clFields)
	assert.Equal(t, 5, urlFields)
}

// Every protocol name the modules use is one the prelude defines, none is defined again
// by a module, every field of every record is written (so Go and the glue count the
// same fields), and every packed answer goes through pack.
func TestGlueUsesPrelude(t *testing.T) {
	src := modulesSource()
	consts := map[string]bool{}
	prefixes := map[string]bool{}
	for _, group := range jsConsts {
		for _, c := range group {
			consts[c.name] = true
			if i := strings.IndexByte(c.name, '_'); i > 0 {
				prefixes[c.name[:i+1]] = true
			}
		}
	}
	fields := map[string]map[string]bool{}
	for _, r := range records {
		fields[r.js] = map[string]bool{"n": true}
		for _, f := range r.fields {
			fields[r.js][f.name] = true
		}
	}

	// a name with a constant's prefix (EV_, BODY_, …) must be a constant of the prelude
	var pre []string
	for p := range prefixes {
		pre = append(pre, regexp.QuoteMeta(p))
	}
	for _, m := range regexp.MustCompile(`\b(?:`+strings.Join(pre, "|")+`)[A-Za-z0-9_]*`).FindAllString(src, -1) {
		assert.True(t, consts[m], "the glue uses %s, which the prelude does not define", m)
	}
	// a member of an index object must be one of its fields (or n)
	var objs []string
	for js := range fields {
		objs = append(objs, js)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\b(`+strings.Join(objs, "|")+`)\.([A-Za-z_$][A-Za-z0-9_$]*)`).FindAllStringSubmatch(src, -1) {
		assert.True(t, fields[m[1]][m[2]], "the glue uses %s.%s, which the prelude does not define", m[1], m[2])
		used[m[1]+"."+m[2]] = true
	}
	for _, r := range records {
		for _, f := range r.fields {
			assert.True(t, used[r.js+"."+f.name], "%s.%s is never written by the glue: Go and the glue count differently", r.js, f.name)
		}
	}
	// the prelude's names are not declared or assigned again in a module
	for name := range consts {
		assertNotDefined(t, src, name)
	}
	for js := range fields {
		assertNotDefined(t, src, js)
	}
	assert.Equal(t, 1, strings.Count(src, `join("\0")`), "packed records are joined by pack only")
	assert.NotContains(t, src, `"use strict"`, "the closure is strict from its first module, 00_protocol.js")
}

func assertNotDefined(t *testing.T, src, name string) {
	t.Helper()
	q := regexp.QuoteMeta(name)
	if m := regexp.MustCompile(`\b(?:const|let|var|function|class)\s+` + q + `\b`).FindString(src); m != "" {
		t.Errorf("a module declares %s: %q", name, m)
	}
	if m := regexp.MustCompile(`(?:^|[^.\w$])` + q + `\s*=[^=]`).FindString(src); m != "" {
		t.Errorf("a module assigns %s: %q", name, m)
	}
}
