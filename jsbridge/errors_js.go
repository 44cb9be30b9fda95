//go:build js && wasm

package jsbridge

import (
	"errors"
	"syscall/js"
)

// Error is a JS exception as a Go error: its name ("TypeError", "AbortError", ...) and message.
type Error struct {
	Name, Message string
}

func (e *Error) Error() string {
	if e.Name == "" {
		return e.Message
	}
	if e.Message == "" {
		return e.Name
	}
	return e.Name + ": " + e.Message
}

// ErrorOf converts any thrown JS value to *Error without calling into it unsafely: a
// thrown string, number or undefined gives Name "Error" and its String() form.
func ErrorOf(v js.Value) *Error {
	if v.Type() != js.TypeObject {
		return &Error{Name: "Error", Message: String(v)}
	}
	return &Error{Name: String(v.Get("name")), Message: String(v.Get("message"))}
}

// Try runs f and turns a JS exception raised inside it into an error. Go panics that are
// not JS exceptions (bugs) are re-panicked.
func Try(f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			var je js.Error
			if e, ok := p.(error); ok && errors.As(e, &je) {
				err = ErrorOf(je.Value)
				return
			}
			panic(p)
		}
	}()
	f()
	return nil
}

func panicText(p any) string {
	switch x := p.(type) {
	case error:
		return x.Error()
	case string:
		return x
	}
	return "panic"
}

var console = js.Global().Get("console")

// ConsoleError logs msg with console.error.
func ConsoleError(msg string) { console.Call("error", msg) }

// ConsoleWarn logs msg with console.warn.
func ConsoleWarn(msg string) { console.Call("warn", msg) }
