package main

// benchPage loads wxsim like a user page and holds the benchmark routines. wx.request and
// raw fetch run interleaved unit by unit so machine noise hits both alike.
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

window.B = {
  async latency(n) {
    const wxT = [], rawT = [];
    for (let i = 0; i < 20; i++) { await wxGet(API + '/json'); await rawJSON(API + '/json'); }
    for (let i = 0; i < n; i++) {
      let t = performance.now(); await wxGet(API + '/json'); wxT.push(performance.now() - t);
      t = performance.now(); await rawJSON(API + '/json'); rawT.push(performance.now() - t);
    }
    return {wxMedian: q(wxT, 0.5), rawMedian: q(rawT, 0.5), wxP95: q(wxT, 0.95), rawP95: q(rawT, 0.95)};
  },
  async throughput(n, size) {
    const url = API + '/bytes?n=' + size;
    await wxGet(url, 'arraybuffer'); await rawBuf(url);
    let wxMs = 0, rawMs = 0;
    for (let i = 0; i < n; i++) {
      let t = performance.now(); const a = await wxGet(url, 'arraybuffer'); wxMs += performance.now() - t;
      if (a.data.byteLength !== size) throw new Error('short wx body');
      t = performance.now(); const b = await rawBuf(url); rawMs += performance.now() - t;
      if (b.byteLength !== size) throw new Error('short raw body');
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
