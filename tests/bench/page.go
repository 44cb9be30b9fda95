package main

// benchPage loads wxsim like a user page and holds the benchmark routines. wx and the raw
// browser API run interleaved unit by unit, alternating which goes first, so machine noise
// and connection wake-up hit both alike (measured: always running wx first inflated the
// latency ratio from ~1.09 to ~1.16).
const benchPage = `<!doctype html>
<meta charset="utf-8">
<script>
// Keep the Go instance's memory (Go exports it as "mem") so the benchmark can report its
// size: wxsim.js does not expose the instance, so wrap instantiation before it loads.
window.__wasmMems = [];
for (const k of ['instantiateStreaming', 'instantiate']) {
  const orig = WebAssembly[k];
  WebAssembly[k] = function () {
    return orig.apply(this, arguments).then((r) => {
      const inst = r instanceof WebAssembly.Instance ? r : r.instance;
      if (inst && inst.exports.mem instanceof WebAssembly.Memory) __wasmMems.push(inst.exports.mem);
      return r;
    });
  };
}
window.wasmMem = () => __wasmMems.length ? __wasmMems[__wasmMems.length - 1].buffer.byteLength : -1;
</script>
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

// files: wx.downloadFile / wx.uploadFile and their raw counterparts
const wxCall = (fn, o) => new Promise((resolve, reject) => fn(Object.assign({}, o, {
  success: (r) => resolve(r), fail: (r) => reject(new Error(r.errMsg))})));
const wxDownload = (url) => wxCall(wx.downloadFile, {url});
// the same with an onProgressUpdate listener, attached as page code does, after the call
const wxDownloadProgress = (url) => new Promise((resolve, reject) => {
  const t = wx.downloadFile({url, success: resolve, fail: (r) => reject(new Error(r.errMsg))});
  t.onProgressUpdate(() => {});
});
// stat, not getFileInfo: getFileInfo reads the whole file to compute its digest
const wxSize = (path) => wxCall(wx.getFileSystemManager().stat, {path}).then((r) => r.stats.size);
const rawBlob = (url) => fetch(url).then((r) => r.blob());
const xhrBlob = (url) => new Promise((resolve, reject) => {
  const x = new XMLHttpRequest();
  x.open('GET', url);
  x.responseType = 'blob';
  x.onload = () => resolve(x.response);
  x.onerror = () => reject(new Error('raw xhr download failed'));
  x.send();
});
const wxUpload = (url, filePath) => wxCall(wx.uploadFile, {url, filePath, name: 'file'}).then((r) => JSON.parse(r.data));
const rawUpload = (url, blob, filename, withProgress) => new Promise((resolve, reject) => {
  const fd = new FormData();
  fd.append('file', blob, filename);
  const x = new XMLHttpRequest();
  if (withProgress) x.upload.onprogress = () => {};
  x.open('POST', url);
  x.onload = () => resolve(JSON.parse(x.responseText));
  x.onerror = () => reject(new Error('raw upload failed'));
  x.send(fd);
});
const pattern = (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31) % 251; return b; };
const upChecked = (rep, size, who) => { const f = rep.files && rep.files[0]; if (!f || f.size !== size) throw new Error('short ' + who + ' upload: ' + JSON.stringify(rep)); return f.sha256; };

window.B = {
  // download: wx.downloadFile vs fetch().blob(), interleaved; wxsim.relaunch() after each
  // wx round drops its temp file (there is no API to delete a temp file).
  async download(rounds, size) {
    const url = API + '/file?size=' + size, warm = API + '/file?size=1048576';
    await wxDownload(warm); wxsim.relaunch(); await rawBlob(warm);
    let wxMs = 0, rawMs = 0;
    const wxUnit = async () => {
      const t = performance.now(); const r = await wxDownload(url); wxMs += performance.now() - t;
      const n = await wxSize(r.tempFilePath); wxsim.relaunch();
      if (n !== size) throw new Error('short wx download: ' + n);
    };
    let progMs = 0;
    const progUnit = async () => {
      const t = performance.now(); const r = await wxDownloadProgress(url); progMs += performance.now() - t;
      const n = await wxSize(r.tempFilePath); wxsim.relaunch();
      if (n !== size) throw new Error('short wx download with a listener: ' + n);
    };
    const rawUnit = async () => { const t = performance.now(); const b = await rawBlob(url); rawMs += performance.now() - t; if (b.size !== size) throw new Error('short raw download: ' + b.size); };
    // the transport wx uses with a listener, bare: how much of the gap is XMLHttpRequest's own
    let xhrMs = 0;
    const xhrUnit = async () => { const t = performance.now(); const b = await xhrBlob(url); xhrMs += performance.now() - t; if (b.size !== size) throw new Error('short xhr download: ' + b.size); };
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) { await wxUnit(); await rawUnit(); await progUnit(); await xhrUnit(); } else { await xhrUnit(); await progUnit(); await rawUnit(); await wxUnit(); }
    }
    const mb = rounds * size / 1048576;
    return {wxMBps: mb / (wxMs / 1000), rawMBps: mb / (rawMs / 1000), xhrMBps: mb / (xhrMs / 1000), progMBps: mb / (progMs / 1000)};
  },
  // upload: wx.uploadFile of http://usr/bench.bin vs an XHR POST of a FormData with a Blob
  // of the same bytes, interleaved, both to /upload (which hashes the file as it streams).
  async upload(rounds, size) {
    const url = API + '/upload', fsm = wx.getFileSystemManager();
    let data = pattern(size);
    await wxCall(fsm.writeFile, {filePath: 'http://usr/bench.bin', data: data.buffer});
    const blob = new Blob([data]);
    data = null;
    await wxCall(fsm.writeFile, {filePath: 'http://usr/warm.bin', data: pattern(65536).buffer});
    await wxUpload(url, 'http://usr/warm.bin'); await rawUpload(url, new Blob([pattern(65536)]), 'warm.bin');
    let wxMs = 0, rawMs = 0, wxSum = '', rawSum = '';
    const wxUnit = async () => { const t = performance.now(); const r = await wxUpload(url, 'http://usr/bench.bin'); wxMs += performance.now() - t; wxSum = upChecked(r, size, 'wx'); };
    const rawUnit = async () => { const t = performance.now(); const r = await rawUpload(url, blob, 'bench.bin'); rawMs += performance.now() - t; rawSum = upChecked(r, size, 'raw'); };
    // the same XHR with an upload progress listener, as wx needs for onProgressUpdate
    let progMs = 0;
    const progUnit = async () => { const t = performance.now(); const r = await rawUpload(url, blob, 'bench.bin', true); progMs += performance.now() - t; upChecked(r, size, 'progress'); };
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) { await wxUnit(); await rawUnit(); await progUnit(); } else { await progUnit(); await rawUnit(); await wxUnit(); }
    }
    if (wxSum !== rawSum) throw new Error('uploads differ: ' + wxSum + ' ' + rawSum);
    await wxCall(fsm.unlink, {filePath: 'http://usr/bench.bin'});
    await wxCall(fsm.unlink, {filePath: 'http://usr/warm.bin'});
    const mb = rounds * size / 1048576;
    return {wxMBps: mb / (wxMs / 1000), rawMBps: mb / (rawMs / 1000), progMBps: mb / (progMs / 1000)};
  },
  // one download for the heap measurement (sampled from Go); wasm memory around it
  async oneDownload(raw, size) {
    const url = API + '/file?size=' + size, before = wasmMem();
    const t = performance.now();
    let n;
    if (raw) n = (await rawBlob(url)).size;
    else { const r = await wxDownload(url); n = await wxSize(r.tempFilePath); }
    const ms = performance.now() - t;
    if (!raw) wxsim.relaunch();
    if (n !== size) throw new Error('short download: ' + n);
    return {ms, wasmBefore: before, wasmAfter: wasmMem()};
  },
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
