// wxsim jsbridge glue. Mechanical browser work for the Go runtime: task records, fetch
// with AbortController and streamed chunks, TextDecoder/JSON.parse, timers, listener lists,
// and asynchronous callback delivery with throws caught. No wx rules live here: Go (package
// sim via wasm/runtime) decides every outcome, and this file carries it out.
// Go is entered through `dispatch(ev, id, a, b)` only when a task is created, aborted,
// times out, is redirected, ends or fails: through the wasm export wxsim_dispatch when the
// loader handed over the instance's exports (~10x cheaper than a js.Func call), else
// through the js.Func `func`.
"use strict";
const func = arguments[0], exports = arguments[1], gid = arguments[2], guard = arguments[3];
const slot = { a: undefined, b: undefined, u: undefined }; // u: an unreadable option Go met (UNREADABLE)
let kick = false;
// A wasm export runs Go synchronously but does not let Go's other goroutines (finalizers
// of JS references among them) run; one js.Func call shortly after a burst does.
function resume() { kick = false; func(0, 0); }
const dispatch = exports && exports.wxsim_dispatch ? function (ev, id, a, b) {
  slot.a = a; slot.b = b;
  const r = exports.wxsim_dispatch(gid, ev, id);
  slot.a = undefined; slot.b = undefined;
  if (!kick) { kick = true; setTimeout(resume, 50); }
  return r === 1 ? true : r === UNREADABLE ? UNREADABLE : false;
} : func;
// UNREADABLE is Go's answer when an option it read threw (slot.u: [field, message]).
const UNREADABLE = 2;
const EV_CALL = 1, EV_ABORT = 2, EV_TIMER = 3, EV_REDIRECT = 4, EV_DONE = 5, EV_ERROR = 6;
const EV_SOPEN = 7, EV_SCLOSED = 8, EV_SCLOSE = 9, EV_SSEND = 10, EV_SERROR = 11, EV_LOADED = 12;
const EV_SYNC = 13, EV_UNREADABLE = 14;
const BODY_RAW = 1, BODY_JSON = 2, BODY_FORM = 3;
const PROFILE_KEYS = ["redirectStart", "redirectEnd", "fetchStart", "domainLookupStart",
  "domainLookupEnd", "connectStart", "connectEnd", "SSLconnectionStart", "SSLconnectionEnd",
  "requestStart", "requestEnd", "responseStart", "responseEnd", "rtt", "estimate_nettype",
  "httpRttEstimate", "transportRttEstimate", "downstreamThroughputKbpsEstimate",
  "throughputKbps", "peerIP", "port", "protocol", "socketReused", "sendBytesCount",
  "receivedBytedCount"];

const recs = new Map();      // task id → record
const timers = new Map();    // timer id → setTimeout handle
const lists = Object.create(null); // global listener lists by name (AppHide, AppShow, Error)
let nextId = 1;
let promiseStyle = true;

// ---- delivery: every user callback runs on a microtask, each under its own guard.
const queue = [];
let flushing = false;
function later(f) {
  queue.push(f);
  if (!flushing) { flushing = true; queueMicrotask(flush); }
}
function flush() {
  flushing = false;
  const q = queue.splice(0);
  for (const f of q) f();
}
function report(e, where) {
  console.error("wxsim: a callback threw in " + where + ":", e);
  const ls = lists.Error;
  if (!ls) return;
  const msg = e && e.stack ? String(e.stack) : String(e);
  for (const l of ls.slice()) {
    try { l(msg); } catch (e2) { console.error("wxsim: wx.onError listener threw:", e2); }
  }
}
// Every user value is read through guard (guard.js): a read that throws becomes the
// guard's unreadable error, and the call fails (spec §1.5) instead of throwing.
const field = guard.get, tag = guard.tag;
function call(fn, arg, where) {
  if (typeof fn !== "function") return;
  try { fn(arg); } catch (e) { report(e, where); }
}

// ---- task records
// newRec makes the record of one call. Its callbacks are read once, now; one that cannot
// be read leaves rec.bad set, and the call fails (start) with the others still called.
function newRec(api, opts) {
  const rec = { id: nextId++, api: api, done: false, ls: null, ctrl: null,
    body: undefined, buf: null, status: 0, header: null, t0: 0, t1: 0, t2: 0,
    resolve: null, reject: null, success: undefined, fail: undefined, complete: undefined, bad: null };
  recs.set(rec.id, rec);
  for (const k of ["success", "fail", "complete"]) {
    try { rec[k] = field(opts, k); } catch (e) { rec.bad = rec.bad || e; }
  }
  return rec;
}
// start enters Go with the call of rec (EV_CALL, or another event a with its options),
// unless reading its callbacks failed: then it fails at once as an unreadable option.
function start(ev, rec, a, b) {
  if (rec.bad) { refuse(rec, rec.bad); return; }
  enter(ev, rec, a, b);
}
// guarded runs f, which reads user values for rec; an unreadable one fails the call.
function guarded(rec, f) {
  try { f(); } catch (e) {
    if (!guard.isUnreadable(e)) throw e;
    refuse(rec, e);
  }
}
// refuse fails rec for an option that threw when read: Go words the errMsg.
function refuse(rec, e) { enter(EV_UNREADABLE, rec, rec.api, [e.field, e.message]); }
// enter calls Go for rec; if Go did not answer (it crashed or threw), the task fails
// instead of hanging.
function enter(ev, rec, a, b) {
  let ok;
  try { ok = dispatch(ev, rec.id, a, b); } catch (e) { console.error("wxsim: runtime error:", e); }
  if (ok === UNREADABLE) {
    const u = slot.u;
    slot.u = undefined;
    if (!rec.done && ev !== EV_UNREADABLE) { enter(EV_UNREADABLE, rec, rec.api, u); return; }
  }
  if (ok === false) console.error("wxsim: the runtime did not handle event " + ev + " of " + rec.api);
  if (ok !== true && !rec.done) {
    settle(rec, false, { errMsg: rec.api + ":fail internal error (see console)", errno: 1 });
  }
}
function settle(rec, ok, res) {
  if (rec.done) return;
  rec.done = true;
  recs.delete(rec.id);
  clearTimer(rec.id);
  rec.ctrl = null; rec.buf = null; rec.body = undefined; rec.ls = null; rec.xhr = null; rec.blob = null; rec.text = null;
  later(function () {
    if (rec.resolve) { (ok ? rec.resolve : rec.reject)(res); return; }
    call(ok ? rec.success : rec.fail, res, rec.api + (ok ? " success" : " fail"));
    call(rec.complete, res, rec.api + " complete");
  });
}
function taskListeners(t, rec, kinds) {
  for (const k of kinds) {
    t["on" + k] = function (cb) {
      if (typeof cb !== "function" || rec.done) return;
      if (!rec.ls) rec.ls = Object.create(null);
      (rec.ls[k] || (rec.ls[k] = [])).push(cb);
    };
    t["off" + k] = function (cb) {
      const ls = rec.ls && rec.ls[k];
      if (!ls) return;
      if (cb === undefined) { ls.length = 0; return; }
      const i = ls.indexOf(cb);
      if (i >= 0) ls.splice(i, 1);
    };
  }
}
function emitTask(rec, k, payload) {
  const ls = rec.ls && rec.ls[k];
  if (!ls || ls.length === 0) return;
  for (const f of ls.slice()) { if (!rec.done) call(f, payload, "on" + k); }
}

