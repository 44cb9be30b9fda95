//go:build js && wasm

package jsbridge

import (
	"math"
	"syscall/js"
)

// String returns v's text if v is a JS string, else "".
func String(v js.Value) string {
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// Number returns v as float64 and whether it is a JS number.
func Number(v js.Value) (float64, bool) {
	if v.Type() == js.TypeNumber {
		return v.Float(), true
	}
	return math.NaN(), false
}

// Bool returns v as bool and whether it is a JS boolean.
func Bool(v js.Value) (bool, bool) {
	if v.Type() == js.TypeBoolean {
		return v.Bool(), true
	}
	return false, false
}

// IsObject reports whether Get may be called on v (an object or function).
func IsObject(v js.Value) bool {
	t := v.Type()
	return t == js.TypeObject || t == js.TypeFunction
}

// Get reads o[name], or undefined when o is not an object (never panics).
func Get(o js.Value, name string) js.Value {
	if !IsObject(o) {
		return js.Undefined()
	}
	return o.Get(name)
}

var objectToString = js.Global().Get("Object").Get("prototype").Get("toString")

// TypeName is the type name WeChat's parameter errors use (spec §1.5): "Undefined",
// "Null", "String", "Number", "Boolean", "Object", "Array", "Function", "ArrayBuffer", ...
// (Object.prototype.toString's tag).
func TypeName(v js.Value) string {
	s := objectToString.Call("call", v).String() // "[object X]"
	if len(s) > 9 {
		return s[8 : len(s)-1]
	}
	return s
}

// maxDepth bounds ToGo on deep or cyclic values.
const maxDepth = 16

// ToGo converts a JSON-like JS value to plain Go values: map[string]any, []any, string,
// float64, bool, nil. Functions, symbols and cycles beyond maxDepth become nil.
func ToGo(v js.Value) any { return toGo(v, 0) }

var arrayIsArray = js.Global().Get("Array").Get("isArray")
var objectKeys = js.Global().Get("Object").Get("keys")

func toGo(v js.Value, depth int) any {
	switch v.Type() {
	case js.TypeString:
		return v.String()
	case js.TypeNumber:
		return v.Float()
	case js.TypeBoolean:
		return v.Bool()
	case js.TypeObject:
		if depth >= maxDepth {
			return nil
		}
		if arrayIsArray.Invoke(v).Bool() {
			out := make([]any, v.Length())
			for i := range out {
				out[i] = toGo(v.Index(i), depth+1)
			}
			return out
		}
		keys := objectKeys.Invoke(v)
		out := make(map[string]any, keys.Length())
		for i := 0; i < keys.Length(); i++ {
			k := keys.Index(i).String()
			out[k] = toGo(v.Get(k), depth+1)
		}
		return out
	}
	return nil
}
