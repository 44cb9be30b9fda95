//go:build js && wasm

package runtime

import (
	"strconv"
	"strings"
	"syscall/js"

	"github.com/wxsim/wxsim/jsbridge"
	"github.com/wxsim/wxsim/sim"
)

// request handles wx.request(options) for task id (spec §4): one read of the options
// (the inbox of an EvRequest, else jsbridge.ReadRequest), sim's plan, then the body step
// and the scheduler. opts gives the options object, for the steps that read more of it
// (header, data).
func (r *Runtime) request(id int, opts func() js.Value) {
	f, ok := r.g.RequestInbox()
	if !ok {
		f = r.g.ReadRequest(id, opts())
	}
	key := "" // a request sim plans from its record alone (no header, no data) is kept
	if ok && f.HeaderType == "Undefined" && f.DataKind == jsbridge.DataNone {
		key, _ = r.g.Inbox()
	}
	var refused *sim.Refusal
	p, known := r.plans.get(key)
	if !known {
		p, refused = r.plan(f, opts)
		if refused == nil {
			r.plans.put(key, p)
		}
	}
	if refused != nil {
		r.created(id, f.URL, strings.ToUpper(orGET(f.Method)), nil, r.cfg.Transport(), -1)
		r.refuse(id, refused)
		return
	}
	r.carryOut(id, f, p, opts)
}

// plan is sim's plan of the request read as f.
func (r *Runtime) plan(f jsbridge.RequestFields, opts func() js.Value) (sim.RequestPlan, *sim.Refusal) {
	return sim.PlanRequest(&r.cfg, sim.RequestOptions{
		URL:        urlRead(f.URLType, f.URL, f.Parsed, f.ParsedOK),
		MethodType: f.MethodType, Method: f.Method,
		HeaderType: f.HeaderType, Header: r.headerReader(opts),
		Data: dataKinds[f.DataKind], DataTag: f.DataType,
		Timeout:      timeout(f.Timeout),
		ResponseType: f.ResponseType, DataType: f.DataTypeOpt, Redirect: f.Redirect,
		Chunked: f.Chunked,
	})
}

// carryOut takes request id on from its plan p: the body step, the mocks, the scheduler.
func (r *Runtime) carryOut(id int, f jsbridge.RequestFields, p sim.RequestPlan, opts func() js.Value) {
	switch p.Body {
	case sim.QueryAppendRaw:
		p.URL = sim.AppendQuery(p.URL, r.g.DataString(opts()))
	case sim.QueryAppendForm:
		qs, err := r.g.Form(opts())
		if err != nil {
			r.fail(id, sim.Fail{API: sim.APIRequest, Reason: sim.DataError(err.Error())})
			return
		}
		p.URL = sim.AppendQuery(p.URL, qs)
	case sim.BodyRaw, sim.BodyJSON, sim.BodyForm:
		if err := r.g.SetBody(id, bodyKinds[p.Body], opts()); err != nil {
			r.fail(id, sim.Fail{API: sim.APIRequest, Reason: sim.DataError(err.Error())})
			return
		}
	}
	if r.mocked(id, sim.APIRequest, p.URL, p.Method) {
		p.Transport = sim.TransportMock
	}
	r.created(id, p.URL, p.Method, p.Headers, p.Transport, bodyByGlue)
	r.reqs[id] = &task{api: sim.APIRequest, req: p, urlAsRead: p.URL == f.URL}
	r.do(r.sched.SubmitVia(sim.TaskID(id), sim.APIRequest, p.Timeout, p.Transport))
}

// plans keeps sim's plans of the last requests planned from their record alone (no
// header, no data), keyed by that record: the same call under the same configuration
// plans the same, and skipping sim's checks measured ≈0.07 ms of the 0.5 ms wx adds to a
// small request (Go's code runs cold after the network wait). Every change of the
// configuration or of the network empties it (Runtime.apply, SetNetwork); refusals are
// not kept, so their console warning comes every time.
type plans struct{ m map[string]sim.RequestPlan }

const plansKept = 64

func (c *plans) get(key string) (sim.RequestPlan, bool) {
	if key == "" {
		return sim.RequestPlan{}, false
	}
	p, ok := c.m[key]
	return p, ok
}

func (c *plans) put(key string, p sim.RequestPlan) {
	if key == "" {
		return
	}
	if c.m == nil || len(c.m) >= plansKept {
		c.m = make(map[string]sim.RequestPlan, 8)
	}
	c.m[key] = p
}

func (c *plans) reset() { c.m = nil }

var bodyKinds = map[sim.BodyEncoding]int{sim.BodyRaw: jsbridge.BodyRaw, sim.BodyJSON: jsbridge.BodyJSON, sim.BodyForm: jsbridge.BodyForm}

// dataKinds are the sim classes of the glue's data classes (RequestFields.DataKind).
var dataKinds = [...]sim.DataKind{jsbridge.DataNone: sim.DataNone, jsbridge.DataString: sim.DataString,
	jsbridge.DataBytes: sim.DataArrayBuffer, jsbridge.DataObject: sim.DataObject, jsbridge.DataOther: sim.DataOther}

// headerReader reads o.header's keys and String(values) when the plan asks for them.
func (r *Runtime) headerReader(o func() js.Value) sim.HeaderReader {
	return func() ([]sim.Header, bool) {
		flat, err := r.g.HeaderList(o())
		if err != nil {
			return nil, false
		}
		in := make([]sim.Header, 0, len(flat)/2)
		for i := 0; i+1 < len(flat); i += 2 {
			in = append(in, sim.Header{Name: flat[i], Value: flat[i+1]})
		}
		return in, true
	}
}

// urlRead converts a url option as the glue read it.
func urlRead(typ, raw string, info jsbridge.URLInfo, ok bool) sim.URLRead {
	return sim.URLRead{Type: typ, Raw: raw, Parsed: ok, Scheme: info.Scheme, Host: info.Host,
		Userinfo: info.Userinfo, PathOrQuery: info.PathOrQuery}
}

// timeout converts String(timeout) as the glue read it ("" when not a number).
func timeout(s string) sim.Timeout {
	if s == "" {
		return sim.Timeout{}
	}
	v, err := strconv.ParseFloat(s, 64)
	return sim.Timeout{MS: v, Number: err == nil}
}

func orGET(m string) string {
	if m == "" {
		return "GET"
	}
	return m
}

// refuse delivers a plan's refusal: its console warning, then the fail result.
func (r *Runtime) refuse(id int, x *sim.Refusal) {
	if x.Warning != "" {
		r.g.Warn(x.Warning)
	}
	r.fail(id, x.Fail)
}