// ---- transport: fetch
function now() { return performance.timeOrigin + performance.now(); }
function headersObject(h) {
  const o = {};
  h.forEach(function (v, k) { o[k] = v; });
  return o;
}
async function readChunks(rec, body) {
  const reader = body.getReader();
  const parts = [];
  let n = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    if (rec.done) { reader.cancel().catch(function () {}); return null; }
    const v = r.value;
    parts.push(v);
    n += v.byteLength;
    const ab = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v.buffer : v.slice().buffer;
    emitTask(rec, "ChunkReceived", { data: ab });
  }
  const all = new Uint8Array(n);
  let off = 0;
  for (const p of parts) { all.set(p, off); off += p.byteLength; }
  return all.buffer;
}
async function run(rec, url, method, headers, chunked, manual) {
  let lane = null;
  try {
    rec.ctrl = new AbortController();
    rec.t0 = now();
    const s = relay ? await relaySession() : null;
    if (rec.done) return;
    let resp, ctype;
    if (s) {
      lane = relayLane();
      resp = await fetch(lane.url, { method: "POST", body: rec.body, signal: rec.ctrl.signal,
        headers: relayHeaders(s, { api: "request", url: url, method: method, header: pairs(headers), redirect: manual ? "manual" : "follow" }) });
      rec.body = undefined;
      if (rec.done) return;
      const kind = resp.headers.get("X-Wxsim-Error");
      if (kind) throw relayError(kind, await resp.text());
      ctype = relayHead(rec, resp.headers.get("X-Wxsim-Meta"));
    } else {
      const h = new Headers();
      for (let i = 0; i + 1 < headers.length; i += 2) h.append(headers[i], headers[i + 1]);
      resp = await fetch(url, { method: method, headers: h, body: rec.body,
        signal: rec.ctrl.signal, redirect: manual ? "manual" : "follow" });
      rec.body = undefined;
      if (rec.done) return;
      if (resp.type === "opaqueredirect") { enter(EV_ERROR, rec, "OpaqueRedirect", ""); return; }
      if (resp.redirected) { enter(EV_REDIRECT, rec, resp.url); if (rec.done) return; }
      rec.status = resp.status;
      rec.header = headersObject(resp.headers);
      ctype = resp.headers.get("content-type") || "";
    }
    rec.t1 = now();
    emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies || [] });
    if (rec.done) return;
    const buf = chunked && resp.body ? await readChunks(rec, resp.body) : await resp.arrayBuffer();
    if (rec.done) return;
    rec.buf = buf;
    rec.t2 = now();
    if (lane) { lane.done(); lane = null; } // free before Go may start the next task
    enter(EV_DONE, rec, rec.status, ctype);
  } catch (e) {
    failTask(rec, e, url);
  } finally {
    if (lane) lane.done();
  }
}
// failTask fails rec with a thrown error: its name and message go to Go (sim.TransportError);
// a relay error also puts its precise cause in the console (spec §9).
function failTask(rec, e, url) {
  if (rec.done) return;
  const name = e && typeof e === "object" ? String(e.name) : "Error";
  const msg = e && typeof e === "object" ? String(e.message) : String(e);
  if (name.startsWith("relay-")) console.warn("wxsim: " + rec.api + " " + url + " through the relay: " + msg);
  if (name === "relay-session" || name === "relay-token") relayReset();
  enter(EV_ERROR, rec, name, msg);
}

// ---- relay transport (spec §9): the same tasks through the native relay; the protocol is
// described in package sim/relay. relay is null for the direct browser transport.
let relay = null;
function setRelay(base, token, cfg) {
  if (!base) { relay = null; return; }
  const r = { base: base.endsWith("/") ? base : base + "/", session: null, value: null, busy: 0, prog: null }; // busy: calls in flight on base; prog: relayWatch's stream
  r.alt = altBase(r.base);
  r.open = function () {
    const noToken = function (why) {
      return relayError("refused", "cannot read the token of the relay at " + r.base + " (" + why + "): it is given only to pages the relay serves; pass relayToken");
    };
    const tok = token ? Promise.resolve(token) : fetch(r.base + "relay/token").then(function (resp) {
      if (!resp.ok) throw noToken("HTTP " + resp.status);
      return resp.text();
    }, function (e) { throw noToken(e.message); });
    return tok.then(function (t) {
      return fetch(r.base + "relay/session", { method: "POST", headers: { "X-Wxsim-Token": t }, body: JSON.stringify(cfg) })
        .then(function (resp) {
          if (!resp.ok) return resp.text().then(function (m) { throw relayError(resp.headers.get("X-Wxsim-Error"), m); });
          return resp.json().then(function (j) { r.value = { token: t, id: j.session }; return r.value; });
        });
    }).catch(function (e) {
      if (relay === r) r.session = null; // the next task tries again (the relay may start later)
      if (!String(e.name).startsWith("relay-")) e = relayError("network", "relay " + r.base + " unreachable: " + e.message);
      throw e;
    });
  };
  relay = r;
}
// relayLane picks the origin for one relay HTTP call. Chromium opens at most 6 HTTP/1.1
// connections per host, fewer than wx's 10 transfers (spec §8.1), so a relay on loopback
// is also reached under its other loopback name (127.0.0.1 ↔ localhost, one of the
// relay's own origins) once 6 calls are in flight on the first. done() frees the lane.
const LANE_SIZE = 6;
function relayLane() {
  const r = relay, alt = r.alt !== null && r.busy >= LANE_SIZE;
  if (!alt) r.busy++;
  let freed = false;
  return { url: (alt ? r.alt : r.base) + "relay/http", done: function () {
    if (freed) return;
    freed = true;
    if (!alt) r.busy--;
  } };
}
function altBase(base) {
  const u = new URL(base);
  if (u.hostname === "127.0.0.1") u.hostname = "localhost";
  else if (u.hostname === "localhost") u.hostname = "127.0.0.1";
  else return null;
  return u.href;
}
// relayWatch calls f(sent, total) with the counts the relay reports for upload call of
// session s, until the returned function is called. The counts come on one WebSocket per
// session (relay/progress, package sim/relay), opened with the first relayed upload and
// closed when the last one ends; it takes none of Chromium's 6 HTTP connections per host.
function relayWatch(s, call, f) {
  const r = relay;
  let ch = r.prog;
  if (!ch || ch.sid !== s.id) { // a new session: the old stream ends with its uploads
    ch = { sid: s.id, calls: new Map() };
    try {
      ch.ws = new WebSocket(r.base.replace(/^http/, "ws") + "relay/progress?token=" + encodeURIComponent(s.token) +
        "&session=" + encodeURIComponent(s.id));
    } catch (e) { // no counts then: the upload still ends with its 100
      console.warn("wxsim: upload progress through the relay: " + e.message);
      return function () {};
    }
    ch.ws.onmessage = function (e) {
      let m = null;
      try { m = JSON.parse(e.data); } catch (x) { /* not ours */ }
      if (m && m.error) console.warn("wxsim: upload progress through the relay: " + m.error.message);
      const g = m && ch.calls.get(m.call);
      if (g) g(m.sent, m.total);
    };
    ch.ws.onclose = function () { if (r.prog === ch) r.prog = null; }; // the next upload opens another
    r.prog = ch;
  }
  ch.calls.set(call, f);
  return function () {
    if (ch.calls.get(call) !== f) return;
    ch.calls.delete(call);
    if (ch.calls.size > 0) return;
    if (r.prog === ch) r.prog = null;
    ch.ws.close(1000);
  };
}
// relayReset forgets the session (and a token read from the relay): after the relay
// restarted, the next call opens a new one.
function relayReset() { if (relay) { relay.session = null; relay.value = null; } }
function relaySession() {
  if (!relay.session) relay.session = relay.open();
  return relay.session;
}
function relayError(kind, msg) {
  const e = new Error(msg);
  e.name = "relay-" + (kind || "network");
  return e;
}
function relayHeaders(s, target) {
  return { "X-Wxsim-Token": s.token, "X-Wxsim-Session": s.id, "X-Wxsim-Target": encodeURIComponent(JSON.stringify(target)) };
}
function pairs(flat) {
  const out = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}
