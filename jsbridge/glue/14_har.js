// 14_har: the §C2 HAR export of the tasks wxsim.tasks() lists. harRecord keeps, beside
// each summary, what a HAR entry needs: times of the steps, the request body as sent, the
// response body and socket frames. Bodies are references to what the task had (no copy);
// together they are kept up to HAR_KEEP bytes, the oldest let go first, and a socket keeps
// its last HAR_FRAMES frames.
const harData = new Map(); // id → {began, started, head, reqBody, resBody, ctype, msgs, cookies}
const HAR_KEEP = 64 << 20, HAR_FRAMES = 1000;
let harKept = 0;
function harSize(b) {
  if (b === null || b === undefined) return 0;
  if (typeof b === "string") return b.length * 2;
  return b.byteLength !== undefined ? b.byteLength : b.size !== undefined ? b.size : 0;
}
function harKeep(h, key, b) {
  const n = harSize(b);
  if (n > HAR_KEEP) return;
  for (const [id, d] of harData) { // let the oldest bodies go
    if (harKept + n <= HAR_KEEP) break;
    if (d === h) continue;
    harKept -= harSize(d.reqBody) + harSize(d.resBody);
    d.reqBody = null; d.resBody = null;
    if (d.dropped === undefined) d.dropped = true;
    void id;
  }
  h[key] = b;
  harKept += n;
}
function harDrop(id) {
  const d = harData.get(id);
  if (d) { harKept -= harSize(d.reqBody) + harSize(d.resBody); harData.delete(id); }
}
function harRecord(rec, t, phase, data) {
  const h = harData.get(rec.id);
  if (!h) return;
  switch (phase) {
    case "start":
      h.started = clock.now();
      if (rec.body !== undefined && rec.body !== null) harKeep(h, "reqBody", rec.body);
      break;
    case "dial": h.started = clock.now(); break;
    case "headers": h.head = clock.now(); break;
    case "open": h.head = clock.now(); break;
    case "end":
      if (data.body !== null && data.body !== undefined) harKeep(h, "resBody", data.body);
      if (rec.ctype) h.ctype = rec.ctype;
      if (rec.cookies) h.cookies = rec.cookies;
      break;
    case "send": case "message":
      if (!h.msgs) h.msgs = [];
      h.msgs.push({ type: phase === "send" ? "send" : "receive", time: clock.now() / 1000, data: data.data });
      if (h.msgs.length > HAR_FRAMES) h.msgs.shift();
      break;
  }
}
function harHeaders(o) {
  const out = [];
  if (o) for (const k in o) out.push({ name: k, value: String(o[k]) });
  return out;
}
function harQuery(url) {
  try { return Array.from(new URL(url).searchParams, function (kv) { return { name: kv[0], value: kv[1] }; }); } catch (e) { return []; }
}
// harBody is {text, encoding?, size} of a body kept as a string, ArrayBuffer or Blob; a
// Blob's bytes are read (the promise).
async function harBody(b, max) {
  if (b === null || b === undefined) return { size: 0, text: "" };
  if (typeof b === "string") {
    const size = new TextEncoder().encode(b).length;
    return size > max ? { size: size, omitted: true } : { size: size, text: b };
  }
  const bytes = b instanceof Blob ? (b.size > max ? null : new Uint8Array(await b.arrayBuffer())) :
    ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);
  const size = b instanceof Blob ? b.size : bytes.length;
  if (bytes === null || size > max) return { size: size, omitted: true };
  try {
    return { size: size, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch (e) {
    return { size: size, text: base64(bytes), encoding: "base64" };
  }
}
function harISO(ms) { return new Date(ms).toISOString(); }
async function harEntry(t, h, o) {
  const entry = { startedDateTime: harISO(h.began), time: Math.max(0, (t.endTime === undefined ? clock.now() : t.endTime) - h.began) };
  const reqHeaders = harHeaders(t.requestHeader);
  const req = { method: t.method || "GET", url: t.url || "", httpVersion: "HTTP/1.1", cookies: [], headers: reqHeaders,
    queryString: harQuery(t.url || ""), headersSize: -1, bodySize: 0 };
  const mime = (t.requestHeader && (t.requestHeader["content-type"] || t.requestHeader["Content-Type"])) || "";
  if (t.api === "uploadFile") {
    req.bodySize = -1;
    req.postData = { mimeType: "multipart/form-data", text: "", comment: "multipart body built by the browser; not kept" };
  } else if (h.reqBody !== null && h.reqBody !== undefined) {
    const b = o.bodies ? await harBody(h.reqBody, o.maxBodyBytes) : { size: harSize(h.reqBody), omitted: true };
    req.bodySize = b.size;
    req.postData = { mimeType: mime || "application/octet-stream", text: b.text === undefined ? "" : b.text };
    if (b.encoding) req.postData._encoding = b.encoding;
    if (b.omitted) req.postData.comment = "body omitted: " + b.size + " bytes";
  } else if (h.dropped) {
    req.bodySize = -1;
  }
  const failed = t.ok === false;
  const res = { status: failed && t.statusCode === undefined ? 0 : t.statusCode || 0, statusText: "", httpVersion: "HTTP/1.1",
    cookies: (h.cookies || []).map(function (c) { return { name: String(c).split("=")[0], value: String(c).split(";")[0].split("=").slice(1).join("=") }; }),
    headers: harHeaders(t.responseHeader), content: { size: 0, mimeType: h.ctype || "" }, redirectURL: "", headersSize: -1, bodySize: -1 };
  if (failed) { res.status = 0; res._error = t.errMsg; }
  if (t.api === "connectSocket") {
    res.status = t.opened ? 101 : 0;
    entry._resourceType = "websocket";
    entry._webSocketMessages = (h.msgs || []).map(function (m) {
      const text = typeof m.data === "string";
      return { type: m.type, time: m.time, opcode: text ? 1 : 2, data: text ? m.data : base64(new Uint8Array(m.data)) };
    });
  } else if (h.resBody !== null && h.resBody !== undefined) {
    const b = o.bodies ? await harBody(h.resBody, o.maxBodyBytes) : { size: harSize(h.resBody), omitted: true };
    res.content.size = b.size;
    res.bodySize = b.size;
    if (b.text !== undefined) res.content.text = b.text;
    if (b.encoding) res.content.encoding = b.encoding;
    if (b.omitted) res.content.comment = "body omitted: " + b.size + " bytes";
  }
  const blocked = h.started ? h.started - h.began : -1, head = h.head || 0, end = t.endTime === undefined ? clock.now() : t.endTime;
  entry.request = req;
  entry.response = res;
  entry.cache = {};
  entry.timings = { blocked: blocked, dns: -1, connect: -1, ssl: -1, send: 0,
    wait: head && h.started ? Math.max(0, head - h.started) : -1, receive: head ? Math.max(0, end - head) : -1 };
  entry._wxsim = { id: t.id, api: t.api, errMsg: t.errMsg === undefined ? "" : t.errMsg, transport: t.transport || "" };
  if (t.errno !== undefined) entry._wxsim.errno = t.errno;
  return entry;
}
// har is wxsim.har(options): a HAR 1.2 log of the ended transfers and every socket (open
// ones with their frames so far), in call order. Calls that sent nothing (refused before
// any traffic: no start) are left out. o.ids, when not null, keeps only those tasks.
async function har(o) {
  const entries = [];
  const only = o.ids ? new Set(o.ids) : null;
  for (const t of netTasks.values()) {
    if (only && !only.has(t.id)) continue;
    const h = harData.get(t.id);
    if (!h || !h.started) continue;
    if (t.api !== "connectSocket" && t.phase !== "end") continue;
    entries.push(await harEntry(t, h, o));
  }
  return { log: { version: "1.2", creator: { name: "wxsim", version: "0.1.0" }, pages: [], entries: entries } };
}

Object.assign(glue, { har: har });
