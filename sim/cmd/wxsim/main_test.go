package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	assert.Equal(t, "errors", c.log, "a long-running relay logs only refusals and failures")
	assert.Equal(t, [3]any{512, 1024, 30 * time.Second}, [3]any{c.relay.MaxTransfers, c.relay.MaxSockets, c.relay.QueueWait})
	c, err = parseFlags([]string{"--relay-max-transfers", "2000", "--relay-max-sockets", "4096", "--relay-queue-wait", "1m"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, [3]any{2000, 4096, time.Minute}, [3]any{c.relay.MaxTransfers, c.relay.MaxSockets, c.relay.QueueWait})
	c, err = parseFlags([]string{"--log", "calls"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "calls", c.log)

	for _, bad := range [][]string{
		{"--map", "noequals"}, {"--map", "=127.0.0.1"}, {"--map", "h=not-an-ip"},
		{"--allow-origin", "ide.example.test"}, {"--allow-origin", "http://x.test/path"}, {"extra"},
		{"--log", "verbose"}, {"--log", ""},
		{"--relay-max-transfers", "0"}, {"--relay-max-sockets", "-1"}, {"--relay-queue-wait", "0s"}, {"--relay-queue-wait", "30"},
	} {
		_, err := parseFlags(bad, io.Discard)
		assert.Error(t, err, "%q", bad)
	}
}

// The relay gets the limits and the log level of the command line.
func TestRelayOptions(t *testing.T) {
	t.Setenv("WXSIM_ADDR", "")
	c, err := parseFlags([]string{"--token", "T", "--relay-max-transfers", "7", "--relay-max-sockets", "9",
		"--relay-queue-wait", "2s", "--map", "a.test=127.0.0.1"}, io.Discard)
	require.NoError(t, err)
	logf := func(string, ...any) {}
	o := c.relayOptions([]string{"http://127.0.0.1:1"}, nil, logf)
	assert.Equal(t, [3]any{7, 9, 2 * time.Second}, [3]any{o.MaxTransfers, o.MaxSockets, o.QueueWait})
	assert.Equal(t, "T", o.Token)
	assert.Equal(t, []string{"http://127.0.0.1:1"}, o.Self)
	assert.Equal(t, "127.0.0.1", o.Pins["a.test"])
	for level, want := range map[string][2]bool{"calls": {true, true}, "errors": {true, false}, "quiet": {false, false}} {
		c.log = level
		o := c.relayOptions(nil, nil, logf)
		assert.Equal(t, want, [2]bool{o.Logf != nil, o.LogCalls}, level)
	}
}

// lockedBuffer is a log writer the server's goroutines share with the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// firstLine hands the first write to stdout (the serving line) to the test.
type firstLine chan string

func (f firstLine) Write(p []byte) (int, error) {
	select {
	case f <- string(p):
	default:
	}
	return len(p), nil
}

// --log: "calls" logs each request and relay call, "errors" (the default) only the
// relay's refusals, "quiet" neither; the shutdown is always logged.
func TestRunLogLevels(t *testing.T) {
	for _, c := range []struct {
		level            string
		request, refusal bool
	}{{"calls", true, true}, {"", false, true}, {"errors", false, true}, {"quiet", false, false}} {
		t.Run("level "+c.level, func(t *testing.T) {
			args := []string{"--addr", "127.0.0.1:0", "--web", t.TempDir(), "--token", "T"}
			if c.level != "" {
				args = append(args, "--log", c.level)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stdout, stderr := make(firstLine, 1), &lockedBuffer{}
			ran := make(chan error, 1)
			go func() { ran <- run(ctx, args, stdout, stderr) }()
			var line string
			select {
			case line = <-stdout:
			case err := <-ran:
				require.FailNow(t, "run ended", "%v", err)
			}
			base := strings.Fields(line)[2] // wxsim: serving http://ADDR/ relay-token T
			resp, err := http.Get(base + "demo/status/418")
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, 418, resp.StatusCode)
			resp, err = http.Post(base+"relay/http", "text/plain", nil) // no Origin: refused
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			cancel()
			require.NoError(t, <-ran)
			log := stderr.String()
			assert.Equal(t, c.request, strings.Contains(log, "GET /demo/status/418 418"), "%s", log)
			assert.Equal(t, c.request, strings.Contains(log, "POST /relay/http 403"), "%s", log)
			assert.Equal(t, c.refusal, strings.Contains(log, "relay: refused POST /relay/http"), "%s", log)
			assert.Contains(t, log, "shutting down")
		})
	}
}

// --help lists every subcommand (issue 14, item 7) besides the flags.
func TestHelpListsSubcommands(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"--help"}, io.Discard, &out)
	require.ErrorIs(t, err, flag.ErrHelp)
	help := out.String()
	for _, sub := range []string{"check"} {
		assert.Regexp(t, `(?m)^  `+sub+` +\S`, help, "subcommand %s listed", sub)
		assert.Contains(t, help, "wxsim "+sub+" ", "usage of %s", sub)
	}
	assert.Len(t, subcommands, 1, "a new subcommand: add it to the list above too")
	assert.Contains(t, help, "wxsim --app DIR [--entry FILE]")
	for _, f := range []string{"-addr", "-allow-origin", "-token", "-relay-queue-wait", "-app", "-entry"} {
		assert.Contains(t, help, f)
	}
}

