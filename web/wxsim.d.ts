// Types of the wxsim loader (§C7): the ES module wxsim.mjs (`import {start} from "wxsim"`)
// and the global `wxsim` the classic script wxsim.js defines. README.md is the contract.
//
// `wx` itself is typed by the official miniprogram-api-typings package (a dependency of
// this package): start() resolves with a WechatMiniprogram.Wx, and the reference below
// declares the global `wx`.
/// <reference types="miniprogram-api-typings" />

// ---- start(config): the §2 config

/** Domain lists of `scheme://host[:port]`, at most 20 entries each. */
export interface Domains {
  request?: string[];
  socket?: string[];
  uploadFile?: string[];
  downloadFile?: string[];
}

/** app.json time-outs in ms, capped at 60000 (default 60000 each). */
export interface NetworkTimeout {
  request?: number;
  connectSocket?: number;
  uploadFile?: number;
  downloadFile?: number;
}

/** The config of wxsim.start (§2). Unknown fields are refused. */
export interface Config {
  /** mini-program appid (default "touristappid") */
  appId?: string;
  /** app version (default "devtools") */
  appVersion?: string;
  /** base library version (default "3.7.0") */
  sdkVersion?: string;
  domains?: Domains;
  /** false is DevTools' "do not verify domain names" switch (default true) */
  urlCheck?: boolean;
  networkTimeout?: NetworkTimeout;
  /** send the network APIs through the native relay at this URL (true: the page's server) */
  relay?: string | true;
  /** the relay's token; pages the relay serves itself need none */
  relayToken?: string;
  /** queue the 11th transfer (default true; false fails it with "exceed max task count") */
  queueExcess?: boolean;
  /** hiding the app never interrupts (default false) */
  backgroundKeepAlive?: boolean;
  /**
   * URL of wx.wasm (default: next to wxsim.js / wxsim.mjs). wasm_exec.js, glue.js and
   * guard.js are loaded from next to it: they are built together.
   */
  wasm?: string;
  /** a lower downloadFile cap in bytes (§5.2); it can never be raised */
  maxDownloadSize?: number;
}

/** wxsim.stats(): task counts and live callbacks. */
export interface Stats {
  running: number;
  queued: number;
  liveCallbacks: number;
  tasks: number;
  jsTasks: number;
  timers: number;
  sockets: number;
  jsSockets: number;
  files: number;
}

// ---- §C1 network events

export type NetworkApi = "request" | "uploadFile" | "downloadFile" | "connectSocket";
export type Transport = "direct" | "relay" | "mock";
export type Header = Record<string, string>;

interface NetworkEventBase<P extends string> {
  /** 1, 2, 3 … with no gaps */
  seq: number;
  /** ms on the wx clock */
  time: number;
  /** the task's id */
  id: number;
  api: NetworkApi;
  phase: P;
}

/** The first event of every call, refused ones included. */
export interface NetworkCreateEvent extends NetworkEventBase<"create"> {
  /** as it will be sent, with data's query */
  url: string;
  method: string;
  /** as sent */
  header: Header;
  transport: Transport | "";
  /** -1 when unknown */
  requestBodySize: number;
}
/** A transfer waits behind the limit of 10 (§8.1). */
export type NetworkQueueEvent = NetworkEventBase<"queue">;
export type NetworkStartEvent = NetworkEventBase<"start">;
export interface NetworkHeadersEvent extends NetworkEventBase<"headers"> {
  statusCode: number;
  header: Header;
}
export interface NetworkProgressEvent extends NetworkEventBase<"progress"> {
  /** 0 … 100 */
  progress: number;
  totalBytesSent?: number;
  totalBytesExpectedToSend?: number;
  totalBytesWritten?: number;
  totalBytesExpectedToWrite?: number;
}
export interface NetworkChunkEvent extends NetworkEventBase<"chunk"> {
  size: number;
}
export interface NetworkOpenEvent extends NetworkEventBase<"open"> {
  header: Header;
  protocol: string;
}
export interface NetworkMessageEvent extends NetworkEventBase<"message"> {
  direction: "in" | "out";
  type: "text" | "binary";
  size: number;
  /** up to 64 KiB; base64 for binary */
  data?: string;
}
export interface NetworkCloseEvent extends NetworkEventBase<"close"> {
  code: number;
  reason: string;
}
/** Exactly once and last. */
export interface NetworkEndEvent extends NetworkEventBase<"end"> {
  ok: boolean;
  errMsg: string;
  errno?: number;
  statusCode?: number;
  responseBodySize: number;
  durationMs: number;
  /** sockets: the close code and reason */
  code?: number;
  reason?: string;
}
/** A §C1 event, told apart by phase. */
export type NetworkEvent =
  | NetworkCreateEvent
  | NetworkQueueEvent
  | NetworkStartEvent
  | NetworkHeadersEvent
  | NetworkProgressEvent
  | NetworkChunkEvent
  | NetworkOpenEvent
  | NetworkMessageEvent
  | NetworkCloseEvent
  | NetworkEndEvent;
