package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// §8.3 with followPageVisibility: the document going hidden is wx's hide, visible its
// show (the page's visibilityState is set for the test, as a tab in the background has
// it, and the browser's visibilitychange event dispatched).
func TestFollowPageVisibility(t *testing.T) {
	p := newPage(t, `{domains: {request: ['`+api+`']}, followPageVisibility: true}`)
	var r map[string]any
	p.Eval(`(async () => {
		const ev = [];
		wx.onAppHide(() => ev.push('hide'));
		wx.onAppShow(() => ev.push('show'));
		let state = 'visible';
		Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => state});
		wxsim.clock.install();
		const res = new Promise((r) => wx.request({url: '`+api+`/hold?id=vis', complete: (x) => r(x.errMsg)}));
		state = 'hidden'; document.dispatchEvent(new Event('visibilitychange'));
		await wxsim.clock.tick(5000);
		const msg = await res;
		state = 'visible'; document.dispatchEvent(new Event('visibilitychange'));
		await new Promise((r) => setTimeout(r, 0));
		wxsim.clock.uninstall();
		await wxsim.start({domains: {request: ['`+api+`']}, followPageVisibility: false});
		state = 'hidden'; document.dispatchEvent(new Event('visibilitychange'));
		await new Promise((r) => setTimeout(r, 0));
		return {ev, msg, canIUse: wx.canIUse('request.object.enableChunked')};
	})()`, &r)
	assert.Equal(t, "request:fail interrupted", r["msg"], "hidden for 5 s of wx time")
	assert.Equal(t, []any{"hide", "show"}, r["ev"], "followPageVisibility: false stops following")
	assert.Equal(t, true, r["canIUse"])
}
