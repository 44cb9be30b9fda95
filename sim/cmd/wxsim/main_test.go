package main

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The command-line contract of issue 7, item 1.
func TestParseFlags(t *testing.T) {
	t.Setenv("WXSIM_ADDR", "")
	c, err := parseFlags([]string{"--token", "T", "--allow-origin", "http://127.0.0.1:3000", "--allow-origin", "https://ide.example.test",
		"--ca", "a.pem", "--map", "API.example.test=127.0.0.1:9443", "--map", "b.example.test=10.0.0.5"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, defaultAddr, c.addr, "loopback by default")
	assert.Equal(t, "T", c.token)
	assert.Equal(t, []string{"http://127.0.0.1:3000", "https://ide.example.test"}, []string(c.allowOrigins))
	assert.Equal(t, []string{"a.pem"}, []string(c.cas))
	assert.Equal(t, map[string]string{"api.example.test": "127.0.0.1:9443", "b.example.test": "10.0.0.5"}, c.pins)

	c, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Len(t, c.token, 32, "a random 128-bit token")

	for _, bad := range [][]string{
		{"--map", "noequals"}, {"--map", "=127.0.0.1"}, {"--map", "h=not-an-ip"},
		{"--allow-origin", "ide.example.test"}, {"--allow-origin", "http://x.test/path"}, {"extra"},
	} {
		_, err := parseFlags(bad, io.Discard)
		assert.Error(t, err, "%q", bad)
	}
}
