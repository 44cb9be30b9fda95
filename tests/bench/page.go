package main

// benchPage loads wxsim like a user page and holds the benchmark routines. wx and the raw
// browser API run interleaved unit by unit, alternating which goes first, so machine noise
// and connection wake-up hit both alike (measured: always running wx first inflated the
// latency ratio from ~1.09 to ~1.16).
const benchPage = `<!doctype html>
<meta charset="utf-8">
<script src="/dist/wxsim.js"></script>
<script>
const API = 'https://api.example.test';
const wxGet = (url, responseType) => new Promise((resolve, reject) => wx.request({url, responseType,
  success: (r) => resolve(r), fail: (r) => reject(new Error(r.errMsg))}));
const rawJSON = (url) => fetch(url).then((r) => r.text()).then((t) => JSON.parse(t));
const rawBuf = (url) => fetch(url).then((r) => r.arrayBuffer());
const q = (xs, p) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };

// socket pairs: a SocketTask and a raw WebSocket on the same echo endpoint
function wxSock() {
  return new Promise((resolve) => {
    const t = wx.connectSocket({url: 'wss://api.example.test/ws/echo'});
    const s = {t, next: null};
    t.onMessage((m) => { const f = s.next; s.next = null; if (f) f(m.data); else if (s.onAny) s.onAny(m.data); });
    t.onOpen(() => resolve(s));
  });
}
function rawSock() {
  return new Promise((resolve) => {
    const ws = new WebSocket('wss://api.example.test/ws/echo');
    ws.binaryType = 'arraybuffer';
    const s = {ws, next: null};
    ws.onmessage = (m) => { const f = s.next; s.next = null; if (f) f(m.data); else if (s.onAny) s.onAny(m.data); };
    ws.onopen = () => resolve(s);
  });
}
const wxSend = (s, d) => s.t.send({data: d});
const rawSend = (s, d) => s.ws.send(d);
const echo = (s, send, d) => new Promise((res) => { s.next = res; send(s, d); });
async function pump(s, send, frame, ms) {
  // keeps 8 frames in flight for ms, returns bytes echoed
  let bytes = 0, inflight = 0, stop = false;
  return new Promise((resolve) => {
    s.onAny = (d) => { bytes += d.byteLength; inflight--; if (!stop) { inflight++; send(s, frame); } else if (inflight === 0) { s.onAny = null; resolve(bytes); } };
    for (let i = 0; i < 8; i++) { inflight++; send(s, frame); }
    setTimeout(() => { stop = true; }, ms);
  });
}

window.B = {
  async socketRTT(n) {
    const w = await wxSock(), r = await rawSock();
    const d = 'x'.repeat(64), wxT = [], rawT = [];
    for (let i = 0; i < 50; i++) { await echo(w, wxSend, d); await echo(r, rawSend, d); }
    const wxUnit = async () => { const t = performance.now(); await echo(w, wxSend, d); wxT.push(performance.now() - t); };
    const rawUnit = async () => { const t = performance.now(); await echo(r, rawSend, d); rawT.push(performance.now() - t); };
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) { await wxUnit(); await rawUnit(); } else { await rawUnit(); await wxUnit(); }
    }
    w.t.close({}); r.ws.close();
    const sum = (xs) => xs.reduce((a, b) => a + b, 0);
    return {wxMedian: q(wxT, 0.5), rawMedian: q(rawT, 0.5), wxMean: sum(wxT) / n, rawMean: sum(rawT) / n};
  },
  async socketThroughput(seconds) {
    const w = await wxSock(), r = await rawSock();
    const frame = new Uint8Array(65536).buffer;
    let wxB = 0, rawB = 0, wxMs = 0, rawMs = 0;
    const wxUnit = async () => { const t = performance.now(); wxB += await pump(w, wxSend, frame, 1000); wxMs += performance.now() - t; };
    const rawUnit = async () => { const t = performance.now(); rawB += await pump(r, rawSend, frame, 1000); rawMs += performance.now() - t; };
    for (let i = 0; i < seconds; i++) {
      if (i % 2 === 0) { await wxUnit(); await rawUnit(); } else { await rawUnit(); await wxUnit(); }
    }
    w.t.close({}); r.ws.close();
    return {wxMBps: wxB / 1048576 / (wxMs / 1000), rawMBps: rawB / 1048576 / (rawMs / 1000)};
  },
  async latency(n) {
    const wxT = [], rawT = [];
    for (let i = 0; i < 20; i++) { await wxGet(API + '/json'); await rawJSON(API + '/json'); }
    // alternate which goes first, so that neither always pays for waking the connection
    for (let i = 0; i < n; i++) {
      const wxUnit = async () => { const t = performance.now(); await wxGet(API + '/json'); wxT.push(performance.now() - t); };
      const rawUnit = async () => { const t = performance.now(); await rawJSON(API + '/json'); rawT.push(performance.now() - t); };
      if (i % 2 === 0) { await wxUnit(); await rawUnit(); } else { await rawUnit(); await wxUnit(); }
    }
    return {wxMedian: q(wxT, 0.5), rawMedian: q(rawT, 0.5), wxP95: q(wxT, 0.95), rawP95: q(rawT, 0.95)};
  },
  async throughput(n, size) {
    const url = API + '/bytes?n=' + size;
    await wxGet(url, 'arraybuffer'); await rawBuf(url);
    let wxMs = 0, rawMs = 0;
    const wxUnit = async () => { const t = performance.now(); const a = await wxGet(url, 'arraybuffer'); wxMs += performance.now() - t; if (a.data.byteLength !== size) throw new Error('short wx body'); };
    const rawUnit = async () => { const t = performance.now(); const b = await rawBuf(url); rawMs += performance.now() - t; if (b.byteLength !== size) throw new Error('short raw body'); };
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) { await wxUnit(); await rawUnit(); } else { await rawUnit(); await wxUnit(); }
    }
    const mb = n * size / 1048576;
    return {wxMBps: mb / (wxMs / 1000), rawMBps: mb / (rawMs / 1000)};
  },
};
</script>`

// startPage measures one cold start: wxsim.start() (wasm=wx) or the empty Go program.
const startPage = `<!doctype html>
<meta charset="utf-8">
<script src="/dist/wasm_exec.js"></script>
<script src="/dist/wxsim.js"></script>
<script>
window.startWx = async () => { const t = performance.now(); await wxsim.start({}); return performance.now() - t; };
window.startEmpty = async () => {
  const t = performance.now();
  await new Promise((resolve) => {
    window.__wxsimBoot = {ready: resolve};
    const go = new Go();
    WebAssembly.instantiateStreaming(fetch('/dist/empty.wasm'), go.importObject).then((r) => go.run(r.instance));
  });
  return performance.now() - t;
};
</script>`
