// Command wxsim serves the wxsim simulator page, its built files and the demo
// backend (package wxsim/sim/server).
//
// Usage:
//
//	go run ./sim/cmd/wxsim [--addr 127.0.0.1:8080] [--web web] [--token T] [--log calls|errors|quiet]
//	    [--app DIR [--entry app.js]]
//	    [--allow-origin ORIGIN]... [--ca FILE]... [--map HOST=IP[:PORT]]...
//	    [--relay-max-transfers 512] [--relay-max-sockets 1024] [--relay-queue-wait 30s]
//
// The default address is 127.0.0.1:8080, or $WXSIM_ADDR when set; --addr
// overrides both, and port 0 picks a free port. The first line on stdout is
//
//	wxsim: serving http://ADDR/ relay-token TOKEN
//
// with the address actually bound and the relay token (random hex unless
// --token is given), so scripts can read it. --log sets what goes to stderr:
// "errors" (the default) one line per relay refusal or failed relay call, "calls"
// also one per request served and per relay call, "quiet" neither. Warnings and
// the shutdown are always logged.
//
// --app DIR runs a mini-program project folder in the simulator instead of the built-in
// demo (package wxsim/sim/project): DIR is served at /app/, and GET /wxsim/project
// tells the page the script to run and the start configuration found in DIR's
// project.config.json (project.private.config.json over it) and app.json, read again
// on each page load. The script is --entry, a .js or .mjs file inside DIR given
// relative to it, by default app.js. A DIR that is not a folder, a project file that
// is not JSON or an entry that is not such a file is an error (exit 1, nothing
// served); what is missing or left out of the files is logged as a warning.
//
// The relay (package wxsim/sim/relay, spec §9) is served at /relay/: pages of the
// server itself and of each --allow-origin may use it with the token (and load the
// files under /dist/ from another origin: they get CORS headers); --ca adds a
// trusted root certificate (PEM) for upstream TLS; --map pins a host name to an
// address, exempt from the relay's address checks (how to reach a backend on this
// machine or the LAN under its real name). --relay-max-transfers and
// --relay-max-sockets cap the relay's concurrent upstream transfers and sockets over
// all pages (each page's session has WeChat's own caps besides: 10 transfers per api,
// 5 sockets); a call over a cap waits in line for up to --relay-queue-wait, then is
// refused.
// SIGINT or SIGTERM shuts the server down gracefully.
//
// The check subcommand tells whether WeChat would accept a server (package
// wxsim/sim/check); it prints a report per URL and exits 1 when any fails:
//
//	go run ./sim/cmd/wxsim check [--ca FILE]... [--map HOST=IP[:PORT]]... [--allow-port PORT]... URL...
package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/wxsim/wxsim/sim/check"
	"github.com/wxsim/wxsim/sim/project"
	"github.com/wxsim/wxsim/sim/relay"
	"github.com/wxsim/wxsim/sim/server"
)