export type NetworkPhase = NetworkEvent["phase"];
export type EventType = "network";
export type NetworkListener = (event: NetworkEvent) => void;

/** An entry of wxsim.tasks(): the last 1000 network tasks, oldest first. */
export interface TaskSummary {
  id: number;
  api: NetworkApi;
  /** the last phase seen */
  phase: NetworkPhase;
  startTime: number;
  url?: string;
  method?: string;
  transport?: Transport;
  requestHeader?: Header;
  responseHeader?: Header;
  statusCode?: number;
  ok?: boolean;
  errMsg?: string;
  errno?: number;
  endTime?: number;
  durationMs?: number;
}

// ---- §C2 HAR (HAR 1.2, with wxsim's and Chrome's custom fields)

export interface HarOptions {
  /** false leaves every body out (default true) */
  bodies?: boolean;
  /** bodies longer than this are left out (default 1 MiB) */
  maxBodyBytes?: number;
  /** only the tasks with these ids (§C1 `id`), in call order (default: every task) */
  ids?: number[];
}
export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}
export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}
export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: Array<HarNameValue & { fileName?: string; contentType?: string }>;
  comment?: string;
  _encoding?: "base64";
}
export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}
export interface HarContent {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}
export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
  /** a failed task: its errMsg */
  _error?: string;
}
export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}
export interface HarWebSocketMessage {
  type: "send" | "receive";
  /** seconds */
  time: number;
  opcode: 1 | 2;
  data: string;
}
export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  _resourceType?: "websocket";
  _webSocketMessages?: HarWebSocketMessage[];
  _wxsim?: { id: number; api: NetworkApi; errMsg: string; errno?: number; transport: Transport | "" };
}
export interface HarLog {
  version: string;
  creator: { name: string; version: string; comment?: string };
  browser?: { name: string; version: string; comment?: string };
  pages?: unknown[];
  entries: HarEntry[];
  comment?: string;
}
export interface Har {
  log: HarLog;
}

// ---- §C3 network conditions

export type NetworkType = "wifi" | "2g" | "3g" | "4g" | "5g" | "unknown" | "none";
/** The whole condition: an omitted field takes its default (0 = no limit). */
export interface NetworkOptions {
  type?: NetworkType;
  latencyMs?: number;
  downKbps?: number;
  upKbps?: number;
}
export interface NetworkCondition {
  type: NetworkType;
  latencyMs: number;
  downKbps: number;
  upKbps: number;
}

// ---- §C4 mocks and faults

export interface MockResponse {
  /** 200 … 599 (default 200) */
  statusCode?: number;
  header?: Record<string, string | number>;
  /** neither a string nor an ArrayBuffer: sent as JSON */
  data?: unknown;
}
/** What an uploadFile's respond gets as data. */
export interface MockUploadData {
  filePath: string;
  name: string;
  formData: Record<string, string>;
  size: number;
}
/** What respond(req) gets. */
export interface MockRequest {
  api: NetworkApi;
  url: string;
  method: string;
  header: Header;
  data: string | ArrayBuffer | MockUploadData;
}
export type MockRespond = (req: MockRequest) => MockResponse | void | Promise<MockResponse | void>;
export type MockFail = "network" | "ssl" | "reset";

