package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/tests/fixture"
)

const wss = "wss://api.example.test"

// sockCfg lists the fixture host for sockets (spec §3.2: its own list).
const sockCfg = `{domains: {request: ['https://api.example.test'], socket: ['wss://api.example.test', 'wss://port.example.test']}}`

func waitWS(t *testing.T, cond func(fixture.Stats) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, fx.WaitStats(ctx, cond), "fixture stats: %+v", fx.Stats())
}

// spec §6.2, §6.8: text and binary frames echo byte-exact and in order.
func TestSocketEcho(t *testing.T) {
	for _, tr := range transports { // spec §9: the same behaviour through the relay
		t.Run(tr.name, func(t *testing.T) { testSocketEcho(t, withTransport(sockCfg, tr.extra)) })
	}
}

func testSocketEcho(t *testing.T, cfg string) {
	p := newPage(t, cfg)
	var out struct {
		Created bool     `json:"created"`
		Texts   []string `json:"texts"`
		Hashes  []bool   `json:"hashes"`
		Sizes   []int    `json:"sizes"`
		Burst   bool     `json:"burst"`
		Sends   []string `json:"sends"`
	}
	p.Eval(`(async () => {
		const s = T.sock({url: '`+wss+`/ws/echo'});
		const created = await s.created; await s.opened;
		const texts = ['hello', '中文 ✓ 😀', ''];
		const sends = [];
		for (const x of texts) s.t.send({data: x, success: (r) => sends.push(r.errMsg)});
		const bins = [0, 1, 1 << 20].map((n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 7) % 256; return b.buffer; });
		for (const b of bins) s.t.send({data: b});
		const got = (await s.waitMsgs(6)).slice();
		const hashes = [];
		for (let i = 0; i < 3; i++) hashes.push(got[3 + i] instanceof ArrayBuffer && await T.sha256(got[3 + i]) === await T.sha256(bins[i]));
		for (let i = 0; i < 1000; i++) s.t.send({data: 'm' + i});
		const all = await s.waitMsgs(1006);
		let burst = true;
		for (let i = 0; i < 1000; i++) if (all[6 + i] !== 'm' + i) burst = false;
		s.t.close({});
		await s.closed;
		return {created, texts: got.slice(0, 3), hashes, sizes: got.slice(3).map((b) => b.byteLength), burst, sends};
	})()`, &out)
	assert.True(t, out.Created)
	assert.Equal(t, []string{"hello", "中文 ✓ 😀", ""}, out.Texts)
	assert.Equal(t, []bool{true, true, true}, out.Hashes)
	assert.Equal(t, []int{0, 1, 1 << 20}, out.Sizes)
	assert.True(t, out.Burst, "1000 messages in order")
	assert.Equal(t, []string{"sendSocketMessage:ok", "sendSocketMessage:ok", "sendSocketMessage:ok"}, out.Sends)
}

// spec §6.4: every close path, with codes and reasons exactly as sent.
func TestSocketClosePaths(t *testing.T) {
	for _, tr := range transports { // spec §9: the same behaviour through the relay
		t.Run(tr.name, func(t *testing.T) { testSocketClosePaths(t, withTransport(sockCfg, tr.extra)) })
	}
}

