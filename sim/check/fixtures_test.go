package check

import (
	"context"
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/wxsim/wxsim/sim/internal/tlstest"
)

// testNow is the clock of every check in these tests; certificates are dated around it.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// serve starts a TLS server on 127.0.0.1:0 with cert and the given versions. The
// handler echoes WebSocket messages on /ws and answers 200 elsewhere.
func serve(t *testing.T, cert tls.Certificate, minV, maxV uint16, h2 bool) netip.AddrPort {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		for {
			typ, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := c.Write(ctx, typ, msg); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	s := httptest.NewUnstartedServer(mux)
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // failed probes are expected
	s.EnableHTTP2 = h2
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: minV, MaxVersion: maxV}
	s.StartTLS()
	t.Cleanup(s.Close)
	return netip.MustParseAddrPort(s.Listener.Addr().String())
}

// fixtures are the servers every test can use, each under its own host name.
type fixtures struct {
	ca    *tlstest.CA
	pins  map[string]string // host → 127.0.0.1:port
	calls int               // resolver calls (URL-form failures must make none)
}

func newFixtures(t *testing.T) *fixtures {
	t.Helper()
	ca := tlstest.NewCA(t, testNow)
	f := &fixtures{ca: ca, pins: map[string]string{}}
	year := func(h string) tls.Certificate {
		return ca.Leaf(t, []string{h}, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0))
	}
	add := func(host string, cert tls.Certificate, minV, maxV uint16, h2 bool) {
		f.pins[host] = serve(t, cert, minV, maxV, h2).String()
	}
	add("good.example", year("good.example"), tls.VersionTLS12, tls.VersionTLS13, true)
	add("h1.example", year("h1.example"), tls.VersionTLS12, tls.VersionTLS13, false)
	add("old.example", year("old.example"), tls.VersionTLS10, tls.VersionTLS11, false)
	add("tls10.example", year("tls10.example"), tls.VersionTLS10, tls.VersionTLS10, false)
	add("expired.example", ca.Leaf(t, []string{"expired.example"},
		time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)),
		tls.VersionTLS12, tls.VersionTLS13, true)
	add("wrong.example", year("other.example"), tls.VersionTLS12, tls.VersionTLS13, true)
	add("self.example", (*tlstest.CA)(nil).Leaf(t, []string{"self.example"}, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0)),
		tls.VersionTLS12, tls.VersionTLS13, true)
	add("soon.example", ca.Leaf(t, []string{"soon.example"}, testNow.AddDate(-1, 0, 0), testNow.AddDate(0, 0, 10)),
		tls.VersionTLS12, tls.VersionTLS13, true)
	return f
}

// options trusts only the test CA and resolves only pinned hosts, to loopback.
func (f *fixtures) options() Options {
	pinned := MapResolver(f.pins, nil)
	return Options{
		Roots: f.ca.Pool(),
		Resolve: func(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
			f.calls++
			return pinned(ctx, host, port)
		},
		Now:     func() time.Time { return testNow },
		Timeout: 10 * time.Second,
	}
}
