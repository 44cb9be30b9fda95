//go:build js && wasm

package wxsimtest_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/wasm/wxsimtest"
)

// The helper as a user's test uses it: a mock, the clock and the event recorder.
func TestHelper(t *testing.T) {
	base := os.Getenv("WXSIM_FIXTURE")
	if base == "" {
		t.Skip("WXSIM_FIXTURE not set: run through ./build.sh test")
	}
	s := wxsimtest.Start(t, map[string]any{"domains": map[string]any{"request": []any{base}}})
	rec := s.Record()
	s.Mock(map[string]any{"url": base + "/api/user", "response": map[string]any{"data": map[string]any{"name": "Li"}}})

	r := s.Request(map[string]any{"url": base + "/api/user"})
	require.True(t, r.OK, r.ErrMsg)
	assert.Equal(t, "Li", r.Get("data").Get("name").String())

	wait, _ := s.Begin("request", map[string]any{"url": base + "/hold?id=helper"})
	s.Tick(60_000)
	r = wait()
	assert.Equal(t, "request:fail timeout", r.ErrMsg)

	evs := rec.Events()
	require.NotEmpty(t, evs)
	assert.Equal(t, "mock", evs[0].Transport)
	assert.Equal(t, "create start headers end", rec.Phases(evs[0].ID))
	assert.Equal(t, "request:fail timeout", evs[len(evs)-1].ErrMsg)
}
