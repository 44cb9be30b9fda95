// Package mqttfixture is an MQTT broker for wxsim's end-to-end tests: MQTT
// 3.1, 3.1.1 and 5 over secure WebSocket (wss://) on 127.0.0.1, built on
// github.com/mochi-mqtt/server/v2 with a WebSocket listener of its own
// (github.com/coder/websocket) so it can listen on a free port.
//
// The listener accepts any Origin and the subprotocols "mqtt" (what mqtt.js
// asks for with MQTT 3.1.1 and 5) and "mqttv3.1" (MQTT 3.1), or none, on any
// path; URL uses /mqtt, mqtt.js's default. It serves a fresh self-signed
// certificate from fixture.NewTLSConfig (SANs 127.0.0.1, ::1, localhost,
// example.test, *.example.test), so Chromium with
// --ignore-certificate-errors and --host-resolver-rules=b.HostRules() reaches
// it as wss://mqtt.example.test/mqtt (or wxs://mqtt.example.test/mqtt through
// wx.connectSocket). Every client may connect, publish and subscribe.
//
// Go code takes part through the broker's inline client: Publish and
// PublishRetained send to the browser, WaitMessage receives what a network
// client (the browser) published. WaitSubscriber and WaitClients wait for
// the browser's side to be ready, so tests need no sleeps.
package mqttfixture

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/coder/websocket"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/wxsim/wxsim/tests/fixture"
)

// Path is the WebSocket path in URL. The broker answers on every path.
const Path = "/mqtt"

// DefaultHost is the host HostRules maps when given none.
const DefaultHost = "mqtt.example.test"

// readLimit is the largest WebSocket message the broker reads; an MQTT packet
// may span several messages.
const readLimit = 64 << 20

// Broker is a running MQTT-over-WebSocket broker. Its exported fields are
// set by Start and must not be changed.
type Broker struct {
	URL     string // wss://127.0.0.1:PORT/mqtt
	Port    int
	CertPEM []byte // the self-signed certificate, PEM encoded

	addr      string // 127.0.0.1:PORT
	srv       *mqtt.Server
	client    *http.Client
	closeOnce sync.Once

	mu      sync.Mutex // guards the fields below
	clients int        // network clients with an established session
	msgs    map[string][][]byte
	changed chan struct{} // closed and replaced on every change
}

// Start starts a broker on 127.0.0.1 with a fresh certificate. The caller
// must Close it.
func Start() (*Broker, error) {
	tlsConf, certPEM, err := fixture.NewTLSConfig()
	if err != nil {
		return nil, fmt.Errorf("mqttfixture: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mqttfixture: listen: %w", err)
	}
	b := &Broker{
		URL:     "wss://" + ln.Addr().String() + Path,
		Port:    ln.Addr().(*net.TCPAddr).Port,
		CertPEM: certPEM,
		addr:    ln.Addr().String(),
		msgs:    make(map[string][][]byte),
		changed: make(chan struct{}),
	}
	b.client = b.newClient()
	b.srv = mqtt.New(&mqtt.Options{
		InlineClient: true,
		Logger:       slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err := b.srv.AddHook(&hook{b: b}, nil); err != nil {
		ln.Close()
		return nil, fmt.Errorf("mqttfixture: hook: %w", err)
	}
	if err := b.srv.AddListener(newWSListener("wss", tls.NewListener(ln, tlsConf))); err != nil {
		ln.Close()
		return nil, fmt.Errorf("mqttfixture: listener: %w", err)
	}
	if err := b.srv.Serve(); err != nil { // returns at once; serves in the background
		b.srv.Close()
		return nil, fmt.Errorf("mqttfixture: serve: %w", err)
	}
	return b, nil
}

// Close disconnects every client, stops the broker and waits for its
// connections to end. It is idempotent.
func (b *Broker) Close() {
	b.closeOnce.Do(func() {
		_ = b.srv.Close()
		b.client.CloseIdleConnections()
	})
}

// HostRules returns a Chromium --host-resolver-rules value that sends each
// host to the broker: "MAP mqtt.example.test:443 127.0.0.1:PORT, …". A host
// without a port gets :443; wildcards are allowed. With no hosts it maps
// DefaultHost. Join it to the HTTPS fixture's rules with ", " (a host
// mapped twice goes to the first rule).
func (b *Broker) HostRules(hosts ...string) string {
	if len(hosts) == 0 {
		hosts = []string{DefaultHost}
	}
	return fixture.HostRules(b.addr, hosts...)
}

// Client returns an HTTP client that trusts the broker's certificate and
// dials the broker whatever the URL's host, for Go WebSocket clients
// (websocket.DialOptions.HTTPClient): wss://mqtt.example.test/mqtt reaches
// it.
func (b *Broker) Client() *http.Client {
	c := *b.client
	return &c
}

func (b *Broker) newClient() *http.Client {
	var d net.Dialer
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: fixture.ClientTLSConfig(b.CertPEM),
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, b.addr)
		},
	}}
}

