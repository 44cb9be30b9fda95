// 12_events: the §C1 network events and the task list, both fed by the observer seam
// (observe in 10_core.js). record keeps a summary of the last TASKS_MAX network tasks
// (request, uploadFile, downloadFile, connectSocket) for wxsim.tasks(); it runs on every
// step of those tasks and costs an object per task. The event stream runs only while a
// listener is on (netOn): it is then one of the seam's observers, and Go passes the
// steps only it knows (create with the call as planned, queue).
const NET_APIS = { request: true, uploadFile: true, downloadFile: true, connectSocket: true };
const TRANSPORTS = [];
TRANSPORTS[VIA_DIRECT] = "direct"; TRANSPORTS[VIA_RELAY] = "relay"; TRANSPORTS[VIA_MOCK] = "mock";
const TASKS_MAX = 1000;
const netTasks = new Map(); // id → summary, oldest first
function headerObject(flat) {
  const h = {};
  if (flat) for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]] = flat[i + 1];
  return h;
}
// record updates the summary of task rec for a step.
function record(rec, phase, data) {
  let t = netTasks.get(rec.id);
  if (t === undefined) {
    if (phase !== "call") return; // a step of a task no longer listed
    t = { id: rec.id, api: rec.api, phase: "create", startTime: clock.now() };
    netTasks.set(rec.id, t);
    harData.set(rec.id, { began: t.startTime, started: 0, head: 0, reqBody: null, resBody: null, ctype: "", msgs: null, cookies: null });
    if (netTasks.size > TASKS_MAX) { const old = netTasks.keys().next().value; netTasks.delete(old); harDrop(old); }
    return;
  }
  harRecord(rec, t, phase, data);
  switch (phase) {
    case "create":
      t.url = data.url; t.method = data.method; t.transport = data.transport; t.requestHeader = data.header;
      break;
    case "start": case "dial":
      if (data) {
        if (t.url === undefined) t.url = data.url;
        if (t.method === undefined) t.method = data.method;
        if (t.transport === undefined) t.transport = TRANSPORTS[data.via];
        if (t.requestHeader === undefined) t.requestHeader = headerObject(data.headers);
      }
      break;
    case "headers": case "open":
      t.responseHeader = data.header;
      if (data.statusCode !== undefined) t.statusCode = data.statusCode;
      break;
    case "end": case "close":
      if (phase === "end" && rec.api === "connectSocket" && data.ok) return; // the socket lives on
      t.ok = phase === "close" ? !!t.opened : data.ok;
      t.errMsg = phase === "close" ? (t.opened ? TEXT.socketOK : t.error || TEXT.socketFail) : data.result.errMsg;
      if (phase === "end" && data.result.errno !== undefined) t.errno = data.result.errno;
      t.endTime = clock.now(); t.durationMs = t.endTime - t.startTime;
      t.phase = "end";
      return;
    case "error":
      t.error = data.errMsg;
      return;
  }
  if (phase === "open") t.opened = true;
  if (phase !== "send" && phase !== "message" && phase !== "dial") t.phase = phase;
}
function listTasks() {
  const out = [];
  for (const t of netTasks.values()) {
    const c = {};
    for (const k in t) if (k !== "opened" && k !== "error" && t[k] !== undefined) c[k] = t[k];
    out.push(c);
  }
  return out;
}

