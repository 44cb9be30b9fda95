// 10_core: what every other module builds on. The closure's arguments, the entry into Go
// (dispatch), task records and their settlement, asynchronous delivery of user callbacks
// (later/flush, throws caught and reported), task and global listener lists, timers, and
// the clock every timer reads, the observer seam every step of every task passes, and
// the glue object the modules add their methods to (99_api.js returns it).
//
// The glue does mechanical browser work for the Go runtime. No wx rules live here: Go
// (package sim via wasm/runtime) decides every outcome, and the glue carries it out. Go is
// entered through `dispatch(ev, id, a, b)` only when a task is created, aborted, times
// out, is redirected, ends or fails: through the wasm export wxsim_dispatch when the
// loader handed over the instance's exports (~10x cheaper than a js.Func call), else
// through the js.Func `func`. Event numbers, answers and packed field orders are the
// protocol prelude's (protocol.go), which precedes this file in the closure.
const func = arguments[0], exports = arguments[1], gid = arguments[2], guard = arguments[3];
const inboxAt = arguments[4], inboxSize = arguments[5];
const slot = { a: undefined, b: undefined, u: undefined }; // u: an unreadable option Go met (UNREADABLE)
let kick = false;
// A wasm export runs Go synchronously but does not let Go's other goroutines (finalizers
// of JS references among them) run; one js.Func call shortly after a burst does.
function resume() { kick = false; func(0, 0); }
// afterGo holds what Go asked for that is best done once it has returned (an XHR's
// send, measured slower when called under Go's frames): inGo counts the entries into Go
// under way, and the outermost runs the list on its way out.
let inGo = 0;
const afterGo = [];
function soon(f) { if (inGo > 0) afterGo.push(f); else f(); }
function leaveGo() {
  if (--inGo > 0 || afterGo.length === 0) return;
  for (const f of afterGo.splice(0)) f();
}
// settledIds are the requests the glue settled itself (done, 30_fetch.js) that Go has not
// heard of yet: it hears of them on a macrotask, off the latency a caller sees (entering
// Go costs tens of µs after the network wait), and before anything else enters it, so
// that it sees events in order; Go takes them itself when it is called from outside
// (takeSettled: wxsim.stats() and the other control calls).
const settledIds = [];
function settledLater(id) { if (settledIds.push(id) === 1) macrotask(tellSettled); }
function tellSettled() {
  while (settledIds.length > 0) {
    const id = settledIds.shift();
    try { dispatch(EV_SETTLED, id); } catch (e) { console.error("wxsim: runtime error:", e); }
  }
}
// A request's entry (EV_REQUEST) carries one settled id along (owed, see startRequest).
const dispatch = exports && exports.wxsim_dispatch ? function (ev, id, a, b, n, owed) {
  if (settledIds.length > 0 && ev !== EV_SETTLED) tellSettled();
  slot.a = a; slot.b = b;
  inGo++;
  let r;
  try { r = exports.wxsim_dispatch(gid, ev, id, n !== undefined ? n : a === undefined && b === undefined ? NO_ARGS : -1, owed || 0); } finally {
    slot.a = undefined; slot.b = undefined;
    leaveGo();
  }
  if (!kick) { kick = true; setTimeout(resume, 50); }
  return r === HANDLED ? true : r === UNREADABLE ? UNREADABLE : false;
} : function (ev, id, a, b) {
  if (settledIds.length > 0 && ev !== EV_SETTLED) tellSettled();
  inGo++;
  try { return func(ev, id, a, b); } finally { leaveGo(); }
};
// The inbox: a request's packed options go into Go's memory (jsbridge inbox) instead of
// Go reading them with a call back (EV_REQUEST). inbox() is the view over it, made anew
// when the memory has grown (the old view is then detached).
const utf8 = new TextEncoder();
let inboxView = null;
function inbox() {
  if (inboxView === null || inboxView.byteLength === 0) inboxView = new Uint8Array(exports.mem.buffer, inboxAt, inboxSize);
  return inboxView;
}
const inboxOK = !!(exports && exports.wxsim_dispatch && exports.mem && inboxSize > 0);

