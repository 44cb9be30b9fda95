package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spec §4.7, §5.2, §5.4, §6.2, §6.5, §8.1, §8.2: servers that misbehave mid-transfer.
// Each case ends in a fail (with its errMsg) or a close, exactly once, and frees its
// slot: afterwards ten requests run at once and every count of wxsim.stats() is idle.
// (The half-open peer that never answers close() is TestSocketHalfOpenClose.)
func TestFaults(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			p := newPage(t, withTransport(`{sdkVersion: '2.30.0', maxDownloadSize: 100000,
				domains: {request: ['`+api+`'], uploadFile: ['`+api+`'], downloadFile: ['`+api+`'], socket: ['`+wss+`']}}`, tr.extra))
			type res struct {
				Cbs    []string `json:"cbs"`
				ErrMsg string   `json:"errMsg"`
				Errno  float64  `json:"errno"`
				Events []string `json:"events"`
			}
			var out map[string]res
			p.Eval(`(async () => {
				const fs = wx.getFileSystemManager();
				await new Promise((r) => fs.writeFile({filePath: wx.env.USER_DATA_PATH + '/up.bin', data: new ArrayBuffer(200000), complete: r}));
				const call = (fn, opts) => T.cb(fn, opts).then((r) => ({cbs: r.cbs, errMsg: r.res.errMsg, errno: r.res.errno || 0}));
				const sock = async (url) => {
					const s = T.sock({url});
					await s.created;
					const c = await s.closed;
					return {cbs: [], errMsg: '', errno: 0, events: s.ev.map((e) => e.join(' '))};
				};
				const out = {};
				out.resetRequest = await call(wx.request, {url: '`+api+`/fault/reset?after=1000'});
				out.resetChunked = await call(wx.request, {url: '`+api+`/fault/reset?after=1000', enableChunked: true});
				out.resetDownload = await call(wx.downloadFile, {url: '`+api+`/fault/reset?after=50000'});
				out.resetUpload = await call(wx.uploadFile, {url: '`+api+`/fault/reset', filePath: wx.env.USER_DATA_PATH + '/up.bin', name: 'f'});
				out.stallAfterHeaders = await call(wx.request, {url: '`+api+`/hold?id=fault-stall&early=1', timeout: 1500});
				out.slowLoris = await call(wx.request, {url: '`+api+`/chunked?n=100&size=1&gapms=100', timeout: 1500});
				out.slowLorisDownload = await call(wx.downloadFile, {url: '`+api+`/file?size=90000&slowKBps=1', timeout: 1500});
				out.overCapNoLength = await call(wx.downloadFile, {url: '`+api+`/file?size=300000&cl=0'});
				out.wsDropped = await sock('`+wss+`/ws/drop?after=0');
				out.wsReserved = await sock('`+wss+`/ws/reserved');
				const ten = await Promise.all(Array.from({length: 10}, () => call(wx.request, {url: '`+api+`/json'})));
				out.tenAfter = {cbs: ten.map((r) => r.errMsg), errMsg: '', errno: 0};
				return out;
			})()`, &out)
			netFail := func(name, api string) {
				r := out[name]
				assert.Equal(t, []string{"fail", "complete"}, r.Cbs, name)
				assert.Regexp(t, "^"+api+":fail ", r.ErrMsg, name)
				assert.NotContains(t, r.ErrMsg, "internal error", name)
				assert.Equal(t, 600001.0, r.Errno, "%s: a network error (§1.4): %s", name, r.ErrMsg)
			}
			netFail("resetRequest", "request")
			netFail("resetChunked", "request")
			netFail("resetDownload", "downloadFile")
			netFail("resetUpload", "uploadFile")
			for _, name := range []string{"stallAfterHeaders", "slowLoris"} {
				assert.Equal(t, res{Cbs: []string{"fail", "complete"}, ErrMsg: "request:fail timeout", Errno: 5}, out[name], name)
			}
			assert.Equal(t, res{Cbs: []string{"fail", "complete"}, ErrMsg: "downloadFile:fail timeout", Errno: 5}, out["slowLorisDownload"])
			assert.Equal(t, []string{"fail", "complete"}, out["overCapNoLength"].Cbs)
			assert.Equal(t, "downloadFile:fail exceed max file size", out["overCapNoLength"].ErrMsg)
			require.NotEmpty(t, out["wsDropped"].Events)
			assert.Equal(t, "close 1006 ", out["wsDropped"].Events[len(out["wsDropped"].Events)-1], "dropped without a close frame: 1006")
			ev := out["wsReserved"].Events
			require.NotEmpty(t, ev)
			assert.Equal(t, "close 1006 ", ev[len(ev)-1], "a frame with reserved bits fails the connection: %v", ev)
			assert.NotContains(t, ev, "message hi", "the bad frame is not delivered")
			assert.Equal(t, []string{"request:ok", "request:ok", "request:ok", "request:ok", "request:ok", "request:ok", "request:ok", "request:ok", "request:ok", "request:ok"}, out["tenAfter"].Cbs, "every slot is free again (§8.1)")
			st := p.Stats()
			for _, k := range []string{"running", "queued", "tasks", "jsTasks", "timers", "sockets", "jsSockets"} {
				assert.Zero(t, st[k], k)
			}
		})
	}
}
