// 45_mock: §C4 mocks and faults, the third transport (25_transport.js). Rules are kept
// here, newest first; Go's plan asks mockMatch for a call as it will be sent (after the
// §1.5 and §3 checks) and, when a rule matches, plans the task for VIA_MOCK. A mocked
// task sends no traffic and runs the same task code as a real one: queue, time-out,
// abort, interruption, decoding, download files and their cap, progress, events.
const mockRules = []; // newest first
let mockSeq = 0;
const MOCK_APIS = { request: true, uploadFile: true, downloadFile: true, connectSocket: true };
const MOCK_FAILS = { network: true, ssl: true, reset: true };
function mockErr(field, want) { return "wxsim.mock: rule." + field + " should be " + want; }
// mockCheck returns the problem of rule (a TypeError's message), or "".
function mockCheck(r) {
  if (r === null || typeof r !== "object") return "wxsim.mock: rule should be an object";
  if (r.har !== undefined) {
    if (r.har === null || typeof r.har !== "object" || !r.har.log || !Array.isArray(r.har.log.entries)) return mockErr("har", "a HAR object with log.entries");
    if (r.notFound !== undefined && r.notFound !== "network" && r.notFound !== "fail") return mockErr("notFound", '"network" or "fail"');
    return "";
  }
  const api = r.api === undefined ? "request" : r.api;
  if (MOCK_APIS[api] !== true) return mockErr("api", "request, uploadFile, downloadFile or connectSocket");
  if (!(typeof r.url === "string" || r.url instanceof RegExp)) return mockErr("url", "a string or RegExp");
  if (r.method !== undefined && typeof r.method !== "string") return mockErr("method", "a string");
  if (r.times !== undefined && !(Number.isInteger(r.times) && r.times > 0)) return mockErr("times", "a positive integer");
  if (r.delayMs !== undefined && !(typeof r.delayMs === "number" && r.delayMs >= 0 && isFinite(r.delayMs))) return mockErr("delayMs", "a finite number ≥ 0");
  const kinds = ["response", "respond", "fail", "hang", "socket"].filter(function (k) { return r[k] !== undefined; });
  if (api === "connectSocket") {
    if (kinds.length !== 1 || kinds[0] !== "socket") return mockErr("socket", 'given for connectSocket (and alone): "echo" or a function (peer)');
    if (r.socket !== "echo" && typeof r.socket !== "function") return mockErr("socket", '"echo" or a function (peer)');
    return "";
  }
  if (r.socket !== undefined) return mockErr("socket", "given only with api connectSocket");
  if (kinds.length === 0) return "wxsim.mock: rule should have one of response, respond, fail, hang";
  if (kinds.length > 1 && !(kinds.length === 2 && r.fail === "reset" && r.response !== undefined)) {
    return "wxsim.mock: rule should have only one of response, respond, fail, hang (fail: \"reset\" may come with response)";
  }
  if (r.fail !== undefined && MOCK_FAILS[r.fail] !== true) return mockErr("fail", '"network", "ssl" or "reset"');
  if (r.hang !== undefined && r.hang !== true) return mockErr("hang", "true");
  if (r.respond !== undefined && typeof r.respond !== "function") return mockErr("respond", "a function");
  if (r.response !== undefined) {
    const p = r.response;
    if (p === null || typeof p !== "object") return mockErr("response", "an object");
    if (p.statusCode !== undefined && !(Number.isInteger(p.statusCode) && p.statusCode >= 200 && p.statusCode <= 599)) return mockErr("response.statusCode", "an integer from 200 to 599");
    if (p.header !== undefined && (p.header === null || typeof p.header !== "object")) return mockErr("response.header", "an object");
  }
  return "";
}
// globRE makes a RegExp of a string rule url: exact, '*' matching any run of characters.
function globRE(s) {
  return new RegExp("^" + s.split("*").map(function (x) { return x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join(".*") + "$");
}
// harReplay is the state of a {har} rule: the entries of each "METHOD url", answered in
// their order, one each, the last repeating.
function harReplay(r) {
  const by = new Map();
  for (const e of r.har.log.entries) {
    if (!e || !e.request || e._resourceType === "websocket") continue;
    const key = String(e.request.method).toUpperCase() + " " + e.request.url;
    if (!by.has(key)) by.set(key, { list: [], next: 0 });
    by.get(key).list.push(e);
  }
  return { by: by, notFound: r.notFound || "network" };
}
// harAnswer is the response object of a HAR entry.
function harAnswer(e) {
  const res = e.response || {}, c = res.content || {}, header = {};
  for (const h of res.headers || []) if (h && typeof h.name === "string") header[h.name] = String(h.value);
  let data = typeof c.text === "string" ? c.text : "";
  if (c.encoding === "base64") {
    const bin = atob(data), u8 = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    data = u8.buffer;
  }
  if (res._error) return { fail: "network" };
  return { response: { statusCode: res.status >= 200 && res.status <= 599 ? res.status : 200, header: header, data: data } };
}
function mockMatchRule(api, url, method) {
  for (const m of mockRules) {
    if (m.replay) {
      if (api === "connectSocket") continue;
      const got = m.replay.by.get(method.toUpperCase() + " " + url);
      if (got) {
        const e = got.list[Math.min(got.next, got.list.length - 1)];
        got.next++;
        return { id: m.id, rule: harAnswer(e) };
      }
      if (m.replay.notFound === "fail") return { id: m.id, rule: { fail: "network", message: "not in HAR" } };
      continue;
    }
    const r = m.rule;
    if (m.api !== api) continue;
    if (r.method !== undefined && r.method.toUpperCase() !== method.toUpperCase()) continue;
    if (r.url instanceof RegExp ? (r.url.lastIndex = 0, !r.url.test(url)) : !m.re.test(url)) continue;
    return m;
  }
  return null;
}
function mockUse(m) {
  if (m.left !== undefined && --m.left === 0) { // (a HAR replay's answer has no left)
    const i = mockRules.indexOf(m);
    if (i >= 0) mockRules.splice(i, 1);
  }
}
function mockError(kind, msg) {
  const e = new Error(msg);
  e.name = "mock-" + kind;
  return e;
}
// mockWait resolves after ms on the wx clock, or rejects when the task is aborted.
// It is a timer of setTimer (10_core.js), so it moves with the clock like the others.
function mockWait(rec, ms) {
  return new Promise(function (resolve, reject) {
    const key = "mock" + rec.id;
    const stop = function () { clearTimer(key); reject(mockError("network", "aborted")); };
    if (rec.ctrl) rec.ctrl.signal.addEventListener("abort", stop, { once: true });
    if (ms === Infinity) return; // hang: only an abort (or the task's end) stops it
    if (!(ms > 0)) { resolve(); return; }
    setTimer(key, ms, function () { if (rec.ctrl) rec.ctrl.signal.removeEventListener("abort", stop); resolve(); });
  });
}
// mockResponse is the Response of a rule's response object, its head put in rec.
function mockResponse(rec, p, reset) {
  const status = p.statusCode === undefined ? 200 : p.statusCode;
  const h = new Headers();
  const given = p.header || {};
  for (const k in given) h.append(k, String(given[k]));
  let body = p.data;
  if (body === undefined || body === null) body = "";
  else if (typeof body !== "string" && !(body instanceof ArrayBuffer) && !ArrayBuffer.isView(body)) {
    body = JSON.stringify(body);
    if (!h.has("content-type")) h.set("content-type", "application/json");
  }
  const size = typeof body === "string" ? new TextEncoder().encode(body).length : body.byteLength;
  if (!h.has("content-length")) h.set("content-length", String(size));
  const stream = reset ? new ReadableStream({ start: function (c) { c.error(new TypeError("connection reset (mocked)")); } }) : body;
  const resp = new Response(status === 204 || status === 205 || status === 304 ? null : stream, { status: status, headers: h });
  rec.status = status;
  rec.header = headersObject(h);
  rec.ctype = h.get("content-type") || "";
  return resp;
}
function mockRequestObject(rec, call) {
  return { api: call.api, url: call.url, method: call.method, header: headerObject(call.headers), data: rec.body === undefined ? "" : rec.body };
}
// mockAnswer is the response object of rule r for the call: r.response, or what r.respond
// returns (a thrown or rejected respond fails the task as a network error).
async function mockAnswer(rec, r, req) {
  if (r.respond === undefined) return r.response || {};
  let p;
  try { p = await r.respond(req); } catch (e) {
    console.error("wxsim: a mock's respond threw:", e);
    throw mockError("network", "mock respond threw: " + (e && e.message ? e.message : String(e)));
  }
  const bad = mockCheck({ url: "", response: p === undefined ? {} : p });
  if (bad) throw mockError("network", "mock respond returned a bad response: " + bad.replace("wxsim.mock: rule.", ""));
  return p || {};
}
async function mockHead(rec, call) {
  const m = rec.mock, r = m.rule;
  await mockWait(rec, r.delayMs);
  if (rec.done) return null;
  if (r.hang === true) { await mockWait(rec, Infinity); return null; }
  if (r.fail === "network") throw mockError("network", r.message || "mocked network failure");
  if (r.fail === "ssl") throw mockError("ssl", "mocked TLS failure");
  const p = await mockAnswer(rec, r, mockRequestObject(rec, call));
  if (rec.done) return null;
  return mockResponse(rec, p, r.fail === "reset");
}
// a fake WebSocket for a socket rule: "echo" or the rule's peer function
function mockSocket(s, r) {
  const ws = { readyState: 0, protocol: "", binaryType: "arraybuffer", onopen: null, onmessage: null, onerror: null, onclose: null };
  const peerMsg = [], peerClose = [];
  const copy = function (d) { return typeof d === "string" ? d : ArrayBuffer.isView(d) ? d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength) : d.slice(0); };
  const closeAll = function (code, reason, byPeer) {
    if (ws.readyState >= 2) return;
    ws.readyState = 2;
    later(function () {
      ws.readyState = 3;
      if (!byPeer) for (const f of peerClose.slice()) call(f, { code: code, reason: reason }, "mock peer onClose");
      if (ws.onclose) ws.onclose({ code: code, reason: reason });
    });
  };
  const peer = {
    send: function (d) { if (ws.readyState === 1) { const c = copy(d); later(function () { if (ws.readyState === 1 && ws.onmessage) ws.onmessage({ data: c }); }); } },
    close: function (code, reason) { closeAll(code === undefined ? 1000 : code, reason === undefined ? "" : String(reason), true); },
    onMessage: function (f) { if (typeof f === "function") peerMsg.push(f); },
    onClose: function (f) { if (typeof f === "function") peerClose.push(f); },
  };
  ws.send = function (d) {
    if (ws.readyState !== 1) throw new DOMException("Still in CONNECTING state.", "InvalidStateError");
    const c = copy(d);
    later(function () { for (const f of peerMsg.slice()) call(f, c, "mock peer onMessage"); });
  };
  ws.close = function (code, reason) { closeAll(code === undefined ? 1005 : code, reason || "", false); };
  const open = function () {
    if (ws.readyState !== 0) return;
    ws.readyState = 1;
    if (r.socket === "echo") peer.onMessage(function (d) { peer.send(d); });
    else { try { r.socket(peer); } catch (e) { console.error("wxsim: a mock socket's peer function threw:", e); } }
    if (ws.onopen) ws.onopen({});
  };
  if (r.delayMs > 0) setTimer("mockopen" + s.id, r.delayMs, open); else later(open);
  return ws;
}

transports[VIA_MOCK] = {
  xhr: false,
  ready: function () { return null; },
  fetch: function (rec, cx, call) { return mockHead(rec, call); },
  release: function () {},
  // uploads and downloads go through upload/download below, never an XHR
  openXHR: function () { throw mockError("network", "no XHR for a mocked task"); },
  headXHR: function () { return false; },
  finalURL: function () { return ""; },
  watchUpload: function () { return null; },
  socket: function (s, call, arm) {
    const m = s.mock;
    arm();
    sockConnect(s, call.url, call.url, s.protocols, false, mockSocket(s, m.rule));
  },
  // upload answers an uploadFile from the rule: respond gets {filePath, name, formData, size}
  upload: async function (rec, call, name, path, form) {
    try {
      rec.ctrl = new AbortController();
      rec.lastProgress = -1;
      rec.t0 = now();
      const blob = files.get(path) || new Blob([]), fd = {};
      for (let i = 0; i + 1 < form.length; i += 2) fd[form[i]] = form[i + 1];
      rec.body = { filePath: path, name: name, formData: fd, size: blob.size };
      const resp = await mockHead(rec, call);
      if (resp === null || rec.done) return;
      rec.t1 = now();
      emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: [] });
      if (rec.done) return;
      const text = await resp.text();
      if (rec.done) return;
      progress(rec, blob.size, blob.size, "totalBytesSent", "totalBytesExpectedToSend", true); // spec §5.3
      rec.text = text;
      rec.t2 = now();
      enter(EV_DONE, rec, rec.status, rec.ctype);
    } catch (e) {
      failTask(rec, e, call.url);
    }
  },
};

