// wxsim jsbridge guard: the one place user values are read. Every read of an option, a
// callback, a header or formData value, socket data or a file-system option goes
// through these functions, from the glue and from Go (jsbridge.Get, TypeName). A read
// that throws (a Proxy trap, a throwing getter or toString, a revoked proxy) throws
// instead an Error named "wxsim-unreadable" that names the field; the glue and the Go
// dispatcher turn it into a fail of the call (spec §1.5), never a throw out of a wx API.
"use strict";
const toString = Object.prototype.toString;
// text describes a thrown value without trusting it.
function text(e) {
  try {
    if (!isObj(e)) return String(e);
    if (e instanceof Error) return String(e.name) + ": " + String(e.message);
    return toString.call(e);
  } catch (e2) { return "an unreadable value"; }
}
function unreadable(name, e) {
  const x = new Error(text(e));
  x.name = "wxsim-unreadable";
  x.field = name;
  return x;
}
function isUnreadable(e) { return e instanceof Error && e.name === "wxsim-unreadable"; }
function isObj(o) { return o !== null && (typeof o === "object" || typeof o === "function"); }
return {
  unreadable: unreadable,
  isUnreadable: isUnreadable,
  text: text,
  // describe is [name, message] of a thrown value, never throwing itself.
  describe: function (e) {
    try {
      if (isObj(e)) {
        const n = e.name, m = e.message;
        return [typeof n === "string" ? n : "", typeof m === "string" ? m : ""];
      }
    } catch (e2) { return ["Error", "an unreadable value"]; }
    return ["Error", text(e)];
  },
  // get is o[k] (undefined when o is not an object); name is the field for errors.
  get: function (o, k, name) {
    if (!isObj(o)) return undefined;
    try { return o[k]; } catch (e) { throw unreadable(name || k, e); }
  },
  // tag is Object.prototype.toString's tag of v, the type name of spec §1.5.
  tag: function (v, name) {
    try { return toString.call(v).slice(8, -1); } catch (e) { throw unreadable(name, e); }
  },
  keys: function (o, name) {
    try { return Object.keys(o); } catch (e) { throw unreadable(name, e); }
  },
  // str is String(v), as wx converts header and formData values.
  str: function (v, name) {
    try { return String(v); } catch (e) { throw unreadable(name, e); }
  },
  isBytes: function (v, name) {
    if (!isObj(v)) return false;
    try { return v instanceof ArrayBuffer || ArrayBuffer.isView(v); } catch (e) { throw unreadable(name, e); }
  },
  // list is a protocols-style option as the WebSocket constructor reads it: undefined,
  // or an array of strings (a string is a list of one).
  list: function (v, name) {
    if (v === undefined) return undefined;
    try {
      if (Array.isArray(v)) return Array.from(v, String);
      return [String(v)];
    } catch (e) { throw unreadable(name, e); }
  },
};