// joinHeaders makes a header object of [name, value] pairs, repeated names joined with
// ", " (spec §4.5).
function joinHeaders(list) {
  const h = {};
  for (const kv of list) h[kv[0]] = Object.prototype.hasOwnProperty.call(h, kv[0]) ? h[kv[0]] + ", " + kv[1] : kv[1];
  return h;
}
// relayHead applies the relay's X-Wxsim-Meta to rec: status, header (names as the server
// sent them, repeated ones joined with ", ", spec §4.5), cookies and the relay's profile
// timings. It returns the upstream content type.
function relayHead(rec, raw) {
  if (!raw) throw relayError("network", "the relay answered without its metadata");
  const m = JSON.parse(decodeURIComponent(raw));
  let ct = "";
  for (const kv of m.header) if (kv[0].toLowerCase() === "content-type") ct = kv[1];
  rec.status = m.status; rec.header = joinHeaders(m.header); rec.cookies = m.cookies; rec.prof = m.profile;
  return ct;
}
// withSession runs f(session) for the relay, or f(null) for the direct transport; a relay
// session that cannot be opened fails the task.
function withSession(rec, url, f) {
  if (!relay) { f(null); return; }
  relaySession().then(function (s) { if (!rec.done) f(s); }, function (e) { failTask(rec, e, url); });
}
// xhrOpen opens xhr for a transfer: to url directly, or to the relay with target.
function xhrOpen(xhr, s, method, url, headers, target) {
  if (s) {
    const lane = relayLane();
    try {
      xhr.open("POST", lane.url);
      const h = relayHeaders(s, target);
      for (const k in h) xhr.setRequestHeader(k, h[k]);
    } catch (e) { lane.done(); throw e; }
    xhr.addEventListener("loadend", lane.done);
    return;
  }
  xhr.open(method, url);
  for (let i = 0; i + 1 < headers.length; i += 2) xhr.setRequestHeader(headers[i], headers[i + 1]);
}
// xhrHead reads the response head into rec (status, header, cookies, ctype); for a relay
// error answer it records the kind and returns false (the message is the body).
function xhrHead(rec, xhr, s) {
  if (!s) {
    rec.status = xhr.status; rec.header = xhrHeaders(xhr); rec.cookies = [];
    rec.ctype = xhr.getResponseHeader("content-type") || "";
    return true;
  }
  const kind = xhr.getResponseHeader("X-Wxsim-Error");
  if (kind) { rec.relayErr = kind; return false; }
  try { rec.ctype = relayHead(rec, xhr.getResponseHeader("X-Wxsim-Meta")); } catch (e) {
    rec.relayErr = "network"; rec.relayMsg = "the relay answered without readable metadata";
    return false;
  }
  return true;
}
function setTimer(id, ms) {
  clearTimer(id);
  timers.set(id, setTimeout(function () {
    timers.delete(id);
    try { dispatch(EV_TIMER, id); } catch (e) { console.error("wxsim: runtime error:", e); }
  }, ms));
}
function clearTimer(id) {
  const t = timers.get(id);
  if (t !== undefined) { clearTimeout(t); timers.delete(id); }
}
function clean(s) { return s.indexOf("\0") < 0 ? s : s.replace(/\0/g, "\ufffd"); }
function str(v) { return typeof v === "string" ? clean(v) : ""; }
function parseURL(raw) {
  let u;
  try { u = new URL(raw); } catch (e) { return ""; }
  const deep = (u.pathname !== "/" && u.pathname !== "") || u.search !== "" || u.hash !== "";
  return u.protocol.slice(0, -1) + "\n" + u.hostname + "\n" + u.port + "\n" +
    (u.username !== "" || u.password !== "" ? 1 : 0) + "\n" + (deep ? 1 : 0);
}
function dataKind(v) {
  if (v === undefined || v === null) return 0;
  if (typeof v === "string") return 1;
  if (guard.isBytes(v, "data")) return 2;
  return typeof v === "object" ? 3 : 4;
}
// ---- sockets: a record per SocketTask; frames and events stay in JS. Go hears of the
// handshake, the close event, close() calls and failing sends only.
const socks = new Map();
let latestSock = 0;
function sockTimer(id) { return -id - 1; } // timer ids of handshakes (sim.SocketTimer)
function emitSock(s, k, payload) {
  const ls = s.ls[k];
  if (ls) for (const f of ls.slice()) call(f, payload, "SocketTask.on" + k);
  if (s.id === latestSock) {
    const g = lists["Socket" + k];
    if (g) for (const f of g.slice()) call(f, payload, "wx.onSocket" + k);
  }
}
function sockTask(id) {
  const s = { id: id, ws: null, ls: Object.create(null), failed: false, closed: false, task: null };
  socks.set(id, s);
  const t = {
    send: function (o) { sockSend(s, o, "sendSocketMessage"); },
    close: function (o) { start(EV_SCLOSE, newRec("closeSocket", o), id, o); },
  };
  for (const k of ["Open", "Message", "Error", "Close"]) {
    t["on" + k] = function (cb) { if (typeof cb === "function") (s.ls[k] || (s.ls[k] = [])).push(cb); };
    t["off" + k] = function (cb) {
      const ls = s.ls[k];
      if (!ls) return;
      if (cb === undefined) { ls.length = 0; return; }
      const i = ls.indexOf(cb);
      if (i >= 0) ls.splice(i, 1);
    };
  }
  s.task = t;
  return s;
}
function sockSend(s, o, api) {
  const rec = newRec(api, o);
  if (rec.bad) { refuse(rec, rec.bad); return; }
  guarded(rec, function () {
    const data = field(o, "data"), type = tag(data, "data");
    const connected = s && s.ws && s.ws.readyState === 1 && !s.failed && (!s.relay || s.up);
    const okData = typeof data === "string" || guard.isBytes(data, "data");
    if (!connected || !okData) { enter(EV_SSEND, rec, connected ? 1 : 0, type); return; }
    try { s.ws.send(data); } catch (e) { enter(EV_SSEND, rec, 0, type); return; }
    settle(rec, true, { errMsg: api + ":ok" });
  });
}
// sockEnd forgets socket s and closes its WebSocket without further events.
function sockEnd(s) {
  const ws = s.ws;
  socks.delete(s.id);
  clearTimer(sockTimer(s.id));
  if (ws) {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    if (ws.readyState === 0 || ws.readyState === 1) { try { ws.close(); } catch (e) { /* closing anyway */ } }
  }
}
// sockConnect opens socket s's WebSocket: to url directly, or through the relay (r: the
// session and the user's headers as flat name/value pairs, planned by Go), whose first
// frame says whether the upstream opened.
function sockConnect(s, url, protocols, r) {
  const id = s.id;
  let wsURL = url;
  if (r) {
    const target = { api: "connectSocket", url: url, header: pairs(r.headers), protocols: protocols || [] };
    wsURL = relay.base.replace(/^http/, "ws") + "relay/ws?token=" + encodeURIComponent(r.sess.token) +
      "&session=" + encodeURIComponent(r.sess.id) + "&target=" + encodeURIComponent(JSON.stringify(target));
    s.relay = true;
  }
  const ws = protocols === undefined ? new WebSocket(wsURL) : new WebSocket(wsURL, protocols);
  ws.binaryType = "arraybuffer";
  s.ws = ws;
  if (s.pendingClose) ws.close(s.pendingClose[0], s.pendingClose[1]); // closed while connecting, as in the browser
  const opened = function (header) {
    s.up = true;
    clearTimer(sockTimer(id));
    dispatch(EV_SOPEN, id);
    emitSock(s, "Open", { header: header, profile: {} });
  };
  ws.onopen = function () { if (!s.relay) opened({}); };
  ws.onmessage = function (e) {
    if (s.relay && !s.up) { // the relay's control frame
      let c = null;
      try { c = JSON.parse(e.data); } catch (err) { /* not a control frame */ }
      if (c && c.open) {
        opened(joinHeaders(c.open.header));
      } else { // the upstream handshake failed: onError now, onClose (1006) when the relay drops
        const err = c && c.error ? c.error : { kind: "network", message: "the relay sent no control frame" };
        console.warn("wxsim: connectSocket " + url + " through the relay: " + err.message);
        if (err.kind === "session" || err.kind === "token") relayReset();
        s.relayErr = true;
        dispatch(EV_SERROR, id, err.kind, err.message);
      }
      return;
    }
    emitSock(s, "Message", { data: e.data });
  };
  ws.onerror = function () { if (!s.failed && !s.relayErr) dispatch(EV_SERROR, id); };
  ws.onclose = function (e) { sockClosed(s, e.code, e.reason); };
}
// relaySockFail ends socket s whose relay session could not be opened as a failed
// handshake does: onError with the reason, then onClose 1006, in that order.
function relaySockFail(s, e, url) {
  const kind = String(e.name).startsWith("relay-") ? String(e.name).slice(6) : "network";
  console.warn("wxsim: connectSocket " + url + " through the relay: " + e.message);
  s.relayErr = true;
  dispatch(EV_SERROR, s.id, kind, String(e.message)); // Go delivers onError on a microtask
  later(function () { sockClosed(s, 1006, ""); });
}
// checkProtocols throws the SyntaxError new WebSocket(url, protocols) would: the relay
// transport creates its WebSocket later, once its session is open.
function checkProtocols(list) {
  if (list === undefined) return;
  const seen = new Set();
  for (const x of list) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(x) || seen.has(x)) {
      throw new DOMException("Failed to construct 'WebSocket': The subprotocol '" + x + "' is invalid.", "SyntaxError");
    }
    seen.add(x);
  }
}
// sockClosed ends socket s: onClose, then Go learns it closed.
function sockClosed(s, code, reason) {
  socks.delete(s.id);
  clearTimer(sockTimer(s.id));
  emitSock(s, "Close", { code: code, reason: reason });
  s.ls = Object.create(null);
  dispatch(EV_SCLOSED, s.id);
}
// ---- file bytes: canonical path → Blob (package sim keeps the metadata and decides).
// Saved (http://store) and user (http://usr) files persist in IndexedDB, one database per
// appId, one record per path: {path, size, isDir, ctime, mtime} (Go's metadata) and, for
// a file, its blob. Go hands persist only the paths a change touched (sim.FS.TakeChanges).
// The first layout kept all metadata in one record "#index" (rewritten on every change)
// and {path, blob} records; load migrates it.
const files = new Map();
function persistent(path) { return path.startsWith("http://usr/") || path.startsWith("http://store/"); }
function fileRecord(c, blobs) {
  const r = { path: c.path, size: c.size, isDir: c.isDir, ctime: c.ctime, mtime: c.mtime };
  const b = c.isDir ? undefined : (blobs || files).get(c.path);
  if (b) r.blob = b;
  return r;
}
function readAll(db) {
  return new Promise(function (resolve, reject) {
    const req = db.transaction(["files"], "readonly").objectStore("files").getAll();
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
}
// migrate rewrites a database of the first layout as one record per path, in one
// transaction (a blob without an index entry was unreachable and goes), and resolves with
// the new records; any other database's records resolve unchanged.
function migrate(db, records) {
  const index = records.find(function (r) { return r.path === "#index"; });
  if (!index) return Promise.resolve(records);
  const blobs = new Map();
  for (const r of records) if (r.blob) blobs.set(r.path, r.blob);
  const out = (Array.isArray(index.entries) ? index.entries : []).map(function (e) {
    return fileRecord({ path: String(e.path), size: e.size, isDir: !!e.isDir, ctime: e.ctime, mtime: e.mtime }, blobs);
  });
  return new Promise(function (resolve, reject) {
    const tx = db.transaction(["files"], "readwrite"), st = tx.objectStore("files");
    st.clear();
    for (const r of out) st.put(r);
    tx.oncomplete = function () { resolve(out); };
    tx.onerror = tx.onabort = function () { reject(tx.error); };
  });
}
// packRecords packs the records' metadata for Go (see EvLoaded in glue_js.go).
function packRecords(records) {
  const enc = new TextEncoder(), nums = new Float64Array(records.length * 5);
  const num = function (x) { return typeof x === "number" && isFinite(x) ? x : 0; };
  let cap = 0, off = 0;
  for (const r of records) cap += String(r.path).length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
  const bytes = new Uint8Array(cap);
  records.forEach(function (r, i) {
    const w = enc.encodeInto(String(r.path), bytes.subarray(off)).written;
    off += w;
    nums[5 * i] = w; nums[5 * i + 1] = num(r.size); nums[5 * i + 2] = r.isDir === true ? 1 : 0;
    nums[5 * i + 3] = num(r.ctime); nums[5 * i + 4] = num(r.mtime);
  });
  return [bytes.subarray(0, off), new Uint8Array(nums.buffer)];
}
let dbName = "", dbPromise = null, dbWarned = false;
function openDB() {
  if (!dbPromise) {
    dbPromise = new Promise(function (resolve, reject) {
      if (typeof indexedDB === "undefined") { reject(new Error("IndexedDB is not available")); return; }
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("files", { keyPath: "path" }); };
      req.onsuccess = function () {
        const db = req.result;
        // another tab deleting or upgrading the database must not wait for this one
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = function () { reject(req.error); };
      req.onblocked = function () { reject(new Error("IndexedDB is blocked by another tab")); };
    });
  }
  return dbPromise;
}
function noDB(e) {
  if (!dbWarned) { dbWarned = true; console.warn("wxsim: saved and user files will not survive a reload: " + e); }
}

// byte/string conversions of the file system manager's encodings (node's semantics; the
// canonical names come from sim.Encoding.String).
function latin1(u8) {
  let out = "";
  for (let i = 0; i < u8.length; i += 8192) out += String.fromCharCode.apply(null, u8.subarray(i, i + 8192));
  return out;
}
function bytesToString(u8, enc) {
  switch (enc) {
    case "utf8": return new TextDecoder("utf-8", { ignoreBOM: true }).decode(u8);
    case "utf16le": return new TextDecoder("utf-16le", { ignoreBOM: true }).decode(u8.subarray(0, u8.length & ~1)); // node drops an odd last byte
    case "latin1": return latin1(u8);
    case "ascii": return latin1(u8.map(function (b) { return b & 0x7f; }));
    case "hex": { let h = ""; for (const b of u8) h += (b < 16 ? "0" : "") + b.toString(16); return h; }
    case "base64": return btoa(latin1(u8));
  }
  return "";
}
function stringToBytes(s, enc) {
  switch (enc) {
    case "utf16le": { const u = new Uint8Array(s.length * 2); for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); u[2 * i] = c & 0xff; u[2 * i + 1] = c >> 8; } return u; }
    case "latin1": case "ascii": { const u = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 0xff; return u; }
    case "hex": { const n = s.length >> 1, u = []; for (let i = 0; i < n; i++) { const b = parseInt(s.substr(2 * i, 2), 16); if (Number.isNaN(b)) break; u.push(b); } return new Uint8Array(u); }
    case "base64": { const t = atob(s.replace(/-/g, "+").replace(/_/g, "/").replace(/[^A-Za-z0-9+/]/g, "").replace(/^(.*?)(.{2,3})?$/, function (m) { return m + "===".slice((m.length + 3) % 4); })); return stringToBytes(t, "latin1"); }
  }
  return new TextEncoder().encode(s);
}