// Publish sends payload to topic from the Go side, at QoS 0 and not
// retained. Only clients subscribed by then receive it: call
// WaitSubscriber first, or use PublishRetained.
func (b *Broker) Publish(topic string, payload []byte) error {
	return b.srv.Publish(topic, payload, false, 0)
}

// PublishRetained sends payload to topic at QoS 0 and retains it, so a
// client subscribing later receives it too. An empty payload clears the
// retained message.
func (b *Broker) PublishRetained(topic string, payload []byte) error {
	return b.srv.Publish(topic, payload, true, 0)
}

// WaitMessage returns the oldest message a network client (not the Go side)
// published to exactly topic that no WaitMessage has returned yet, waiting
// for one until ctx is done. Messages are kept from the broker's start, so
// it may be called after the browser published.
func (b *Broker) WaitMessage(ctx context.Context, topic string) ([]byte, error) {
	for {
		b.mu.Lock()
		q, changed := b.msgs[topic], b.changed
		if len(q) > 0 {
			b.msgs[topic] = q[1:]
			b.mu.Unlock()
			return q[0], nil
		}
		b.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("mqttfixture: waiting for a message on %q: %w", topic, ctx.Err())
		}
	}
}

// WaitSubscriber blocks until a network client holds a subscription whose
// filter matches topic, so that Publish(topic, …) reaches it, or until ctx
// is done.
func (b *Broker) WaitSubscriber(ctx context.Context, topic string) error {
	for {
		b.mu.Lock()
		changed := b.changed
		b.mu.Unlock()
		subs := b.srv.Topics.Subscribers(topic)
		if len(subs.Subscriptions) > 0 || len(subs.Shared) > 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("mqttfixture: waiting for a subscriber to %q: %w", topic, ctx.Err())
		}
	}
}

// Clients returns how many network clients have an established session now.
func (b *Broker) Clients() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.clients
}

// WaitClients blocks until exactly n network clients have an established
// session (CONNACK sent), or until ctx is done.
func (b *Broker) WaitClients(ctx context.Context, n int) error {
	for {
		b.mu.Lock()
		got, changed := b.clients, b.changed
		b.mu.Unlock()
		if got == n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("mqttfixture: %d clients, waiting for %d: %w", got, n, ctx.Err())
		}
	}
}

// update runs f with b locked and wakes every waiter.
func (b *Broker) update(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f()
	close(b.changed)
	b.changed = make(chan struct{})
}

// hook lets every client in and records sessions, subscriptions and
// messages for the Wait methods.
type hook struct {
	mqtt.HookBase
	b *Broker
}

func (h *hook) ID() string { return "mqttfixture" }

func (h *hook) Provides(e byte) bool {
	return bytes.IndexByte([]byte{
		mqtt.OnConnectAuthenticate, mqtt.OnACLCheck,
		mqtt.OnSessionEstablished, mqtt.OnDisconnect,
		mqtt.OnSubscribed, mqtt.OnUnsubscribed, mqtt.OnPublished,
	}, e) >= 0
}

