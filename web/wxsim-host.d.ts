// Types of the wxsim host helper (§C6, §C7): the ES module wxsim-host.mjs
// (`import {connect} from "wxsim/host"`) and the global `wxsimHost` the classic script
// wxsim-host.js defines. It drives a preview page (one that loads wxsim and calls
// wxsim.bridge) from the page that frames it, by postMessage.
import type {
  Config,
  Stats,
  TaskSummary,
  Har,
  HarOptions,
  NetworkOptions,
  NetworkCondition,
  NetworkEvent,
  ClockOptions,
  MockMatchUrl,
  MockResponse,
  MockFail,
  HarMockRule,
  MockInfo,
} from "./wxsim.js";

export interface ConnectOptions {
  /** the preview's origin ("*" is refused) */
  origin: string;
}

/**
 * A rule sent by postMessage: no functions (respond, a socket peer) survive the structured
 * clone, and url may be given as {regexp, flags} (a RegExp itself also survives it).
 */
export type RemoteMockRule =
  | ({
      url: MockMatchUrl | { regexp: string; flags?: string };
      api?: "request" | "uploadFile" | "downloadFile";
      method?: string;
      times?: number;
      delayMs?: number;
    } & (
      | { response: MockResponse; fail?: "reset"; hang?: never }
      | { fail: MockFail; response?: never; hang?: never }
      | { hang: true; response?: never; fail?: never }
    ))
  | {
      api: "connectSocket";
      url: MockMatchUrl | { regexp: string; flags?: string };
      method?: string;
      times?: number;
      delayMs?: number;
      socket: "echo";
    }
  | HarMockRule;

/** The methods call(method, ...args) runs in the preview, with what they resolve with. */
export interface PreviewMethods {
  start(config?: Config): undefined;
  hide(): undefined;
  show(): undefined;
  relaunch(): undefined;
  config(): Config;
  stats(): Stats;
  tasks(): TaskSummary[];
  har(options?: HarOptions): Har;
  setNetwork(options?: NetworkOptions): undefined;
  network(): NetworkCondition;
  mock(rule: RemoteMockRule): string;
  unmock(id: string): boolean;
  clearMocks(): undefined;
  /** functions in the rules are left out */
  mocks(): MockInfo[];
  "clock.install"(options?: ClockOptions): undefined;
  "clock.tick"(ms: number): undefined;
  "clock.now"(): number;
  "clock.uninstall"(): undefined;
}
export type PreviewMethod = keyof PreviewMethods;

/** What on() returns: call it to stop; ready resolves once the preview sends events. */
export interface Unsubscribe {
  (): void;
  ready: Promise<void>;
}

export interface PreviewHandle {
  readonly origin: string;
  /** the preview's wxsim.version, once it said ready */
  readonly version: string | null;
  /** runs wxsim[method](...args) in the preview; resolves with its value, rejects with its error */
  call<M extends PreviewMethod>(
    method: M,
    ...args: Parameters<PreviewMethods[M]>
  ): Promise<ReturnType<PreviewMethods[M]>>;
  /** every §C1 event of the preview */
  on(type: "network", listener: (event: NetworkEvent) => void): Unsubscribe;
  /** stops listening to the preview; calls in flight reject */
  close(): void;
}

/** Resolves once the preview in iframe says it is ready, from options.origin only. */
export declare function connect(iframe: HTMLIFrameElement, options: ConnectOptions): Promise<PreviewHandle>;

export interface WxsimHost {
  connect: typeof connect;
}
declare const wxsimHost: WxsimHost;
export default wxsimHost;

declare global {
  /** defined by the classic script wxsim-host.js (the ES module defines no global) */
  var wxsimHost: WxsimHost;
}
