/* wxsim workbench: the host page. It frames preview.html (wxsim and the mini-program code)
 * and drives it only through the §C6 bridge (wxsimHost.connect): the network panel is fed
 * by §C1 events, Export HAR is §C2, the network controls are §C3, the mocks tab is §C4.
 * The preview's console comes by its own postMessage ({wxsimPreview: "console"}).
 */
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const origin = location.origin;
  const MAX_ROWS = 1000, MAX_CONSOLE = 2000, MAX_FRAMES = 1000, GRACE_MS = 5000;
  // Network presets (§C3). Their numbers are Chrome DevTools' classic throttling profiles.
  const PRESETS = [
    { name: "No throttling", net: { type: "wifi", latencyMs: 0, downKbps: 0, upKbps: 0 } },
    { name: "Wi-Fi", net: { type: "wifi", latencyMs: 2, downKbps: 30000, upKbps: 15000 } },
    { name: "4G", net: { type: "4g", latencyMs: 20, downKbps: 4000, upKbps: 3000 } },
    { name: "3G", net: { type: "3g", latencyMs: 100, downKbps: 750, upKbps: 250 } },
    { name: "2G", net: { type: "2g", latencyMs: 300, downKbps: 250, upKbps: 50 } },
    { name: "Offline", net: { type: "none", latencyMs: 0, downKbps: 0, upKbps: 0 } },
  ];
  const TYPES = ["wifi", "5g", "4g", "3g", "2g", "unknown", "none"];

  // the load event waits until the app runs (loadgate.js), so that
  // `chromium --headless --screenshot` shows the ready page
  const releaseLoad = holdLoad();

  // ---- theme
  const theme = localStorage.getItem("wxsim.theme") || "auto";
  function setTheme(t) {
    if (t === "auto") delete document.documentElement.dataset.theme; else document.documentElement.dataset.theme = t;
    localStorage.setItem("wxsim.theme", t);
  }
  $("theme").value = theme;
  setTheme(theme);
  $("theme").addEventListener("change", () => setTheme($("theme").value));

  // ---- persisted settings, one record per project
  let project = null, storeKey = "", saved = { config: null, network: null, mocks: [] };
  function load() {
    try { saved = Object.assign(saved, JSON.parse(localStorage.getItem(storeKey) || "{}")); } catch (e) { /* a bad record: defaults */ }
  }
  function save() {
    try { localStorage.setItem(storeKey, JSON.stringify(saved)); }
    catch (e) { console.warn("wxsim workbench: settings not saved:", e); $("mockError").textContent = "not kept across reloads: " + e.message; }
  }

  let preview = null, frame = $("preview"), offNetwork = null;
  function setState(state, text) { const el = $("state"); el.dataset.state = state; el.textContent = text; }

  // ---- boot: frame the preview, subscribe, start with the project's config and the saved
  // settings, apply the network and mocks, then let the preview run the app
  async function boot() {
    setState("starting", "starting…");
    if (!window.wxsimHost) { setState("error", "dist/ is missing: run ./build.sh"); releaseLoad(); return; }
    const fresh = document.createElement("iframe");
    fresh.id = "preview";
    fresh.title = frame.title;
    fresh.src = "preview.html";
    frame.replaceWith(fresh);
    frame = fresh;
    const running = new Promise((resolve) => { runningResolve = resolve; });
    preview = await wxsimHost.connect(frame, { origin: origin });
    offNetwork = preview.on("network", onEvent);
    await offNetwork.ready;
    try {
      await preview.call("start", effectiveConfig());
    } catch (e) {
      $("cfgError").textContent = "saved settings refused (" + e.message + "): using the project's";
      saved.config = null;
      await preview.call("start", effectiveConfig());
    }
    fillSettings();
    inForce(effectiveConfig());
    await applyNetwork(saved.network || PRESETS[0].net);
    for (const m of saved.mocks) {
      try { m.id = await preview.call("mock", m.rule); } catch (e) { console.warn("wxsim workbench: a saved mock was refused:", e.message); }
    }
    await refreshMocks();
    for (const t of await preview.call("tasks")) if (!rows.has(t.id)) fromTask(t);
    frame.contentWindow.postMessage({ wxsimPreview: "run" }, origin);
    await Promise.race([running, new Promise((r) => setTimeout(r, 10000))]);
    setState("ready", "ready");
    hidden = false;
    showGrace();
    releaseLoad();
  }
  let runningResolve = null;
  addEventListener("message", (e) => {
    if (e.origin !== origin || e.source !== frame.contentWindow || !e.data || typeof e.data.wxsimPreview !== "string") return;
    if (e.data.wxsimPreview === "console") addConsole(e.data.level, e.data.text, e.data.time);
    if (e.data.wxsimPreview === "running" && runningResolve) { runningResolve(); runningResolve = null; }
  });

  // ---- lifecycle controls (§8.3)
  let hidden = false, hiddenAt = 0, graceTimer = 0;
  function showGrace() {
    clearInterval(graceTimer);
    const keep = !!(effectiveConfig().backgroundKeepAlive);
    if (!hidden) { $("grace").textContent = "app in the foreground"; return; }
    const tick = () => {
      const left = GRACE_MS - (Date.now() - hiddenAt);
      if (keep) $("grace").textContent = "hidden: backgroundKeepAlive keeps the network alive";
      else if (left > 0) $("grace").textContent = "hidden: unfinished calls fail “interrupted” in " + (left / 1000).toFixed(1) + " s unless shown";
      else { $("grace").textContent = "hidden for over 5 s: network calls fail “interrupted” until the app is shown"; clearInterval(graceTimer); }
    };
    tick();
    graceTimer = setInterval(tick, 100);
  }
  $("hide").addEventListener("click", async () => {
    await preview.call("hide"); hidden = true; hiddenAt = Date.now(); setState("hidden", "hidden"); showGrace();
  });
  $("show").addEventListener("click", async () => { await preview.call("show"); hidden = false; setState("ready", "ready"); showGrace(); });
  $("relaunch").addEventListener("click", async () => {
    try { await preview.call("relaunch"); } catch (e) { /* the preview reloads anyway */ }
    if (offNetwork) offNetwork();
    preview.close();
    clearRows();
    addConsole("info", "— relaunched —", Date.now());
    boot().catch(bootFailed);
  });

  // ---- network conditions (§C3)
  function renderPresets() {
    const box = $("presets");
    for (const p of PRESETS) {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "radio");
      b.dataset.preset = p.name;
      const n = p.net;
      const nums = n.type === "none" ? "no network" : n.latencyMs || n.downKbps ? n.latencyMs + " ms · ↓" + n.downKbps + " ↑" + n.upKbps + " kbps" : "as fast as it goes";
      b.innerHTML = "<span></span><small></small>";
      b.firstChild.textContent = p.name;
      b.lastChild.textContent = nums;
      b.addEventListener("click", () => applyNetwork(p.net));
      box.appendChild(b);
    }
    for (const t of TYPES) { const o = document.createElement("option"); o.textContent = t; $("netType").appendChild(o); }
  }
  async function applyNetwork(net) {
    try {
      await preview.call("setNetwork", net);
    } catch (e) { $("netState").textContent = e.message; return; }
    const now = await preview.call("network");
    saved.network = now;
    save();
    $("netType").value = now.type;
    $("netLatency").value = now.latencyMs;
    $("netDown").value = now.downKbps;
    $("netUp").value = now.upKbps;
    let name = "custom";
    for (const p of PRESETS) if (["type", "latencyMs", "downKbps", "upKbps"].every((k) => p.net[k] === now[k])) name = p.name;
    for (const b of $("presets").children) b.setAttribute("aria-checked", String(b.dataset.preset === name));
    $("netState").textContent = "now: " + name + " — " + JSON.stringify(now);
  }
  for (const id of ["netType", "netLatency", "netDown", "netUp"]) {
    $(id).addEventListener("change", () => applyNetwork({ type: $("netType").value, latencyMs: Number($("netLatency").value),
      downKbps: Number($("netDown").value), upKbps: Number($("netUp").value) }));
  }

  // ---- settings (§2): the project's config with the user's changes over it
  const APIS = ["request", "socket", "uploadFile", "downloadFile"];
  const TIMEOUTS = ["request", "connectSocket", "uploadFile", "downloadFile"];
  function effectiveConfig() {
    return Object.assign({}, saved.config || (project ? project.config : {}));
  }
  function fillSettings() {
    const c = effectiveConfig();
    $("cfgNoCheck").checked = c.urlCheck === false;
    $("cfgRelay").checked = !!c.relay;
    $("cfgKeepAlive").checked = !!c.backgroundKeepAlive;
    $("cfgAppId").value = c.appId || "";
    $("cfgAppVersion").value = c.appVersion || "";
    $("cfgSdk").value = c.sdkVersion || "";
    for (const a of APIS) $("dom-" + a).value = ((c.domains || {})[a] || []).join("\n");
    for (const a of TIMEOUTS) $("to-" + a).value = (c.networkTimeout || {})[a] || "";
  }
  function readSettings() {
    const c = { urlCheck: !$("cfgNoCheck").checked };
    if ($("cfgRelay").checked) c.relay = true;
    if ($("cfgKeepAlive").checked) c.backgroundKeepAlive = true;
    if ($("cfgAppId").value.trim()) c.appId = $("cfgAppId").value.trim();
    if ($("cfgAppVersion").value.trim()) c.appVersion = $("cfgAppVersion").value.trim();
    if ($("cfgSdk").value.trim()) c.sdkVersion = $("cfgSdk").value.trim();
    const domains = {};
    for (const a of APIS) {
      const list = $("dom-" + a).value.split(/\s+/).filter(Boolean);
      if (list.length) domains[a] = list;
    }
    if (Object.keys(domains).length) c.domains = domains;
    const to = {};
    for (const a of TIMEOUTS) if ($("to-" + a).value !== "") to[a] = Number($("to-" + a).value);
    if (Object.keys(to).length) c.networkTimeout = to;
    return c;
  }
  // inForce says which config the preview runs now, once it has taken it
  function inForce(c) {
    $("cfgState").textContent = "in force: urlCheck " + (c.urlCheck === false ? "off" : "on") +
      ", relay " + (c.relay ? "on" : "off") + (c.appId ? ", " + c.appId : "");
  }
  async function applySettings() {
    const c = readSettings();
    // the user's form is the whole config: fields left empty take wxsim's defaults
    $("cfgState").textContent = "applying…";
    try {
      await preview.call("start", Object.assign({}, c));
    } catch (e) { $("cfgState").textContent = ""; $("cfgError").textContent = e.message; return; }
    $("cfgError").textContent = "";
    inForce(c);
    saved.config = c;
    save();
    showGrace();
  }
  $("settings").addEventListener("change", applySettings);
  $("settings").addEventListener("submit", (e) => { e.preventDefault(); applySettings(); });
  $("cfgReset").addEventListener("click", async () => {
    saved.config = null; save(); fillSettings();
    $("cfgState").textContent = "applying…";
    try { await preview.call("start", effectiveConfig()); $("cfgError").textContent = ""; inForce(effectiveConfig()); }
    catch (e) { $("cfgState").textContent = ""; $("cfgError").textContent = e.message; }
  });

  // ---- mocks (§C4)
  let mockList = [];
  async function refreshMocks() {
    mockList = await preview.call("mocks");
    const ol = $("mocks");
    ol.textContent = "";
    if (!mockList.length) { const li = document.createElement("li"); li.innerHTML = "<span class=muted>No rules: every call uses the real network.</span>"; ol.appendChild(li); }
    for (const m of mockList) {
      const li = document.createElement("li");
      const s = document.createElement("span");
      s.textContent = m.har ? "HAR replay: " + ((m.har.log && m.har.log.entries) || []).length + " entries, not in HAR → " + m.notFound : describeRule(m);
      li.appendChild(s);
      if (!m.har) li.appendChild(button("Edit", () => editMock(m)));
      li.appendChild(button("Remove", async () => { await preview.call("unmock", m.id); forget(m.id); refreshMocks(); }));
      ol.appendChild(li);
    }
  }
  function describeRule(m) {
    const what = m.fail ? "fail " + m.fail : m.hang ? "hang" : m.socket ? "socket " + m.socket :
      m.response ? (m.response.statusCode || 200) + (m.response.data !== undefined ? " " + short(typeof m.response.data === "string" ? m.response.data : JSON.stringify(m.response.data), 60) : "") : "?";
    return m.api + " " + (m.method ? m.method + " " : "") + String(m.url) + " → " + what +
      (m.delayMs ? " after " + m.delayMs + " ms" : "") + (m.times ? " (" + m.times + " left)" : "");
  }
  function forget(id) { saved.mocks = saved.mocks.filter((m) => m.id !== id); save(); }
  function button(label, f) { const b = document.createElement("button"); b.type = "button"; b.textContent = label; b.addEventListener("click", f); return b; }
  function editMock(m) {
    $("mockEditing").value = m.id;
    $("mockApi").value = m.api;
    $("mockUrl").value = String(m.url);
    $("mockMethod").value = m.method || "";
    $("mockTimes").value = m.times || "";
    $("mockDelay").value = m.delayMs || "";
    $("mockKind").value = m.fail || (m.hang ? "hang" : m.socket ? "echo" : "response");
    const r = m.response || {};
    $("mockStatus").value = r.statusCode || 200;
    $("mockHeader").value = r.header ? JSON.stringify(r.header) : "";
    $("mockData").value = r.data === undefined ? "" : typeof r.data === "string" ? r.data : JSON.stringify(r.data, null, 2);
    $("mockSave").textContent = "Save rule";
    $("mockCancel").hidden = false;
    $("mockUrl").focus();
  }
  function resetMockForm() {
    $("mockForm").reset(); $("mockEditing").value = ""; $("mockSave").textContent = "Add rule"; $("mockCancel").hidden = true;
  }
  $("mockCancel").addEventListener("click", resetMockForm);
  function readMock() {
    const rule = { api: $("mockApi").value, url: $("mockUrl").value.trim() };
    if ($("mockMethod").value.trim()) rule.method = $("mockMethod").value.trim();
    if ($("mockTimes").value) rule.times = Number($("mockTimes").value);
    if ($("mockDelay").value) rule.delayMs = Number($("mockDelay").value);
    const kind = $("mockKind").value;
    const response = () => {
      const r = { statusCode: Number($("mockStatus").value || 200) };
      if ($("mockHeader").value.trim()) {
        try { r.header = JSON.parse($("mockHeader").value); } catch (e) { throw new TypeError("headers should be a JSON object: " + e.message); }
      }
      const d = $("mockData").value;
      if (d !== "") { try { r.data = JSON.parse(d); } catch (e) { r.data = d; } }
      return r;
    };
    if (kind === "response") rule.response = response();
    else if (kind === "hang") rule.hang = true;
    else if (kind === "echo") rule.socket = "echo";
    else { rule.fail = kind; if (kind === "reset") rule.response = response(); }
    return rule;
  }
  $("mockForm").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("mockError").textContent = "";
    let rule;
    try { rule = readMock(); } catch (err) { $("mockError").textContent = err.message; return; }
    let id;
    try { id = await preview.call("mock", rule); } catch (err) { $("mockError").textContent = err.message; return; }
    const old = $("mockEditing").value;
    if (old) { await preview.call("unmock", old); forget(old); }
    saved.mocks.push({ id: id, rule: rule });
    save();
    resetMockForm();
    refreshMocks();
  });
  $("clearMocks").addEventListener("click", async () => { await preview.call("clearMocks"); saved.mocks = []; save(); refreshMocks(); });
  $("harFile").addEventListener("change", async () => {
    const f = $("harFile").files[0];
    if (!f) return;
    $("mockError").textContent = "";
    try {
      const rule = { har: JSON.parse(await f.text()), notFound: $("harNotFound").value };
      const id = await preview.call("mock", rule);
      saved.mocks.push({ id: id, rule: rule });
      save();
    } catch (err) { $("mockError").textContent = f.name + ": " + err.message; }
    $("harFile").value = "";
    refreshMocks();
  });

  // ---- the network panel (§C1)
  const rows = new Map(); // id → row
  const dirty = new Set();
  let flushing = 0, selected = 0;
  function onEvent(ev) {
    let r = rows.get(ev.id);
    if (!r) {
      if (ev.phase !== "create") return; // a task from before the panel listened: tasks() filled it
      r = { id: ev.id, api: ev.api, url: ev.url, method: ev.method, transport: ev.transport, header: ev.header,
        requestBodySize: ev.requestBodySize, created: ev.time, frames: [], phase: "create" };
      rows.set(ev.id, r);
      if (rows.size > MAX_ROWS) { const first = rows.keys().next().value; const old = rows.get(first); rows.delete(first); if (old.tr) old.tr.remove(); }
    }
    r.phase = ev.phase;
    switch (ev.phase) {
      case "queue": r.queued = ev.time; break;
      case "start": r.started = ev.time; break;
      case "headers": r.headersAt = ev.time; r.statusCode = ev.statusCode; r.responseHeader = ev.header; break;
      case "progress": r.progress = ev.progress; r.loaded = ev.totalBytesWritten !== undefined ? ev.totalBytesWritten : ev.totalBytesSent; break;
      case "open": r.opened = ev.time; r.headersAt = ev.time; r.responseHeader = ev.header; r.statusCode = 101; break;
      case "message":
        r.frames.push({ dir: ev.direction, type: ev.type, size: ev.size, data: ev.data, time: ev.time });
        if (r.frames.length > MAX_FRAMES) r.frames.shift();
        break;
      case "close": r.closeCode = ev.code; r.closeReason = ev.reason; break;
      case "end":
        r.ended = ev.time; r.ok = ev.ok; r.errMsg = ev.errMsg; r.errno = ev.errno; r.size = ev.responseBodySize;
        if (ev.statusCode !== undefined) r.statusCode = ev.statusCode;
        r.refused = !ev.ok && r.started === undefined && r.opened === undefined;
        break;
    }
    dirty.add(r);
    schedule();
  }
  function fromTask(t) {
    const r = { id: t.id, api: t.api, url: t.url, method: t.method, transport: t.transport, header: t.requestHeader, responseHeader: t.responseHeader,
      statusCode: t.statusCode, created: t.startTime, started: t.startTime, ended: t.endTime, ok: t.ok, errMsg: t.errMsg, errno: t.errno, frames: [], phase: t.phase };
    rows.set(t.id, r);
    dirty.add(r);
    schedule();
  }
  // schedule batches row updates: the first change after a quiet spell shows on the next
  // frame; under a stream of events the panel redraws 10 times a second at most (each
  // redraw restyles the waterfall). The timer covers tabs that paint no frames (hidden,
  // headless).
  let flushTimer = 0, lastFlush = 0;
  function schedule() {
    if (flushing || flushTimer) return;
    const wait = lastFlush + 100 - performance.now();
    if (wait <= 0) flushing = requestAnimationFrame(flush);
    flushTimer = setTimeout(flush, wait > 0 ? wait : 100);
  }
  function clearRows() {
    for (const r of rows.values()) if (r.tr) r.tr.remove();
    rows.clear(); dirty.clear(); selected = 0;
    $("detail").innerHTML = '<p class="muted">Select a call to see its headers, payload, response, timing and frames.</p>';
    summary();
  }
  $("clearNet").addEventListener("click", clearRows);

  function flush() {
    cancelAnimationFrame(flushing); clearTimeout(flushTimer);
    flushing = 0; flushTimer = 0; lastFlush = performance.now();
    const body = $("rows");
    for (const r of dirty) {
      if (!rows.has(r.id)) continue;
      if (!r.tr) {
        r.tr = document.createElement("tr");
        r.tr.tabIndex = -1;
        r.tr.dataset.id = r.id;
        r.tr.setAttribute("role", "row");
        for (let i = 0; i < 8; i++) r.tr.appendChild(document.createElement("td")).setAttribute("role", "cell");
        r.tr.lastChild.innerHTML = '<div class="bar-wf"><span></span></div>';
        body.appendChild(r.tr);
      }
      renderRow(r);
      if (r.id === selected) renderDetail(r, false);
    }
    dirty.clear();
    waterfall();
    summary();
  }
  function name(url) {
    try { const u = new URL(url); const last = u.pathname.split("/").filter(Boolean).pop() || u.host; return last + u.search; } catch (e) { return url || ""; }
  }
  function renderRow(r) {
    const c = r.tr.children;
    c[0].textContent = name(r.url);
    c[0].title = r.url;
    c[1].textContent = r.api;
    c[2].textContent = r.api === "connectSocket" ? "WS" : r.method || "";
    let status;
    if (r.ended === undefined) status = r.opened !== undefined ? "open" : r.phase === "queue" ? "queued" : "pending";
    else status = r.ok ? (r.api === "connectSocket" ? "closed " + (r.closeCode || "") : String(r.statusCode)) : (r.refused ? "refused: " : "") + (r.errMsg || "failed");
    c[3].textContent = status;
    c[3].title = r.errMsg || status;
    c[4].textContent = r.transport || "";
    c[5].textContent = r.ended === undefined && r.progress !== undefined ? r.progress + "%" : bytes(r.size);
    c[6].textContent = r.ended !== undefined ? ms(r.ended - r.created) : "";
    r.tr.className = (r.ok === false ? "failed" : "") + (r.refused ? " refused" : "");
    r.tr.hidden = !matches(r);
    r.tr.setAttribute("aria-selected", String(r.id === selected));
  }
  function waterfall() {
    let lo = Infinity, hi = -Infinity;
    const now = Date.now();
    for (const r of rows.values()) { lo = Math.min(lo, r.created); hi = Math.max(hi, r.ended !== undefined ? r.ended : now); }
    const span = Math.max(1, hi - lo);
    for (const r of rows.values()) {
      if (!r.tr) continue;
      const s = r.tr.lastChild.firstChild.firstChild;
      const end = r.ended !== undefined ? r.ended : now;
      s.style.left = (100 * (r.created - lo) / span).toFixed(2) + "%";
      s.style.width = (100 * (end - r.created) / span).toFixed(2) + "%";
    }
  }
  function matches(r) {
    const api = $("filterApi").value, text = $("filterText").value.toLowerCase();
    if (api && r.api !== api) return false;
    if ($("filterFailed").checked && r.ok !== false) return false;
    if (text && !((r.url || "").toLowerCase().includes(text) || (r.errMsg || "").toLowerCase().includes(text))) return false;
    return true;
  }
  function refilter() { for (const r of rows.values()) if (r.tr) r.tr.hidden = !matches(r); summary(); }
  for (const id of ["filterApi", "filterFailed"]) $(id).addEventListener("change", refilter);
  $("filterText").addEventListener("input", refilter);
  function summary() {
    let shown = 0, failed = 0;
    for (const r of rows.values()) { if (r.tr && !r.tr.hidden) shown++; if (r.ok === false) failed++; }
    $("netSummary").textContent = shown + " / " + rows.size + " calls shown · " + failed + " failed";
  }
  function bytes(n) {
    if (n === undefined || n === null || n < 0) return "";
    return n < 1024 ? n + " B" : n < 1 << 20 ? (n / 1024).toFixed(1) + " kB" : (n / 1048576).toFixed(1) + " MB";
  }
  function ms(n) { return n < 1000 ? Math.round(n) + " ms" : (n / 1000).toFixed(2) + " s"; }
  function short(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  // selection: click a row, or move with the arrow keys in the table
  $("rows").addEventListener("click", (e) => { const tr = e.target.closest("tr"); if (tr) select(Number(tr.dataset.id)); });
  $("tablewrap").tabIndex = 0;
  $("tablewrap").addEventListener("keydown", (e) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const visible = Array.from(rows.values()).filter((r) => r.tr && !r.tr.hidden);
    if (!visible.length) return;
    let i = visible.findIndex((r) => r.id === selected);
    i = i < 0 ? 0 : Math.max(0, Math.min(visible.length - 1, i + (e.key === "ArrowDown" ? 1 : -1)));
    select(visible[i].id);
    visible[i].tr.scrollIntoView({ block: "nearest" });
  });
  let detailTab = "headers";
  function select(id) {
    const prev = rows.get(selected);
    selected = id;
    if (prev && prev.tr) prev.tr.setAttribute("aria-selected", "false");
    const r = rows.get(id);
    if (!r) return;
    r.tr.setAttribute("aria-selected", "true");
    renderDetail(r, true);
  }

  // ---- the detail pane
  const harCache = new Map(); // id → Promise of the task's HAR entry (once it has ended)
  function entryOf(r) {
    if (r.ended === undefined && r.api !== "connectSocket") return Promise.resolve(null);
    if (r.api === "connectSocket" || !harCache.has(r.id)) {
      harCache.set(r.id, preview.call("har", { ids: [r.id], maxBodyBytes: 8 << 20 }).then((h) => h.log.entries[0] || null));
      if (harCache.size > 50) harCache.delete(harCache.keys().next().value);
    }
    return harCache.get(r.id);
  }
  function renderDetail(r, full) {
    const d = $("detail");
    if (!full && (detailTab === "response" || detailTab === "payload")) return; // bodies do not change live
    const tabs = ["headers", "payload", "response", "timing"].concat(r.api === "connectSocket" ? ["frames"] : []);
    if (tabs.indexOf(detailTab) < 0) detailTab = "headers";
    d.textContent = "";
    const bar = document.createElement("div");
    bar.className = "subtabs";
    for (const t of tabs) {
      const b = button(t[0].toUpperCase() + t.slice(1), () => { detailTab = t; renderDetail(r, true); });
      b.setAttribute("aria-pressed", String(t === detailTab));
      b.dataset.tab = t;
      bar.appendChild(b);
    }
    d.appendChild(bar);
    const box = document.createElement("div");
    box.className = "detailbody";
    d.appendChild(box);
    ({ headers: showHeaders, payload: showPayload, response: showResponse, timing: showTiming, frames: showFrames })[detailTab](r, box);
  }
  function dl(box, title, pairs) {
    const h = document.createElement("h3"); h.textContent = title; box.appendChild(h);
    const list = document.createElement("dl");
    for (const [k, v] of pairs) {
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      list.append(dt, dd);
    }
    if (!pairs.length) { const dd = document.createElement("dd"); dd.className = "muted"; dd.textContent = "none"; list.append(dd); }
    box.appendChild(list);
  }
  function showHeaders(r, box) {
    const general = [["URL", r.url], ["API", r.api], ["method", r.method || ""], ["transport", r.transport || ""]];
    if (r.statusCode !== undefined) general.push(["status", String(r.statusCode)]);
    if (r.errMsg !== undefined) general.push(["errMsg", r.errMsg]);
    if (r.errno !== undefined) general.push(["errno", String(r.errno)]);
    if (r.refused) general.push(["refused", "the call never left: " + r.errMsg]);
    if (r.closeCode !== undefined) general.push(["close", r.closeCode + " " + (r.closeReason || "")]);
    dl(box, "General", general);
    dl(box, "Request headers (as sent)", Object.entries(r.header || {}));
    dl(box, "Response headers", Object.entries(r.responseHeader || {}));
  }
  async function showPayload(r, box) {
    let q = [];
    try { q = Array.from(new URL(r.url).searchParams.entries()); } catch (e) { /* not a URL */ }
    dl(box, "Query string", q);
    const e = await entryOf(r);
    const h = document.createElement("h3"); h.textContent = "Request body"; box.appendChild(h);
    const pd = e && e.request.postData;
    if (!pd) { box.appendChild(note(r.ended === undefined ? "the call has not ended" : "no body")); return; }
    body(box, pd.text, pd._encoding, pd.mimeType, pd.comment);
  }
  async function showResponse(r, box) {
    const e = await entryOf(r);
    if (!e) { box.appendChild(note(r.ended === undefined ? "the call has not ended" : "nothing was received")); return; }
    if (r.api === "connectSocket") { box.appendChild(note("a socket: see Frames")); return; }
    const c = e.response.content;
    if (c.text === undefined) { box.appendChild(note(c.comment || (e.response._error ? "failed: " + e.response._error : "no body"))); return; }
    body(box, c.text, c.encoding, c.mimeType, c.comment);
  }
  function note(t) { const p = document.createElement("p"); p.className = "muted"; p.textContent = t; return p; }
  // body shows a HAR body as a JSON tree, text, an image or hex (the view buttons switch)
  function body(box, text, encoding, mime, comment) {
    const raw = encoding === "base64" ? Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0)) : null;
    let json;
    if (!raw) { try { json = JSON.parse(text); } catch (e) { json = undefined; } }
    const views = [];
    if (json !== undefined && typeof json === "object" && json !== null) views.push("tree");
    if (raw && /^image\//.test(mime || "")) views.push("image");
    if (!raw) views.push("text");
    views.push("hex");
    const bar = document.createElement("div"); bar.className = "subtabs";
    const out = document.createElement("div");
    const show = (v) => {
      for (const b of bar.children) b.setAttribute("aria-pressed", String(b.dataset.view === v));
      out.textContent = "";
      if (v === "tree") out.appendChild(tree(json));
      else if (v === "image") { const img = document.createElement("img"); img.alt = "response image (" + mime + ")"; img.src = "data:" + mime + ";base64," + text; out.appendChild(img); }
      else if (v === "text") { const pre = document.createElement("pre"); pre.textContent = text; out.appendChild(pre); }
      else { const pre = document.createElement("pre"); pre.textContent = hex(raw || new TextEncoder().encode(text)); out.appendChild(pre); }
    };
    for (const v of views) { const b = button(v, () => show(v)); b.dataset.view = v; bar.appendChild(b); }
    box.appendChild(note((mime || "no content-type") + (comment ? " · " + comment : "")));
    box.append(bar, out);
    show(views[0]);
  }
  function hex(b) {
    const lines = [];
    const n = Math.min(b.length, 4096);
    for (let i = 0; i < n; i += 16) {
      const row = Array.from(b.subarray(i, Math.min(i + 16, n)));
      lines.push(i.toString(16).padStart(6, "0") + "  " + row.map((x) => x.toString(16).padStart(2, "0")).join(" ").padEnd(48) + "  " +
        row.map((x) => (x >= 32 && x < 127 ? String.fromCharCode(x) : ".")).join(""));
    }
    if (b.length > n) lines.push("… " + (b.length - n) + " more bytes");
    return lines.join("\n");
  }
  function tree(v) {
    const ul = document.createElement("ul"); ul.className = "tree";
    const item = (k, x, into) => {
      const li = document.createElement("li");
      const key = k === null ? "" : '<span class="k"></span>: ';
      if (x !== null && typeof x === "object") {
        const det = document.createElement("details");
        det.open = into < 2;
        const sum = document.createElement("summary");
        sum.innerHTML = key + '<span class="muted"></span>';
        if (k !== null) sum.querySelector(".k").textContent = k;
        sum.querySelector(".muted").textContent = Array.isArray(x) ? "Array(" + x.length + ")" : "{…}";
        det.appendChild(sum);
        const sub = document.createElement("ul");
        for (const [k2, x2] of Object.entries(x)) sub.appendChild(item(k2, x2, into + 1));
        det.appendChild(sub);
        li.appendChild(det);
      } else {
        li.innerHTML = key + '<span></span>';
        if (k !== null) li.querySelector(".k").textContent = k;
        const s = li.lastChild;
        s.className = typeof x === "string" ? "s" : "n";
        s.textContent = JSON.stringify(x);
      }
      return li;
    };
    ul.appendChild(item(null, v, 0));
    return ul;
  }
  function showTiming(r, box) {
    const end = r.ended !== undefined ? r.ended : Date.now();
    const start = r.started !== undefined ? r.started : r.opened !== undefined ? r.created : undefined;
    const parts = [["queued", r.created, start !== undefined ? start : end]];
    if (start !== undefined) parts.push(["waiting", start, r.headersAt !== undefined ? r.headersAt : end]);
    if (r.headersAt !== undefined) parts.push(["receiving", r.headersAt, end]);
    const total = Math.max(1, end - r.created);
    const h = document.createElement("h3"); h.textContent = "Timing (total " + ms(end - r.created) + (r.ended === undefined ? ", still running" : "") + ")";
    box.appendChild(h);
    const g = document.createElement("div"); g.className = "timing";
    for (const [label, a, b] of parts) {
      const l = document.createElement("span"); l.textContent = label;
      const track = document.createElement("div");
      const t = document.createElement("div"); t.className = "t";
      t.style.marginLeft = (100 * (a - r.created) / total).toFixed(1) + "%";
      t.style.width = Math.max(0.5, 100 * (b - a) / total).toFixed(1) + "%";
      track.appendChild(t);
      const v = document.createElement("span"); v.textContent = ms(Math.max(0, b - a));
      g.append(l, track, v);
    }
    box.appendChild(g);
    if (r.progress !== undefined) box.appendChild(note("progress " + r.progress + "% (" + bytes(r.loaded) + ")"));
  }
  function showFrames(r, box) {
    const h = document.createElement("h3"); h.textContent = r.frames.length + " frames"; box.appendChild(h);
    const t = document.createElement("table"); t.className = "frames";
    t.innerHTML = "<thead><tr><th>dir</th><th>data</th><th>size</th><th>time</th></tr></thead>";
    const tb = document.createElement("tbody");
    for (const f of r.frames) {
      const tr = document.createElement("tr");
      for (const v of [f.dir === "out" ? "↑ out" : "↓ in", f.data === undefined ? "(" + f.type + ")" : (f.type === "binary" ? "base64 " : "") + short(f.data, 200),
        bytes(f.size), new Date(f.time).toISOString().slice(11, 23)]) {
        const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
      }
      tb.appendChild(tr);
    }
    t.appendChild(tb);
    box.appendChild(t);
  }

  // ---- Export HAR (§C2): the calls in the panel
  $("exportHar").addEventListener("click", async () => {
    const har = await preview.call("har", { ids: Array.from(rows.keys()) });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([JSON.stringify(har, null, 2)], { type: "application/json" }));
    a.download = "wxsim-" + new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19) + ".har";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  });

  // ---- console
  let consoleCount = 0;
  function addConsole(level, text, time) {
    const li = document.createElement("li");
    li.className = level;
    li.dataset.level = level;
    const t = document.createElement("time");
    t.textContent = new Date(time || Date.now()).toISOString().slice(11, 23);
    li.append(t, document.createTextNode(text));
    li.hidden = !!$("consoleLevel").value && $("consoleLevel").value !== level;
    const ol = $("console");
    const stick = ol.scrollTop + ol.clientHeight >= ol.scrollHeight - 4;
    ol.appendChild(li);
    if (ol.children.length > MAX_CONSOLE) ol.firstChild.remove();
    if (stick) ol.scrollTop = ol.scrollHeight;
    if (level === "error" || level === "warn") { consoleCount++; $("consoleCount").textContent = String(consoleCount); }
  }
  $("consoleLevel").addEventListener("change", () => {
    const v = $("consoleLevel").value;
    for (const li of $("console").children) li.hidden = !!v && li.dataset.level !== v;
  });
  $("clearConsole").addEventListener("click", () => { $("console").textContent = ""; consoleCount = 0; $("consoleCount").textContent = ""; });

  // ---- tabs (arrow keys move between them)
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  function openTab(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (tab.id === "tab-mocks" && preview) refreshMocks();
  }
  for (const t of tabs) {
    t.addEventListener("click", () => openTab(t));
    t.addEventListener("keydown", (e) => {
      const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (!d) return;
      const n = tabs[(tabs.indexOf(t) + d + tabs.length) % tabs.length];
      openTab(n); n.focus();
    });
  }
  openTab(tabs[0]);

  function bootFailed(e) { setState("error", "failed: " + (e && e.message || e)); addConsole("error", "workbench: " + (e && e.stack || e)); releaseLoad(); }
  renderPresets();
  fetch("/wxsim/project").then((r) => r.json()).then((p) => {
    if (p.error) throw new Error(p.error);
    project = p;
    storeKey = "wxsim.workbench:" + p.mode + ":" + p.name;
    load();
    $("project").textContent = p.name + (p.mode === "app" ? " (" + p.entry + ")" : "");
    for (const w of p.warnings || []) addConsole("warn", "project: " + w);
    return boot();
  }).catch(bootFailed);
})();
