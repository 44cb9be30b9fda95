// 80_codec: conversions between bytes and strings. The file system manager's encodings,
// latin1, MD5 (md5hex, hexOf), cached TextDecoders for response charsets, and spec
// §4.4's form encoding of request data.

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

// decoder is the TextDecoder for a response charset label (utf-8 when the label is
// unknown), made once per label.
const decoders = new Map();
function decoder(label) {
  let d = decoders.get(label);
  if (d) return d;
  try { d = new TextDecoder(label); } catch (e) { d = new TextDecoder("utf-8"); }
  decoders.set(label, d);
  return d;
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

Object.assign(glue, {
  form: function (o) { return formEncode(field(o, "data")); },
});
