// A small app that imports the wxsim ES module by its package name; packaging_test.go
// bundles it with esbuild and runs the bundle in Chromium. ?wasm=URL passes config.wasm
// (else the loader finds wx.wasm next to the bundle, by import.meta.url).
import { start, on, mock, tasks, bridge } from "wxsim";
import wxsim from "wxsim";

globalThis.appDone = (async () => {
  const wasm = new URLSearchParams(location.search).get("wasm");
  const config = { appId: "wx0123456789abcdef", domains: { request: ["https://api.example.test"] } };
  if (wasm) config.wasm = new URL(wasm, location.href).href;
  const w = await start(config);
  const events = [];
  let ended;
  const ends = new Promise((r) => { ended = r; });
  const off = on("network", (e) => { events.push(e); if (e.phase === "end") ended(); });
  mock({ url: "https://api.example.test/users/*", response: { data: { id: 7 } } });
  const res = await new Promise((resolve, reject) =>
    w.request({ url: "https://api.example.test/users/7", success: resolve, fail: (r) => reject(new Error(r.errMsg)) }));
  await ends;
  off();
  const create = events.find((e) => e.phase === "create");
  return {
    statusCode: res.statusCode,
    data: res.data,
    phases: events.map((e) => e.phase),
    transport: create ? create.transport : "",
    tasks: tasks().length,
    sameGlobal: globalThis.wxsim === wxsim && globalThis.wx === w,
    bridge: typeof bridge,
    scripts: [...document.scripts].map((s) => new URL(s.src || location.href).pathname),
  };
})();