// md5hex is RFC 1321 MD5 (WebCrypto has no MD5; getFileInfo's default digest needs it).
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = new Int32Array(64);
for (let i = 0; i < 64; i++) MD5_K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
function hexOf(u8) { let h = ""; for (const b of u8) h += (b < 16 ? "0" : "") + b.toString(16); return h; }
function md5hex(u8) {
  const n = u8.length, total = (Math.floor((n + 8) / 64) + 1) * 64;
  const buf = new Uint8Array(total);
  buf.set(u8);
  buf[n] = 0x80;
  const dv = new DataView(buf.buffer);
  dv.setUint32(total - 8, (n * 8) >>> 0, true);
  dv.setUint32(total - 4, Math.floor(n / 0x20000000), true);
  let a0 = 0x67452301, b0 = 0xefcdab89 | 0, c0 = 0x98badcfe | 0, d0 = 0x10325476;
  const M = new Int32Array(16);
  for (let off = 0; off < total; off += 64) {
    for (let j = 0; j < 16; j++) M[j] = dv.getInt32(off + 4 * j, true);
    let A = a0, B = b0, C = c0, D = d0;
    for (let i = 0; i < 64; i++) {
      let F, g;
      if (i < 16) { F = (B & C) | (~B & D); g = i; }
      else if (i < 32) { F = (D & B) | (~D & C); g = (5 * i + 1) & 15; }
      else if (i < 48) { F = B ^ C ^ D; g = (3 * i + 5) & 15; }
      else { F = C ^ (B | ~D); g = (7 * i) & 15; }
      F = (F + A + MD5_K[i] + M[g]) | 0;
      const s = MD5_S[(i >> 4) * 4 + (i & 3)];
      A = D; D = C; C = B;
      B = (B + ((F << s) | (F >>> (32 - s)))) | 0;
    }
    a0 = (a0 + A) | 0; b0 = (b0 + B) | 0; c0 = (c0 + C) | 0; d0 = (d0 + D) | 0;
  }
  const out = new DataView(new ArrayBuffer(16));
  out.setInt32(0, a0, true); out.setInt32(4, b0, true); out.setInt32(8, c0, true); out.setInt32(12, d0, true);
  return hexOf(new Uint8Array(out.buffer));
}

