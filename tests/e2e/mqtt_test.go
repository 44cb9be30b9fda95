package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A real client library written for mini-programs works unmodified over SocketTask:
// mqtt.js (tests/jslib, loaded from its published bundle) connects with its wxs://
// transport, which calls wx.connectSocket, and publishes and receives both ways through
// a Go MQTT-over-WebSocket broker on loopback.
func TestMQTTOverSocketTask(t *testing.T) {
	p := newPage(t, `{domains: {socket: ['wss://mqtt.example.test']}}`)
	p.Eval(`new Promise((resolve, reject) => {
		const s = document.createElement('script');
		s.src = '/jslib/mqtt/dist/mqtt.min.js';
		s.onload = () => resolve(true);
		s.onerror = () => reject(new Error('mqtt.js not installed: run ./build.sh test'));
		document.head.appendChild(s);
	})`, nil)
	p.Eval(`new Promise((resolve, reject) => {
		window.got = [];
		window.client = mqtt.connect('wxs://mqtt.example.test/mqtt', {clientId: 'wxsim-e2e', reconnectPeriod: 0, connectTimeout: 10000});
		client.on('error', (e) => reject(e));
		client.on('message', (topic, payload) => got.push(topic + ' ' + new TextDecoder().decode(payload)));
		client.on('connect', () => client.subscribe('wx/in', (err) => err ? reject(err) : resolve(true)));
	})`, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p.Eval(`client.publish('wx/out', 'hello from the page'); true`, nil)
	msg, err := broker.WaitMessage(ctx, "wx/out")
	require.NoError(t, err)
	assert.Equal(t, "hello from the page", string(msg))

	require.NoError(t, broker.WaitSubscriber(ctx, "wx/in"))
	require.NoError(t, broker.Publish("wx/in", []byte("hello from go")))
	var got []string
	p.Eval(`new Promise((resolve) => { const tick = () => got.length ? resolve(got) : setTimeout(tick, 5); tick(); })`, &got)
	assert.Equal(t, []string{"wx/in hello from go"}, got)

	var closed bool
	p.Eval(`new Promise((resolve) => { client.end(); const tick = () => wxsim.stats().sockets === 0 ? resolve(true) : setTimeout(tick, 5); tick(); })`, &closed)
	assert.True(t, closed, "client.end() closes the SocketTask")
}
