/* wxsim host: drive a preview page (one that loads wxsim and calls wxsim.bridge) from the
 * page that frames it (§C6). A plain script that defines the global `wxsimHost`:
 *
 *   <script src="dist/wxsim-host.js"></script>
 *   const preview = await wxsimHost.connect(iframe, {origin: 'http://127.0.0.1:8080'});
 *   await preview.call('start', {appId: 'wx123', domains: {request: ['https://api.example.com']}});
 *   const off = preview.on('network', (e) => console.log(e.api, e.phase));
 *   const har = await preview.call('har');
 *
 * build.sh makes its ES module twin, dist/wxsim-host.mjs (`import {connect} from ...`),
 * from this file: keep the last line as it is.
 */
(function (exportsTo) {
  "use strict";
  var win = typeof window !== "undefined" ? window : globalThis;

  // connect resolves with a handle on the preview in iframe once the preview's bridge
  // says it is ready, from that iframe's window and options.origin only.
  function connect(iframe, options) {
    if (!iframe || typeof iframe !== "object" || !("contentWindow" in iframe)) {
      throw new TypeError("wxsimHost.connect: iframe should be an <iframe> element");
    }
    if (!options || typeof options !== "object") {
      throw new TypeError("wxsimHost.connect: options should be an object like {origin: 'http://127.0.0.1:8080'}");
    }
    var origin = null;
    try {
      origin = typeof options.origin === "string" && options.origin !== "*" ? new URL(options.origin).origin : null;
    } catch (e) { origin = null; }
    if (!origin || origin === "null" || options.origin.replace(/\/$/, "") !== origin) {
      throw new TypeError('wxsimHost.connect: options.origin should be the preview\'s origin ("*" is refused), got ' +
        JSON.stringify(options.origin));
    }
    var target = iframe.contentWindow;
    var nextId = 1;
    var pending = {};     // id → {resolve, reject}
    var listeners = [];   // network event listeners
    var ready = null;     // resolve of the connect Promise, until the first ready

    function send(msg) {
      var w = iframe.contentWindow || target;
      w.postMessage(msg, origin);
    }
    var handle = {
      origin: origin,
      version: null,
      // call(method, ...args) runs wxsim[method](...args) in the preview; resolves with its value
      call: function (method) {
        var args = Array.prototype.slice.call(arguments, 1);
        return new Promise(function (resolve, reject) {
          var id = nextId++;
          pending[id] = { resolve: resolve, reject: reject };
          try {
            send({ wxsim: "call", id: id, method: String(method), args: args });
          } catch (e) { // e.g. a function in args: DataCloneError
            delete pending[id];
            reject(e);
          }
        });
      },
      // on("network", cb) gets every C1 event of the preview; returns the function that stops it
      on: function (type, cb) {
        if (type !== "network") throw new TypeError('wxsimHost: on: type should be "network", got ' + JSON.stringify(type));
        if (typeof cb !== "function") throw new TypeError("wxsimHost: on: listener should be a function");
        var entry = { cb: cb };
        listeners.push(entry);
        var subscribed = listeners.length === 1 ? handle.call("subscribe") : Promise.resolve();
        var off = function () {
          var i = listeners.indexOf(entry);
          if (i < 0) return;
          listeners.splice(i, 1);
          if (!listeners.length) handle.call("unsubscribe").catch(function () {});
        };
        off.ready = subscribed; // resolves once the preview sends events
        subscribed.catch(function (e) { console.error("wxsimHost: subscribe:", e); });
        return off;
      },
      // close stops listening to the preview; calls in flight reject
      close: function () {
        win.removeEventListener("message", onMessage);
        Object.keys(pending).forEach(function (id) { pending[id].reject(new Error("wxsimHost: closed")); });
        pending = {};
        listeners = [];
      },
    };

    function onMessage(ev) {
      if (ev.origin !== origin || ev.source !== iframe.contentWindow) return;
      var d = ev.data;
      if (!d || typeof d !== "object") return;
      switch (d.wxsim) {
        case "ready":
          handle.version = d.version;
          if (ready) { var r = ready; ready = null; r(handle); }
          else if (listeners.length) handle.call("subscribe").catch(function () {}); // the preview reloaded
          return;
        case "result":
          var p = pending[d.id];
          if (!p) return;
          delete pending[d.id];
          if (d.ok) p.resolve(d.value); else p.reject(new Error(String(d.error)));
          return;
        case "event":
          listeners.slice().forEach(function (l) {
            try { l.cb(d.event); } catch (e) { console.error("wxsimHost: network listener:", e); }
          });
          return;
      }
    }
    return new Promise(function (resolve) {
      ready = resolve;
      win.addEventListener("message", onMessage);
      // a preview that is up already said ready before we listened: ask again (dropped
      // by the browser while the frame shows another origin)
      try { send({ wxsim: "hello" }); } catch (e) { /* not loaded yet */ }
    });
  }

  exportsTo.wxsimHost = { connect: connect };
})(typeof globalThis !== "undefined" ? globalThis : window);