Object.assign(glue, {
  // mockAdd adds a rule: its id, or {error} (a TypeError's message)
  mockAdd: function (r) {
    const bad = mockCheck(r);
    if (bad) return { error: bad };
    const id = "mock-" + (++mockSeq);
    const m = { id: id, api: r.api === undefined ? "request" : r.api, rule: r, re: typeof r.url === "string" ? globRE(r.url) : null,
      left: r.times, replay: r.har !== undefined ? harReplay(r) : null };
    mockRules.unshift(m);
    return { id: id };
  },
  mockRemove: function (id) {
    const i = mockRules.findIndex(function (m) { return m.id === id; });
    if (i >= 0) mockRules.splice(i, 1);
    return i >= 0;
  },
  mockClear: function () { mockRules.length = 0; },
  mockCount: function () { return mockRules.length; },
  mockList: function () {
    return mockRules.map(function (m) {
      if (m.replay) return { id: m.id, har: m.rule.har, notFound: m.replay.notFound };
      return Object.assign({ id: m.id }, m.rule, { api: m.api }, m.left !== undefined ? { times: m.left } : {});
    });
  },
  // mockMatch: the rule for task id's call as it will be sent, taken by the task (its
  // times counted), or false
  mockMatch: function (id, api, url, method) {
    const m = mockMatchRule(api, url, method);
    if (m === null) return false;
    mockUse(m);
    const rec = api === "connectSocket" ? socks.get(id) : recs.get(id);
    if (rec) rec.mock = m;
    return true;
  },
});
