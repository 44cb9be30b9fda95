package e2e

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// netEvent is a §C1 event as the page hands it over.
type netEvent struct {
	Seq             int            `json:"seq"`
	Time            float64        `json:"time"`
	ID              int            `json:"id"`
	API             string         `json:"api"`
	Phase           string         `json:"phase"`
	URL             string         `json:"url"`
	Method          string         `json:"method"`
	Header          map[string]any `json:"header"`
	Transport       string         `json:"transport"`
	RequestBodySize float64        `json:"requestBodySize"`
	StatusCode      int            `json:"statusCode"`
	OK              bool           `json:"ok"`
	ErrMsg          string         `json:"errMsg"`
	ResponseSize    float64        `json:"responseBodySize"`
	DurationMs      float64        `json:"durationMs"`
	Direction       string         `json:"direction"`
	Type            string         `json:"type"`
	Size            int            `json:"size"`
	Data            string         `json:"data"`
	Code            int            `json:"code"`
}

// listen starts recording §C1 events in window.EV.
const listen = `window.EV = []; window.offEV = wxsim.on('network', (e) => EV.push(JSON.parse(JSON.stringify(e)))); true`

func phasesOf(evs []netEvent, id int) []string {
	var out []string
	for _, e := range evs {
		if e.ID == id {
			out = append(out, e.Phase)
		}
	}
	return out
}

// §C1: every step of a request, in order, with the call as sent; a refused call has its
// create and end too; seq has no gaps.
func TestNetworkEvents_SpecC1(t *testing.T) {
	p := newPage(t, listed)
	p.Eval(listen, nil)
	var ids []int
	p.Eval(`(async () => {
		const a = await new Promise((res) => { const t = wx.request({url: '`+api+`/echo?x=1', method: 'POST', data: {a: 1}, complete: res}); });
		await new Promise((res) => wx.request({url: 'https://elsewhere.example.test/', complete: res}));
		await new Promise((res) => wx.request({url: '`+api+`/json', data: {q: 'v w'}, complete: res}));
		await new Promise((r) => setTimeout(r, 0));
		const ids = [...new Set(EV.map((e) => e.id))];
		return ids;
	})()`, &ids)
	require.Len(t, ids, 3)
	var evs []netEvent
	p.Eval(`EV`, &evs)
	for i, e := range evs {
		assert.Equal(t, i+1, e.Seq-evs[0].Seq+1, "seq has no gaps")
	}
	assert.Equal(t, []string{"create", "start", "headers", "end"}, phasesOf(evs, ids[0]))
	assert.Equal(t, []string{"create", "end"}, phasesOf(evs, ids[1]), "a refused call: create and end")
	assert.Equal(t, []string{"create", "start", "headers", "end"}, phasesOf(evs, ids[2]))
	for _, e := range evs {
		switch {
		case e.ID == ids[0] && e.Phase == "create":
			assert.Equal(t, api+"/echo?x=1", e.URL)
			assert.Equal(t, "POST", e.Method)
			assert.Equal(t, "direct", e.Transport)
			assert.Equal(t, "application/json", e.Header["content-type"], "the default content-type as sent (§4.3)")
			assert.Equal(t, float64(len(`{"a":1}`)), e.RequestBodySize)
		case e.ID == ids[0] && e.Phase == "end":
			assert.True(t, e.OK)
			assert.Equal(t, "request:ok", e.ErrMsg)
			assert.Equal(t, 200, e.StatusCode)
			assert.Greater(t, e.ResponseSize, 0.0)
			assert.GreaterOrEqual(t, e.DurationMs, 0.0)
		case e.ID == ids[1] && e.Phase == "end":
			assert.False(t, e.OK)
			assert.Equal(t, "request:fail url not in domain list", e.ErrMsg)
		case e.ID == ids[2] && e.Phase == "create":
			assert.Equal(t, api+"/json?q=v%20w", e.URL, "the url as sent, with the data's query (§4.4)")
			assert.Equal(t, "GET", e.Method)
		}
	}
}

