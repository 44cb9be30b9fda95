// 20_options: reading the options of a call in one crossing. Each reader answers one
// packed record: its fields in the order of the prelude's index object (RQ, SK, TR, CL,
// PU; protocol.go), joined with NUL for Go to split. Also the browser's URL parser
// (parseURL) and the class of request data (dataKind). Every user value is read through
// the guard (field, tag, guard.*), so a read that throws names its field.
function clean(s) { return s.indexOf("\0") < 0 ? s : s.replace(/\0/g, "\ufffd"); }
function str(v) { return typeof v === "string" ? clean(v) : ""; }
// pack joins the fields f of packed record R with NUL; a field left unset is a bug of
// the glue, thrown rather than sent.
function pack(f, R) {
  if (f.length !== R.n || f.includes(undefined)) throw new Error("wxsim: glue bug: a packed record lacks fields");
  return f.join("\0");
}
// parseURL is the browser's reading of raw as PU fields (do not change them), or null
// when it does not parse. The last URLS_KEPT readings are kept: an app calls the same
// few URLs again and again, and new URL() is a good part of reading a call's options.
const parsedURLs = new Map(), URLS_KEPT = 256, URL_KEPT_LEN = 2048;
function parseURL(raw) {
  let f = parsedURLs.get(raw);
  if (f === undefined) {
    f = readURL(raw);
    if (raw.length > URL_KEPT_LEN) return f; // a long one is not kept
    if (parsedURLs.size >= URLS_KEPT) parsedURLs.clear();
    parsedURLs.set(raw, f);
  }
  return f;
}
function readURL(raw) {
  let u;
  try { u = new URL(raw); } catch (e) { return null; }
  const deep = (u.pathname !== "/" && u.pathname !== "") || u.search !== "" || u.hash !== "";
  const f = [];
  f[PU.scheme] = u.protocol.slice(0, -1); f[PU.host] = u.hostname; f[PU.port] = u.port;
  f[PU.userinfo] = u.username !== "" || u.password !== "" ? "1" : "0";
  f[PU.pathOrQuery] = deep ? "1" : "0";
  return f;
}
// urlOption parses the url option: null unless it is a string without NUL (a URL
// containing NUL does not parse).
function urlOption(url) { return typeof url === "string" && url.indexOf("\0") < 0 ? parseURL(url) : null; }
// putURL puts the PU fields of parsed at f[at…]; all are "" when it is null.
function putURL(f, at, parsed) { for (let i = 0; i < PU.n; i++) f[at + i] = parsed ? parsed[i] : ""; }
function dataKind(v) {
  if (v === undefined || v === null) return DATA_NONE;
  if (typeof v === "string") return DATA_STRING;
  if (guard.isBytes(v, "data")) return DATA_BYTES;
  return typeof v === "object" ? DATA_OBJECT : DATA_OTHER;
}

Object.assign(glue, {
  // option reading
  parseURL: function (raw) { const f = []; putURL(f, 0, parseURL(raw)); return pack(f, PU); },
  // readRequest reads every scalar request option in one call (each Go→JS call costs
  // tens of µs): record RQ, see wasm/runtime request_js.go. NULs inside string options
  // become U+FFFD; a URL containing NUL does not parse.
  // The record keeps the url as read: Go starts the task with it unless the plan changed it.
  readRequest: function (id, o) {
    const kept = recs.get(id);
    if (kept && kept.packed !== undefined) { const p = kept.packed; kept.packed = undefined; return p; } // read once
    const url = field(o, "url"), method = field(o, "method"), header = field(o, "header");
    const data = field(o, "data"), timeout = field(o, "timeout");
    const parsed = urlOption(url), f = [];
    f[RQ.urlType] = tag(url, "url"); f[RQ.url] = str(url);
    f[RQ.methodType] = tag(method, "method"); f[RQ.method] = str(method);
    f[RQ.headerType] = tag(header, "header");
    f[RQ.dataKind] = dataKind(data); f[RQ.dataType] = tag(data, "data");
    f[RQ.timeout] = typeof timeout === "number" ? String(timeout) : "";
    f[RQ.responseType] = str(field(o, "responseType"));
    f[RQ.dataTypeOpt] = str(field(o, "dataType"));
    f[RQ.redirect] = str(field(o, "redirect"));
    f[RQ.chunked] = field(o, "enableChunked") === true ? "1" : "";
    const rec = recs.get(id);
    if (rec) rec.url = f[RQ.url];
    putURL(f, RQ.parsed, parsed);
    return pack(f, RQ);
  },
  headerList: function (o) {
    const h = field(o, "header"), out = [];
    if (h === null || typeof h !== "object") return out;
    for (const k of guard.keys(h, "header")) out.push(k, guard.str(field(h, k, "header." + k), "header." + k));
    return out;
  },
  dataString: function (o) { return guard.str(field(o, "data"), "data"); },
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
    const parsed = urlOption(url), f = [];
    f[TR.urlType] = tag(url, "url"); f[TR.url] = str(url);
    f[TR.headerType] = tag(field(o, "header"), "header");
    f[TR.timeout] = typeof timeout === "number" ? String(timeout) : "";
    f[TR.filePathType] = tag(filePath, "filePath"); f[TR.filePath] = str(filePath);
    f[TR.nameType] = tag(name, "name"); f[TR.name] = str(name);
    f[TR.formDataType] = ftype;
    putURL(f, TR.parsed, parsed);
    return pack(f, TR);
  },
  // readSocket also keeps the protocols of socket id as the WebSocket constructor reads
  // them (a list of strings), for sockOpen.
  readSocket: function (id, o) {
    const url = field(o, "url"), protocols = field(o, "protocols"), timeout = field(o, "timeout");
    const header = field(o, "header"), ptype = tag(protocols, "protocols");
    const s = socks.get(id);
    if (s && (ptype === "Array" || ptype === "String")) s.protocols = guard.list(protocols, "protocols");
    const parsed = urlOption(url), f = [];
    f[SK.urlType] = tag(url, "url"); f[SK.url] = str(url);
    f[SK.protocolsType] = ptype;
    f[SK.timeout] = typeof timeout === "number" ? String(timeout) : "";
    f[SK.headerType] = tag(header, "header");
    f[SK.headerSet] = header && typeof header === "object" && guard.keys(header, "header").length > 0 ? "1" : "";
    putURL(f, SK.parsed, parsed);
    return pack(f, SK);
  },
  readClose: function (o) {
    const code = field(o, "code"), reason = field(o, "reason");
    const f = [];
    f[CL.codeType] = tag(code, "code"); f[CL.code] = typeof code === "number" ? String(code) : "";
    f[CL.reasonType] = tag(reason, "reason"); f[CL.reason] = str(reason);
    return pack(f, CL);
  },
});
