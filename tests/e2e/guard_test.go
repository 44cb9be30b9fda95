package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spec §1.2, §1.5: a user value that throws when read (a Proxy trap, a throwing getter or
// toString, a revoked proxy) anywhere in the options of any API fails the call with a
// parameter error naming the field: never a throw out of the call, fail then complete,
// and no record left behind (issue 11, item 1).
func TestUnreadableOptions_Spec1_5(t *testing.T) {
	p := newPage(t, `{urlCheck: false, sdkVersion: '2.30.0'}`)
	type outcome struct {
		Name   string   `json:"name"`
		Thrown string   `json:"thrown"`
		Cbs    []string `json:"cbs"`
		ErrMsg string   `json:"errMsg"`
	}
	var out []outcome
	p.Eval(`(async () => {
		const boom = () => { throw new Error('x'); };
		const protoTrap = () => new Proxy({}, {getPrototypeOf: boom});
		const revoked = () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; };
		const getter = (k, rest) => Object.defineProperty(Object.assign({}, rest), k, {get: boom, enumerable: true});
		const keysTrap = () => new Proxy({}, {ownKeys: boom});
		const badString = {toString: boom};
		const fs = wx.getFileSystemManager();
		await new Promise((res) => fs.writeFile({filePath: wx.env.USER_DATA_PATH + '/u.txt', data: 'u', complete: res}));
		const sock = T.sock({url: '`+wss+`/ws/echo'});
		await sock.opened;
		const cases = [
			['sendSocketMessage proto trap', (o) => wx.sendSocketMessage(Object.assign(o, {data: protoTrap()}))],
			['SocketTask.send revoked', (o) => sock.t.send(Object.assign(o, {data: revoked()}))],
			['SocketTask.send getter', (o) => sock.t.send(getter('data', o))],
			['SocketTask.close code getter', (o) => sock.t.close(getter('code', o))],
			['closeSocket reason revoked', (o) => wx.closeSocket(Object.assign(o, {reason: revoked()}))],
			['request url getter', (o) => wx.request(getter('url', o))],
			['request method revoked', (o) => wx.request(Object.assign(o, {url: '`+api+`/json', method: revoked()}))],
			['request header keys trap', (o) => wx.request(Object.assign(o, {url: '`+api+`/json', header: keysTrap()}))],
			['request header value toString', (o) => wx.request(Object.assign(o, {url: '`+api+`/json', header: {'X-A': badString}}))],
			['request data proto trap', (o) => wx.request(Object.assign(o, {url: '`+api+`/echo', method: 'POST', data: protoTrap()}))],
			['request GET data value toString', (o) => wx.request(Object.assign(o, {url: '`+api+`/echo', data: getter('a')}))],
			['request success getter', (o) => wx.request(getter('success', Object.assign(o, {url: '`+api+`/json'})))],
			['uploadFile formData value', (o) => wx.uploadFile(Object.assign(o, {url: '`+api+`/upload', filePath: wx.env.USER_DATA_PATH + '/u.txt', name: 'f', formData: {a: badString}}))],
			['uploadFile filePath getter', (o) => wx.uploadFile(getter('filePath', Object.assign(o, {url: '`+api+`/upload', name: 'f'})))],
			['downloadFile url revoked', (o) => wx.downloadFile(Object.assign(o, {url: revoked()}))],
			['connectSocket protocols trap', (o) => wx.connectSocket(Object.assign(o, {url: '`+wss+`/ws/echo', protocols: new Proxy([], {get: boom})}))],
			['connectSocket header keys trap', (o) => wx.connectSocket(Object.assign(o, {url: '`+wss+`/ws/echo', header: keysTrap()}))],
			['getNetworkType complete getter', (o) => wx.getNetworkType(getter('complete', o))],
			['readFile filePath getter', (o) => fs.readFile(getter('filePath', o))],
			['writeFile data proto trap', (o) => fs.writeFile(Object.assign(o, {filePath: wx.env.USER_DATA_PATH + '/w.txt', data: protoTrap()}))],
			['saveFile tempFilePath revoked', (o) => wx.saveFile(Object.assign(o, {tempFilePath: revoked()}))],
		];
		const out = [];
		for (const [name, run] of cases) {
			const o = {cbs: [], name: name, thrown: '', errMsg: ''};
			await new Promise((res) => {
				const opts = {
					success: (r) => { o.cbs.push('success'); o.errMsg = r.errMsg; },
					fail: (r) => { o.cbs.push('fail'); o.errMsg = r.errMsg; if (name.endsWith('complete getter')) res(); },
					complete: (r) => { o.cbs.push('complete'); res(); },
				};
				try { run(opts); } catch (e) { o.thrown = String(e); res(); }
			});
			out.push(o);
		}
		let thrown = '';
		try { fs.writeFileSync(wx.env.USER_DATA_PATH + '/s.txt', revoked()); } catch (e) { thrown = e.message; }
		out.push({name: 'writeFileSync data revoked', thrown: thrown, cbs: [], errMsg: ''});
		sock.t.close({});
		await sock.closed;
		return out;
	})()`, &out)
	// the api each call reports as (spec §1.1) and the field its errMsg names
	want := map[string][2]string{
		"sendSocketMessage proto trap": {"sendSocketMessage", "data"}, "SocketTask.send revoked": {"sendSocketMessage", "data"},
		"SocketTask.send getter": {"sendSocketMessage", "data"}, "SocketTask.close code getter": {"closeSocket", "code"},
		"closeSocket reason revoked": {"closeSocket", "reason"}, "request url getter": {"request", "url"},
		"request method revoked": {"request", "method"}, "request header keys trap": {"request", "header"},
		"request header value toString": {"request", "header.X-A"}, "request data proto trap": {"request", "data"},
		"request GET data value toString": {"request", "data.a"}, "request success getter": {"request", "success"},
		"uploadFile formData value": {"uploadFile", "formData.a"}, "uploadFile filePath getter": {"uploadFile", "filePath"},
		"downloadFile url revoked": {"downloadFile", "url"}, "connectSocket protocols trap": {"connectSocket", "protocols"},
		"connectSocket header keys trap": {"connectSocket", "header"}, "getNetworkType complete getter": {"getNetworkType", "complete"},
		"readFile filePath getter": {"readFile", "filePath"}, "writeFile data proto trap": {"writeFile", "data"},
		"saveFile tempFilePath revoked": {"saveFile", "tempFilePath"},
	}
	require.Len(t, out, len(want)+1)
	for _, o := range out {
		if o.Name == "writeFileSync data revoked" {
			assert.Regexp(t, `^writeFileSync:fail parameter error: parameter\.data cannot be read \(TypeError: .+\);$`, o.Thrown, "…Sync twins throw their errMsg (spec §1.3)")
			continue
		}
		assert.Empty(t, o.Thrown, "%s: no throw out of the call", o.Name)
		cbs := []string{"fail", "complete"}
		if o.Name == "getNetworkType complete getter" {
			cbs = []string{"fail"} // complete itself cannot be read
		}
		assert.Equal(t, cbs, o.Cbs, o.Name)
		w := want[o.Name]
		assert.Regexp(t, `^`+w[0]+`:fail parameter error: parameter\.`+w[1]+` cannot be read \((Type)?Error: .+\);$`, o.ErrMsg, o.Name)
	}
	st := p.Stats()
	for _, k := range []string{"running", "queued", "tasks", "jsTasks", "timers", "sockets", "jsSockets"} {
		assert.Zero(t, st[k], k)
	}
}
