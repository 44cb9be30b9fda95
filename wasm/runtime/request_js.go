//go:build js && wasm

package runtime

import (
	"syscall/js"

	"wxsim/jsbridge"
	"wxsim/sim"
)

// request handles wx.request(options) for task id (spec §4).
func (r *Runtime) request(id int, o js.Value) {
	const api = sim.APIRequest
	fail := func(reason sim.Reason) { r.fail(id, sim.Fail{API: api, Reason: reason}) }

	urlV := jsbridge.Get(o, "url")
	if urlV.Type() != js.TypeString {
		fail(sim.ParamError("url", "String", jsbridge.TypeName(urlV)))
		return
	}
	url := urlV.String()
	method, err := r.method(jsbridge.Get(o, "method"))
	if err != nil {
		fail(asReason(err))
		return
	}
	if err := r.checkURL(api, url); err != nil {
		fail(asReason(err))
		return
	}
	headers, ct, hasCT, err := r.headers(jsbridge.Get(o, "header"))
	if err != nil {
		fail(asReason(err))
		return
	}
	data := jsbridge.Get(o, "data")
	kind := sim.DataKind(r.g.DataKind(data))
	enc, err := sim.PlanBody(method, kind, ct)
	if err != nil {
		if kind == sim.DataOther {
			err = sim.ParamError("data", "String/Object/ArrayBuffer", jsbridge.TypeName(data))
		}
		fail(asReason(err))
		return
	}
	switch enc {
	case sim.QueryAppendRaw:
		url = sim.AppendQuery(url, data.String())
	case sim.QueryAppendForm:
		qs, err := r.g.Form(data)
		if err != nil {
			fail(sim.DataError(err.Error()))
			return
		}
		url = sim.AppendQuery(url, qs)
	case sim.BodyRaw, sim.BodyJSON, sim.BodyForm:
		if err := r.g.SetBody(id, bodyKinds[enc], data); err != nil {
			fail(sim.DataError(err.Error()))
			return
		}
	}
	if sim.NeedDefaultContentType(hasCT, false, enc) {
		headers = append(headers, "content-type", sim.DefaultContentType)
	}
	tv, isNum := jsbridge.Number(jsbridge.Get(o, "timeout"))
	q := &request{
		url: url, method: method, headers: headers,
		responseType: optString(o, "responseType", "text"),
		dataType:     optString(o, "dataType", "json"),
		manual:       optString(o, "redirect", "follow") == "manual",
	}
	q.chunked, _ = jsbridge.Bool(jsbridge.Get(o, "enableChunked"))
	r.reqs[id] = q
	r.do(r.sched.Submit(sim.TaskID(id), api, r.cfg.Timeout(api, tv, isNum)))
}

var bodyKinds = map[sim.BodyEncoding]int{sim.BodyRaw: jsbridge.BodyRaw, sim.BodyJSON: jsbridge.BodyJSON, sim.BodyForm: jsbridge.BodyForm}

func (r *Runtime) method(v js.Value) (string, error) {
	if v.Type() == js.TypeUndefined {
		return "GET", nil
	}
	if v.Type() != js.TypeString {
		return "", sim.ParamError("method", "String", jsbridge.TypeName(v))
	}
	return sim.NormalizeMethod(v.String(), true)
}

// headers reads the header option into flattened name/value pairs (spec §4.3).
func (r *Runtime) headers(v js.Value) (pairs []string, ct string, hasCT bool, err error) {
	switch v.Type() {
	case js.TypeUndefined, js.TypeNull:
		return nil, "", false, nil
	case js.TypeObject:
	default:
		return nil, "", false, sim.ParamError("header", "Object", jsbridge.TypeName(v))
	}
	flat, err := r.g.HeaderList(v)
	if err != nil {
		return nil, "", false, sim.ParamError("header", "Object with String-convertible values", jsbridge.TypeName(v))
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

func optString(o js.Value, name, def string) string {
	if s := jsbridge.String(jsbridge.Get(o, name)); s != "" {
		return s
	}
	return def
}

func asReason(err error) sim.Reason {
	if r, ok := err.(sim.Reason); ok {
		return r
	}
	return sim.Reason{Text: err.Error(), Errno: 1}
}