// §C1: 1,000 mixed tasks with aborts: each has exactly one create, first, and one end,
// last; seq has no gaps; never more than 10 started and not ended (the end that frees a
// slot comes before the start it lets through); tasks() keeps the last 1000.
func TestNetworkEventsUnderLoad_SpecC1(t *testing.T) {
	p := newPage(t, listed)
	p.Eval(listen, nil)
	var n int
	p.Eval(`(async () => {
		const all = [];
		for (let i = 0; i < 1000; i++) {
			all.push(new Promise((res) => {
				const t = wx.request({url: '`+api+`/json?i=' + i, complete: res});
				if (i % 3 === 0) t.abort();
				else if (i % 7 === 0) setTimeout(() => t.abort(), 1);
			}));
		}
		await Promise.all(all);
		await new Promise((r) => setTimeout(r, 0));
		return all.length;
	})()`, &n)
	require.Equal(t, 1000, n)
	var evs []netEvent
	p.Eval(`EV`, &evs)
	first, last, creates, ends := map[int]string{}, map[int]string{}, map[int]int{}, map[int]int{}
	running, maxRunning := 0, 0
	for i, e := range evs {
		require.Equal(t, evs[0].Seq+i, e.Seq, "seq has no gaps")
		if _, ok := first[e.ID]; !ok {
			first[e.ID] = e.Phase
		}
		last[e.ID] = e.Phase
		switch e.Phase {
		case "create":
			creates[e.ID]++
		case "start":
			running++
			maxRunning = max(maxRunning, running)
		case "end":
			ends[e.ID]++
		}
		if e.Phase == "end" && hasPhase(evs[:i], e.ID, "start") {
			running--
		}
	}
	assert.Len(t, creates, 1000)
	for id := range creates {
		assert.Equal(t, 1, creates[id], "task %d: one create", id)
		assert.Equal(t, 1, ends[id], "task %d: one end", id)
		assert.Equal(t, "create", first[id], "task %d", id)
		assert.Equal(t, "end", last[id], "task %d", id)
	}
	assert.LessOrEqual(t, maxRunning, 10, "§8.1: at most 10 running, as the events tell")
	var tasks []map[string]any
	p.Eval(`wxsim.tasks()`, &tasks)
	assert.Len(t, tasks, 1000)
	assert.Less(t, tasks[0]["id"].(float64), tasks[999]["id"].(float64), "oldest first")
	for _, k := range []string{"id", "api", "url", "method", "transport", "phase", "ok", "errMsg", "startTime", "endTime", "durationMs"} {
		assert.Contains(t, tasks[999], k)
	}
}

func hasPhase(evs []netEvent, id int, phase string) bool {
	for _, e := range evs {
		if e.ID == id && e.Phase == phase {
			return true
		}
	}
	return false
}

// §C1 for a socket: create, open, the frames each way, close, and end (ok: it had opened).
// A listener that throws is reported and breaks nothing; bad arguments throw TypeErrors.
func TestNetworkEventsSocket_SpecC1(t *testing.T) {
	p := newPage(t, `{domains: {socket: ['wss://api.example.test']}}`)
	p.Eval(listen+`; wxsim.on('network', () => { throw new Error('listener bug'); }); true`, nil)
	var r struct {
		Echo   string
		BadT   string
		BadL   string
		Events []netEvent
	}
	p.Eval(`(async () => {
		const s = wx.connectSocket({url: 'wss://api.example.test/ws/echo'});
		await new Promise((res) => s.onOpen(res));
		const echo = new Promise((res) => s.onMessage((m) => res(m.data)));
		s.send({data: 'hi'});
		const got = await echo;
		const closed = new Promise((res) => s.onClose(res));
		s.close({code: 1000});
		await closed;
		await new Promise((res) => setTimeout(res, 0));
		const err = (f) => { try { f(); return "no throw"; } catch (e) { return e.name + ": " + e.message; } };
		return {echo: got, badT: err(() => wxsim.on('net', () => {})), badL: err(() => wxsim.on('network', 5)), events: EV};
	})()`, &r)
	assert.Equal(t, "hi", r.Echo, "a throwing listener broke nothing")
	assert.Equal(t, `TypeError: wxsim.on: type should be "network"`, r.BadT)
	assert.Equal(t, "TypeError: wxsim.on: listener should be a function", r.BadL)
	require.NotEmpty(t, r.Events)
	assert.Equal(t, []string{"create", "open", "message", "message", "close", "end"}, phasesOf(r.Events, r.Events[0].ID))
	for _, e := range r.Events {
		switch e.Phase {
		case "create":
			assert.Equal(t, "wss://api.example.test/ws/echo", e.URL)
		case "message":
			assert.Equal(t, "text", e.Type)
			assert.Equal(t, 2, e.Size)
			assert.Equal(t, "hi", e.Data)
		case "end":
			assert.True(t, e.OK)
			assert.Equal(t, "connectSocket:ok", e.ErrMsg)
			assert.Equal(t, 1000, e.Code)
		}
	}
	assert.True(t, p.ConsoleHas("error", "listener bug"))
	var dirs []string
	for _, e := range r.Events {
		if e.Phase == "message" {
			dirs = append(dirs, e.Direction)
		}
	}
	assert.Equal(t, []string{"out", "in"}, dirs)
}
