package check

import (
	"crypto/x509"
	"fmt"
	"os"
	"strings"
)

// Strings is a repeatable string flag (flag.Value).
type Strings []string

func (m *Strings) String() string     { return strings.Join(*m, ",") }
func (m *Strings) Set(v string) error { *m = append(*m, v); return nil }

// ParsePins reads `--map HOST=IP[:PORT]` values into a map keyed by lower-case host.
func ParsePins(maps []string) (map[string]string, error) {
	pins := map[string]string{}
	for _, m := range maps {
		host, addr, ok := strings.Cut(m, "=")
		if !ok || host == "" || !validPin(addr) {
			return nil, fmt.Errorf("--map %q: want HOST=IP[:PORT]", m)
		}
		pins[strings.ToLower(host)] = addr
	}
	return pins, nil
}

// validPin accepts IP or IP:PORT.
func validPin(a string) bool {
	_, err := PinAddr(a, "443")
	return err == nil
}

// LoadRoots returns the system roots plus the PEM certificates in files (`--ca`).
func LoadRoots(files []string) (*x509.CertPool, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	for _, f := range files {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--ca: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca %s: no certificates found", f)
		}
	}
	return roots, nil
}
