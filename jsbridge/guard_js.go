//go:build js && wasm

package jsbridge

import "syscall/js"

// guard holds the readers of guard.js, shared by every glue and by Get/TypeName.
var guard = js.Global().Get("Function").New(guardSource).Invoke()

// Unreadable is a user value that threw when it was read: the field it is, and what it
// threw. Its call fails with a spec §1.5 parameter error.
type Unreadable struct {
	Field, Message string
}

func (u *Unreadable) Error() string { return "parameter." + u.Field + " cannot be read: " + u.Message }

// AsUnreadable reports whether p, a recovered panic, is the guard's unreadable error.
func AsUnreadable(p any) (*Unreadable, bool) {
	je, ok := p.(js.Error) // what syscall/js panics with (a type assertion: errors.As costs 15 KB)
	if !ok || !guard.Call("isUnreadable", je.Value).Bool() {
		return nil, false
	}
	return &Unreadable{Field: je.Value.Get("field").String(), Message: je.Value.Get("message").String()}, true
}
