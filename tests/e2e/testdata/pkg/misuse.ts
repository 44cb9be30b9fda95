// Misuses the typings must refuse: each line after a @ts-expect-error must fail tsc
// (packaging_test.go also removes the directives and counts the errors).
import { on, mock, clock, setNetwork, start, har } from "wxsim";
import { connect } from "wxsim/host";

export async function misuse(iframe: HTMLIFrameElement): Promise<void> {
  // @ts-expect-error url should be a string or RegExp
  mock({ url: 5, response: {} });
  // @ts-expect-error a rule needs an answer
  mock({ url: "https://a.example.com/" });
  // @ts-expect-error only one answer (fail "reset" may come with response)
  mock({ url: "https://a.example.com/", hang: true, fail: "network" });
  // @ts-expect-error fail is network, ssl or reset
  mock({ url: "https://a.example.com/", fail: "dns" });
  // @ts-expect-error socket only with connectSocket
  mock({ url: "https://a.example.com/", socket: "echo" });
  // @ts-expect-error the only event type is "network"
  wxsim.on("nope", () => {});
  // @ts-expect-error the only event type is "network"
  on("request", () => {});
  // @ts-expect-error an end event has no url
  on("network", (e) => { if (e.phase === "end") console.log(e.url); });
  // @ts-expect-error tick takes ms
  await clock.tick("1000");
  // @ts-expect-error install takes {now}
  clock.install({ at: 0 });
  // @ts-expect-error no such network type
  setNetwork({ type: "lte" });
  // @ts-expect-error unknown config field
  await start({ urlcheck: false });
  // @ts-expect-error har resolves with a HAR, not a string
  const s: string = await har();
  // @ts-expect-error origin is required
  await connect(iframe, {});
  const preview = await connect(iframe, { origin: "http://127.0.0.1:8080" });
  // @ts-expect-error no such method
  await preview.call("nope");
  // @ts-expect-error a function does not cross postMessage
  await preview.call("mock", { url: "x", respond: () => ({}) });
  // @ts-expect-error wx.request needs a url
  wx.request({ method: "GET" });
  // @ts-expect-error connectSocket's url is a string
  wx.connectSocket({ url: 1 });
  console.log(s);
}
