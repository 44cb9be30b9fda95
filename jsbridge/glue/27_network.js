// 27_network: the §C3 network condition as the tasks above the transport seam see it:
// latencyMs before each response's head and each socket's open, and downKbps / upKbps
// pacing what the mini-program sees (upload progress, the response's head, download
// progress, chunks, the final callback) as if the link had that rate. The real transfer
// runs as fast as it can; only what the user's code sees waits. Every wait is a timer of
// setTimer on the wx clock (10_core.js): the §C5 virtual clock moves it, the task's
// time-out counts it (a step still waiting when the time-out fires never comes), and
// settling the task clears it. A task keeps the condition in force when it started.
let netCond = null; // {latency (ms), down, up (kbps; 0: no limit)} when any is set, else null
// A step of a task is seen no earlier than the link allows:
//   "up"   n bytes of the request body sent:  t0 + n at upKbps
//   "head" the response's head:               (when it came, but not before the body is
//                                              sent at upKbps) + latencyMs
//   "down" n bytes of the response received:  when they came, but not before the head
//                                              + n at downKbps
// and never before the task's step before it. (The latency is the head's only: the body
// is read while earlier steps wait, so when its bytes came is not known better than
// "by now".)
function linkMs(bytes, kbps) { return kbps > 0 ? bytes * 8 / kbps : 0; } // 1 kbps = 1 bit/ms
// paceStart gives task rec the condition in force now; sent is the request body's size.
function paceStart(rec, sent) {
  rec.pace = netCond === null ? null : { c: netCond, t0: clock.now(), sent: sent, head: 0, last: 0, q: [], key: "pace" + rec.id };
}
// pace runs f when the mini-program may see step kind of rec with n bytes (see above):
// at once when nothing holds it, else on the wx clock, steps in the order they came.
// A step of a task that has settled meanwhile never runs.
function pace(rec, kind, n, f) {
  const p = rec.pace;
  if (!p) { f(); return; }
  const c = p.c, now = clock.now();
  let at = kind === "up" ? Math.max(now, p.t0 + linkMs(n, c.up))
    : kind === "head" ? Math.max(now, p.t0 + linkMs(p.sent, c.up)) + c.latency
    : Math.max(now, p.head + linkMs(n, c.down));
  at = Math.max(at, p.last);
  p.last = at;
  if (kind === "head") p.head = at;
  if (p.q.length === 0 && at <= now) { f(); return; }
  p.q.push([at, f]);
  if (p.q.length === 1) paceArm(rec, p);
}
function paceArm(rec, p) {
  setTimer(p.key, Math.max(0, p.q[0][0] - clock.now()), function () {
    const x = p.q.shift();
    if (p.q.length > 0) paceArm(rec, p);
    if (!rec.done) x[1]();
  });
}
// paced is pace as a Promise, for the tasks written as async functions.
function paced(rec, kind, n) { return new Promise(function (resolve) { pace(rec, kind, n, resolve); }); }
// bodySize is the size in bytes of a request body as the glue holds it.
function bodySize(body) {
  if (body === undefined || body === null) return 0;
  if (typeof body === "string") return new TextEncoder().encode(body).byteLength;
  return body.byteLength || 0;
}
// sockPaceOpen runs open, a socket's handshake completing, after latencyMs on the wx
// clock; what the socket hears meanwhile (sockPaced) waits behind it. The handshake
// time-out counts the wait: open clears it.
function sockPaceOpen(s, open) {
  const c = netCond;
  if (c === null || !(c.latency > 0)) { open(); return; }
  s.gate = [];
  setTimer("pace" + s.id, c.latency, function () {
    open();
    const g = s.gate;
    s.gate = null;
    for (const f of g) f();
  });
}
// sockPaced runs f, an event of socket s, now or behind its open.
function sockPaced(s, f) { if (s.gate) s.gate.push(f); else f(); }

Object.assign(glue, {
  // setNetwork is Go's Runtime.SetNetwork: the condition new tasks start under.
  setNetwork: function (latency, down, up) {
    netCond = latency > 0 || down > 0 || up > 0 ? { latency: latency, down: down, up: up } : null;
  },
});
