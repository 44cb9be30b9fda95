// wxfuzz(seed, n): n seeded random and adversarial calls of every wx API, SocketTask and
// FileSystemManager method (wrong types, Proxies, throwing getters and toString, revoked
// proxies, cycles, BigInt, huge strings and headers, bad URLs, CR/LF, non-function
// callbacks), one at a time. For each call it checks what a user relies on (spec §1.2,
// §1.3, §1.5): no throw (…Sync twins excepted, which throw an Error whose message is
// their errMsg), exactly one of success/fail and then complete, nothing hanging, and
// wxsim.stats() back to idle once the call is over. It returns every violation with the
// call that caused it (its index and a description), so a failing seed names its call.
// URLs come from a fixed list: the loopback fixture's host names, refused hosts and
// malformed strings, never an IP address other than loopback.
window.wxfuzz = async function (seed, n) {
  let st = seed >>> 0;
  const rnd = () => { st = (st + 0x6d2b79f5) >>> 0; let t = st; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const chance = (p) => rnd() < p;
  const boom = () => { throw new Error('fuzz'); };
  const A = 'https://api.example.test', W = 'wss://api.example.test';
  const urls = [A + '/json', A + '/echo', A + '/status/500', A + '/slow?ms=20', A + '/bytes?n=3000',
    A + '/chunked?n=3&size=100&gapms=1', A + '/redirect?to=%2Fjson', A + '/redirect?to=https%3A%2F%2Fevil.example.test%2F',
    A + '/file?size=5000', A + '/upload', A + '/gbk', A + '/empty', A + '/nocors/json',
    'http://api.example.test/json', A + ':443/json', 'https://evil.example.test/', 'https://api.weixin.qq.com/x',
    'https://127.0.0.1/', 'https://localhost/', 'https://[::1]/', '', 'not a url', '/relative', 'https://', 'https://a b/',
    A + '/json?x=\r\nY', A + '/' + 'x'.repeat(9000), 'javascript:alert(1)', 'data:text/plain,hi', 'ftp://api.example.test/',
    W + '/ws/echo', W + '/ws/close?code=4000&reason=r', W + '/ws/drop?after=1', W + '/ws/mute?ms=3000', 'ws://api.example.test/ws/echo',
    'wss://evil.example.test/ws/echo', 'https://api.example.test\u0000.evil/'];
  const fs = wx.getFileSystemManager();
  const U = wx.env.USER_DATA_PATH;
  const paths = [U + '/a.txt', U + '/d', U + '/d/b.bin', U + '/../x', 'http://tmp/nope', 'http://store/nope', U, U + '/', '',
    'wxfile://usr/a.txt', U + '/' + 'n'.repeat(300), U + '/a\u0000b', 'http://usr/a.txt/..//./a.txt'];
  // values: [label, make]; make builds a fresh value each time
  const cyc = () => { const o = {a: 1}; o.self = o; return o; };
  const values = [
    ['undefined', () => undefined], ['null', () => null], ['true', () => true], ['0', () => 0], ['-1', () => -1],
    ['NaN', () => NaN], ['Infinity', () => Infinity], ['1e308', () => 1e308], ['0.5', () => 0.5], ['BigInt', () => 10n],
    ['""', () => ''], ['"x"', () => 'x'], ['CRLF', () => 'a\r\nX-Injected: 1'], ['NUL', () => 'a\u0000b'],
    ['lone surrogate', () => '\ud800'], ['big string', () => 'x'.repeat(70000)], ['symbol', () => Symbol('s')],
    ['function', () => function () {}], ['[]', () => []], ['[1,"a"]', () => [1, 'a']], ['{}', () => ({})],
    ['{a:1}', () => ({a: 1, b: 'x y', c: null, d: undefined})], ['cycle', cyc],
    ['Proxy get trap', () => new Proxy({}, {get: boom})], ['Proxy ownKeys trap', () => new Proxy({}, {ownKeys: boom})],
    ['Proxy getPrototypeOf trap', () => new Proxy({}, {getPrototypeOf: boom})],
    ['Proxy has/getOwnPropertyDescriptor trap', () => new Proxy({a: 1}, {getOwnPropertyDescriptor: boom, has: boom})],
    ['revoked proxy', () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; }],
    ['throwing getter', () => Object.defineProperty({}, 'a', {get: boom, enumerable: true})],
    ['throwing toString', () => ({toString: boom, valueOf: boom})], ['ArrayBuffer', () => new ArrayBuffer(16)],
    ['Uint8Array', () => new Uint8Array([1, 2, 3])], ['DataView', () => new DataView(new ArrayBuffer(4))],
    ['empty ArrayBuffer', () => new ArrayBuffer(0)], ['Date', () => new Date(0)], ['RegExp', () => /x/g], ['Map', () => new Map([[1, 2]])],
    ['frozen', () => Object.freeze({a: 1})], ['huge header', () => ({'X-Big': 'v'.repeat(70000)})],
    ['CRLF header', () => ({'X-A': 'a\r\nb'})], ['bad header name', () => ({'X A': '1', '': 'e'})],
    ['referer header', () => ({Referer: 'https://x/', 'content-type': 'application/x-www-form-urlencoded'})],
  ];
  const val = () => { const v = pick(values); return [v[0], v[1]()]; };
  // per-API option schemas: field → a list of plausible values; anything else is random
  const common = {timeout: [50, 300, 0, -1, '5', 2000]};
  const schemas = {
    request: {url: urls, method: ['GET', 'post', 'PUT', 'HEAD', 'TRACE', 'DELETE', 'OPTIONS', 'FETCH', ''], data: [], header: [],
      responseType: ['text', 'arraybuffer', 'blob'], dataType: ['json', 'text', 'other'], enableChunked: [true, false],
      redirect: ['follow', 'manual', 'x'], timeout: common.timeout},
    uploadFile: {url: urls, filePath: paths, name: ['file', '', 'a\r\nb'], formData: [], header: [], timeout: common.timeout},
    downloadFile: {url: urls, filePath: paths.concat([undefined, undefined]), header: [], timeout: common.timeout},
    connectSocket: {url: urls, protocols: [['a'], 'b', ['a b'], ['a', 'a'], []], header: [], timeout: [50, 300, 2000, 0], tcpNoDelay: [true]},
    sendSocketMessage: {data: ['hi', '', new ArrayBuffer(8)]},
    closeSocket: {code: [1000, 3000, 4999, 1001, 5000, 1000.5], reason: ['', 'bye', 'x'.repeat(124), '中'.repeat(42)]},
    getNetworkType: {},
    saveFile: {tempFilePath: paths.concat(['http://tmp/a.txt']), filePath: paths},
    getSavedFileList: {}, getSavedFileInfo: {filePath: paths}, removeSavedFile: {filePath: paths},
    getFileInfo: {filePath: paths, digestAlgorithm: ['md5', 'sha1', 'sha256', 'MD5']},
  };
  const fsSchema = {filePath: paths, path: paths, dirPath: paths, oldPath: paths, newPath: paths, srcPath: paths, destPath: paths,
    tempFilePath: paths, data: ['hello', '', new ArrayBuffer(3)], encoding: ['utf8', 'base64', 'hex', 'binary', 'latin1', 'ascii', 'ucs2', 'utf-16le', 'gbk', 'BASE64'],
    position: [0, 1, -1, 1e9, 0.5], length: [0, 1, 2, -1, 1e9], recursive: [true, false], append: [true]};
  // options builds a random options object for schema s, noting what it put in desc.
  const options = (s, desc) => {
    if (chance(0.05)) { const [l, v] = val(); desc.push('options=' + l); return v; }
    const o = {};
    for (const k of Object.keys(s)) {
      if (chance(0.25)) continue;
      if (s[k].length && chance(0.7)) { o[k] = pick(s[k]); desc.push(k + '=' + (typeof o[k] === 'string' ? JSON.stringify(o[k]).slice(0, 40) : String(Array.isArray(o[k]) ? '[' + o[k] + ']' : o[k] instanceof ArrayBuffer ? 'ArrayBuffer' : o[k]))); continue; }
      const [l, v] = val();
      o[k] = v; desc.push(k + '=' + l);
    }
    if (chance(0.1)) { const [l, v] = val(); o.extra = v; desc.push('extra=' + l); }
    return o;
  };
  const idleKeys = ['running', 'queued', 'tasks', 'jsTasks', 'timers', 'sockets', 'jsSockets'];
  const base = wxsim.stats();
  // idle is what each count returns to; after a leak that outlives its wait, the leaked
  // count is taken as the new idle, so only the call that left it is named
  const idle = {};
  for (const k of idleKeys) idle[k] = 0;
  idle.liveCallbacks = base.liveCallbacks;
  const report = {seed, calls: 0, throws: [], hangs: [], duplicates: [], leaks: [], order: [], wrongThrows: []};
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const waitIdle = async (ms) => {
    const end = performance.now() + ms;
    for (;;) {
      const s = wxsim.stats();
      const busy = idleKeys.concat(['liveCallbacks']).filter((k) => s[k] !== idle[k]);
      if (busy.length === 0) return null;
      if (performance.now() > end) return busy.map((k) => k + '=' + s[k]).join(' ');
      await tick();
    }
  };
  // seedFiles puts a few files in place so that file calls sometimes succeed
  const seedFiles = async () => {
    try { fs.mkdirSync(U + '/d', true); } catch (e) { /* exists */ }
    await new Promise((r) => fs.writeFile({filePath: U + '/a.txt', data: 'hello', complete: r}));
    await new Promise((r) => fs.writeFile({filePath: U + '/d/b.bin', data: new ArrayBuffer(10), complete: r}));
  };
  await seedFiles();
  const apis = Object.keys(schemas);
  const fsMethods = Object.keys(fs).filter((k) => typeof fs[k] === 'function');
  const listenerAPIs = Object.keys(wx).filter((k) => /^(on|off)[A-Z]/.test(k));
  for (let i = 0; i < n; i++) {
    report.calls++;
    const desc = [];
    const kind = rnd();
    let name, run, sync = false;
    if (kind < 0.55) {
      name = pick(apis);
      const o = options(schemas[name], desc);
      run = (cbs) => wx[name](cbs(o));
    } else if (kind < 0.9) {
      name = 'fs.' + pick(fsMethods);
      const m = name.slice(3);
      if (m.endsWith('Sync')) {
        sync = true;
        const args = [];
        const argc = Math.floor(rnd() * 4);
        for (let j = 0; j < argc; j++) {
          if (chance(0.6)) { const v = pick(j === 0 ? paths : j === 1 ? fsSchema.data.concat(paths) : fsSchema.encoding.concat([true])); args.push(v); desc.push('arg' + j + '=' + String(v).slice(0, 30)); } else { const [l, v] = val(); args.push(v); desc.push('arg' + j + '=' + l); }
        }
        run = () => fs[m].apply(fs, args);
      } else if (m === 'getFileSystemManager') {
        continue;
      } else {
        const o = options(fsSchema, desc);
        run = (cbs) => fs[m](cbs(o));
      }
    } else {
      name = pick(listenerAPIs);
      const [l, v] = val();
      desc.push('arg=' + l);
      sync = 'listener';
      run = () => wx[name](chance(0.5) ? v : function () {});
    }
    const what = '#' + i + ' ' + name + '(' + desc.join(', ') + ')';
    // the callbacks: recorders, or (now and then) one replaced by a junk value or a thrower
    const seen = [];
    let settled, settledP = new Promise((r) => { settled = r; });
    let junk = null, thrower = null;
    if (chance(0.1)) junk = pick(['success', 'fail', 'complete']);
    if (chance(0.05)) thrower = pick(['success', 'fail', 'complete']);
    const rec = (k) => function (res) {
      seen.push(k);
      if (k === 'complete' || (junk === 'complete' && k !== 'complete')) setTimeout(settled, 0);
      if (thrower === k) throw new Error('fuzz callback throws');
    };
    let noCallbacks = chance(0.08);
    // cbs attaches the callbacks to o; when they cannot be attached and read back (o is
    // not an object, a Proxy whose get throws, a revoked proxy), nothing can be observed
    // but the stats, as in WeChat.
    const cbs = (o) => {
      if (noCallbacks || o === null || typeof o !== 'object') { noCallbacks = true; return o; }
      try {
        for (const k of ['success', 'fail', 'complete']) o[k] = junk === k ? val()[1] : rec(k);
        if (typeof o.complete !== 'function' && typeof o.fail !== 'function') noCallbacks = true;
      } catch (e) { noCallbacks = true; }
      return o;
    };
    let task, thrown = null, ret;
    try { ret = task = run(cbs); } catch (e) { thrown = e; }
    if (sync) {
      if (thrown && !(sync === true && thrown instanceof Error && /^\w+Sync:fail/.test(thrown.message))) {
        report.wrongThrows.push(what + ' threw ' + String(thrown && thrown.message || thrown));
      }
    } else if (thrown) {
      report.throws.push(what + ' threw ' + String(thrown && thrown.message || thrown));
    } else {
      // something to await: the callbacks, or the Promise of a Promise-style call (§1.3)
      const observed = ret && typeof ret.then === 'function' ? ret.then(() => {}, () => {}) : settledP;
      // task methods, as careless code calls them
      if (task && typeof task === 'object') {
        try {
          if (typeof task.abort === 'function' && chance(0.15)) task.abort();
          if (typeof task.onProgressUpdate === 'function' && chance(0.3)) task.onProgressUpdate(chance(0.5) ? () => {} : val()[1]);
          if (typeof task.onHeadersReceived === 'function' && chance(0.3)) task.onHeadersReceived(() => { if (chance(0.3)) throw new Error('listener throws'); });
          if (typeof task.offHeadersReceived === 'function' && chance(0.1)) task.offHeadersReceived(val()[1]);
          if (typeof task.onOpen === 'function') {
            task.onOpen(() => {
              if (chance(0.5)) { try { task.send({data: val()[1], complete() {}}); } catch (e) { report.throws.push(what + ' SocketTask.send threw ' + e); } }
              try { task.close(chance(0.7) ? {} : options(schemas.closeSocket, [])); } catch (e) { report.throws.push(what + ' SocketTask.close threw ' + e); }
            });
            task.onError(() => {});
          }
        } catch (e) { report.throws.push(what + ' task method threw ' + e); }
      }
      const bounded = noCallbacks && !(ret && typeof ret.then === 'function') ? Promise.resolve() : observed;
      const hang = await Promise.race([bounded.then(() => false), new Promise((r) => setTimeout(() => r(true), 8000))]);
      if (hang) report.hangs.push(what + ' saw ' + JSON.stringify(seen));
      else if (!noCallbacks && !(ret && typeof ret.then === 'function') && junk === null) {
        const okSeq = seen.length === 2 && (seen[0] === 'success' || seen[0] === 'fail') && seen[1] === 'complete';
        if (!okSeq) report.duplicates.push(what + ' saw ' + JSON.stringify(seen));
      }
      // sockets: make sure each created socket ends, then count on it closing
      if (task && typeof task.close === 'function' && typeof task.onClose === 'function' && wxsim.stats().sockets > 0) {
        await new Promise((r) => { task.onClose(r); try { task.close({}); } catch (e) { /* reported above */ } setTimeout(r, 8000); });
      }
    }
    // a late callback (a second success/fail/complete) would show in seen here
    await tick();
    if (!sync && seen.length > 2) report.duplicates.push(what + ' saw late ' + JSON.stringify(seen));
    const busy = await waitIdle(sync === 'listener' ? 0 : 6000);
    if (busy) {
      report.leaks.push(what + ' left ' + busy);
      if (await waitIdle(10000)) { const s = wxsim.stats(); for (const k of Object.keys(idle)) idle[k] = s[k]; }
    }
    if (i % 200 === 199) await seedFiles();
  }
  // global listeners the fuzz registered must not hold anything
  for (const k of listenerAPIs) if (k.startsWith('off')) { try { wx[k](); } catch (e) { /* offX() removes all */ } }
  for (const k of idleKeys) idle[k] = 0;
  idle.liveCallbacks = base.liveCallbacks;
  report.final = await waitIdle(5000);
  report.stats = wxsim.stats();
  return report;
};
