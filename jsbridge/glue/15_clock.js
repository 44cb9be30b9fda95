// 15_clock: the §C5 virtual clock. clockInstall puts every timer of the runtime (setTimer
// in 10_core.js: §8.2 time-outs, socket handshake time-outs and the close grace, the
// §8.3 grace) and every clock reading on a clock that moves only when clockTick moves
// it; clockUninstall goes back to real time, pending timers keeping the time they have
// left. Callback delivery and network I/O are not timers: they go on as usual.
function virtualClock(now) {
  const c = { t: now, seq: 0, timers: new Map() }; // handle → {f, at, seq}
  c.now = function () { return c.t; };
  c.set = function (f, ms) {
    const h = ++c.seq;
    c.timers.set(h, { f: f, at: c.t + (ms > 0 ? ms : 0), seq: h });
    return h;
  };
  c.clear = function (h) { c.timers.delete(h); };
  // next is the first timer due by end, in due order (then the order they were set)
  c.next = function (end) {
    let best = null;
    for (const x of c.timers.values()) {
      if (x.at <= end && (best === null || x.at < best.at || (x.at === best.at && x.seq < best.seq))) best = x;
    }
    return best;
  };
  return c;
}
let vclock = null;
// macrotask runs f once every microtask queued now has run (a MessageChannel message
// comes sooner than a timer).
let macroPort = null;
const macroQueue = [];
function macrotask(f) {
  if (macroPort === null) {
    const ch = new MessageChannel();
    ch.port1.onmessage = function () { const q = macroQueue.splice(0); for (const g of q) g(); };
    macroPort = ch.port2;
  }
  if (macroQueue.push(f) === 1) macroPort.postMessage(0);
}
// clockTick moves the virtual clock by ms: each timer due by then fires at its time, in
// order, each after the callbacks the one before caused; the promise resolves once the
// last one's callbacks (and what they queued) have run.
function clockTick(ms) {
  const c = vclock, end = c.t + ms;
  return new Promise(function (resolve) {
    const step = function () {
      if (vclock !== c) { macrotask(resolve); return; } // uninstalled meanwhile
      const x = c.next(end);
      if (x === null) { c.t = end; macrotask(resolve); return; }
      c.t = x.at;
      c.timers.delete(x.seq);
      try { x.f(); } catch (e) { console.error("wxsim: a timer threw:", e); }
      later(step); // after the callbacks this timer caused
    };
    step();
  });
}

Object.assign(glue, {
  clockInstall: function (now) { vclock = virtualClock(now); useClock(vclock); },
  clockUninstall: function () { vclock = null; useClock(null); },
  clockInstalled: function () { return vclock !== null; },
  clockNow: function () { return clock.now(); },
  clockTick: clockTick,
});
