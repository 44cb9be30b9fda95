// A TypeScript app that uses wx (typed by miniprogram-api-typings) and wxsim through the
// package in web/dist, as a user who installed it would (packaging_test.go type-checks it
// with tsc --noEmit --strict).
import { start, on, mock, unmock, mocks, clock, har, setNetwork, network, tasks, stats } from "wxsim";
import type { NetworkEvent, Har, MockRule } from "wxsim";
import { connect } from "wxsim/host";
import type { PreviewHandle } from "wxsim/host";

export async function main(): Promise<number> {
  const w: WechatMiniprogram.Wx = await start({
    appId: "wx0123456789abcdef",
    domains: { request: ["https://api.example.com"], socket: ["wss://ws.example.com"] },
    networkTimeout: { request: 10000 },
    wasm: "/dist/wx.wasm",
  });
  const id: string = mock({ url: "https://api.example.com/users/*", response: { data: { id: 7 } } });
  mock({ url: /\/upload$/, api: "uploadFile", respond: (req) => ({ data: JSON.stringify(req.data) }) });
  mock({ url: "https://api.example.com/flaky", fail: "network", times: 2 });
  mock({ url: "https://api.example.com/reset", fail: "reset", response: { statusCode: 200 } });
  mock({ url: "https://api.example.com/slow", hang: true, delayMs: 100 });
  mock({ api: "connectSocket", url: "wss://ws.example.com/chat", socket: "echo" });
  mock({
    api: "connectSocket",
    url: "wss://ws.example.com/peer",
    socket: (peer) => peer.onMessage((d) => peer.send(typeof d === "string" ? d.toUpperCase() : d)),
  });
  const off: () => void = on("network", (e: NetworkEvent) => {
    switch (e.phase) {
      case "create":
        console.log(e.url, e.method, e.transport, e.requestBodySize);
        break;
      case "headers":
        console.log(e.statusCode, e.header["content-type"]);
        break;
      case "message":
        console.log(e.direction, e.type, e.size);
        break;
      case "end":
        console.log(e.ok, e.errMsg, e.errno ?? 0, e.durationMs);
        break;
    }
  });
  wxsim.on("network", (e) => console.log(e.seq, e.id, e.api, e.phase, e.time));
  w.request({
    url: "https://api.example.com/users/7",
    method: "GET",
    success: (res) => console.log(res.statusCode, res.data),
    fail: (res) => console.error(res.errMsg),
  });
  wx.request({ url: "https://api.example.com/hello", data: { a: 1 }, header: { "x-a": "1" } });
  const task = wx.connectSocket({ url: "wss://ws.example.com/chat", protocols: ["chat"] });
  task.onOpen(() => task.send({ data: "hi" }));
  task.onMessage((m) => console.log(m.data));
  clock.install({ now: Date.parse("2026-01-01") });
  await clock.tick(60000);
  const now: number = clock.now();
  clock.uninstall();
  wxsim.clock.install();
  await wxsim.clock.tick(1);
  setNetwork({ type: "3g", latencyMs: 300 });
  console.log(network().type, tasks().length, stats().liveCallbacks);
  const log: Har = await har({ bodies: false, maxBodyBytes: 65536 });
  const replay: MockRule = { har: log, notFound: "fail" };
  mock(replay);
  console.log(log.log.entries.map((x) => x.request.url), mocks().map((m) => m.id));
  const gone: boolean = unmock(id);
  off();
  return now + (gone ? 1 : 0);
}

export async function host(iframe: HTMLIFrameElement): Promise<PreviewHandle> {
  const preview = await connect(iframe, { origin: "http://127.0.0.1:8080" });
  await preview.call("start", { appId: "wx123", domains: { request: ["https://api.example.com"] } });
  const id: string = await preview.call("mock", { url: { regexp: "^https://api\\.example\\.com/", flags: "i" }, response: { data: "x" } });
  const stop = preview.on("network", (e) => console.log(e.api, e.phase));
  await stop.ready;
  const h: Har = await preview.call("har");
  const t: number = await preview.call("clock.now");
  await preview.call("clock.tick", 1000);
  console.log(id, h.log.entries.length, t, preview.version);
  stop();
  const again = await wxsimHost.connect(iframe, { origin: "http://127.0.0.1:8080" });
  again.close();
  return preview;
}