const (
	defaultAddr   = "127.0.0.1:8080"
	shutdownGrace = 5 * time.Second
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // a second signal during shutdown kills at once
	if len(os.Args) > 1 && os.Args[1] == "check" {
		code := check.Main(ctx, os.Args[2:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, "wxsim:", err)
		os.Exit(1)
	}
}

// config is the parsed command line.
type config struct {
	addr, webDir, token string
	log                 string // calls, errors or quiet
	appDir, entry       string
	app                 *project.Project // loaded from appDir with --app
	allowOrigins, cas   check.Strings
	pins                map[string]string
	relay               relay.Options // the limits: MaxTransfers, MaxSockets, QueueWait
}

// parseFlags reads args; $WXSIM_ADDR replaces the default address.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	addr := defaultAddr
	if env := os.Getenv("WXSIM_ADDR"); env != "" {
		addr = env
	}
	var c config
	fs := flag.NewFlagSet("wxsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	fs.StringVar(&c.addr, "addr", addr, "listen address (default from $WXSIM_ADDR)")
	fs.StringVar(&c.webDir, "web", "web", "directory served at /")
	fs.StringVar(&c.token, "token", "", "relay token (default: random)")
	fs.StringVar(&c.appDir, "app", "", "a mini-program project folder to run instead of the demo (served at /app/)")
	fs.StringVar(&c.entry, "entry", "", "with --app: the script to run, relative to the folder (default "+project.DefaultEntry+")")
	fs.StringVar(&c.log, "log", "errors", "what to log: calls (every request and relay call), errors (relay refusals and failures), quiet")
	fs.Var(&c.allowOrigins, "allow-origin", "a further page origin allowed to use the relay and to load web/dist from another origin (CORS) (repeatable)")
	fs.Var(&c.cas, "ca", "a PEM file of trusted root certificates for the relay (repeatable)")
	var maps check.Strings
	fs.Var(&maps, "map", "HOST=IP[:PORT]: pin a host name for the relay (repeatable)")
	fs.IntVar(&c.relay.MaxTransfers, "relay-max-transfers", relay.DefaultMaxTransfers, "concurrent upstream transfers of the relay, over all pages")
	fs.IntVar(&c.relay.MaxSockets, "relay-max-sockets", relay.DefaultMaxSockets, "concurrent relayed sockets, over all pages")
	fs.DurationVar(&c.relay.QueueWait, "relay-queue-wait", relay.DefaultQueueWait, "how long a relay call over a cap waits for a slot before it is refused")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	var err error
	if c.pins, err = check.ParsePins(maps); err != nil {
		return c, err
	}
	for _, o := range c.allowOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return c, fmt.Errorf("--allow-origin %q: want scheme://host[:port]", o)
		}
	}
	switch {
	case c.relay.MaxTransfers < 1:
		return c, fmt.Errorf("--relay-max-transfers %d: want at least 1", c.relay.MaxTransfers)
	case c.relay.MaxSockets < 1:
		return c, fmt.Errorf("--relay-max-sockets %d: want at least 1", c.relay.MaxSockets)
	case c.relay.QueueWait <= 0:
		return c, fmt.Errorf("--relay-queue-wait %v: want a positive duration", c.relay.QueueWait)
	}
	if c.log != "calls" && c.log != "errors" && c.log != "quiet" {
		return c, fmt.Errorf("--log %q: want calls, errors or quiet", c.log)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	switch {
	case c.appDir != "":
		p, err := project.Load(c.appDir, c.entry)
		if err != nil {
			return c, fmt.Errorf("--app %s: %w", c.appDir, err)
		}
		c.app = &p
	case c.entry != "":
		return c, errors.New("--entry needs --app")
	}
	if c.token == "" {
		if c.token, err = randomToken(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// subcommands are the subcommands of wxsim, listed by --help (name, usage, what it does).
var subcommands = [][3]string{
	{"check", "wxsim check [--ca FILE]... [--map HOST=IP[:PORT]]... [--allow-port PORT]... URL...",
		"tell whether WeChat would accept a server (a report per URL; exit 1 when any fails)"},
}

// usage prints the help of the command: its forms, its subcommands and its flags.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage:\n  wxsim [flags]            serve the simulator, web/ and the relay\n")
	fmt.Fprintf(w, "  wxsim --app DIR [--entry FILE] [flags]\n                           the same, running the mini-program in DIR\n")
	for _, c := range subcommands {
		fmt.Fprintf(w, "  %s\n", c[1])
	}
	fmt.Fprintf(w, "\nSubcommands:\n")
	for _, c := range subcommands {
		fmt.Fprintf(w, "  %-8s %s (wxsim %s --help for its flags)\n", c[0], c[2], c[0])
	}
	fmt.Fprintf(w, "\nFlags of wxsim (serve):\n")
	fs.PrintDefaults()
}

// relayOptions are the relay's options for the command line: its limits, token,
// origins, roots and pins, and the log level (--log quiet: no relay log at all).
func (c config) relayOptions(self []string, roots *x509.CertPool, logf func(string, ...any)) relay.Options {
	o := c.relay
	o.Token, o.Self, o.AllowOrigins, o.Roots, o.Pins = c.token, self, c.allowOrigins, roots, c.pins
	if c.log != "quiet" {
		o.Logf, o.LogCalls = logf, c.log == "calls"
	}
	return o
}

// randomToken returns 128 random bits as hex.
func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	logger := log.New(stderr, "wxsim: ", log.LstdFlags|log.Lmicroseconds)
	var roots *x509.CertPool // nil: the system roots
	if len(c.cas) > 0 {
		if roots, err = check.LoadRoots(c.cas); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	if _, ok := c.pins[server.DemoHost]; !ok {
		c.pins[server.DemoHost] = ln.Addr().String() // the demo page's relay example
	}
	var requestLog func(string, ...any)
	if c.log == "calls" {
		requestLog = logger.Printf
	}
	self := relay.SelfOrigins(ln.Addr())
	rl := relay.New(c.relayOptions(self, roots, logger.Printf))
	// the pages allowed to use the relay may also load web/dist from another origin
	handler, err := server.New(server.Options{WebDir: c.webDir, Relay: rl, Logf: requestLog, App: c.app,
		AllowOrigins: append(append([]string(nil), self...), c.allowOrigins...)})
	if err != nil {
		ln.Close()
		return err
	}
	addr := ln.Addr().String()
	fmt.Fprintf(stdout, "wxsim: serving http://%s/ relay-token %s\n", addr, c.token)
	if c.app != nil {
		if c.log != "quiet" {
			logger.Printf("running %q from %s (entry %s)", c.app.Name, c.app.Dir, c.app.Entry)
		}
		for _, w := range c.app.Warnings {
			logger.Printf("warning: --app: %s", w)
		}
	}
	if !isLoopback(ln.Addr()) {
		logger.Printf("warning: %s is not a loopback address; the simulator is reachable from the network", addr)
	}

	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Printf("shutting down")
	return shutdown(srv, served)
}

// shutdown lets in-flight requests finish for up to shutdownGrace, then
// closes the remaining connections.
func shutdown(srv *http.Server, served <-chan error) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

// isLoopback reports whether addr is a loopback IP address.
func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