const recs = new Map();      // task id → record
const timers = new Map();    // timer id → {h: the clock's handle, due: clock time}
const lists = Object.create(null); // global listener lists by name (AppHide, AppShow, Error)
let nextId = 1;
// TEXT: the errMsg parts the glue writes itself, Go's (sim.GlueTexts; setTexts)
let TEXT = {};
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

// ---- observers: every step of every task (call, create, queue, start, headers,
// progress, chunk, end; sockets dial, open, send, message, error, close) passes observe,
// one place. "call" is the glue's, at the call; "create" and "queue" are Go's (Note):
// the call as planned, and a wait behind the §8.1 limit. Each observer gets
// {id, api, phase, time, data} (data: the step's payload, shared: do not change it) and
// one that throws is reported and never breaks the task. With nobody observing,
// observers is null and a step costs one comparison.
let observers = null;
function observe(rec, phase, data) {
  if (NET_APIS[rec.api] === true) record(rec, phase, data); // wxsim.tasks() (12_events.js)
  if (observers === null) return;
  const ev = { id: rec.id, api: rec.api, phase: phase, time: clock.now(), data: data };
  for (const o of observers) {
    try { o(ev); } catch (e) { console.error("wxsim: a network observer threw:", e); }
  }
}
// the phase of each task listener kind's step
const PHASES = { HeadersReceived: "headers", ChunkReceived: "chunk", ProgressUpdate: "progress" };

// ---- the clock: every time rule of the runtime is a timer of setTimer (§8.2 time-outs,
// socket handshake time-outs and close grace, the §8.3 grace; Go gives each its id and
// delay) or a reading of clock.now, and both go through this one clock: {now() (ms since
// the epoch), set(f, ms) → handle, clear(handle)}. useClock swaps it (the §C5 virtual
// clock); pending timers move over with the time they have left. Callback delivery and
// network I/O are not timers and do not use it.
const realClock = { now: function () { return Date.now(); },
  set: function (f, ms) { return setTimeout(f, ms); }, clear: function (h) { clearTimeout(h); } };
let clock = realClock;
function useClock(c) {
  const next = c || realClock, old = clock;
  if (next === old) return;
  const pending = [];
  for (const [id, t] of timers) { old.clear(t.h); pending.push([id, t.due - old.now(), t.f]); }
  timers.clear();
  clock = next;
  for (const p of pending) setTimer(p[0], Math.max(0, p[1]), p[2]);
}

