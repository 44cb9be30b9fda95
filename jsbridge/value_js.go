//go:build js && wasm

package jsbridge

import (
	"math"
	"syscall/js"
)

// TypeOther is TypeOf's answer for a value syscall/js has no Type for (a BigInt).
const TypeOther js.Type = -1

// TypeOf is v.Type() for any user value: syscall/js panics on a BigInt, TypeOf answers
// TypeOther.
func TypeOf(v js.Value) (t js.Type) {
	defer func() {
		if recover() != nil {
			t = TypeOther
		}
	}()
	return v.Type()
}

// String returns v's text if v is a JS string, else "".
func String(v js.Value) string {
	if TypeOf(v) == js.TypeString {
		return v.String()
	}
	return ""
}

// Number returns v as float64 and whether it is a JS number.
func Number(v js.Value) (float64, bool) {
	if TypeOf(v) == js.TypeNumber {
		return v.Float(), true
	}
	return math.NaN(), false
}

// Bool returns v as bool and whether it is a JS boolean.
func Bool(v js.Value) (bool, bool) {
	if TypeOf(v) == js.TypeBoolean {
		return v.Bool(), true
	}
	return false, false
}

// IsObject reports whether Get may be called on v (an object or function).
func IsObject(v js.Value) bool {
	t := TypeOf(v)
	return t == js.TypeObject || t == js.TypeFunction
}

// Get reads the user value o[name] through the guard (guard.js), or undefined when o is
// not an object. A read that throws panics with the guard's unreadable error, which the
// dispatcher turns into a fail of the call (AsUnreadable).
func Get(o js.Value, name string) js.Value {
	return guard.Call("get", o, name)
}

// Keys is Object.keys(o) of a user object, read through the guard like Get: a read that
// throws (a Proxy's ownKeys trap) panics with the guard's unreadable error, naming field.
func Keys(o js.Value, field string) []string {
	v := guard.Call("keys", o, field)
	out := make([]string, v.Length())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out
}

// TypeName is the type name WeChat's parameter errors use (spec §1.5): "Undefined",
// "Null", "String", "Number", "Boolean", "Object", "Array", "Function", "ArrayBuffer", ...
// (Object.prototype.toString's tag), read through the guard like Get; field names the
// value in an unreadable error.
func TypeName(v js.Value, field string) string {
	switch TypeOf(v) {
	case js.TypeUndefined:
		return "Undefined"
	case js.TypeNull:
		return "Null"
	case js.TypeString:
		return "String"
	case js.TypeBoolean:
		return "Boolean"
	case js.TypeNumber:
		return "Number"
	}
	return guard.Call("tag", v, field).String()
}

// maxDepth bounds ToGo on deep or cyclic values.
const maxDepth = 16

// ToGo converts a JSON-like JS value to plain Go values: map[string]any, []any, string,
// float64, bool, nil. Functions, symbols and cycles beyond maxDepth become nil.
func ToGo(v js.Value) any { return toGo(v, 0) }

var arrayIsArray = js.Global().Get("Array").Get("isArray")
var objectKeys = js.Global().Get("Object").Get("keys")

func toGo(v js.Value, depth int) any {
	switch TypeOf(v) {
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