func testSocketClosePaths(t *testing.T, cfg string) {
	p := newPage(t, cfg)
	type closeRes struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	}
	closeOf := func(url, after string) closeRes {
		t.Helper()
		var c closeRes
		p.Eval(`(async () => { const s = T.sock({url: '`+url+`'}); await s.opened; `+after+`; return await s.closed; })()`, &c)
		return c
	}
	assert.Equal(t, closeRes{4000, "client bye"}, closeOf(wss+"/ws/echo", `s.t.close({code: 4000, reason: 'client bye'})`), "client close")
	assert.Equal(t, closeRes{1000, ""}, closeOf(wss+"/ws/echo", `s.t.close()`), "default code 1000")
	for _, c := range []closeRes{{1000, "done"}, {4000, "custom"}, {4999, "last"}} {
		got := closeOf(wss+"/ws/close?code="+itoa(c.Code)+"&reason="+c.Reason, "")
		assert.Equal(t, c, got, "server close")
	}
	assert.Equal(t, 1006, closeOf(wss+"/ws/drop", "").Code, "server drop → 1006")

	var bad struct {
		Results []map[string]any `json:"results"`
		Echo    string           `json:"echo"`
		OK      map[string]any   `json:"ok"`
	}
	p.Eval(`(async () => {
		const s = T.sock({url: '`+wss+`/ws/echo'}); await s.opened;
		const results = [];
		for (const o of [{code: 1001}, {code: 2999}, {code: 5000}, {code: 'x'}, {reason: 'r'.repeat(124)}, {reason: '中'.repeat(41) + 'a'}]) {
			results.push(await T.cb((x) => s.t.close(x), o));
		}
		s.t.send({data: 'still open'});
		const echo = (await s.waitMsgs(1))[0];
		const ok = await T.cb((x) => s.t.close(x), {code: 3000, reason: 'r'.repeat(123)});
		await s.closed;
		return {results, echo, ok};
	})()`, &bad)
	want := []string{
		"closeSocket:fail invalid code 1001: the code must be 1000 or between 3000 and 4999",
		"closeSocket:fail invalid code 2999: the code must be 1000 or between 3000 and 4999",
		"closeSocket:fail invalid code 5000: the code must be 1000 or between 3000 and 4999",
		"closeSocket:fail parameter error: parameter.code should be Number instead of String;",
		"closeSocket:fail invalid reason: 124 bytes of UTF-8; the reason must be at most 123 bytes",
		"closeSocket:fail invalid reason: 124 bytes of UTF-8; the reason must be at most 123 bytes",
	}
	require.Len(t, bad.Results, len(want))
	for i, w := range want {
		assert.Equal(t, w, bad.Results[i]["res"].(map[string]any)["errMsg"])
	}
	assert.Equal(t, "still open", bad.Echo, "the socket stays usable after a rejected close")
	assert.Equal(t, "closeSocket:ok", bad.OK["res"].(map[string]any)["errMsg"], "123 bytes is the edge")
}

// spec §6.3, §6.4: send before open and after close fail; a goodbye sent before close
// reaches the server first.
func TestSocketSendStates(t *testing.T) {
	for _, tr := range transports { // spec §9: the same behaviour through the relay
		t.Run(tr.name, func(t *testing.T) { testSocketSendStates(t, withTransport(sockCfg, tr.extra)) })
	}
}

func testSocketSendStates(t *testing.T, cfg string) {
	p := newPage(t, cfg)
	var out struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
		Type   map[string]any `json:"type"`
	}
	p.Eval(`(async () => {
		const s = T.sock({url: '`+wss+`/ws/goodbye'});
		const before = await T.cb((o) => s.t.send(o), {data: 'too early'});
		await s.opened;
		const type = await T.cb((o) => s.t.send(o), {data: 42});
		s.t.send({data: 'goodbye'});
		s.t.close({code: 4001, reason: 'leaving'});
		await s.closed;
		const after = await T.cb((o) => s.t.send(o), {data: 'too late'});
		return {before: before.res, after: after.res, type: type.res};
	})()`, &out)
	assert.Equal(t, "sendSocketMessage:fail WebSocket is not connected", out.Before["errMsg"])
	assert.Equal(t, "sendSocketMessage:fail WebSocket is not connected", out.After["errMsg"])
	assert.Equal(t, "sendSocketMessage:fail parameter error: parameter.data should be String/ArrayBuffer instead of Number;", out.Type["errMsg"])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, fx.WaitWSClosed(ctx))
	msgs, code, reason := fx.WSGoodbye()
	assert.Equal(t, []string{"goodbye"}, msgs)
	assert.Equal(t, 4001, code)
	assert.Equal(t, "leaving", reason)
}