// ---- task records
// newRec makes the record of one call. Its callbacks are read once, now; one that cannot
// be read leaves rec.bad set, and the call fails (start) with the others still called.
function newRec(api, opts) {
  const rec = { id: nextId++, api: api, done: false, ls: null, ctrl: null, tr: null,
    body: undefined, buf: null, status: 0, header: null, t0: 0, t1: 0, t2: 0,
    resolve: null, reject: null, success: undefined, fail: undefined, complete: undefined, bad: null,
    fast: FAST_NONE, okMsg: "" };
  recs.set(rec.id, rec);
  for (const k of ["success", "fail", "complete"]) {
    try { rec[k] = field(opts, k); } catch (e) { rec.bad = rec.bad || e; }
  }
  return rec;
}
// start enters Go with the call of rec (EV_CALL, or another event a with its options),
// unless reading its callbacks failed: then it fails at once as an unreadable option.
function start(ev, rec, a, b) {
  observe(rec, "call", null);
  if (rec.bad) { refuse(rec, rec.bad); return; }
  if (ev === EV_CALL && rec.api === "request" && inboxOK && startRequest(rec, b)) return;
  enter(ev, rec, a, b);
}
// startRequest enters Go with the request's options packed in the inbox (EV_REQUEST);
// false when they do not fit (the call then goes as EV_CALL).
function startRequest(rec, opts) {
  let packed;
  try { packed = glue.readRequest(rec.id, opts); } catch (e) {
    if (!guard.isUnreadable(e)) return false; // a glue bug: the old way ends in "internal error"
    refuse(rec, e);
    return true;
  }
  // what Go is owed goes first: one settled request rides along with this entry (Go
  // completes it before the call, having copied the record: completing it may start
  // queued tasks, whose steps may enter Go again and write the inbox); more enter first
  if (settledIds.length > 1) tellSettled();
  const w = utf8.encodeInto(packed, inbox());
  if (w.read !== packed.length) { rec.packed = packed; return false; } // readRequest answers it again
  const owed = settledIds.length === 1 ? settledIds.pop() : 0;
  rec.opts = opts; // for Go's Options(id) while it plans
  try { enter(EV_REQUEST, rec, undefined, undefined, w.written, owed); } finally { rec.opts = undefined; }
  return true;
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
function enter(ev, rec, a, b, n, owed) {
  let ok;
  try { ok = dispatch(ev, rec.id, a, b, n, owed); } catch (e) { console.error("wxsim: runtime error:", e); }
  if (ok === UNREADABLE) {
    const u = slot.u;
    slot.u = undefined;
    if (!rec.done && ev !== EV_UNREADABLE) { enter(EV_UNREADABLE, rec, rec.api, u); return; }
  }
  if (ok === false) console.error("wxsim: the runtime did not handle event " + ev + " of " + rec.api);
  if (ok !== true && !rec.done) {
    settle(rec, false, { errMsg: rec.api + TEXT.internal, errno: TEXT.failErrno });
  }
}
function settle(rec, ok, res) {
  if (rec.done) return;
  rec.done = true;
  recs.delete(rec.id);
  clearTimer(rec.id);
  const body = rec.buf || rec.blob || (typeof rec.text === "string" ? rec.text : null);
  observe(rec, "end", { ok: ok, result: res, body: body,
    size: body === null ? 0 : typeof body === "string" ? body.length : body.byteLength !== undefined ? body.byteLength : body.size });
  if (rec.pace) clearTimer(rec.pace.key); // §C3 steps still waiting (27_network.js)
  if (rec.mock) clearTimer("mock" + rec.id); // a mock's delay (45_mock.js)
  // what the task's transport holds for its fetch (a relay lane): freed however the task
  // ends, also while a §C3 step waits (the step never runs, nor the code after it)
  if (rec.tr) { const t = rec.tr; rec.tr = null; t.release(rec); }
  rec.ctrl = null; rec.buf = null; rec.body = undefined; rec.ls = null; rec.xhr = null; rec.blob = null; rec.text = null;
  later(function () {
    if (rec.resolve) { (ok ? rec.resolve : rec.reject)(res); return; }
    call(ok ? rec.success : rec.fail, res, rec.api + (ok ? " success" : " fail"));
    call(rec.complete, res, rec.api + " complete");
  });
}
// taskListeners adds to task t the on…/off… pair of each listener kind; names are the
// [kind, "on" + kind, "off" + kind] of listenerNames, made once per API (a property name
// built for every task measured µs a request).
function listenerNames(kinds) { return kinds.map(function (k) { return [k, "on" + k, "off" + k]; }); }
function taskListeners(t, rec, names) {
  for (const n of names) {
    const k = n[0];
    t[n[1]] = function (cb) {
      if (typeof cb !== "function" || rec.done) return;
      if (!rec.ls) rec.ls = Object.create(null);
      (rec.ls[k] || (rec.ls[k] = [])).push(cb);
    };
    t[n[2]] = function (cb) {
      const ls = rec.ls && rec.ls[k];
      if (!ls) return;
      if (cb === undefined) { ls.length = 0; return; }
      const i = ls.indexOf(cb);
      if (i >= 0) ls.splice(i, 1);
    };
  }
}
function emitTask(rec, k, payload) {
  observe(rec, PHASES[k], payload);
  const ls = rec.ls && rec.ls[k];
  if (!ls || ls.length === 0) return;
  for (const f of ls.slice()) { if (!rec.done) call(f, payload, "on" + k); }
}
// setTimer arms timer id: Go's (it fires EV_TIMER), or with f the glue's own (§C3
// pacing, 27_network.js: f runs instead; ids are strings, Go's are numbers).
function setTimer(id, ms, f) {
  clearTimer(id);
  const t = { h: null, due: clock.now() + ms, f: f };
  timers.set(id, t);
  t.h = clock.set(function () {
    if (timers.get(id) !== t) return;
    timers.delete(id);
    try { if (f !== undefined) f(); else dispatch(EV_TIMER, id); } catch (e) { console.error("wxsim: runtime error:", e); }
  }, ms);
}
function clearTimer(id) {
  const t = timers.get(id);
  if (t !== undefined) { clock.clear(t.h); timers.delete(id); }
}

const glue = {
  slot: slot,
  // definitions (called once per configuration)
  defineTaskAPI: function (target, name, api, kinds) {
    const names = listenerNames(kinds);
    target[name] = function (opts) {
      const rec = newRec(name, opts);
      const t = { abort: function () { if (!rec.done) enter(EV_ABORT, rec); } };
      taskListeners(t, rec, names);
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
  setPromiseStyle: function (on) { promiseStyle = on; },
  setTexts: function (t) { TEXT = t; },
  // defineCanIUse sets target.canIUse over Go's list of the schemas it answers true for,
  // one per line (one string crosses instead of 245)
  defineCanIUse: function (target, lines) {
    const set = new Set(lines.split("\n"));
    target.canIUse = function (schema) { return typeof schema === "string" && set.has(schema); };
  },
  // snapshot keeps the own properties of o (a page's wx, its env) and returns the
  // function that puts them back: what was added is deleted, what was changed restored
  snapshot: function (o) {
    const before = new Map();
    for (const k of Reflect.ownKeys(o)) before.set(k, Object.getOwnPropertyDescriptor(o, k));
    return function () {
      for (const k of Reflect.ownKeys(o)) {
        if (!before.has(k)) { try { delete o[k]; } catch (e) { /* not configurable */ } }
      }
      for (const [k, d] of before) { try { Object.defineProperty(o, k, d); } catch (e) { /* not configurable */ } }
    };
  },
  emit: function (name, payload) {
    const ls = lists[name];
    if (!ls) return;
    for (const l of ls.slice()) later(function () { call(l, payload, "on" + name); });
  },
  clearListeners: function () { for (const k in lists) lists[k].length = 0; },
  setTimer: setTimer,
  clearTimer: clearTimer,
  // the clock and the observers (Glue.SetClock, Glue.Observe)
  useClock: useClock,
  observe: function (f) { observers = (observers || []).concat([f]); },
  unobserve: function (f) {
    if (observers === null) return;
    const rest = observers.filter(function (o) { return o !== f; });
    observers = rest.length ? rest : null;
  },
  takeSettled: function () { return settledIds.length === 0 ? null : settledIds.splice(0); },
  options: function (id) { const rec = recs.get(id); return rec ? rec.opts : undefined; },
  note: function (id, phase, data) {
    const rec = recs.get(id) || (phase === "create" ? socks.get(id) : undefined);
    if (rec) observe(rec, phase, data === undefined ? null : data);
  },
  // settlement
  fail: function (id, errMsg, errno) {
    const rec = recs.get(id);
    if (!rec) return;
    const res = { errMsg: errMsg };
    if (errno !== undefined) res.errno = errno;
    settle(rec, false, res);
  },
  okWith: function (id, res) {
    const rec = recs.get(id);
    if (rec) settle(rec, true, res);
  },
  warn: function (msg) { console.warn(msg); },
};