// writeApp makes a project folder with files (slash paths) and returns it.
func writeApp(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

// --app DIR loads the project at start; --entry picks its script.
func TestParseFlagsApp(t *testing.T) {
	t.Setenv("WXSIM_ADDR", "")
	dir := writeApp(t, map[string]string{"app.js": "App({})", "src/main.mjs": "", "app.json": "{}",
		"project.config.json": `{"appid":"wxa","projectname":"shop"}`})
	c, err := parseFlags([]string{"--app", dir}, io.Discard)
	require.NoError(t, err)
	require.NotNil(t, c.app)
	assert.Equal(t, [3]string{dir, "shop", "app.js"}, [3]string{c.app.Dir, c.app.Name, c.app.Entry})
	assert.Equal(t, "wxa", c.app.Config.AppID)
	c, err = parseFlags([]string{"--app", dir, "--entry", "src/main.mjs"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "src/main.mjs", c.app.Entry)
	c, err = parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Nil(t, c.app, "the demo without --app")
}

func TestParseFlagsAppErrors(t *testing.T) {
	t.Setenv("WXSIM_ADDR", "")
	good := writeApp(t, map[string]string{"app.js": "App({})", "lib/util.js": "", "app.json": "{}", "notes.txt": ""})
	badJSON := writeApp(t, map[string]string{"app.js": "App({})", "project.config.json": `{"appid":}`})
	noEntry := writeApp(t, map[string]string{"index.js": ""})
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--entry", "app.js"}, "--entry needs --app"},
		{[]string{"--app", filepath.Join(good, "missing")}, "no such file or directory"},
		{[]string{"--app", filepath.Join(good, "app.js")}, "is not a directory"},
		{[]string{"--app", badJSON}, "project.config.json:1:10: invalid character '}'"},
		{[]string{"--app", noEntry}, `entry "app.js": no such file in the app dir`},
		{[]string{"--app", good, "--entry", "missing.js"}, "no such file in the app dir"},
		{[]string{"--app", good, "--entry", "../app.js"}, "must stay inside the app dir"},
		{[]string{"--app", good, "--entry", filepath.Join(good, "app.js")}, "want a path relative to the app dir"},
		{[]string{"--app", good, "--entry", ".hidden.js"}, "hidden files are not served"},
		{[]string{"--app", good, "--entry", "notes.txt"}, "want a .js or .mjs file"},
		{[]string{"--app", good, "--entry", "lib"}, "want a .js or .mjs file"},
	} {
		_, err := parseFlags(c.args, io.Discard)
		if assert.Error(t, err, "%q", c.args) {
			assert.Contains(t, err.Error(), c.want, "%q", c.args)
		}
	}
}

// wxsim --app serves the folder and describes it at /wxsim/project; the warnings are
// logged.
func TestRunApp(t *testing.T) {
	dir := writeApp(t, map[string]string{"app.js": "App({})", "project.config.json": `{"appid":"wxa","setting":{"urlCheck":false}}`})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := make(firstLine, 1), &lockedBuffer{}
	ran := make(chan error, 1)
	go func() {
		ran <- run(ctx, []string{"--addr", "127.0.0.1:0", "--web", t.TempDir(), "--app", dir}, stdout, stderr)
	}()
	var line string
	select {
	case line = <-stdout:
	case err := <-ran:
		require.FailNow(t, "run ended", "%v", err)
	}
	base := strings.Fields(line)[2]
	fetch := func(path string) string {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode, path)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return string(b)
	}
	assert.JSONEq(t, `{"mode":"app","name":"`+filepath.Base(dir)+`","entry":"/app/app.js",
		"config":{"appId":"wxa","urlCheck":false},"warnings":["app.json not found: no networkTimeout"]}`, fetch("wxsim/project"))
	assert.Equal(t, "App({})", fetch("app/app.js"))
	cancel()
	require.NoError(t, <-ran)
	assert.Contains(t, stderr.String(), "warning: --app: app.json not found: no networkTimeout")
	assert.Contains(t, stderr.String(), "(entry app.js)")
}
