// 30_fetch: wx.request's task over fetch, with an AbortController: the response head,
// streamed chunks (onChunkReceived), the request body Go planned (body), a thrown
// transport error sent to Go (failTask, also used by the transfers), and the settlement of
// a request with its decoded body and profile (ok, profile). The call itself goes through
// the task's transport (25_transport.js).
// PROFILE is the profile's [name, default] pairs in order, Go's (sim.ProfileFields, §4.5):
// setProfile gives them once per glue.
let PROFILE = [], PROFILE_DEFAULTS = {};
let lastMethod = "", lastOK = ""; // fetch's
const timeOrigin = performance.timeOrigin;
function now() { return timeOrigin + performance.now(); }
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
    if (rec.pace) { // §C3: the chunk is seen when the link would have brought it
      await paced(rec, "down", n);
      if (rec.done) { reader.cancel().catch(function () {}); return null; }
    }
    const ab = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v.buffer : v.slice().buffer;
    emitTask(rec, "ChunkReceived", { data: ab });
  }
  const all = new Uint8Array(n);
  let off = 0;
  for (const p of parts) { all.set(p, off); off += p.byteLength; }
  return all.buffer;
}
// run is wx.request's task on transport t (25_transport.js): the response head, then
// the body, whole or in chunks. A whole body straight from the server goes over
// XMLHttpRequest (runXHR), measured faster than fetch for it; chunks and manual
// redirects need fetch.
async function run(rec, t, call, chunked) {
  if (t.xhr && !chunked && !call.manual) { runXHR(rec, call); return; }
  try {
    rec.ctrl = new AbortController();
    rec.t0 = now();
    const p = t.ready(rec), cx = p === null ? null : await p;
    if (rec.done) return;
    rec.tr = t; // settle releases what t.fetch holds, however the task ends
    const resp = await t.fetch(rec, cx, call);
    if (resp === null || rec.done) return;
    if (rec.pace) { await paced(rec, "head", 0); if (rec.done) return; } // §C3
    rec.t1 = now();
    emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies || [] });
    if (rec.done) return;
    const buf = chunked && resp.body ? await readChunks(rec, resp.body) : await resp.arrayBuffer();
    if (rec.done) return;
    t.release(rec); // free before Go may start the next task
    if (rec.pace) { await paced(rec, "down", buf.byteLength); if (rec.done) return; }
    rec.buf = buf;
    rec.t2 = now();
    done(rec);
  } catch (e) {
    failTask(rec, e, call.url);
  } finally {
    t.release(rec);
  }
}
// runXHR is run for a whole body on the direct transport: XMLHttpRequest with
// responseType arraybuffer. A redirect it followed reaches Go as fetch's does; a network
// error reads as fetch's TypeError.
function runXHR(rec, call) {
  const xhr = new XMLHttpRequest();
  rec.xhr = xhr;
  rec.t0 = now();
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 2 || rec.done) return;
    const fin = xhr.responseURL;
    if (fin && fin !== call.url && fin !== new URL(call.url).href) { enter(EV_REDIRECT, rec, fin); if (rec.done) return; }
    rec.status = xhr.status;
    rec.header = xhrHeaders(xhr);
    rec.ctype = rec.header["content-type"] || "";
    pace(rec, "head", 0, function () { // §C3
      rec.t1 = now();
      emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: [] });
    });
  };
  xhr.onload = function () {
    if (rec.done) return;
    const buf = xhr.response || new ArrayBuffer(0);
    pace(rec, "down", buf.byteLength, function () {
      rec.buf = buf;
      rec.t2 = now();
      done(rec);
    });
  };
  xhr.onerror = function () { if (!rec.done) enter(EV_ERROR, rec, "TypeError", "Failed to fetch"); };
  soon(function () { // once Go has returned
    if (rec.done || rec.xhr !== xhr) return;
    try {
      xhr.open(call.method, call.url);
      const headers = call.headers;
      for (let i = 0; i + 1 < headers.length; i += 2) xhr.setRequestHeader(headers[i], headers[i + 1]);
      xhr.responseType = "arraybuffer";
      const body = rec.body;
      rec.body = undefined;
      xhr.send(body === undefined ? null : body);
    } catch (e) {
      Promise.resolve().then(function () { failTask(rec, e, call.url); });
    }
  });
}
// done ends a request whose body is in rec.buf. With the decode plan Go gave at its start
// (rec.fast) and a content-type without parameters (so naming no charset), the glue
// decodes and settles at once, and tells Go later (EV_SETTLED, settledLater): Go's work
// at the end leaves the latency path. Otherwise Go decides (EV_DONE; the content-type
// only when it has parameters: one string fewer to cross).
function done(rec) {
  const plain = rec.ctype.indexOf(";") < 0;
  if (rec.fast === FAST_RAW || (rec.fast !== FAST_NONE && plain)) {
    deliver(rec, rec.okMsg, rec.fast === FAST_RAW, "utf-8", rec.fast === FAST_JSON);
    settledLater(rec.id);
    return;
  }
  enter(EV_DONE, rec, rec.status, plain ? undefined : rec.ctype);
}
// deliver settles request rec with its body decoded as Go said.
function deliver(rec, errMsg, raw, charset, parseJSON) {
  let data = rec.buf;
  if (!raw) {
    const d = decoder(charset);
    if (d.encoding !== "utf-8") {
      console.warn("wxsim: " + rec.api + " response declares charset=" + charset +
        "; decoded as " + d.encoding + ", but WeChat on devices may not convert it (§4.5, web/docs/behaviour.md)");
    }
    data = d.decode(data);
    if (parseJSON) { try { data = JSON.parse(data); } catch (e) { /* stays a string */ } }
  }
  settle(rec, true, { data: data, statusCode: rec.status, header: rec.header, cookies: rec.cookies || [],
    profile: profile(rec), errMsg: errMsg });
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
// profile is the profile of a response: the glue's timings, or the relay's measurements.
function profile(rec) {
  const p = { ...PROFILE_DEFAULTS }; // the defaults in Go's order, then the glue's timings
  p.fetchStart = rec.t0; p.requestStart = rec.t0; p.responseStart = rec.t1; p.responseEnd = rec.t2;
  p.receivedBytedCount = rec.buf ? rec.buf.byteLength : rec.blob ? rec.blob.size : 0;
  if (rec.prof) { // the relay's measurements (spec §9): DNS, connect, TLS, first byte, peer
    for (const f of PROFILE) { const v = rec.prof[f[0]]; if (v !== undefined && v !== 0 && v !== "") p[f[0]] = v; }
  }
  return p;
}

Object.assign(glue, {
  setProfile: function (pairs) {
    PROFILE = pairs;
    // made by fromEntries, spread copies it fast (measured: 0.1 µs; made property by
    // property, 7 µs)
    PROFILE_DEFAULTS = Object.fromEntries(pairs);
  },
  body: function (id, enc, o) {
    const rec = recs.get(id), data = field(o, "data");
    rec.body = enc === BODY_RAW ? data : enc === BODY_JSON ? JSON.stringify(data) : formEncode(data);
  },
  // transport: fetch and arm the task's time-out (settling the task clears it)
  // fetch starts request id: url undefined is the url readRequest read, headers null
  // none; fast and okMsg are the decode plan for a plain content-type (done).
  fetch: function (id, via, url, method, headers, chunked, manual, timeoutMs, fast, okMsg) {
    const rec = recs.get(id);
    if (method === undefined) method = lastMethod; else lastMethod = method; // Go's Fetch passes
    if (okMsg === undefined) okMsg = lastOK; else lastOK = okMsg; // them when they change
    if (!rec) return;
    rec.fast = fast; rec.okMsg = okMsg;
    setTimer(id, timeoutMs);
    paceStart(rec, netCond !== null && netCond.up > 0 ? bodySize(rec.body) : 0);
    const call = { api: "request", url: url === undefined ? rec.url : url, method: method,
      headers: headers || [], manual: manual, via: via };
    observe(rec, "start", call);
    run(rec, transports[via], call, chunked);
  },
  cancel: function (id) {
    const rec = recs.get(id);
    if (rec && rec.ctrl) rec.ctrl.abort();
    if (rec && rec.xhr) rec.xhr.abort();
  },
  ok: function (id, errMsg, raw, charset, parseJSON) {
    const rec = recs.get(id);
    if (rec) deliver(rec, errMsg, raw, charset, parseJSON);
  },
});
