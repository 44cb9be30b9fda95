// 60_socket: connectSocket and the global socket API. A record per SocketTask; frames and
// events stay in JS. Go hears of the handshake, the close event, close() calls and
// failing sends only. The WebSocket goes to the server directly or through the relay
// (50_relay.js), whose first frame says whether the upstream opened. A socket's timer
// (handshake time-out, then close grace) has the id Go gave sockOpen (sim.SocketTimer).
const socks = new Map();
let latestSock = 0;
const SOCK_PHASES = { Open: "open", Message: "message", Error: "error", Close: "close" };
function emitSock(s, k, payload) {
  observe(s, SOCK_PHASES[k], payload);
  const ls = s.ls[k];
  if (ls) for (const f of ls.slice()) call(f, payload, "SocketTask.on" + k);
  if (s.id === latestSock) {
    const g = lists["Socket" + k];
    if (g) for (const f of g.slice()) call(f, payload, "wx.onSocket" + k);
  }
}
function sockTask(id) {
  const s = { id: id, api: "connectSocket", ws: null, ls: Object.create(null), failed: false, closed: false, task: null, timer: undefined };
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
    const connected = s && s.ws && s.ws.readyState === 1 && !s.failed && (!s.relay || s.up) && !s.gate;
    const okData = typeof data === "string" || guard.isBytes(data, "data");
    if (!connected || !okData) { enter(EV_SSEND, rec, connected ? 1 : 0, type); return; }
    try { s.ws.send(data); } catch (e) { enter(EV_SSEND, rec, 0, type); return; }
    observe(s, "send", { data: data });
    settle(rec, true, { errMsg: api + TEXT.ok });
  });
}
// sockEnd forgets socket s and closes its WebSocket without further events.
function sockEnd(s) {
  const ws = s.ws;
  socks.delete(s.id);
  clearTimer(s.timer);
  clearTimer("pace" + s.id);
  clearTimer("mockopen" + s.id); // a mock socket's open delay (45_mock.js)
  if (ws) {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    if (ws.readyState === 0 || ws.readyState === 1) { try { ws.close(); } catch (e) { /* closing anyway */ } }
  }
}
// sockConnect opens socket s for url with a WebSocket to wsURL: the server's (url), or
// the relay's (relayed), whose first frame says whether the upstream opened; fake is a
// mock's WebSocket (45_mock.js), used instead.
function sockConnect(s, url, wsURL, protocols, relayed, fake) {
  const id = s.id;
  s.relay = relayed;
  const ws = fake ? fake : protocols === undefined ? new WebSocket(wsURL) : new WebSocket(wsURL, protocols);
  ws.binaryType = "arraybuffer";
  s.ws = ws;
  if (s.pendingClose) ws.close(s.pendingClose[0], s.pendingClose[1]); // closed while connecting, as in the browser
  const opened = function (header) {
    s.up = true;
    clearTimer(s.timer);
    dispatch(EV_SOPEN, id);
    emitSock(s, "Open", { header: header, profile: {} });
  };
  // §C3: the open waits latencyMs, and what comes meanwhile waits behind it (27_network.js)
  ws.onopen = function () { if (!s.relay) sockPaceOpen(s, function () { opened({}); }); };
  ws.onmessage = function (e) {
    if (s.relay && !s.up && !s.gate) { // the relay's control frame
      let c = null;
      try { c = JSON.parse(e.data); } catch (err) { /* not a control frame */ }
      if (c && c.open) {
        sockPaceOpen(s, function () { opened(joinHeaders(c.open.header)); });
      } else { // the upstream handshake failed: onError now, onClose (1006) when the relay drops
        const err = c && c.error ? c.error : { kind: "network", message: "the relay sent no control frame" };
        console.warn("wxsim: connectSocket " + url + " through the relay: " + err.message);
        if (err.kind === "session" || err.kind === "token") relayReset();
        s.relayErr = true;
        dispatch(EV_SERROR, id, err.kind, err.message);
      }
      return;
    }
    if (s.gate) { const d = e.data; s.gate.push(function () { emitSock(s, "Message", { data: d }); }); return; }
    emitSock(s, "Message", { data: e.data });
  };
  ws.onerror = function () { sockPaced(s, function () { if (!s.failed && !s.relayErr) dispatch(EV_SERROR, id); }); };
  ws.onclose = function (e) { sockPaced(s, function () { sockClosed(s, e.code, e.reason); }); };
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
  clearTimer(s.timer);
  emitSock(s, "Close", { code: code, reason: reason });
  s.ls = Object.create(null);
  dispatch(EV_SCLOSED, s.id);
}

Object.assign(glue, {
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
  sockBind: function (id) { latestSock = id; },
  // sockOpen starts socket id with its handshake time-out on timer (Go's id for it).
  sockOpen: function (id, via, timer, url, headers, timeoutMs) {
    const s = socks.get(id);
    s.timer = timer;
    const call = { api: "connectSocket", url: url, method: "GET", headers: headers, via: via };
    observe(s, "dial", call);
    transports[via].socket(s, call, function () {
      setTimer(timer, timeoutMs);
      s.opening = true;
    });
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
});