// spec §6.5, §6.6: five sockets; the sixth fails; a close frees a slot; old base
// libraries replace the socket.
func TestSocketLimits(t *testing.T) {
	p := newPage(t, sockCfg)
	var out struct {
		Sixth  string `json:"sixth"`
		Sixth2 []any  `json:"sixthEv"`
		Again  bool   `json:"again"`
	}
	p.Eval(`(async () => {
		const ss = [];
		for (let i = 0; i < 5; i++) { ss.push(T.sock({url: '`+wss+`/ws/echo'})); }
		await Promise.all(ss.map((s) => s.opened));
		const sixth = T.sock({url: '`+wss+`/ws/echo'});
		await sixth.created;
		ss[0].t.close({});
		await ss[0].closed;
		const again = T.sock({url: '`+wss+`/ws/echo'});
		const ok = await again.opened;
		for (const s of ss.slice(1).concat([again])) s.t.close({});
		await Promise.all(ss.slice(1).concat([again]).map((s) => s.closed));
		return {sixth: sixth.ev[0][1], sixthEv: sixth.ev.slice(1), again: ok};
	})()`, &out)
	assert.Equal(t, "connectSocket:fail exceed max task count", out.Sixth)
	assert.Empty(t, out.Sixth2, "a refused socket fires no events (spec §6.1)")
	assert.True(t, out.Again)

	old := newPage(t, `{sdkVersion: '1.6.0', domains: {socket: ['wss://api.example.test']}}`)
	var ev struct {
		First  [][]any `json:"first"`
		Global []any   `json:"global"`
	}
	old.Eval(`(async () => {
		const global = [];
		wx.onSocketMessage((m) => global.push(m.data));
		const a = T.sock({url: '`+wss+`/ws/echo'}); await a.opened;
		const b = T.sock({url: '`+wss+`/ws/echo'});
		await a.closed; await b.opened;
		wx.sendSocketMessage({data: 'to b'});
		await b.waitMsgs(1);
		b.t.close({}); await b.closed;
		return {first: a.ev, global};
	})()`, &ev)
	assert.Equal(t, []any{"close", 1000.0, ""}, ev.First[len(ev.First)-1], "the old socket closes (spec §6.6)")
	assert.Equal(t, []any{"to b"}, ev.Global, "globals follow the new socket")
}

// spec §6.7: the global API acts on the newest socket; listeners follow later sockets.
func TestSocketGlobals(t *testing.T) {
	p := newPage(t, sockCfg)
	var out struct {
		NoSockSend  string  `json:"noSockSend"`
		NoSockClose string  `json:"noSockClose"`
		Global      [][]any `json:"global"`
		AMsgs       []any   `json:"aMsgs"`
		BMsgs       []any   `json:"bMsgs"`
	}
	p.Eval(`(async () => {
		const noSockSend = (await T.cb(wx.sendSocketMessage, {data: 'x'})).res.errMsg;
		const noSockClose = (await T.cb(wx.closeSocket, {})).res.errMsg;
		const global = [];
		wx.onSocketOpen(() => global.push(['open']));
		wx.onSocketMessage((m) => global.push(['message', m.data]));
		wx.onSocketClose((c) => global.push(['close', c.code]));
		const a = T.sock({url: '`+wss+`/ws/echo'}); await a.opened;
		const b = T.sock({url: '`+wss+`/ws/echo'}); await b.opened;
		a.t.send({data: 'from a'});
		await a.waitMsgs(1);
		wx.sendSocketMessage({data: 'from global'});
		await b.waitMsgs(1);
		wx.closeSocket({code: 4002});
		await b.closed;
		a.t.close({}); await a.closed;
		return {noSockSend, noSockClose, global, aMsgs: a.msgs, bMsgs: b.msgs};
	})()`, &out)
	assert.Equal(t, "sendSocketMessage:fail WebSocket is not connected", out.NoSockSend)
	assert.Equal(t, "closeSocket:fail WebSocket is not connected", out.NoSockClose)
	assert.Equal(t, []any{"from a"}, out.AMsgs)
	assert.Equal(t, []any{"from global"}, out.BMsgs)
	assert.Equal(t, [][]any{{"open"}, {"open"}, {"message", "from global"}, {"close", 4002.0}}, out.Global,
		"globals saw a's open (newest then), then only b")
}