// pendingData holds the bytes of a …Sync write between prepareData and commitData.
const pendingData = { blob: null };
function makeStats(size, isDir, mode, atime, mtime) {
  return { size: size, mode: mode, lastAccessedTime: atime, lastModifiedTime: mtime,
    isFile: function () { return !isDir; }, isDirectory: function () { return isDir; } };
}

// ---- uploadFile: XMLHttpRequest (fetch cannot report upload progress), multipart built
// by the browser's FormData so the boundary is always right.
function progress(rec, done, total, sentKey, totalKey, final) {
  const p = final ? 100 : total > 0 ? Math.min(100, Math.floor(done * 100 / total)) : 0;
  if (p < rec.lastProgress) return;
  rec.lastProgress = p;
  const ev = { progress: p };
  ev[sentKey] = done; ev[totalKey] = total;
  emitTask(rec, "ProgressUpdate", ev);
}
function xhrHeaders(xhr) {
  const o = {};
  for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
    const i = line.indexOf(":");
    if (i > 0) o[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return o;
}
// Through the relay, XHR's upload progress measures only the loopback hop to the relay,
// whose socket buffers take megabytes at once: the progress events follow the bytes the
// relay reports sent upstream instead (relayWatch), and the count in the answer's head.
function runUpload(rec, url, headers, name, path, form, s) {
  const blob = files.get(path);
  const fd = new FormData();
  for (let i = 0; i + 1 < form.length; i += 2) fd.append(form[i], form[i + 1]);
  fd.append(name, blob, path.slice(path.lastIndexOf("/") + 1));
  const xhr = new XMLHttpRequest();
  rec.xhr = xhr;
  rec.lastProgress = -1;
  rec.t0 = now();
  const call = String(rec.id);
  xhrOpen(xhr, s, "POST", url, headers, { api: "uploadFile", url: url, header: pairs(headers), form: true, call: call });
  let total = blob.size, sent = 0;
  const relayed = function (n, t) { // the relay's count of bytes sent upstream
    if (rec.done || !(n >= sent)) return;
    sent = n;
    if (t > 0) total = t;
    progress(rec, n, total, "totalBytesSent", "totalBytesExpectedToSend");
  };
  xhr.upload.onprogress = function (e) {
    if (rec.done) return;
    if (e.lengthComputable) total = e.total;
    if (!s) progress(rec, e.loaded, total, "totalBytesSent", "totalBytesExpectedToSend");
  };
  xhr.onreadystatechange = function () {
    if (xhr.readyState === 2 && !rec.done && xhrHead(rec, xhr, s)) {
      if (s && rec.prof) relayed(rec.prof.sendBytesCount, -1);
      emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies });
    }
  };
  xhr.onload = function () {
    if (rec.done) return;
    if (rec.relayErr) { failTask(rec, relayError(rec.relayErr, rec.relayMsg || xhr.responseText), url); return; }
    if (rec.lastProgress < 100) progress(rec, total, total, "totalBytesSent", "totalBytesExpectedToSend", true); // spec §5.3
    rec.text = xhr.responseText;
    rec.t2 = now();
    enter(EV_DONE, rec, rec.status, rec.ctype);
  };
  xhr.onerror = function () { if (!rec.done) enter(EV_ERROR, rec, "TypeError", "Failed to upload"); };
  if (s) xhr.addEventListener("loadend", relayWatch(s, call, relayed));
  xhr.send(fd);
}

