//go:build js && wasm

package jsbridge

import (
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func eval(src string) js.Value { return js.Global().Call("eval", src) }

// A thrown value of any type becomes a *Error without a second panic.
func TestTryThrownValues(t *testing.T) {
	cases := map[string]Error{
		`(() => { throw new TypeError("bad") })`: {"TypeError", "bad"},
		`(() => { throw "str" })`:                {"Error", "str"},
		`(() => { throw undefined })`:            {"Error", ""},
		`(() => { throw 42 })`:                   {"Error", ""},
		`(() => { throw {name: 1} })`:            {"", ""},
	}
	for src, want := range cases {
		fn := eval(src)
		err := Try(func() { fn.Invoke() })
		require.Error(t, err, src)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, want.Name, e.Name, src)
		if src == "(() => { throw \"str\" })" {
			assert.Equal(t, "str", e.Message)
		}
	}
	assert.NoError(t, Try(func() { eval(`(() => 1)`).Invoke() }))
	assert.Panics(t, func() { _ = Try(func() { panic("go bug") }) }, "Go bugs are not swallowed")
}

func TestTypeName(t *testing.T) {
	cases := map[string]string{
		"undefined": "Undefined", "null": "Null", "1": "Number", "'s'": "String", "true": "Boolean",
		"({})": "Object", "[]": "Array", "(() => 1)": "Function", "new ArrayBuffer(1)": "ArrayBuffer",
		"new Uint8Array(1)": "Uint8Array", "10n": "BigInt",
	}
	for src, want := range cases {
		assert.Equal(t, want, TypeName(eval(src), "x"), src)
	}
}

func TestToGo(t *testing.T) {
	v := eval(`({a: 1, b: 'x', c: [true, null, undefined], d: {e: {}}, f: () => 1})`)
	assert.Equal(t, map[string]any{
		"a": 1.0, "b": "x", "c": []any{true, nil, nil}, "d": map[string]any{"e": map[string]any{}}, "f": nil,
	}, ToGo(v))
	cyc := eval(`(() => { const o = {}; o.o = o; return o; })()`)
	assert.NotPanics(t, func() { ToGo(cyc) }, "cycles are cut at maxDepth")
}

// NewFunc counts live Funcs, releases once, and survives a panicking handler.
func TestNewFuncCountsAndGuards(t *testing.T) {
	before := LiveFuncs()
	fn, release := NewFunc("test", func(js.Value, []js.Value) any { panic("boom") })
	assert.Equal(t, before+1, LiveFuncs())
	assert.True(t, fn.Invoke().IsUndefined(), "a panic returns undefined to JS")
	release()
	release()
	assert.Equal(t, before, LiveFuncs())
}

// The glue uses the browser's URL parser (what fetch will use).
func TestGlueParseURL(t *testing.T) {
	g := NewGlue(func(int, int, js.Value, js.Value) bool { return true }, js.Undefined())
	defer g.Release()
	cases := []struct {
		raw  string
		want URLInfo
		ok   bool
	}{
		{"https://API.Example.com/x", URLInfo{Scheme: "https", Host: "api.example.com", PathOrQuery: true}, true},
		{"https://a.example:443/", URLInfo{Scheme: "https", Host: "a.example"}, true}, // default port dropped: sim.RawPort recovers it
		{"https://a.example:8443", URLInfo{Scheme: "https", Host: "a.example", Port: "8443"}, true},
		{"https://ok.example@evil.test/", URLInfo{Scheme: "https", Host: "evil.test", Userinfo: true}, true},
		{"https://例子.测试/", URLInfo{Scheme: "https", Host: "xn--fsqu00a.xn--0zwm56d"}, true},
		{"https://127.1/", URLInfo{Scheme: "https", Host: "127.0.0.1"}, true},
		{"https://0x7f000001/", URLInfo{Scheme: "https", Host: "127.0.0.1"}, true},
		{"https://[::ffff:127.0.0.1]/", URLInfo{Scheme: "https", Host: "[::ffff:7f00:1]"}, true},
		{"wss://a.example:9000/ws?x=1", URLInfo{Scheme: "wss", Host: "a.example", Port: "9000", PathOrQuery: true}, true},
		{"/relative", URLInfo{}, false},
		{"https://", URLInfo{}, false},
	}
	for _, c := range cases {
		got, ok := g.ParseURL(c.raw)
		assert.Equal(t, c.ok, ok, c.raw)
		assert.Equal(t, c.want, got, c.raw)
	}
}

// All scalar request options in one call, with their type tags (spec §1.5 names).
func TestGlueReadRequest(t *testing.T) {
	g := NewGlue(func(int, int, js.Value, js.Value) bool { return true }, js.Undefined())
	defer g.Release()
	f := g.ReadRequest(0, eval(`({url: 'https://a.example:443/p', method: 'post', header: {}, data: 5, timeout: 0,
		responseType: 'arraybuffer', dataType: 'text', redirect: 'manual', enableChunked: true})`))
	assert.Equal(t, RequestFields{URLType: "String", URL: "https://a.example:443/p", MethodType: "String", Method: "post",
		HeaderType: "Object", DataKind: 4, DataType: "Number", Timeout: "0", ResponseType: "arraybuffer",
		DataTypeOpt: "text", Redirect: "manual", Chunked: true,
		Parsed: URLInfo{Scheme: "https", Host: "a.example", PathOrQuery: true}, ParsedOK: true}, f)
	f = g.ReadRequest(0, eval(`undefined`))
	assert.Equal(t, "Undefined", f.URLType)
	assert.False(t, f.ParsedOK)
	f = g.ReadRequest(0, eval(`({url: 'https://a.example/\0x'})`))
	assert.Equal(t, "https://a.example/\ufffdx", f.URL, "NUL never splits the packed fields")
	assert.False(t, f.ParsedOK, "a URL with NUL does not parse")
	// a throwing getter is the guard's unreadable error, naming the field (spec §1.5)
	var u *Unreadable
	func() {
		defer func() { u, _ = AsUnreadable(recover()) }()
		g.ReadRequest(0, eval(`({url: 'https://a.example/', get method() { throw new Error('getter') }})`))
	}()
	require.NotNil(t, u)
	assert.Equal(t, Unreadable{Field: "method", Message: "Error: getter"}, *u)
	assert.Error(t, Try(func() { eval(`(() => { throw new Error('x') })`).Invoke() }), "other throws stay errors")
}