// spec §3.1, §3.3, §3.7 for sockets: refused URLs make no handshake.
func TestSocketPolicy(t *testing.T) {
	p := newPage(t, sockCfg)
	before := fx.Stats().WSHandshakes
	var out []string
	p.Eval(`(async () => {
		const out = [];
		for (const url of ['ws://api.example.test/ws/echo', 'wss://other.example.test/ws/echo', 'https://api.example.test/ws/echo', 'wss://api.example.test@other.example.test/ws/echo']) {
			const s = T.sock({url}); await s.created; out.push(s.ev.map((e) => e.join(' ')).join('|'));
		}
		const bad = T.sock({}); await bad.created; out.push(bad.ev[0][1]);
		const any = T.sock({url: 'wss://port.example.test:8443/ws/echo'});
		out.push(String(await any.opened));
		any.t.close({}); await any.closed;
		return out;
	})()`, &out)
	for _, e := range out[:4] {
		assert.Equal(t, "fail connectSocket:fail url not in domain list", e)
	}
	assert.Equal(t, "connectSocket:fail parameter error: parameter.url should be String instead of Undefined;", out[4])
	assert.Equal(t, "true", out[5], "a wss entry allows any port of its host (spec §3.3)")
	assert.Equal(t, before+1, fx.Stats().WSHandshakes, "only the allowed socket reached the server")
}

// spec §6.5, §8.3: handshake time-out and background interruption give onError then
// onClose.
func TestSocketTimeoutAndBackground(t *testing.T) {
	t.Run("handshake timeout", func(t *testing.T) {
		t.Parallel()
		p := newPage(t, sockCfg)
		var ev [][]any
		p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/ws/hold', timeout: 300}); await s.closed; return s.ev; })()`, &ev)
		assert.Equal(t, [][]any{{"success", "connectSocket:ok"}, {"error", "connectSocket:fail timeout"}, {"close", 1006.0, "timeout"}}, ev)
	})
	t.Run("interrupt after 5 s", func(t *testing.T) {
		t.Parallel()
		p := newPage(t, sockCfg)
		var ev [][]any
		p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/ws/echo'}); await s.opened; wxsim.hide(); await s.closed; return s.ev; })()`, &ev)
		assert.Equal(t, [][]any{{"success", "connectSocket:ok"}, {"open"}, {"error", "connectSocket:fail interrupted"}, {"close", 1006.0, "interrupted"}}, ev)
		var refused string
		p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/ws/echo'}); await s.created; return s.ev[0][1]; })()`, &refused)
		assert.Equal(t, "connectSocket:fail interrupted", refused)
		p.Eval(`wxsim.show(); true`, nil)
	})
	t.Run("show within 5 s", func(t *testing.T) {
		t.Parallel()
		p := newPage(t, sockCfg)
		var echo string
		p.Eval(`(async () => {
			const s = T.sock({url: '`+wss+`/ws/echo'}); await s.opened;
			wxsim.hide();
			await new Promise((r) => setTimeout(r, 1000));
			wxsim.show();
			await new Promise((r) => setTimeout(r, 5000));
			s.t.send({data: 'alive'});
			const m = (await s.waitMsgs(1))[0];
			s.t.close({}); await s.closed;
			return m;
		})()`, &echo)
		assert.Equal(t, "alive", echo)
	})
}

