// 25_transport: the transport seam. Go's plan picks how each task reaches the network
// (sim.Transport, carried on the scheduler's Start effect and passed here as via), and
// transports[via] answers the same methods whatever it is: the task code of 30_fetch.js,
// 40_xhr.js and 60_socket.js (time-outs, chunks, progress, delivery) is written once,
// above them. This module holds the direct transport; 50_relay.js adds the relay's.
//   ready(rec)            → null, or a Promise of the transport's context for the task
//                           (the relay's session)
//   fetch(rec, cx, call)  → a Promise of wx.request's Response, its head put in rec
//                           (status, header, cookies, ctype); null when the task ended
//   release(rec)          → frees what fetch held, once the body is read, on error, and
//                           when the task settles (settle: rec.tr); twice is harmless
//   openXHR(xhr, cx, call) opens xhr for a transfer
//   headXHR(rec, xhr)     → reads the head into rec; false when the transport answered
//                           an error instead (rec.relayErr, rec.relayMsg)
//   finalURL(xhr, call)   → where a followed redirect ended, "" when it did not or the
//                           transport checks each hop itself
//   watchUpload(rec, cx, call, f) → null (XHR's own upload progress counts), or a
//                           function that stops the feed f(sent, total)
//   socket(s, call, arm)  opens socket s; arm() once nothing more can throw
//   xhr                   true when an XMLHttpRequest to call.url is this transport's
//                         fastest way for a request's whole body (measured, README
//                         "Benchmarks"); false: fetch. Downloads on every transport go
//                         over XHR with a progress listener and fetch().blob() without
// call is {api, url, method, headers (flat name, value pairs), manual, form, id}.
const transports = [];
transports[VIA_DIRECT] = {
  xhr: true,
  ready: function () { return null; },
  fetch: async function (rec, cx, call) {
    const h = new Headers(), headers = call.headers;
    for (let i = 0; i + 1 < headers.length; i += 2) h.append(headers[i], headers[i + 1]);
    const resp = await fetch(call.url, { method: call.method, headers: h, body: rec.body,
      signal: rec.ctrl.signal, redirect: call.manual ? "manual" : "follow" });
    rec.body = undefined;
    if (rec.done) return null;
    if (resp.type === "opaqueredirect") { enter(EV_ERROR, rec, "OpaqueRedirect", ""); return null; }
    if (resp.redirected) { enter(EV_REDIRECT, rec, resp.url); if (rec.done) return null; }
    rec.status = resp.status;
    rec.header = headersObject(resp.headers);
    rec.ctype = resp.headers.get("content-type") || "";
    return resp;
  },
  release: function () {},
  openXHR: function (xhr, cx, call) {
    xhr.open(call.method, call.url);
    const headers = call.headers;
    for (let i = 0; i + 1 < headers.length; i += 2) xhr.setRequestHeader(headers[i], headers[i + 1]);
  },
  headXHR: function (rec, xhr) {
    rec.status = xhr.status; rec.header = xhrHeaders(xhr); rec.cookies = [];
    rec.ctype = rec.header["content-type"] || "";
    return true;
  },
  finalURL: function (xhr, call) { return xhr.responseURL && xhr.responseURL !== call.url ? xhr.responseURL : ""; },
  watchUpload: function () { return null; },
  socket: function (s, call, arm) { // a throw (bad protocols) refuses the task before its timer is armed
    sockConnect(s, call.url, call.url, s.protocols, false);
    arm();
  },
};
// ready calls f(cx) with the transport's context for rec, or fails rec when it cannot be
// had (a relay session that does not open).
function ready(rec, t, url, f) {
  const p = t.ready(rec);
  if (p === null) { f(null); return; }
  p.then(function (cx) { if (!rec.done) f(cx); }, function (e) { failTask(rec, e, url); });
}
