//go:build js && wasm

package runtime

import (
	"syscall/js"

	"wxsim/sim"
)

// The §C1 network events hang on the observer seam; the glue (12_events.js) makes them
// from the steps it sees, and Go passes the ones only it knows. Nothing here runs while
// nobody observes.

// OnNetwork adds listener f, a JS function, to the §C1 network event stream: one plain
// object per step of every network task, asynchronously, in the order the steps happen.
// The returned function removes it.
func (r *Runtime) OnNetwork(f js.Value) (off func(), err error) {
	if f.Type() != js.TypeFunction {
		return nil, &ArgError{"wxsim.on: listener should be a function"}
	}
	r.g.NetOn(f)
	done := false
	return func() {
		if !done {
			done = true
			r.g.NetOff(f)
		}
	}, nil
}

// OffNetwork removes listener f from the §C1 stream (wxsim.off).
func (r *Runtime) OffNetwork(f js.Value) { r.g.NetOff(f) }

// Tasks is the §C1 task list: the last 1000 network tasks, oldest first, each a plain
// object (wxsim.tasks()).
func (r *Runtime) Tasks() js.Value { return r.g.Tasks() }

// created passes the call as planned to the observers (§C1 create): the url as it will
// be sent, the method, the header as sent (through the relay with WeChat's Referer and
// User-Agent, which the relay adds), the transport, and the request body's size (-1:
// unknown; a request's, size < -1, is measured by the glue from its body).
func (r *Runtime) created(id int, url, method string, headers []string, via sim.Transport, size float64) {
	if !r.g.Observed() {
		return
	}
	h := map[string]any{}
	for i := 0; i+1 < len(headers); i += 2 {
		h[headers[i]] = headers[i+1]
	}
	if via == sim.TransportRelay {
		h["Referer"] = sim.Referer(r.cfg.AppID, r.cfg.AppVersion)
		h["User-Agent"] = sim.UserAgent
	}
	d := map[string]any{"url": url, "method": method, "header": h, "transport": via.String()}
	if size >= -1 {
		d["requestBodySize"] = size
	}
	r.g.Note(id, "create", d)
}

// bodyByGlue is created's size for a request: the glue measures its body.
const bodyByGlue = -2
