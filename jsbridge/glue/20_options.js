// 20_options: reading the options of a call in one crossing. Each reader answers its
// fields in the order Go reads them (glue_js.go), joined with NUL for Go to split. Also
// the browser's URL parser (parseURL) and the class of request data (dataKind). Every
// user value is read through the guard (field, tag, guard.*), so a read that throws
// names its field.
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

Object.assign(glue, {
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
});
