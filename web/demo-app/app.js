// The built-in demo: mini-program code that exercises every network API of wx against
// this server's demo backend (/demo/...). The workbench runs it when no --app is given.
// Each method is a button in the preview (helpers start with _); setData shows the last
// result there.
const origin = location.origin;
const wsOrigin = origin.replace(/^http/, 'ws');
let slow = null, socket = null;

// result keeps what is worth showing of a callback's result.
function result(res) {
  const out = {};
  for (const k of ['errMsg', 'errno', 'statusCode', 'data', 'tempFilePath', 'filePath', 'savedFilePath', 'size']) {
    if (res && res[k] !== undefined) out[k] = res[k];
  }
  return out;
}

App({
  onLaunch() { console.log('App.onLaunch: the demo is running'); },
  onShow() { console.info('App.onShow'); },
  onHide() { console.info('App.onHide: unfinished calls fail "interrupted" 5 s from now unless shown again'); },
});

Page({
  data: { last: 'press a button' },
  labels: {
    getJSON: 'wx.request: GET /demo/json',
    postEcho: 'wx.request: POST JSON to /demo/echo',
    notFound: 'wx.request: a 404 (still success)',
    timeout: 'wx.request: timeout 500 ms on a 2 s call',
    slowStart: 'wx.request: 10 s call (then hide the app)',
    slowAbort: 'RequestTask.abort() the 10 s call',
    gbk: 'wx.request: GBK text (charset warning)',
    image: 'wx.request: a PNG as arraybuffer',
    refused: 'wx.request: a refused scheme (§3)',
    relay: 'wx.request through the relay (if on): Referer, UA',
    mocked: 'wx.request: /api/user (answered by a mock)',
    upload: 'wx.uploadFile: a file written with the fs',
    download: 'wx.downloadFile: 4 MiB with progress',
    socketOpen: 'wx.connectSocket: echo socket',
    socketSend: 'SocketTask.send: text and binary',
    socketClose: 'SocketTask.close(1000)',
    files: 'FileSystemManager: write, read, stat, saveFile',
  },
  _show(what, res) { this.setData({ last: what, result: result(res) }); },
  _call(what, opts) {
    return { ...opts, success: (res) => this._show(what + ' success', res), fail: (res) => this._show(what + ' fail', res) };
  },

  getJSON() { wx.request(this._call('GET /demo/json', { url: origin + '/demo/json' })); },
  postEcho() {
    wx.request(this._call('POST /demo/echo', { url: origin + '/demo/echo?from=demo', method: 'POST',
      header: { 'X-Demo': 'wxsim' }, data: { name: '小程序', n: 42, list: [1, 2, 3] } }));
  },
  notFound() { wx.request(this._call('404', { url: origin + '/demo/status/404' })); },
  timeout() { wx.request(this._call('timeout', { url: origin + '/demo/slow?ms=2000', timeout: 500 })); },
  slowStart() { slow = wx.request(this._call('10 s call', { url: origin + '/demo/slow?ms=10000' })); },
  slowAbort() { if (slow) slow.abort(); else this.setData({ last: 'no 10 s call running' }); },
  gbk() { wx.request(this._call('GBK text', { url: origin + '/demo/gbk' })); },
  image() { wx.request(this._call('PNG', { url: origin + '/demo/image.png', responseType: 'arraybuffer' })); },
  refused() { wx.request(this._call('refused', { url: 'ftp://files.example.com/readme.txt' })); },
  relay() {
    // the relay reaches this server under the name it pins for the demo
    const base = wxsim.config().relay ? 'http://demo.wxsim.test:' + location.port : origin;
    wx.request({ url: base + '/demo/echo', header: { Referer: 'https://ignored.example/' },
      success: (res) => {
        const h = (res.data && res.data.headers) || {};
        this.setData({ last: 'echoed headers', result: { errMsg: res.errMsg, Referer: h.Referer, 'User-Agent': h['User-Agent'] } });
      },
      fail: (res) => this._show('relay fail', res) });
  },
  mocked() {
    if (!wxsim.mocks().some((r) => String(r.url).includes('/api/user'))) {
      wxsim.mock({ url: origin + '/api/user*', delayMs: 300, response: { data: { id: 7, name: 'mocked user' } } });
      console.info('demo: added a mock for ' + origin + '/api/user* (see the Mocks tab)');
    }
    wx.request(this._call('mocked', { url: origin + '/api/user?id=7' }));
  },
  upload() {
    const fs = wx.getFileSystemManager();
    const filePath = wx.env.USER_DATA_PATH + '/hello.txt';
    fs.writeFile({ filePath, data: 'hello from wxsim '.repeat(2000), encoding: 'utf8',
      success: () => {
        const task = wx.uploadFile(this._call('upload', { url: origin + '/demo/upload', filePath, name: 'file',
          formData: { user: 'demo' } }));
        task.onProgressUpdate((p) => this.setData({ last: 'uploading ' + p.progress + '%' }));
      },
      fail: (res) => this._show('writeFile fail', res) });
  },
  download() {
    const task = wx.downloadFile(this._call('download', { url: origin + '/demo/bytes?n=4194304&ms=2000&name=demo.bin' }));
    task.onProgressUpdate((p) => this.setData({ last: 'downloading ' + p.progress + '%', result: p }));
  },
  socketOpen() {
    if (socket) socket.close({});
    socket = wx.connectSocket({ url: wsOrigin + '/demo/ws', fail: (res) => this._show('connectSocket fail', res) });
    socket.onOpen(() => this.setData({ last: 'socket open' }));
    socket.onMessage((m) => this.setData({ last: 'socket message', result: { data: m.data } }));
    socket.onError((e) => this._show('socket error', e));
    socket.onClose((c) => { this.setData({ last: 'socket closed', result: c }); socket = null; });
  },
  socketSend() {
    if (!socket) { this.setData({ last: 'open the socket first' }); return; }
    socket.send({ data: 'hello, echo' });
    socket.send({ data: new Uint8Array([1, 2, 3, 250]).buffer });
  },
  socketClose() { if (socket) socket.close({ code: 1000, reason: 'done' }); },
  files() {
    const fs = wx.getFileSystemManager();
    const path = wx.env.USER_DATA_PATH + '/notes.json';
    try {
      fs.writeFileSync(path, JSON.stringify({ saved: Date.now() }), 'utf8');
      const text = fs.readFileSync(path, 'utf8');
      const stat = fs.statSync(path);
      this.setData({ last: 'files', result: { read: text, size: stat.size, dir: fs.readdirSync(wx.env.USER_DATA_PATH) } });
    } catch (e) {
      this.setData({ last: 'files failed', result: { error: String(e.errMsg || e) } });
    }
  },
});
