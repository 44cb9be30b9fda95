//go:build js && wasm

package miniapp_test

import (
	"testing"

	"example.com/miniapp"
	"github.com/wxsim/wxsim/wasm/wxsimtest"
)

const base = "https://api.example.com"

func login(t *testing.T) (name, errMsg string) {
	done := make(chan [2]string, 1)
	miniapp.Login(base, func(n, e string) { done <- [2]string{n, e} })
	r := <-done
	return r[0], r[1]
}

// The app logs in against a mocked backend, and a backend that never answers fails it
// with WeChat's 60 s time-out, on the wx clock: the test takes milliseconds.
func TestLogin(t *testing.T) {
	s := wxsimtest.Start(t, map[string]any{"domains": map[string]any{"request": []any{base}}})
	rec := s.Record()

	s.Mock(map[string]any{"url": base + "/login", "method": "POST", "times": 1,
		"response": map[string]any{"data": map[string]any{"name": "Li"}}})
	if name, errMsg := login(t); name != "Li" {
		t.Fatalf("login: %q %q", name, errMsg)
	}

	s.Mock(map[string]any{"url": base + "/login", "hang": true})
	done := make(chan string, 1)
	miniapp.Login(base, func(_, e string) { done <- e })
	s.Tick(60_000)
	if e := <-done; e != "request:fail timeout" {
		t.Fatalf("want the 60 s time-out, got %q", e)
	}

	evs := rec.Events()
	if got := rec.Phases(evs[0].ID); got != "create start headers end" {
		t.Fatalf("events of the first login: %s", got)
	}
	if evs[0].Transport != "mock" {
		t.Fatalf("transport %q", evs[0].Transport)
	}
}