// stats().liveCallbacks back to idle after 100 open/close cycles; subprotocols reach
// the server.
func TestSocketCyclesAndProtocols(t *testing.T) {
	p := newPage(t, sockCfg)
	idle := p.Stats()
	var n int
	p.Eval(`(async () => {
		let n = 0;
		for (let i = 0; i < 100; i++) {
			const s = T.sock({url: '`+wss+`/ws/echo'}); await s.opened;
			s.t.send({data: 'x'}); await s.waitMsgs(1);
			s.t.close({}); await s.closed; n++;
		}
		return n;
	})()`, &n)
	assert.Equal(t, 100, n)
	end := p.Stats()
	assert.Equal(t, idle["liveCallbacks"], end["liveCallbacks"])
	for _, k := range []string{"sockets", "jsSockets", "jsTasks", "timers"} {
		assert.Zero(t, end[k], k)
	}

	var proto string
	p.Eval(`(async () => { const s = T.sock({url: '`+wss+`/ws/echo?subprotocols=mqtt,other', protocols: ['mqtt']}); await s.opened; s.t.close({}); await s.closed; return 'ok'; })()`, &proto)
	sub, hdr := fx.LastWSHandshake()
	assert.Equal(t, "mqtt", sub)
	assert.True(t, strings.Contains(hdr.Get("Sec-WebSocket-Protocol"), "mqtt"))
}

func itoa(n int) string { return strconv.Itoa(n) }

// spec §6.4, §6.5 (wxsim decision CloseGrace): close() on a socket whose peer has stopped
// reading (half-open) reports closeSocket:ok at once; if the server never answers the
// close frame, onClose (1006) arrives about 3 s later, not after Chromium's 60 s, and
// the socket's place among the five is free again. Through the relay, the relay answers
// the page's close frame itself.
func TestSocketHalfOpenClose(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			p := newPage(t, withTransport(sockCfg, tr.extra))
			var out struct {
				Close  string  `json:"close"`
				Code   int     `json:"code"`
				Ms     float64 `json:"ms"`
				Others []bool  `json:"others"`
				Live   float64 `json:"live"`
			}
			p.Eval(`(async () => {
				const socks = [];
				for (let i = 0; i < 5; i++) { const s = T.sock({url: '`+wss+`/ws/mute?ms=20000'}); socks.push(s); await s.opened; }
				const sixth = await T.cb((o) => wx.connectSocket(o), {url: '`+wss+`/ws/echo'});
				if (sixth.res.errMsg !== 'connectSocket:fail exceed max task count') throw new Error('limit not reached: ' + sixth.res.errMsg);
				const s = socks[0];
				s.t.send({data: 'x'.repeat(1 << 16)});
				const t0 = performance.now();
				const close = await T.cb((o) => s.t.close(o), {});
				const c = await s.closed;
				const ms = performance.now() - t0;
				const next = T.sock({url: '`+wss+`/ws/echo'});
				const others = [await next.created, await next.opened];
				for (const x of socks.slice(1).concat([next])) x.t.close({});
				return {close: close.res.errMsg, code: c.code, ms, others, live: wxsim.stats().sockets};
			})()`, &out)
			assert.Equal(t, "closeSocket:ok", out.Close)
			assert.Less(t, out.Ms, 10000.0, "onClose well before Chromium's 60 s closing time-out")
			if tr.name == "direct" {
				assert.Equal(t, 1006, out.Code, "the server never answered: abnormal closure")
				assert.GreaterOrEqual(t, out.Ms, 2900.0, "the server is given CloseGrace to answer")
				assert.True(t, p.ConsoleHas("warn", "did not answer the socket's close frame"))
			}
			assert.Equal(t, []bool{true, true}, out.Others, "the freed slot takes a new socket")
		})
	}
}

// spec §6.1: protocols the WebSocket constructor refuses fail connectSocket at once and
// leave nothing armed (the fuzz test found a handshake timer left for 60 s this way).
func TestBadProtocolsLeaveNoTimer(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			p := newPage(t, withTransport(sockCfg, tr.extra))
			var out struct {
				ErrMsg string             `json:"errMsg"`
				Stats  map[string]float64 `json:"stats"`
			}
			p.Eval(`(async () => {
				const r = await T.cb((o) => wx.connectSocket(o), {url: '`+wss+`/ws/echo', protocols: ['a', 'a']});
				return {errMsg: r.res.errMsg, stats: wxsim.stats()};
			})()`, &out)
			assert.Contains(t, out.ErrMsg, "connectSocket:fail")
			for _, k := range []string{"timers", "sockets", "jsSockets", "jsTasks"} {
				assert.Zero(t, out.Stats[k], k)
			}
		})
	}
}
