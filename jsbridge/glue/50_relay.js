// 50_relay: the relay transport (spec §9): the same tasks through the native relay; the
// protocol is described in package sim/relay. The session and its token, the lanes of
// relay HTTP calls, upload progress counts (relayWatch), the relay's headers and its
// metadata answer (relayHead). relay is null for the direct browser transport.
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
// The relay transport (25_transport.js): every call is an HTTP call or a WebSocket to the
// relay, which makes the upstream one and answers its head in X-Wxsim-Meta.
function relayTarget(call) {
  const t = { api: call.api, url: call.url, header: pairs(call.headers) };
  if (call.api === "request") { t.method = call.method; t.redirect = call.manual ? "manual" : "follow"; }
  if (call.form) { t.form = true; t.call = call.id; }
  return t;
}
transports[VIA_RELAY] = {
  xhr: false,
  ready: function () {
    return relay ? relaySession() : Promise.reject(relayError("refused", "the relay is no longer configured"));
  },
  fetch: async function (rec, s, call) {
    const lane = relayLane();
    rec.lane = lane;
    const resp = await fetch(lane.url, { method: "POST", body: rec.body, signal: rec.ctrl.signal,
      headers: relayHeaders(s, relayTarget(call)) });
    rec.body = undefined;
    if (rec.done) return null;
    const kind = resp.headers.get("X-Wxsim-Error");
    if (kind) throw relayError(kind, await resp.text());
    try { rec.ctype = relayHead(rec, resp.headers.get("X-Wxsim-Meta")); } catch (e) {
      throw String(e.name).startsWith("relay-") ? e : relayError("network", "the relay answered without readable metadata");
    }
    return resp;
  },
  release: function (rec) { if (rec.lane) { rec.lane.done(); rec.lane = null; } },
  openXHR: function (xhr, s, call) {
    const lane = relayLane();
    try {
      xhr.open("POST", lane.url);
      const h = relayHeaders(s, relayTarget(call));
      for (const k in h) xhr.setRequestHeader(k, h[k]);
    } catch (e) { lane.done(); throw e; }
    xhr.addEventListener("loadend", lane.done);
  },
  headXHR: function (rec, xhr) {
    const kind = xhr.getResponseHeader("X-Wxsim-Error");
    if (kind) { rec.relayErr = kind; return false; }
    try { rec.ctype = relayHead(rec, xhr.getResponseHeader("X-Wxsim-Meta")); } catch (e) {
      rec.relayErr = "network"; rec.relayMsg = "the relay answered without readable metadata";
      return false;
    }
    return true;
  },
  finalURL: function () { return ""; }, // the relay checks every hop itself (spec §3.6)
  watchUpload: function (rec, s, call, f) { return relayWatch(s, call.id, f); },
  // socket: the protocols are checked first (new WebSocket would throw the same), then
  // the WebSocket goes to the relay once the session is open.
  socket: function (s, call, arm) {
    const id = s.id, url = call.url, protocols = s.protocols;
    checkProtocols(protocols);
    arm();
    const go = function (sess) {
      if (socks.get(id) !== s || s.failed) return;
      const target = { api: "connectSocket", url: url, header: pairs(call.headers), protocols: protocols || [] };
      const wsURL = relay.base.replace(/^http/, "ws") + "relay/ws?token=" + encodeURIComponent(sess.token) +
        "&session=" + encodeURIComponent(sess.id) + "&target=" + encodeURIComponent(JSON.stringify(target));
      try { sockConnect(s, url, wsURL, protocols, true); } catch (e) { relaySockFail(s, e, url); }
    };
    if (!relay) { relaySockFail(s, relayError("refused", "the relay is no longer configured"), url); return; }
    if (relay.value) { go(relay.value); return; }
    relaySession().then(go, function (e) { if (socks.get(id) === s && !s.failed) relaySockFail(s, e, url); });
  },
};

Object.assign(glue, {
  setRelay: setRelay,
});