// ---- the event stream (§C1)
let netListeners = null, netSeq = 0;
const netPending = new Map(); // id → what the stream knows of a task it has not ended
function netEmit(ev) {
  ev.seq = ++netSeq;
  const ls = netListeners;
  later(function () {
    for (const l of ls) { try { l(ev); } catch (e) { console.error("wxsim: a network listener threw:", e); } }
  });
}
function evBodySize(b) {
  if (b === undefined || b === null) return 0;
  if (typeof b === "string") return new TextEncoder().encode(b).length;
  return typeof b.byteLength === "number" ? b.byteLength : typeof b.size === "number" ? b.size : -1;
}
function base64(ab) {
  const u8 = new Uint8Array(ab);
  let s = "";
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}
function frame(direction, data) {
  const text = typeof data === "string";
  const bytes = text ? new TextEncoder().encode(data) : data instanceof ArrayBuffer ? new Uint8Array(data) :
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const ev = { direction: direction, type: text ? "text" : "binary", size: bytes.length };
  if (bytes.length <= 65536) ev.data = text ? data : base64(bytes);
  return ev;
}
// netObserve turns a step of the seam into §C1 events.
function netObserve(s) {
  if (NET_APIS[s.api] !== true) return;
  const id = s.id, api = s.api, base = function (phase) { return { time: s.time, id: id, api: api, phase: phase }; };
  let p = netPending.get(id);
  if (p === undefined) {
    if (s.phase === "call") { netPending.set(id, { created: false, t0: s.time, opened: false, error: "", status: undefined, size: 0 }); }
    return;
  }
  const d = s.data;
  const create = function (extra) {
    if (p.created) return;
    p.created = true;
    netEmit(Object.assign(base("create"), extra || { url: "", method: "", header: {}, transport: "", requestBodySize: -1 }));
  };
  switch (s.phase) {
    case "create": {
      const rec = recs.get(id);
      const size = d.requestBodySize !== undefined ? d.requestBodySize : rec ? evBodySize(rec.body) : -1;
      create({ url: d.url, method: d.method, header: d.header, transport: d.transport, requestBodySize: size });
      return;
    }
    case "queue": case "start": create(); netEmit(base(s.phase)); return;
    case "headers": create(); p.status = d.statusCode; netEmit(Object.assign(base("headers"), { statusCode: d.statusCode, header: d.header })); return;
    case "progress": create(); netEmit(Object.assign(base("progress"), d)); return;
    case "chunk": create(); p.size += d.data.byteLength; netEmit(Object.assign(base("chunk"), { size: d.data.byteLength })); return;
    case "open": {
      create(); p.opened = true;
      const so = socks.get(id), proto = so && so.ws ? so.ws.protocol : "";
      netEmit(Object.assign(base("open"), { header: d.header, protocol: proto }));
      return;
    }
    case "message": create(); netEmit(Object.assign(base("message"), frame("in", d.data))); return;
    case "send": create(); netEmit(Object.assign(base("message"), frame("out", d.data))); return;
    case "error": p.error = d.errMsg; return;
    case "close": {
      create();
      netEmit(Object.assign(base("close"), { code: d.code, reason: d.reason }));
      const end = Object.assign(base("end"), { ok: p.opened, errMsg: p.opened ? TEXT.socketOK : p.error || TEXT.socketFail,
        code: d.code, reason: d.reason, responseBodySize: 0, durationMs: s.time - p.t0 });
      netPending.delete(id);
      netEmit(end);
      return;
    }
    case "end": {
      if (api === "connectSocket" && d.ok) return; // the SocketTask was made: it ends when it closes
      create();
      const r = d.result, end = Object.assign(base("end"), { ok: d.ok, errMsg: r.errMsg });
      if (r.errno !== undefined) end.errno = r.errno;
      if (p.status !== undefined) end.statusCode = p.status;
      end.responseBodySize = s.data.size !== undefined ? s.data.size : p.size;
      end.durationMs = s.time - p.t0;
      netPending.delete(id);
      netEmit(end);
      return;
    }
  }
}
function netOn(f) {
  if (netListeners === null) { netListeners = []; glue.observe(netObserve); }
  if (netListeners.indexOf(f) < 0) netListeners = netListeners.concat([f]);
}
function netOff(f) {
  if (netListeners === null) return;
  netListeners = netListeners.filter(function (x) { return x !== f; });
  if (netListeners.length === 0) { netListeners = null; glue.unobserve(netObserve); netPending.clear(); }
}

Object.assign(glue, {
  netOn: netOn,
  netOff: netOff,
  netListening: function () { return netListeners !== null; },
  tasks: listTasks,
});
