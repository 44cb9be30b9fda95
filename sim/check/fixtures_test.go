package check

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// testNow is the clock of every check in these tests; certificates are dated around it.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testCA is a root generated at test time; only it is trusted in tests.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial int64

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: "wxsim test CA"},
		NotBefore:             testNow.AddDate(-5, 0, 0),
		NotAfter:              testNow.AddDate(5, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// leaf issues a server certificate for names, valid from notBefore to notAfter; a nil
// ca makes it self-signed.
func (ca *testCA) leaf(t *testing.T, names []string, notBefore, notAfter time.Time) tls.Certificate {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

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
	ca    *testCA
	pins  map[string]string // host → 127.0.0.1:port
	calls int               // resolver calls (URL-form failures must make none)
}

func newFixtures(t *testing.T) *fixtures {
	t.Helper()
	ca := newCA(t)
	f := &fixtures{ca: ca, pins: map[string]string{}}
	year := func(h string) tls.Certificate {
		return ca.leaf(t, []string{h}, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0))
	}
	add := func(host string, cert tls.Certificate, minV, maxV uint16, h2 bool) {
		f.pins[host] = serve(t, cert, minV, maxV, h2).String()
	}
	add("good.example", year("good.example"), tls.VersionTLS12, tls.VersionTLS13, true)
	add("h1.example", year("h1.example"), tls.VersionTLS12, tls.VersionTLS13, false)
	add("old.example", year("old.example"), tls.VersionTLS10, tls.VersionTLS11, false)
	add("tls10.example", year("tls10.example"), tls.VersionTLS10, tls.VersionTLS10, false)
	add("expired.example", ca.leaf(t, []string{"expired.example"},
		time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)),
		tls.VersionTLS12, tls.VersionTLS13, true)
	add("wrong.example", year("other.example"), tls.VersionTLS12, tls.VersionTLS13, true)
	add("self.example", (*testCA)(nil).leaf(t, []string{"self.example"}, testNow.AddDate(-1, 0, 0), testNow.AddDate(1, 0, 0)),
		tls.VersionTLS12, tls.VersionTLS13, true)
	add("soon.example", ca.leaf(t, []string{"soon.example"}, testNow.AddDate(-1, 0, 0), testNow.AddDate(0, 0, 10)),
		tls.VersionTLS12, tls.VersionTLS13, true)
	return f
}

// options trusts only the test CA and resolves only pinned hosts, to loopback.
func (f *fixtures) options() Options {
	pinned := MapResolver(f.pins, nil)
	return Options{
		Roots: f.ca.pool(),
		Resolve: func(ctx context.Context, host, port string) ([]netip.AddrPort, error) {
			f.calls++
			return pinned(ctx, host, port)
		},
		Now:     func() time.Time { return testNow },
		Timeout: 10 * time.Second,
	}
}
