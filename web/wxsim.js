/* wxsim loader: a plain script that defines the global `wxsim`.
 *
 *   <script src="dist/wxsim.js"></script>
 *   await wxsim.start({appId: 'wx123', domains: {request: ['https://api.example.com']}});
 *   wx.request({url: 'https://api.example.com/hello', success(res) { ... }});
 *
 * With {relay: true} (or relay: 'http://ADDR/' and relayToken) the network APIs go
 * through the native relay of `wxsim` (spec §9); pages it serves get the token by itself.
 *
 * It loads wasm_exec.js and wx.wasm from next to itself (or config.wasm), runs the Go
 * runtime once per page, and passes the config to it. See README.md for the contract.
 *
 * build.sh makes the ES module dist/wxsim.mjs from this file: the same code, called with
 * the module's import.meta.url as moduleURL (keep the last line as it is).
 */
(function (global, moduleURL) {
  "use strict";
  var here = moduleURL || (document.currentScript && document.currentScript.src ? document.currentScript.src : location.href);
  var base = new URL(".", here);
  var ctl = null;      // control function handed over by the Go runtime
  var booting = null;  // Promise of ctl while the wasm loads
  var chain = Promise.resolve();
  var afterStart = null; // the bridge's hook: subscriptions made before start (§C6)

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("wxsim: cannot load " + url)); };
      document.head.appendChild(s);
    });
  }

  // boot loads wasm_exec.js, glue.js and guard.js from where wx.wasm is (they are built
  // together): next to this script, or next to config.wasm.
  function boot(wasmURL) {
    var dir = new URL(".", new URL(wasmURL, location.href));
    return (global.Go ? Promise.resolve() : loadScript(new URL("wasm_exec.js", dir).href)).then(function () {
      return new Promise(function (resolve, reject) {
        var bootObj = { exports: null, ready: function (c) { delete global.__wxsimBoot; resolve(c); } };
        global.__wxsimBoot = bootObj;
        var go = new global.Go();
        var src = fetch(wasmURL);
        var inst = WebAssembly.instantiateStreaming
          ? WebAssembly.instantiateStreaming(src, go.importObject).catch(function () {
              return fetch(wasmURL).then(function (r) { return r.arrayBuffer(); })
                .then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
            })
          : src.then(function (r) { return r.arrayBuffer(); }).then(function (b) { return WebAssembly.instantiate(b, go.importObject); });
        // the glue and the guard the runtime evaluates (built from jsbridge/ by build.sh)
        var text = function (name) {
          return fetch(new URL(name, dir).href).then(function (r) {
            if (!r.ok) throw new Error(name + ": HTTP " + r.status);
            return r.text();
          });
        };
        Promise.all([inst, text("glue.js"), text("guard.js")]).then(function (all) {
          var r = all[0];
          bootObj.exports = r.instance.exports; // lets the runtime use its wxsim_dispatch export
          bootObj.glue = all[1];
          bootObj.guard = all[2];
          go.run(r.instance).then(function () { ctl = null; booting = null; console.error("wxsim: the Go runtime exited"); });
        }, function (e) { booting = null; reject(new Error("wxsim: cannot start " + wasmURL + ": " + e)); });
      });
    });
  }

  function need() {
    if (!ctl) throw new Error("wxsim: call wxsim.start() first");
    return ctl;
  }
  // op calls the runtime; a failure it answers ({wxsimError, kind}) is thrown as that kind.
  function op(name, arg, arg2) {
    var r = need()(name, arg, arg2);
    if (r && typeof r === "object" && typeof r.wxsimError === "string") {
      throw r.kind === "TypeError" ? new TypeError(r.wxsimError) : new Error(r.wxsimError);
    }
    return r;
  }
  // promised is op for a call that returns a Promise: a failure rejects it.
  function promised(name, arg) {
    try { return Promise.resolve(op(name, arg)); } catch (e) { return Promise.reject(e); }
  }

  global.wxsim = {
    version: "0.1.0",
    // start(config) loads the runtime once and (re)configures it; resolves with wx.
    start: function (config) {
      var run = function () {
        if (config !== undefined && config !== null && typeof config !== "object") {
          return Promise.reject(new Error("wxsim config should be an object"));
        }
        if (config && config.relay === true) { // the relay of the server that serves this page
          config = Object.assign({}, config, { relay: location.origin + "/" });
        }
        var wasmURL = config && config.wasm ? String(config.wasm) : new URL("wx.wasm", base).href;
        if (!booting) booting = boot(wasmURL).then(function (c) { ctl = c; return c; });
        return booting.then(function (c) {
          return Promise.resolve(c("start", config)).then(function (err) {
            if (err) throw new Error(err);
            if (afterStart) afterStart();
            return global.wx;
          });
        });
      };
      var p = chain.then(run, run);
      chain = p.catch(function () {});
      return p;
    },
    hide: function () { need()("hide"); },
    show: function () { need()("show"); },
    relaunch: function () { need()("relaunch"); },
    config: function () { return need()("config"); },
    stats: function () { return need()("stats"); },
    // network events (§C1): on returns the function that removes the listener
    on: function (type, listener) {
      op("on", type, listener);
      return function () { op("off", type, listener); };
    },
    off: function (type, listener) { op("off", type, listener); },
    tasks: function () { return op("tasks"); },
    // a HAR 1.2 log of the listed tasks (§C2): a Promise
    har: function (options) { return promised("har", options); },
    // mocks and faults (§C4)
    mock: function (rule) { return op("mock", rule); },
    unmock: function (id) { return op("unmock", id); },
    clearMocks: function () { op("clearMocks"); },
    mocks: function () { return op("mocks"); },
    // network conditions (§C3): the whole condition; an omitted field takes its default
    setNetwork: function (options) { op("setNetwork", options); },
    network: function () { return op("network"); },
    // the wx clock (§C5): the runtime's time rules on a virtual clock
    clock: {
      install: function (options) { op("clock.install", options); },
      tick: function (ms) { return promised("clock.tick", ms); },
      now: function () { return op("clock.now"); },
      uninstall: function () { op("clock.uninstall"); },
    },
    // the preview bridge (§C6): answer calls from the parent window of the given origins
    bridge: function (options) { return bridge(options); },
  };

  // §C6. bridge lets the page that frames this one (the host) call the functions above by
  // postMessage. Only messages whose source is window.parent and whose origin is one of
  // options.origin are answered, and only to that origin; all others are ignored.
  // It returns a function that stops the bridge.
  function bridge(options) {
    var bad = 'wxsim.bridge: options.origin should be an origin or a list of origins ("*" is refused)';
    if (!options || typeof options !== "object") throw new TypeError("wxsim.bridge: options should be an object like {origin: 'https://ide.example.com'}");
    var list = typeof options.origin === "string" ? [options.origin] : options.origin;
    if (!Array.isArray(list) || list.length === 0) throw new TypeError(bad);
    var allowed = list.map(function (o) {
      var u = null;
      try { u = typeof o === "string" && o !== "*" ? new URL(o) : null; } catch (e) { u = null; }
      if (!u || u.origin === "null" || o.replace(/\/$/, "") !== u.origin) {
        throw new TypeError(bad + ", got " + JSON.stringify(o));
      }
      return u.origin;
    });
    var parent = global.parent;
    var subscribers = []; // origins that subscribed to the C1 events
    var attached = false;
    function onEvent(event) {
      subscribers.forEach(function (o) { post(o, { wxsim: "event", event: event }); });
    }
    function attach() {
      if (!attached && subscribers.length && ctl) { op("on", "network", onEvent); attached = true; }
      if (attached && !subscribers.length) { attached = false; if (ctl) op("off", "network", onEvent); }
    }
    function post(origin, msg) {
      try { parent.postMessage(msg, origin); } catch (e) {
        if (e && e.name === "DataCloneError") { parent.postMessage(plain(msg), origin); } else { throw e; }
      }
    }
    function run(method, args, origin) {
      var w = global.wxsim;
      switch (method) {
        case "start": return w.start(args[0]).then(function () { return undefined; });
        case "subscribe":
          if (subscribers.indexOf(origin) < 0) subscribers.push(origin);
          attach();
          return undefined;
        case "unsubscribe":
          subscribers = subscribers.filter(function (o) { return o !== origin; });
          attach();
          return undefined;
        case "mock": return w.mock(mockRule(args[0]));
        case "clock.install": case "clock.tick": case "clock.now": case "clock.uninstall":
          return w.clock[method.slice(6)].apply(null, args);
        case "hide": case "show": case "relaunch": case "config": case "stats": case "setNetwork":
        case "network": case "unmock": case "clearMocks": case "mocks": case "har": case "tasks":
          return w[method].apply(null, args);
      }
      throw new TypeError("wxsim.bridge: unknown method " + JSON.stringify(method));
    }
    function listener(ev) {
      var d = ev.data;
      if (ev.source !== parent || parent === global || allowed.indexOf(ev.origin) < 0) return;
      if (!d || typeof d !== "object") return;
      if (d.wxsim === "hello") { post(ev.origin, { wxsim: "ready", version: global.wxsim.version }); return; }
      if (d.wxsim !== "call") return;
      var origin = ev.origin, id = d.id;
      var p;
      try {
        p = Promise.resolve(run(String(d.method), Array.isArray(d.args) ? d.args : [], origin));
      } catch (e) { p = Promise.reject(e); }
      p.then(function (value) {
        post(origin, { wxsim: "result", id: id, ok: true, value: value });
      }, function (e) {
        post(origin, { wxsim: "result", id: id, ok: false, error: String(e && e.message !== undefined ? e.message : e) });
      });
    }
    global.addEventListener("message", listener);
    var prev = afterStart;
    afterStart = function () { if (prev) prev(); attach(); };
    if (parent && parent !== global) {
      allowed.forEach(function (o) { post(o, { wxsim: "ready", version: global.wxsim.version }); });
    }
    return function stop() {
      global.removeEventListener("message", listener);
      subscribers = [];
      attach();
    };
  }

  // mockRule turns a rule that came by postMessage into one for mock: {regexp, flags} in
  // url becomes a RegExp (a RegExp itself also survives the structured clone).
  function mockRule(rule) {
    if (rule && typeof rule === "object" && rule.url && typeof rule.url === "object" && typeof rule.url.regexp === "string") {
      return Object.assign({}, rule, { url: new RegExp(rule.url.regexp, rule.url.flags || "") });
    }
    return rule;
  }

  // plain is a structured-clone-able copy of v: functions are left out.
  function plain(v) {
    if (typeof v === "function" || typeof v === "symbol") return undefined;
    if (!v || typeof v !== "object" || v instanceof RegExp || v instanceof ArrayBuffer || ArrayBuffer.isView(v) || v instanceof Date) return v;
    if (Array.isArray(v)) return v.map(plain);
    var o = {};
    Object.keys(v).forEach(function (k) { var x = plain(v[k]); if (x !== undefined) o[k] = x; });
    return o;
  }
})(typeof globalThis !== "undefined" ? globalThis : window);
