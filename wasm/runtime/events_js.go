//go:build js && wasm

package runtime

import (
	"sync"
	"syscall/js"

	"github.com/wxsim/wxsim/sim"
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
	return sync.OnceFunc(func() { r.g.NetOff(f) }), nil
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

// HAR is wxsim.har(options) (§C2): a promise of a HAR 1.2 log of the listed tasks.
// options: bodies (default true), maxBodyBytes (default 1 MiB per body), ids (only the
// tasks with these ids, in call order: how a panel shows one task's bodies); a bad option
// is an *ArgError naming it.
func (r *Runtime) HAR(options js.Value) (js.Value, error) {
	bodies, max, ids := true, float64(1<<20), js.Null()
	switch options.Type() {
	case js.TypeUndefined, js.TypeNull:
	case js.TypeObject:
		b, err := field(options, "bodies")
		if err != nil {
			return js.Undefined(), &ArgError{"wxsim.har: options.bodies cannot be read (" + err.Error() + ")"}
		}
		switch b.Type() {
		case js.TypeUndefined:
		case js.TypeBoolean:
			bodies = b.Bool()
		default:
			return js.Undefined(), &ArgError{"wxsim.har: options.bodies should be a boolean"}
		}
		m, err := field(options, "maxBodyBytes")
		if err != nil {
			return js.Undefined(), &ArgError{"wxsim.har: options.maxBodyBytes cannot be read (" + err.Error() + ")"}
		}
		switch m.Type() {
		case js.TypeUndefined:
		case js.TypeNumber:
			if v := m.Float(); v >= 0 && v <= 1<<53 {
				max = v
				break
			}
			fallthrough
		default:
			return js.Undefined(), &ArgError{"wxsim.har: options.maxBodyBytes should be a number of bytes ≥ 0"}
		}
		if ids, err = harIDs(options); err != nil {
			return js.Undefined(), err
		}
	default:
		return js.Undefined(), &ArgError{"wxsim.har: options should be an object"}
	}
	return r.g.HAR(bodies, max, ids), nil
}

// harIDs reads options.ids of wxsim.har: undefined (every task, as null) or an array of
// task ids, positive integers, handed to the glue as a new array of numbers.
func harIDs(options js.Value) (js.Value, error) {
	v, err := field(options, "ids")
	if err != nil {
		return js.Null(), &ArgError{"wxsim.har: options.ids cannot be read (" + err.Error() + ")"}
	}
	if v.Type() == js.TypeUndefined {
		return js.Null(), nil
	}
	bad := &ArgError{"wxsim.har: options.ids should be an array of task ids (positive integers)"}
	if !v.InstanceOf(js.Global().Get("Array")) {
		return js.Null(), bad
	}
	n := v.Length()
	ids := make([]any, n)
	for i := range n {
		id := v.Index(i)
		if id.Type() != js.TypeNumber {
			return js.Null(), bad
		}
		if f := id.Float(); f < 1 || f > 1<<53 || f != float64(int64(f)) {
			return js.Null(), bad
		}
		ids[i] = id.Float()
	}
	return js.ValueOf(ids), nil
}
