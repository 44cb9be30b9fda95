//go:build js && wasm

package jsbridge

import (
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

// ErrorOf converts any thrown JS value to *Error through the guard: a thrown string,
// number or undefined gives Name "Error" and its String() form; a throwing name or
// message getter gives "an unreadable value".
func ErrorOf(v js.Value) *Error {
	d := guard.Call("describe", v)
	return &Error{Name: d.Index(0).String(), Message: d.Index(1).String()}
}

// Try runs f and turns a JS exception raised inside it into an error. Go panics that are
// not JS exceptions (bugs), and the guard's unreadable errors (a user value that threw
// when read: the dispatcher fails the call), are re-panicked.
func Try(f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if je, ok := p.(js.Error); ok { // syscall/js panics with js.Error itself

				if _, bad := AsUnreadable(p); bad {
					panic(p) // an unreadable user value fails the whole call (Glue.run)
				}
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