/** A url as it would be sent: exact, "*" for any run of characters, or a RegExp. */
export type MockMatchUrl = string | RegExp;
interface MockMatch {
  url: MockMatchUrl;
  /** case-insensitive */
  method?: string;
  /** remove the rule after that many matches */
  times?: number;
  /** wait on the wx clock; adds to latencyMs */
  delayMs?: number;
}
/** A rule's answer: exactly one of response, respond, fail, hang (fail "reset" may come with response). */
export type MockAnswer =
  | { response: MockResponse; fail?: "reset"; respond?: never; hang?: never }
  | { respond: MockRespond; response?: never; fail?: never; hang?: never }
  | { fail: MockFail; response?: never; respond?: never; hang?: never }
  | { hang: true; response?: never; respond?: never; fail?: never };
export type TransferMockRule = MockMatch & { api?: "request" | "uploadFile" | "downloadFile"; socket?: never } & MockAnswer;

/** The mock's end of a mocked socket. */
export interface MockSocketPeer {
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  onMessage(listener: (data: string | ArrayBuffer) => void): void;
  onClose(listener: (event: { code: number; reason: string }) => void): void;
}
export interface SocketMockRule extends MockMatch {
  api: "connectSocket";
  socket: "echo" | ((peer: MockSocketPeer) => void);
}
/** Replay a HAR: its entries answer the calls they recorded. */
export interface HarMockRule {
  har: Har;
  /** other calls: "network" (default) goes on, "fail" fails them with 'network error: not in HAR' */
  notFound?: "network" | "fail";
}
export type MockRule = TransferMockRule | SocketMockRule | HarMockRule;
/** An entry of wxsim.mocks(): a rule in force, newest first, with its id. */
export type MockInfo = { id: string } & (
  | (Omit<TransferMockRule, "api"> & { api: "request" | "uploadFile" | "downloadFile" })
  | SocketMockRule
  | HarMockRule
);

// ---- §C5 the wx clock

export interface ClockOptions {
  /** ms since the epoch (default: the real time) */
  now?: number;
}
export interface Clock {
  install(options?: ClockOptions): void;
  /** resolves once the callbacks of the last timer due have run */
  tick(ms: number): Promise<void>;
  now(): number;
  uninstall(): void;
}

// ---- §C6 the preview bridge (the host side is wxsim-host.d.ts)

export interface BridgeOptions {
  /** the host origins answered ("*" is refused) */
  origin: string | string[];
}

// ---- the loader

export interface Wxsim {
  /** the loader version */
  readonly version: string;
  /** Loads the runtime once and (re)configures it; resolves with wx. */
  start(config?: Config): Promise<WechatMiniprogram.Wx>;
  hide(): void;
  show(): void;
  relaunch(): void;
  /** the effective config */
  config(): Config;
  stats(): Stats;
  /** §C1: returns the function that removes the listener */
  on(type: EventType, listener: NetworkListener): () => void;
  off(type: EventType, listener: NetworkListener): void;
  tasks(): TaskSummary[];
  /** §C2 */
  har(options?: HarOptions): Promise<Har>;
  /** §C3 */
  setNetwork(options?: NetworkOptions): void;
  network(): NetworkCondition;
  /** §C4: returns the rule's id */
  mock(rule: MockRule): string;
  unmock(id: string): boolean;
  clearMocks(): void;
  mocks(): MockInfo[];
  /** §C5 */
  readonly clock: Clock;
  /** §C6: answer the framing page's calls; returns the function that stops it */
  bridge(options: BridgeOptions): () => void;
}

export declare const version: Wxsim["version"];
export declare const start: Wxsim["start"];
export declare const hide: Wxsim["hide"];
export declare const show: Wxsim["show"];
export declare const relaunch: Wxsim["relaunch"];
export declare const config: Wxsim["config"];
export declare const stats: Wxsim["stats"];
export declare const on: Wxsim["on"];
export declare const off: Wxsim["off"];
export declare const tasks: Wxsim["tasks"];
export declare const har: Wxsim["har"];
export declare const setNetwork: Wxsim["setNetwork"];
export declare const network: Wxsim["network"];
export declare const mock: Wxsim["mock"];
export declare const unmock: Wxsim["unmock"];
export declare const clearMocks: Wxsim["clearMocks"];
export declare const mocks: Wxsim["mocks"];
export declare const clock: Wxsim["clock"];
export declare const bridge: Wxsim["bridge"];
declare const wxsim: Wxsim;
export default wxsim;

declare global {
  /** the loader, defined by wxsim.js and by wxsim.mjs */
  var wxsim: Wxsim;
}
