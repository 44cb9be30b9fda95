//go:build js && wasm

package runtime

import (
	"strconv"
	"syscall/js"

	"wxsim/jsbridge"
	"wxsim/sim"
)

// request handles wx.request(options) for task id (spec §4). Options are read in one JS
// call (jsbridge.ReadRequest); data and header objects stay in JS unless needed.
func (r *Runtime) request(id int, o js.Value) {
	const api = sim.APIRequest
	fail := func(reason sim.Reason) { r.fail(id, sim.Fail{API: api, Reason: reason}) }
	f := r.g.ReadRequest(o)

	if reason, ok := sim.CheckArgs(sim.ParamURL.Of(f.URLType), sim.ParamMethod.Of(f.MethodType)); !ok {
		fail(reason)
		return
	}
	url := f.URL
	method := "GET"
	if f.MethodType == "String" {
		m, err := sim.NormalizeMethod(f.Method, r.cfg.Relay == "")
		if err != nil {
			fail(asReason(err))
			return
		}
		method = m
	}
	if err := r.checkParsed(api, url, f.Parsed, f.ParsedOK); err != nil {
		fail(asReason(err))
		return
	}
	headers, ct, hasCT, err := r.headers(o, f.HeaderType)
	if err != nil {
		fail(asReason(err))
		return
	}
	kind := dataKinds[f.DataKind]
	enc, err := sim.PlanBody(method, kind, ct)
	if err != nil {
		if kind == sim.DataOther {
			err = sim.ParamError("data", "String/Object/ArrayBuffer", f.DataType)
		}
		fail(asReason(err))
		return
	}
	switch enc {
	case sim.QueryAppendRaw:
		url = sim.AppendQuery(url, r.g.DataString(o))
	case sim.QueryAppendForm:
		qs, err := r.g.Form(o)
		if err != nil {
			fail(sim.DataError(err.Error()))
			return
		}
		url = sim.AppendQuery(url, qs)
	case sim.BodyRaw, sim.BodyJSON, sim.BodyForm:
		if err := r.g.SetBody(id, bodyKinds[enc], o); err != nil {
			fail(sim.DataError(err.Error()))
			return
		}
	}
	if sim.NeedDefaultContentType(hasCT, r.cfg.Relay != "", enc) {
		headers = append(headers, "content-type", sim.DefaultContentType)
	}
	tv, terr := strconv.ParseFloat(f.Timeout, 64)
	r.reqs[id] = &transfer{
		api: api, url: url, method: method, headers: headers, chunked: f.Chunked,
		responseType: orDefault(f.ResponseType, "text"),
		dataType:     orDefault(f.DataTypeOpt, "json"),
		manual:       f.Redirect == "manual",
	}
	r.do(r.sched.Submit(sim.TaskID(id), api, r.cfg.Timeout(api, tv, terr == nil)))
}

var bodyKinds = map[sim.BodyEncoding]int{sim.BodyRaw: jsbridge.BodyRaw, sim.BodyJSON: jsbridge.BodyJSON, sim.BodyForm: jsbridge.BodyForm}

// dataKinds are the sim classes of the glue's data classes (RequestFields.DataKind).
var dataKinds = [...]sim.DataKind{jsbridge.DataNone: sim.DataNone, jsbridge.DataString: sim.DataString,
	jsbridge.DataBytes: sim.DataArrayBuffer, jsbridge.DataObject: sim.DataObject, jsbridge.DataOther: sim.DataOther}

// headers reads the header option into flattened name/value pairs (spec §4.3).
func (r *Runtime) headers(o js.Value, typ string) (pairs []string, ct string, hasCT bool, err error) {
	if reason, ok := sim.ParamHeader.Check(typ); !ok {
		return nil, "", false, reason
	}
	if typ != "Object" {
		return nil, "", false, nil // left out
	}
	flat, err := r.g.HeaderList(o)
	if err != nil {
		return nil, "", false, sim.ParamError("header", "Object with String-convertible values", typ)
	}
	in := make([]sim.Header, 0, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		in = append(in, sim.Header{Name: flat[i], Value: flat[i+1]})
	}
	out, ct, hasCT, err := sim.PlanHeaders(in)
	if err != nil {
		return nil, "", false, err
	}
	pairs = make([]string, 0, 2*len(out))
	for _, h := range out {
		pairs = append(pairs, h.Name, h.Value)
	}
	return pairs, ct, hasCT, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func asReason(err error) sim.Reason {
	if r, ok := err.(sim.Reason); ok {
		return r
	}
	return sim.Reason{Text: err.Error(), Errno: 1}
}