func (h *hook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

func (h *hook) OnACLCheck(*mqtt.Client, string, bool) bool { return true }

func (h *hook) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	if !cl.Net.Inline {
		h.b.update(func() { h.b.clients++ })
	}
}

func (h *hook) OnDisconnect(cl *mqtt.Client, _ error, _ bool) {
	if !cl.Net.Inline {
		h.b.update(func() { h.b.clients-- })
	}
}

// OnSubscribed and OnUnsubscribed run after the topic index changed.
func (h *hook) OnSubscribed(*mqtt.Client, packets.Packet, []byte) { h.b.update(func() {}) }

func (h *hook) OnUnsubscribed(*mqtt.Client, packets.Packet) { h.b.update(func() {}) }

func (h *hook) OnPublished(cl *mqtt.Client, pk packets.Packet) {
	if cl.Net.Inline {
		return
	}
	payload := bytes.Clone(pk.Payload)
	if payload == nil {
		payload = []byte{}
	}
	h.b.update(func() { h.b.msgs[pk.TopicName] = append(h.b.msgs[pk.TopicName], payload) })
}

// wsListener is a mochi listener serving MQTT over WebSocket on a listener
// opened beforehand (mochi's own WebSocket listener opens its address
// itself, so its port could not be 0).
type wsListener struct {
	id  string
	ln  net.Listener
	srv *http.Server

	ctx       context.Context // ends every connection on Close
	cancel    context.CancelFunc
	establish listeners.EstablishFn

	mu       sync.Mutex // guards closed and the Add of handlers
	closed   bool
	handlers sync.WaitGroup
}

func newWSListener(id string, ln net.Listener) *wsListener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &wsListener{id: id, ln: ln, ctx: ctx, cancel: cancel}
	l.srv = &http.Server{
		Handler:           http.HandlerFunc(l.handle),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(quietHandshakes{os.Stderr}, "mqttfixture: ", log.LstdFlags),
	}
	return l
}

func (l *wsListener) ID() string       { return l.id }
func (l *wsListener) Address() string  { return l.ln.Addr().String() }
func (l *wsListener) Protocol() string { return "wss" }

func (l *wsListener) Init(*slog.Logger) error { return nil }

// Serve accepts connections until Close.
func (l *wsListener) Serve(establish listeners.EstablishFn) {
	l.establish = establish // before any handler runs
	_ = l.srv.Serve(l.ln)
}

// Close stops accepting, disconnects the clients and waits for every
// connection to end.
func (l *wsListener) Close(closeClients listeners.CloseFn) {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	_ = l.srv.Close()  // stops accepting; WebSocket connections are hijacked, so
	closeClients(l.id) // the broker disconnects its clients,
	l.cancel()         // and this ends the rest (those that never sent CONNECT)
	l.handlers.Wait()
}

// handle upgrades to WebSocket and hands the connection to the broker as a
// byte stream of binary messages.
func (l *wsListener) handle(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		http.Error(w, "broker closed", http.StatusServiceUnavailable)
		return
	}
	l.handlers.Add(1)
	l.mu.Unlock()
	defer l.handlers.Done()

	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		Subprotocols:       []string{"mqtt", "mqttv3.1"},
		InsecureSkipVerify: true, // any Origin
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		return // Accept has answered
	}
	defer c.CloseNow()
	c.SetReadLimit(readLimit)
	_ = l.establish(l.id, websocket.NetConn(l.ctx, c, websocket.MessageBinary))
}

// quietHandshakes drops "TLS handshake error" lines, which clients refusing
// the self-signed certificate cause on purpose.
type quietHandshakes struct{ w io.Writer }

func (q quietHandshakes) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("TLS handshake error")) {
		return len(p), nil
	}
	return q.w.Write(p)
}
