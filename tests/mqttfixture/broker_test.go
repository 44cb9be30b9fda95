package mqttfixture

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// waitCtx bounds a wait so a broken broker fails instead of hanging.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func start(t *testing.T) *Broker {
	t.Helper()
	b, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// client is a minimal MQTT 3.1.1 client over WebSocket: QoS 0 only, as the
// browser's stand-in.
type client struct {
	ws   *websocket.Conn
	conn net.Conn
	r    *bufio.Reader
	id   uint16 // last packet identifier
}

// packet is one MQTT control packet as read: first byte and body.
type packet struct {
	header byte
	body   []byte
}

// dial connects over wss://mqtt.example.test/mqtt with subprotocol mqtt and
// completes CONNECT/CONNACK.
func dial(t *testing.T, b *Broker, clientID string) *client {
	t.Helper()
	ctx := waitCtx(t)
	ws, _, err := websocket.Dial(ctx, "wss://"+DefaultHost+Path, &websocket.DialOptions{
		HTTPClient:   b.Client(),
		Subprotocols: []string{"mqtt"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ws.Subprotocol() != "mqtt" {
		t.Errorf("subprotocol %q, want mqtt", ws.Subprotocol())
	}
	conn := websocket.NetConn(t.Context(), ws, websocket.MessageBinary)
	c := &client{ws: ws, conn: conn, r: bufio.NewReader(conn)}
	t.Cleanup(func() { conn.Close() })

	var vh []byte
	vh = appendString(vh, "MQTT")
	vh = append(vh, 4, 0x02, 0, 60) // level 3.1.1, clean session, keepalive 60 s
	vh = appendString(vh, clientID)
	c.send(t, 0x10, vh)
	if p := c.read(t); p.header != 0x20 || len(p.body) != 2 || p.body[1] != 0 {
		t.Fatalf("CONNACK: %x %x", p.header, p.body)
	}
	return c
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// send writes one packet: fixed header byte, remaining length, body.
func (c *client) send(t *testing.T, header byte, body []byte) {
	t.Helper()
	pkt := []byte{header}
	for n := len(body); ; {
		d := byte(n % 128)
		n /= 128
		if n > 0 {
			d |= 0x80
		}
		pkt = append(pkt, d)
		if n == 0 {
			break
		}
	}
	if _, err := c.conn.Write(append(pkt, body...)); err != nil {
		t.Fatal(err)
	}
}

// readPacket reads one packet; a deadline bounds it.
func (c *client) readPacket() (packet, error) {
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	h, err := c.r.ReadByte()
	if err != nil {
		return packet{}, err
	}
	n, mult := 0, 1
	for {
		d, err := c.r.ReadByte()
		if err != nil {
			return packet{}, err
		}
		n += int(d&0x7f) * mult
		mult *= 128
		if d&0x80 == 0 {
			break
		}
	}
	body := make([]byte, n)
	_, err = io.ReadFull(c.r, body)
	return packet{h, body}, err
}

func (c *client) read(t *testing.T) packet {
	t.Helper()
	p, err := c.readPacket()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (c *client) subscribe(t *testing.T, filter string) {
	t.Helper()
	c.id++
	body := binary.BigEndian.AppendUint16(nil, c.id)
	body = appendString(body, filter)
	body = append(body, 0) // QoS 0
	c.send(t, 0x82, body)
	if p := c.read(t); p.header != 0x90 || len(p.body) != 3 || p.body[2] != 0 {
		t.Fatalf("SUBACK: %x %x", p.header, p.body)
	}
}

func (c *client) publish(t *testing.T, topic string, payload []byte) {
	t.Helper()
	c.send(t, 0x30, append(appendString(nil, topic), payload...)) // QoS 0
}

// next reads the next PUBLISH and returns its topic and payload.
func (c *client) next(t *testing.T) (topic string, payload []byte, retained bool) {
	t.Helper()
	p := c.read(t)
	if p.header&0xF0 != 0x30 || p.header&0x06 != 0 || len(p.body) < 2 {
		t.Fatalf("want a QoS 0 PUBLISH, got %x %x", p.header, p.body)
	}
	n := int(binary.BigEndian.Uint16(p.body))
	return string(p.body[2 : 2+n]), p.body[2+n:], p.header&1 == 1
}

func TestClientToGo(t *testing.T) {
	b := start(t)
	ctx := waitCtx(t)
	c := dial(t, b, "browser")
	if err := b.WaitClients(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Published before anyone waits: kept, returned in order.
	for i := range 3 {
		c.publish(t, "wx/up", fmt.Appendf(nil, "m%d", i))
	}
	c.publish(t, "wx/other", []byte("o"))
	c.publish(t, "wx/empty", nil)
	for i := range 3 {
		got, err := b.WaitMessage(ctx, "wx/up")
		if err != nil || string(got) != fmt.Sprint("m", i) {
			t.Fatalf("message %d: %q %v", i, got, err)
		}
	}
	if got, err := b.WaitMessage(ctx, "wx/other"); err != nil || string(got) != "o" {
		t.Errorf("wx/other: %q %v", got, err)
	}
	if got, err := b.WaitMessage(ctx, "wx/empty"); err != nil || got == nil || len(got) != 0 {
		t.Errorf("wx/empty: %q %v, want an empty non-nil payload", got, err)
	}
	// Waiting before the message is published.
	got := make(chan string, 1)
	go func() {
		m, _ := b.WaitMessage(ctx, "wx/later")
		got <- string(m)
	}()
	c.publish(t, "wx/later", []byte("late"))
	if m := <-got; m != "late" {
		t.Errorf("wx/later: %q", m)
	}
}

func TestGoToClient(t *testing.T) {
	b := start(t)
	ctx := waitCtx(t)
	c := dial(t, b, "browser")
	c.subscribe(t, "wx/down/#")
	if err := b.WaitSubscriber(ctx, "wx/down/a"); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"one", "two"} {
		if err := b.Publish("wx/down/a", []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"one", "two"} {
		if topic, payload, retained := c.next(t); topic != "wx/down/a" || string(payload) != want || retained {
			t.Errorf("got %q %q retained=%v, want wx/down/a %q", topic, payload, retained, want)
		}
	}
}

func TestGoPublishesAreNotReturnedByWaitMessage(t *testing.T) {
	b := start(t)
	ctx := waitCtx(t)
	c := dial(t, b, "browser")
	c.subscribe(t, "wx/t")
	if err := b.Publish("wx/t", []byte("from go")); err != nil {
		t.Fatal(err)
	}
	if _, payload, _ := c.next(t); string(payload) != "from go" {
		t.Fatalf("client got %q", payload)
	}
	c.publish(t, "wx/t", []byte("from client"))
	if m, err := b.WaitMessage(ctx, "wx/t"); err != nil || string(m) != "from client" {
		t.Errorf("WaitMessage = %q %v, want the client's message only", m, err)
	}
	if _, payload, _ := c.next(t); string(payload) != "from client" { // its own, echoed by the subscription
		t.Errorf("client got %q", payload)
	}
}

func TestClientToClientAndRetained(t *testing.T) {
	b := start(t)
	ctx := waitCtx(t)
	if err := b.PublishRetained("wx/state", []byte("ready")); err != nil {
		t.Fatal(err)
	}
	sub, pub := dial(t, b, "sub"), dial(t, b, "pub")
	if err := b.WaitClients(ctx, 2); err != nil {
		t.Fatal(err)
	}
	sub.subscribe(t, "wx/+")
	if topic, payload, retained := sub.next(t); topic != "wx/state" || string(payload) != "ready" || !retained {
		t.Errorf("retained: %q %q %v", topic, payload, retained)
	}
	pub.publish(t, "wx/chat", []byte("hi"))
	if topic, payload, _ := sub.next(t); topic != "wx/chat" || string(payload) != "hi" {
		t.Errorf("relayed: %q %q", topic, payload)
	}
	if m, err := b.WaitMessage(ctx, "wx/chat"); err != nil || string(m) != "hi" {
		t.Errorf("WaitMessage: %q %v", m, err)
	}
	pub.send(t, 0xE0, nil) // DISCONNECT
	// The broker then closes the WebSocket and waits for the close frame's
	// answer, which the client's read sends (as a browser does at once).
	if p, err := pub.readPacket(); err == nil {
		t.Errorf("after DISCONNECT: packet %x, want the connection closed", p.header)
	}
	if err := b.WaitClients(ctx, 1); err != nil {
		t.Fatal(err)
	}
}

func TestWaitsHonourContext(t *testing.T) {
	b := start(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := b.WaitMessage(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitMessage: %v", err)
	}
	if err := b.WaitSubscriber(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitSubscriber: %v", err)
	}
	if err := b.WaitClients(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitClients: %v", err)
	}
	if err := b.WaitClients(ctx, 0); err != nil {
		t.Errorf("WaitClients(0) already true: %v", err)
	}
}

func TestCloseEndsClients(t *testing.T) {
	b, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, b, "browser")
	// A connection that never sends CONNECT must not hold Close up either.
	ws, _, err := websocket.Dial(waitCtx(t), "wss://"+DefaultHost+Path, &websocket.DialOptions{HTTPClient: b.Client()})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if err := b.WaitClients(waitCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b.Close()
	for {
		p, err := c.readPacket() // a DISCONNECT may come first
		if err != nil {
			break
		}
		if p.header != 0xE0 {
			t.Fatalf("after Close: packet %x", p.header)
		}
	}
	if b.Clients() != 0 {
		t.Errorf("clients after Close: %d", b.Clients())
	}
}

func TestURLAndHostRules(t *testing.T) {
	b := start(t)
	to := fmt.Sprintf("127.0.0.1:%d", b.Port)
	if b.URL != "wss://"+to+"/mqtt" {
		t.Errorf("URL %q", b.URL)
	}
	if got, want := b.HostRules(), "MAP mqtt.example.test:443 "+to; got != want {
		t.Errorf("HostRules() = %q, want %q", got, want)
	}
	if got, want := b.HostRules("a.example.test", "b.example.test:8883"),
		"MAP a.example.test:443 "+to+", MAP b.example.test:8883 "+to; got != want {
		t.Errorf("HostRules = %q, want %q", got, want)
	}
	// The URL itself works, without host mapping, over the certificate's IP SAN.
	ws, _, err := websocket.Dial(waitCtx(t), b.URL, &websocket.DialOptions{HTTPClient: b.Client(), Subprotocols: []string{"mqttv3.1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if ws.Subprotocol() != "mqttv3.1" {
		t.Errorf("subprotocol %q, want mqttv3.1", ws.Subprotocol())
	}
}