// ---- downloadFile: XMLHttpRequest with responseType "blob": the browser writes the
// body into a Blob and reports progress itself, so the bytes never pass through page
// JavaScript (measured faster than a counting TransformStream, and no heap growth); the
// size cap is checked on content-length and on every progress event.
function runDownload(rec, url, headers, cap, s) {
  const xhr = new XMLHttpRequest();
  rec.xhr = xhr;
  rec.lastProgress = -1;
  rec.t0 = now();
  xhrOpen(xhr, s, "GET", url, headers, { api: "downloadFile", url: url, header: pairs(headers) });
  xhr.responseType = "blob";
  let total = 0;
  const exceed = function () { xhr.abort(); if (!rec.done) enter(EV_ERROR, rec, "ExceedSize", ""); };
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 2 || rec.done) return;
    rec.t1 = now();
    if (!s && xhr.responseURL && xhr.responseURL !== url) { enter(EV_REDIRECT, rec, xhr.responseURL); if (rec.done) return; }
    if (!xhrHead(rec, xhr, s)) return;
    total = Number(xhr.getResponseHeader("content-length")) || 0;
    if (total > cap) { exceed(); return; }
    emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies });
    if (!rec.done) progress(rec, 0, total, "totalBytesWritten", "totalBytesExpectedToWrite");
  };
  xhr.onprogress = function (e) {
    if (rec.done || rec.relayErr) return;
    if (e.loaded > cap) { exceed(); return; }
    if (total > 0) progress(rec, e.loaded, total, "totalBytesWritten", "totalBytesExpectedToWrite");
  };
  xhr.onload = function () {
    if (rec.done) return;
    const blob = xhr.response || new Blob([]);
    if (rec.relayErr) {
      if (rec.relayMsg) { failTask(rec, relayError(rec.relayErr, rec.relayMsg), url); return; }
      blob.text().then(function (m) { failTask(rec, relayError(rec.relayErr, m), url); });
      return;
    }
    if (blob.size > cap) { exceed(); return; }
    if (rec.lastProgress < 100) progress(rec, blob.size, total, "totalBytesWritten", "totalBytesExpectedToWrite", true); // spec §5.3
    rec.blob = blob;
    rec.t2 = now();
    enter(EV_DONE, rec, rec.status, rec.ctype);
  };
  xhr.onerror = function () { if (!rec.done) enter(EV_ERROR, rec, "TypeError", "Failed to download"); };
  xhr.send();
}
const decoders = new Map();
function decoder(label) {
  let d = decoders.get(label);
  if (d) return d;
  try { d = new TextDecoder(label); } catch (e) { d = new TextDecoder("utf-8"); }
  decoders.set(label, d);
  return d;
}
function profile(rec) {
  const p = {};
  for (const k of PROFILE_KEYS) p[k] = 0;
  p.fetchStart = rec.t0; p.requestStart = rec.t0; p.responseStart = rec.t1; p.responseEnd = rec.t2;
  p.receivedBytedCount = rec.buf ? rec.buf.byteLength : rec.blob ? rec.blob.size : 0;
  p.estimate_nettype = 1;
  p.peerIP = ""; p.protocol = "";
  if (rec.prof) { // the relay's measurements (spec §9): DNS, connect, TLS, first byte, peer
    for (const k of PROFILE_KEYS) { const v = rec.prof[k]; if (v !== undefined && v !== 0 && v !== "") p[k] = v; }
  }
  return p;
}
// formEncode is spec §4.4's k=v&... encoding. sim.PlanBody decides when it applies; the
// per-value conversions (undefined skipped, null → "null", objects JSON.stringify'd, the
// rest String()) are JavaScript semantics, so they run here, golden-tested from Go
// (jsbridge TestGlueForm, e2e TestRequestBodyEncoding).
function formEncode(d) {
  const out = [];
  for (const k of guard.keys(d, "data")) {
    const v = field(d, k, "data." + k);
    if (v === undefined) continue;
    const s = v === null ? "null" : typeof v === "object" ? JSON.stringify(v) : guard.str(v, "data." + k);
    out.push(encodeURIComponent(k) + "=" + encodeURIComponent(s));
  }
  return out.join("&");
}