// spec §4.4 / §10: form encoding through JS's encodeURIComponent and JSON.stringify.
func TestGlueForm(t *testing.T) {
	g := NewGlue(func(int, int, js.Value, js.Value) bool { return true }, js.Undefined())
	defer g.Release()
	s, err := g.Form(eval(`({data: {a: 'x y', b: '中'}})`))
	assert.NoError(t, err)
	assert.Equal(t, "a=x%20y&b=%E4%B8%AD", s)
	s, _ = g.Form(eval(`({data: {u: undefined, n: null, o: {k: [1]}, arr: [1, 2], t: true}})`))
	assert.Equal(t, "n=null&o=%7B%22k%22%3A%5B1%5D%7D&arr=%5B1%2C2%5D&t=true", s)
	_, err = g.Form(eval(`({data: {a: '\ud800'}})`))
	assert.ErrorContains(t, err, "URIError")
	pairs, err := g.HeaderList(eval(`({header: {'X-A': 1, b: null, c: {}}})`))
	assert.NoError(t, err)
	assert.Equal(t, []string{"X-A", "1", "b", "null", "c", "[object Object]"}, pairs)
	var u *Unreadable
	func() {
		defer func() { u, _ = AsUnreadable(recover()) }()
		_, _ = g.HeaderList(eval(`({header: {s: {toString() { throw new Error('no') }}}})`))
	}()
	require.NotNil(t, u, "a throwing toString is the guard's unreadable error, for the dispatcher to fail the call")
	assert.Equal(t, Unreadable{Field: "header.s", Message: "Error: no"}, *u)
}

// The prelude evaluates to the numbers and index objects of protocol.go, frozen.
func TestGluePrelude(t *testing.T) {
	var names []string
	for _, group := range jsConsts {
		for _, c := range group {
			names = append(names, c.name)
		}
	}
	for _, r := range records {
		names = append(names, r.js)
	}
	v := js.Global().Get("Function").New(`"use strict";` + prelude() + "return {" + strings.Join(names, ", ") + "};").Invoke()
	for _, group := range jsConsts {
		for _, c := range group {
			assert.Equal(t, c.value, v.Get(c.name).Int(), c.name)
		}
	}
	for _, r := range records {
		o := v.Get(r.js)
		assert.True(t, js.Global().Get("Object").Call("isFrozen", o).Bool(), r.js)
		assert.Equal(t, len(r.fields)+1, js.Global().Get("Object").Call("keys", o).Length(), r.js)
		for _, f := range r.fields {
			assert.Equal(t, f.index, o.Get(f.name).Int(), r.js+"."+f.name)
		}
		assert.Equal(t, r.n, o.Get("n").Int(), r.js+".n")
	}
}

// The socket, transfer and close readers answer their records in the order Go reads.
func TestGlueReadSocketTransferClose(t *testing.T) {
	g := NewGlue(func(int, int, js.Value, js.Value) bool { return true }, js.Undefined())
	defer g.Release()
	s := g.ReadSocket(0, eval(`({url: 'wss://a.example:9000/ws', protocols: ['p'], timeout: 5, header: {a: 1}})`))
	assert.Equal(t, SocketFields{URLType: "String", URL: "wss://a.example:9000/ws", ProtocolsType: "Array", Timeout: "5",
		HeaderType: "Object", HeaderSet: true,
		Parsed: URLInfo{Scheme: "wss", Host: "a.example", Port: "9000", PathOrQuery: true}, ParsedOK: true}, s)
	s = g.ReadSocket(0, eval(`({url: 7, header: {}})`))
	assert.Equal(t, SocketFields{URLType: "Number", ProtocolsType: "Undefined", HeaderType: "Object"}, s)
	f := g.ReadTransfer(0, eval(`({url: 'https://u:p@a.example/up', header: null, timeout: 'x', filePath: 'http://tmp/f',
		name: 'file', formData: {k: 'v'}})`))
	assert.Equal(t, TransferFields{URLType: "String", URL: "https://u:p@a.example/up", HeaderType: "Null", FilePathType: "String",
		FilePath: "http://tmp/f", NameType: "String", Name: "file", FormDataType: "Object",
		Parsed: URLInfo{Scheme: "https", Host: "a.example", Userinfo: true, PathOrQuery: true}, ParsedOK: true}, f)
	codeType, code, reasonType, reason := g.ReadClose(eval(`({code: 1000, reason: 'bye\0'})`))
	assert.Equal(t, []string{"Number", "1000", "String", "bye\ufffd"}, []string{codeType, code, reasonType, reason})
	codeType, code, reasonType, reason = g.ReadClose(eval(`undefined`))
	assert.Equal(t, []string{"Undefined", "", "Undefined", ""}, []string{codeType, code, reasonType, reason})
}