return {
  slot: slot,
  // definitions (called once per configuration)
  defineTaskAPI: function (target, name, api, kinds) {
    target[name] = function (opts) {
      const rec = newRec(name, opts);
      const t = { abort: function () { if (!rec.done) enter(EV_ABORT, rec); } };
      taskListeners(t, rec, kinds);
      start(EV_CALL, rec, api, opts);
      return t;
    };
  },
  defineAsyncAPI: function (target, name, api) {
    target[name] = function (opts) {
      const rec = newRec(name, opts);
      let p;
      if (promiseStyle && !rec.bad && !(rec.success || rec.fail || rec.complete)) {
        p = new Promise(function (res, rej) { rec.resolve = res; rec.reject = rej; });
      }
      start(EV_CALL, rec, api, opts);
      return p;
    };
  },
  defineListeners: function (target, name) {
    const ls = lists[name] || (lists[name] = []);
    target["on" + name] = function (cb) { if (typeof cb === "function") ls.push(cb); };
    target["off" + name] = function (cb) {
      if (cb === undefined) { ls.length = 0; return; }
      const i = ls.indexOf(cb);
      if (i >= 0) ls.splice(i, 1);
    };
  },
  defineSocketAPI: function (target, api) {
    target.connectSocket = function (opts) {
      const rec = newRec("connectSocket", opts);
      const s = sockTask(rec.id);
      start(EV_CALL, rec, api, opts);
      if (!s.opening) socks.delete(s.id); // refused: no connection, no events (spec §6.1)
      return s.task;
    };
    target.sendSocketMessage = function (o) { sockSend(socks.get(latestSock), o, "sendSocketMessage"); };
    target.closeSocket = function (o) { start(EV_SCLOSE, newRec("closeSocket", o), latestSock, o); };
    for (const k of ["Open", "Message", "Error", "Close"]) {
      const ls = lists["Socket" + k] || (lists["Socket" + k] = []);
      target["onSocket" + k] = function (cb) { if (typeof cb === "function") ls.push(cb); };
    }
  },
  // readSocket also keeps the protocols of socket id as the WebSocket constructor reads
  // them (a list of strings), for sockOpen.
  readSocket: function (id, o) {
    const url = field(o, "url"), protocols = field(o, "protocols"), timeout = field(o, "timeout");
    const header = field(o, "header"), ptype = tag(protocols, "protocols");
    const s = socks.get(id);
    if (s && (ptype === "Array" || ptype === "String")) s.protocols = guard.list(protocols, "protocols");
    const parsed = typeof url === "string" && url.indexOf("\0") < 0 ? parseURL(url) : "";
    return [tag(url, "url"), str(url), ptype, typeof timeout === "number" ? String(timeout) : "", tag(header, "header"),
      header && typeof header === "object" && guard.keys(header, "header").length > 0 ? "1" : "",
      parsed === "" ? "\0\0\0\0" : parsed.split("\n").join("\0")].join("\0");
  },
  readClose: function (o) {
    const code = field(o, "code"), reason = field(o, "reason");
    return [tag(code, "code"), typeof code === "number" ? String(code) : "", tag(reason, "reason"), str(reason)].join("\0");
  },
  sockBind: function (id) { latestSock = id; },
  sockOpen: function (id, url, headers, timeoutMs) {
    const s = socks.get(id), protocols = s.protocols;
    if (!relay) { // a throw (bad protocols) refuses the task, before its timer is armed: Go fails connectSocket
      sockConnect(s, url, protocols, null);
      setTimer(sockTimer(id), timeoutMs);
      s.opening = true;
      return;
    }
    checkProtocols(protocols); // throws as new WebSocket would, before anything starts
    setTimer(sockTimer(id), timeoutMs);
    s.opening = true;
    const go = function (sess) {
      if (socks.get(id) !== s || s.failed) return;
      try { sockConnect(s, url, protocols, { sess: sess, headers: headers }); } catch (e) { relaySockFail(s, e, url); }
    };
    if (relay.value) { go(relay.value); return; }
    relaySession().then(go, function (e) { if (socks.get(id) === s && !s.failed) relaySockFail(s, e, url); });
  },
  // sockError delivers a browser error event (it carries no detail) to onError.
  sockError: function (id, errMsg) {
    const s = socks.get(id);
    if (s) later(function () { emitSock(s, "Error", { errMsg: errMsg }); });
  },
  // sockFail ends a socket for Go (handshake time-out, interruption): onError, then
  // onClose with 1006, on a microtask; the WebSocket is closed and forgotten.
  sockFail: function (id, errMsg, reason) {
    const s = socks.get(id);
    if (!s) return;
    s.failed = true;
    sockEnd(s);
    later(function () {
      emitSock(s, "Error", { errMsg: errMsg });
      emitSock(s, "Close", { code: 1006, reason: reason });
      s.ls = Object.create(null);
    });
  },
  sockDrop: function (id, code, warning) {
    const s = socks.get(id);
    if (!s) return;
    console.warn(warning);
    sockEnd(s);
    later(function () { emitSock(s, "Close", { code: code, reason: "" }); s.ls = Object.create(null); });
  },
  sockClose: function (id, code, reason) {
    const s = socks.get(id);
    if (s.ws) s.ws.close(code, reason);
    else s.pendingClose = [code, reason]; // the relay session is opening: closed once it connects
  },
  sockLive: function (id) {
    const s = socks.get(id);
    return !!(s && !s.failed && (s.ws ? s.ws.readyState < 2 : s.opening && !s.pendingClose));
  },
  setPromiseStyle: function (on) { promiseStyle = on; },
  setRelay: setRelay,
  emit: function (name, payload) {
    const ls = lists[name];
    if (!ls) return;
    for (const l of ls.slice()) later(function () { call(l, payload, "on" + name); });
  },
  clearListeners: function () { for (const k in lists) lists[k].length = 0; },
  // option reading
  parseURL: parseURL,
  // readRequest reads every scalar request option in one call (each Go→JS call costs
  // tens of µs): NUL-separated fields, see wasm/runtime request_js.go. NULs inside
  // string options become U+FFFD; a URL containing NUL does not parse.
  readRequest: function (o) {
    const url = field(o, "url"), method = field(o, "method"), header = field(o, "header");
    const data = field(o, "data"), timeout = field(o, "timeout");
    const parsed = typeof url === "string" && url.indexOf("\0") < 0 ? parseURL(url) : "";
    return [tag(url, "url"), str(url), tag(method, "method"), str(method), tag(header, "header"), dataKind(data), tag(data, "data"),
      typeof timeout === "number" ? String(timeout) : "", str(field(o, "responseType")),
      str(field(o, "dataType")), str(field(o, "redirect")), field(o, "enableChunked") === true ? "1" : "",
      parsed === "" ? "\0\0\0\0" : parsed.split("\n").join("\0")].join("\0");
  },
  headerList: function (o) {
    const h = field(o, "header"), out = [];
    if (h === null || typeof h !== "object") return out;
    for (const k of guard.keys(h, "header")) out.push(k, guard.str(field(h, k, "header." + k), "header." + k));
    return out;
  },
  dataString: function (o) { return guard.str(field(o, "data"), "data"); },
  form: function (o) { return formEncode(field(o, "data")); },
  body: function (id, enc, o) {
    const rec = recs.get(id), data = field(o, "data");
    rec.body = enc === BODY_RAW ? data : enc === BODY_JSON ? JSON.stringify(data) : formEncode(data);
  },
  // transport: fetch and arm the task's time-out (settling the task clears it)
  fetch: function (id, url, method, headers, chunked, manual, timeoutMs) {
    const rec = recs.get(id);
    if (!rec) return;
    setTimer(id, timeoutMs);
    run(rec, url, method, headers, chunked, manual);
  },
  cancel: function (id) {
    const rec = recs.get(id);
    if (rec && rec.ctrl) rec.ctrl.abort();
    if (rec && rec.xhr) rec.xhr.abort();
  },
  // readTransfer also keeps an upload's formData fields of task id as String()-converted
  // name/value pairs, read now (the task may wait in the queue).
  readTransfer: function (id, o) {
    const url = field(o, "url"), timeout = field(o, "timeout");
    const filePath = field(o, "filePath"), name = field(o, "name"), formData = field(o, "formData");
    const ftype = tag(formData, "formData"), rec = recs.get(id);
    if (rec && ftype === "Object") {
      const form = [];
      for (const k of guard.keys(formData, "formData")) form.push(k, guard.str(field(formData, k, "formData." + k), "formData." + k));
      rec.form = form;
    }
    const parsed = typeof url === "string" && url.indexOf("\0") < 0 ? parseURL(url) : "";
    return [tag(url, "url"), str(url), tag(field(o, "header"), "header"), typeof timeout === "number" ? String(timeout) : "",
      tag(filePath, "filePath"), str(filePath), tag(name, "name"), str(name),
      ftype, parsed === "" ? "\0\0\0\0" : parsed.split("\n").join("\0")].join("\0");
  },
  upload: function (id, url, headers, name, path, timeoutMs) {
    const rec = recs.get(id);
    if (!rec) return;
    setTimer(id, timeoutMs);
    const form = rec.form || [];
    withSession(rec, url, function (s) {
      try { runUpload(rec, url, headers, name, path, form, s); } catch (e) {
        Promise.resolve().then(function () { failTask(rec, e, url); });
      }
    });
  },
  download: function (id, url, headers, timeoutMs, cap) {
    const rec = recs.get(id);
    if (!rec) return;
    setTimer(id, timeoutMs);
    withSession(rec, url, function (s) {
      try { runDownload(rec, url, headers, cap, s); } catch (e) {
        Promise.resolve().then(function () { failTask(rec, e, url); });
      }
    });
  },
  taskSize: function (id) { const rec = recs.get(id); return rec && rec.blob ? rec.blob.size : 0; },
  okUpload: function (id, errMsg) {
    const rec = recs.get(id);
    if (rec) settle(rec, true, { data: rec.text, statusCode: rec.status, header: rec.header, errMsg: errMsg });
  },
  okDownload: function (id, key, path, errMsg, changes) {
    const rec = recs.get(id);
    if (!rec) return;
    files.set(path, rec.blob);
    const res = { statusCode: rec.status, header: rec.header, profile: profile(rec), errMsg: errMsg };
    res[key] = path;
    if (changes) this.persist(id, changes, res); else settle(rec, true, res);
  },
  // file system manager
  defineConst: function (target, name, v) { target[name] = function () { return v; }; },
  defineCallbackAPI: function (target, name, api) {
    target[name] = function (opts) { start(EV_CALL, newRec(name, opts), api, opts); };
  },
  okStat: function (id, errMsg, size, isDir, mode, atime, mtime) {
    const rec = recs.get(id);
    if (rec) settle(rec, true, { stats: makeStats(size, isDir, mode, atime, mtime), errMsg: errMsg });
  },
  // defineSyncAPI sets target[name] to a synchronous method: Go answers in slot.r with
  // {v: value}, {stat: [...]} or {e: errMsg}; an error is thrown as an Error (spec §1.3).
  defineSyncAPI: function (target, name, api) {
    target[name] = function () {
      slot.r = undefined;
      try {
        if (dispatch(EV_SYNC, api, Array.prototype.slice.call(arguments)) === UNREADABLE) {
          const u = slot.u;
          slot.u = undefined;
          dispatch(EV_UNREADABLE, 0, name, u); // id 0: Go answers in slot.r
        }
      } catch (e) { console.error("wxsim: runtime error:", e); }
      const r = slot.r;
      slot.r = undefined;
      if (!r) throw new Error(name + ":fail internal error (see console)");
      if (r.e !== undefined) throw new Error(r.e);
      if (r.stat) return makeStats.apply(null, r.stat);
      return r.v;
    };
  },
  // fileInfo settles getFileInfo with size and the digest (md5 or sha1) of the file.
  fileInfo: function (id, path, size, alg, errMsg) {
    const rec = recs.get(id), blob = files.get(path) || new Blob([]);
    blob.arrayBuffer().then(function (ab) {
      return alg === "sha1" ? crypto.subtle.digest("SHA-1", ab).then(function (d) { return hexOf(new Uint8Array(d)); }) : md5hex(new Uint8Array(ab));
    }).then(function (digest) {
      if (rec && !rec.done) settle(rec, true, { size: size, digest: digest, errMsg: errMsg });
    }, function (e) { if (rec && !rec.done) settle(rec, false, { errMsg: rec.api + ":fail " + String(e), errno: 1 }); });
  },
  okStatList: function (id, errMsg, list) {
    const rec = recs.get(id);
    if (!rec) return;
    settle(rec, true, { stats: list.map(function (x) { return { path: x[0], stats: makeStats(x[1], x[2], x[3], x[4], x[5]) }; }), errMsg: errMsg });
  },
  readFile: function (id, path, start, end, enc, errMsg) {
    const rec = recs.get(id), blob = files.get(path) || new Blob([]);
    blob.slice(start, end).arrayBuffer().then(function (ab) {
      if (!rec || rec.done) return;
      settle(rec, true, { data: enc === "" ? ab : bytesToString(new Uint8Array(ab), enc), errMsg: errMsg });
    }, function (e) { if (rec && !rec.done) settle(rec, false, { errMsg: rec.api + ":fail " + String(e) }); });
  },
  // prepareData turns o.data into bytes (a string in encoding enc, an ArrayBuffer or a
  // view) held by task id; it returns their size, or -1 when data has another type.
  prepareData: function (id, o, enc) {
    const rec = recs.get(id) || pendingData, d = field(o, "data");
    let b;
    if (typeof d === "string") b = new Blob([stringToBytes(d, enc)]);
    else if (guard.isBytes(d, "data")) b = new Blob([d]);
    else return -1;
    rec.blob = b;
    return b.size;
  },
  commitData: function (id, path, append) {
    const rec = recs.get(id) || pendingData;
    const old = files.get(path);
    files.set(path, append && old ? new Blob([old, rec.blob]) : rec.blob);
  },
  // file bytes
  dropFile: function (path) { files.delete(path); },
  moveFile: function (src, dst) { const b = files.get(src); files.delete(src); if (b) files.set(dst, b); },
  copyFile: function (src, dst) { const b = files.get(src); if (b) files.set(dst, b); },
  // load reads the persisted files of appId: Blobs into the map, then EV_LOADED (the
  // records, packed) to Go. The promise resolves "" either way (no IndexedDB: nothing persists, a warning).
  load: function (appId) {
    dbName = "wxsim:" + appId; dbPromise = null;
    return openDB().then(function (db) {
      return readAll(db).then(function (records) { return migrate(db, records); });
    }).then(function (records) {
      for (const k of Array.from(files.keys())) if (persistent(k)) files.delete(k);
      for (const r of records) if (r.blob && persistent(r.path)) files.set(r.path, r.blob);
      const packed = packRecords(records);
      dispatch(EV_LOADED, 0, packed[0], packed[1]);
      return "";
    }, function (e) { noDB(e); return ""; });
  },
  // persist stores Go's changes (see Glue.Persist) in one transaction, then settles task
  // id with res: success means the change is durable. The records are made now, so a
  // later change cannot slip into this transaction.
  persist: function (id, changes, res) {
    const rec = recs.get(id), puts = [], gone = [];
    for (const c of changes) { if (c.gone) gone.push(c.path); else puts.push(fileRecord(c)); }
    openDB().then(function (db) {
      const tx = db.transaction(["files"], "readwrite"), st = tx.objectStore("files");
      for (const r of puts) st.put(r);
      for (const p of gone) st.delete(p);
      tx.oncomplete = function () { if (rec) settle(rec, true, res); };
      tx.onerror = tx.onabort = function () {
        if (rec) settle(rec, false, { errMsg: rec.api + ":fail could not store the file: " + String(tx.error), errno: 1 });
      };
    }, function (e) { noDB(e); if (rec) settle(rec, true, res); });
  },
  setTimer: setTimer,
  clearTimer: clearTimer,
  // settlement
  fail: function (id, errMsg, errno) {
    const rec = recs.get(id);
    if (!rec) return;
    const res = { errMsg: errMsg };
    if (errno !== undefined) res.errno = errno;
    settle(rec, false, res);
  },
  ok: function (id, errMsg, raw, charset, parseJSON) {
    const rec = recs.get(id);
    if (!rec) return;
    let data = rec.buf;
    if (!raw) {
      const d = decoder(charset);
      if (d.encoding !== "utf-8") {
        console.warn("wxsim: " + rec.api + " response declares charset=" + charset +
          "; decoded as " + d.encoding + ", but WeChat on devices may not convert it (spec §4.5)");
      }
      data = d.decode(data);
      if (parseJSON) { try { data = JSON.parse(data); } catch (e) { /* stays a string */ } }
    }
    settle(rec, true, { data: data, statusCode: rec.status, header: rec.header, cookies: rec.cookies || [],
      profile: profile(rec), errMsg: errMsg });
  },
  okWith: function (id, res) {
    const rec = recs.get(id);
    if (rec) settle(rec, true, res);
  },
  warn: function (msg) { console.warn(msg); },
  stats: function () { return { tasks: recs.size, timers: timers.size, sockets: socks.size, files: files.size }; },
};
