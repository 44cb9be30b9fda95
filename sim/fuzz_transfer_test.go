package sim_test

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/http/httpguts"

	"github.com/wxsim/wxsim/sim"
)

// Fuzz targets for request planning (headers, method, body, query, response decoding),
// uploadFile's headers and socket close arguments.

// validName is an HTTP token (RFC 9110 §5.6.2), what fetch and the relay accept.
func validName(s string) bool { return httpguts.ValidHeaderFieldName(s) }

// FuzzPlanHeaders: PlanHeaders fails exactly when a name is not an HTTP token, a value
// holds CR, LF or NUL, or the block exceeds MaxHeaderBytes; otherwise it returns the
// input in order minus every Referer (any case), never a CR/LF/NUL, and reports the last
// content-type (any case). It does not touch its input. UploadHeaders never passes a
// content-type on.
func FuzzPlanHeaders(f *testing.F) {
	f.Add("Referer", "x", "X-A", "1", "Content-TYPE", "text/plain", uint16(0))
	f.Add("REFERER", "y", "content-type", "a", "Content-Type", "b", uint16(0))
	f.Add("X A", "1", "", "1", "X:A", "1", uint16(0))
	f.Add("X-A", "a\r\nb", "X-B", "a\x00", "é", "1", uint16(0))
	f.Add("X-Big", "", "X-A", "1", "X-B", "2", uint16(sim.MaxHeaderBytes-9-16))
	f.Add("X-Big", "", "X-A", "1", "X-B", "2", uint16(sim.MaxHeaderBytes-8-16))
	f.Add("Accept", "*/*", "X-Tab", "a\tb", "X-Ctl", "\x01\x7f", uint16(100))
	f.Fuzz(func(t *testing.T, n1, v1, n2, v2, n3, v3 string, pad uint16) {
		in := []sim.Header{{n1, v1 + strings.Repeat("v", int(pad))}, {n2, v2}, {n3, v3}}
		orig := slices.Clone(in)
		out, ct, hasCT, err := sim.PlanHeaders(in)
		if !slices.Equal(in, orig) {
			t.Fatalf("PlanHeaders changed its input: %q → %q", orig, in)
		}
		out2, ct2, hasCT2, err2 := sim.PlanHeaders(in)
		if !reflect.DeepEqual(out, out2) || ct != ct2 || hasCT != hasCT2 || err != err2 {
			t.Fatal("PlanHeaders is not deterministic")
		}
		size, bad := 0, false
		for _, h := range in {
			size += len(h.Name) + len(h.Value) + 4
			bad = bad || !validName(h.Name) || strings.ContainsAny(h.Value, "\r\n\x00")
		}
		if (err != nil) != (bad || size > sim.MaxHeaderBytes) {
			t.Fatalf("PlanHeaders(%q) err %v; bad %v, size %d", in, err, bad, size)
		}
		if err != nil {
			if r, ok := err.(sim.Reason); !ok || r.Errno != 1 || out != nil {
				t.Fatalf("PlanHeaders(%q) = %q, %#v", in, out, err)
			}
			return
		}
		var want []sim.Header
		wantCT, wantHas := "", false
		for _, h := range in {
			if !strings.EqualFold(h.Name, "referer") {
				want = append(want, h)
			}
			if strings.EqualFold(h.Name, "content-type") {
				wantCT, wantHas = h.Value, true
			}
		}
		if !slices.Equal(out, want) || ct != wantCT || hasCT != wantHas {
			t.Fatalf("PlanHeaders(%q) = %q, %q, %v; want %q, %q, %v", in, out, ct, hasCT, want, wantCT, wantHas)
		}
		for _, h := range out {
			if strings.EqualFold(h.Name, "referer") || !validName(h.Name) || strings.ContainsAny(h.Name+h.Value, "\r\n\x00") {
				t.Fatalf("PlanHeaders(%q) emits %q", in, h)
			}
		}
		var pairs []string
		for _, h := range in {
			pairs = append(pairs, h.Name, h.Value)
		}
		up := sim.UploadHeaders(pairs)
		if len(up)%2 != 0 {
			t.Fatalf("UploadHeaders(%q) = %q: odd", pairs, up)
		}
		for i := 0; i < len(up); i += 2 {
			if strings.EqualFold(up[i], "content-type") {
				t.Fatalf("UploadHeaders(%q) passes %q on", pairs, up[i])
			}
		}
	})
}

// FuzzPlanBody: NormalizeMethod accepts exactly the §4.2 methods in any ASCII case (and
// "" as GET), returns one of them, is idempotent, and the browser transport never gets
// TRACE or CONNECT. PlanBody never gives GET/HEAD a body, fails only for unsupported data
// or an ArrayBuffer on GET/HEAD, and uses a form body only for an object with a
// form content-type.
func FuzzPlanBody(f *testing.F) {
	for _, m := range append(slices.Clone(sim.Methods), "", "get", "Post", "patch", "trace", "connect", "GET ", "ΓET") {
		for kind := range uint8(5) {
			f.Add(m, kind, "", true)
		}
	}
	f.Add("POST", uint8(sim.DataObject), "Application/X-WWW-Form-Urlencoded;charset=UTF-8", false)
	f.Add("PUT", uint8(sim.DataObject), "application/json; charset=utf-8", false)
	f.Add("DELETE", uint8(sim.DataString), "application/x-www-form-urlencoded", true)
	f.Fuzz(func(t *testing.T, method string, kindByte uint8, ct string, direct bool) {
		m, err := sim.NormalizeMethod(method, direct)
		asciiListed := false
		for _, x := range sim.Methods {
			asciiListed = asciiListed || isASCII(method) && strings.EqualFold(method, x)
		}
		forbidden := strings.EqualFold(method, "TRACE") || strings.EqualFold(method, "CONNECT")
		switch {
		case method == "":
			if m != "GET" || err != nil {
				t.Fatalf("NormalizeMethod(\"\") = %q, %v", m, err)
			}
		case asciiListed && !(direct && forbidden):
			if err != nil || !strings.EqualFold(m, method) {
				t.Fatalf("NormalizeMethod(%q, %v) = %q, %v", method, direct, m, err)
			}
		case err == nil && !slices.Contains(sim.Methods, m):
			t.Fatalf("NormalizeMethod(%q, %v) = %q, not a §4.2 method", method, direct, m)
		}
		if err != nil && err != sim.ErrInvalidMethod && err != sim.ErrMethodBrowser {
			t.Fatalf("NormalizeMethod(%q) fails with %v", method, err)
		}
		if err != nil {
			return
		}
		if again, err := sim.NormalizeMethod(m, direct); again != m || err != nil {
			t.Fatalf("NormalizeMethod(%q) = %q, then %q, %v", method, m, again, err)
		}
		if direct && (m == "TRACE" || m == "CONNECT") {
			t.Fatalf("NormalizeMethod(%q, direct) = %q", method, m)
		}
		kind := sim.DataKind(kindByte % 5)
		enc, err := sim.PlanBody(m, kind, ct)
		get := m == "GET" || m == "HEAD"
		wantErr := kind == sim.DataOther || kind == sim.DataArrayBuffer && get
		if (err != nil) != wantErr || err != nil && enc != sim.BodyNone {
			t.Fatalf("PlanBody(%s, %v, %q) = %v, %v", m, kind, ct, enc, err)
		}
		form := strings.Contains(strings.ToLower(ct), "application/x-www-form-urlencoded")
		switch {
		case get && enc.HasBody():
			t.Fatalf("PlanBody(%s, %v) = %v: a body on %s", m, kind, enc, m)
		case kind == sim.DataNone && enc != sim.BodyNone:
			t.Fatalf("PlanBody(%s, none) = %v", m, enc)
		case enc == sim.BodyForm && !(kind == sim.DataObject && form):
			t.Fatalf("PlanBody(%s, %v, %q) = form", m, kind, ct)
		case kind == sim.DataObject && !get && form && enc != sim.BodyForm:
			t.Fatalf("PlanBody(%s, object, %q) = %v, want form", m, ct, enc)
		case (enc == sim.QueryAppendForm || enc == sim.QueryAppendRaw) && !get:
			t.Fatalf("PlanBody(%s, %v) = %v: a query on %s", m, kind, enc, m)
		}
		if sim.NeedDefaultContentType(true, !direct, enc) {
			t.Fatal("a default content-type over the user's own")
		}
	})
}

// FuzzAppendQuery: the result is rawURL before its fragment, then "", "?" or "&" so that
// a '?' precedes the appended query, then q, then rawURL's fragment; an empty q changes
// nothing.
func FuzzAppendQuery(f *testing.F) {
	for _, s := range [][2]string{{"https://a.example/p", "a=1"}, {"https://a.example/p?z=1", "a=1"},
		{"https://a.example/p?", "a=1"}, {"https://a.example/p?z=1&", "a=1"}, {"https://a.example/p#f", "a=1"},
		{"https://a.example/p?z#f?x", "a=1"}, {"https://a.example/p", ""}, {"#", "#"}, {"?&#?", "a#b"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, raw, q string) {
		got := sim.AppendQuery(raw, q)
		if q == "" {
			if got != raw {
				t.Fatalf("AppendQuery(%q, \"\") = %q", raw, got)
			}
			return
		}
		base, frag := raw, ""
		if i := strings.IndexByte(raw, '#'); i >= 0 {
			base, frag = raw[:i], raw[i:]
		}
		mid, ok := strings.CutPrefix(got, base)
		if ok {
			mid, ok = strings.CutSuffix(mid, q+frag)
		}
		if !ok || mid != "" && mid != "?" && mid != "&" || !strings.Contains(base+mid, "?") ||
			!strings.HasSuffix(base+mid, "?") && !strings.HasSuffix(base+mid, "&") {
			t.Fatalf("AppendQuery(%q, %q) = %q", raw, q, got)
		}
	})
}

// asciiLower lower-cases ASCII letters only, as HTTP, MIME and encoding labels are
// compared (WHATWG Encoding "ASCII lowercase").
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// FuzzPlanDecode: arraybuffer is raw bytes whatever the content-type; otherwise the
// charset is Charset's (or utf-8) and JSON is parsed for dataType json only. Charset is
// the ASCII-lower-cased, trimmed value of a charset parameter (no ';'), "" without one.
func FuzzPlanDecode(f *testing.F) {
	for _, ct := range []string{"application/json", "text/plain; charset=gbk", "text/plain;Charset=\"GB18030\"",
		"text/plain; charset=x-mystery", "text/plain; format=flowed", "text/plain; format=flowed; charset= UTF-8 ",
		"", ";", "charset=utf-8", "a;charset", "a; charset='x'; charset=y"} {
		f.Add("text", "json", ct)
		f.Add("arraybuffer", "text", ct)
	}
	f.Fuzz(func(t *testing.T, rt, dt, ct string) {
		p := sim.PlanDecode(rt, dt, ct)
		cs := sim.Charset(ct)
		if rt == "arraybuffer" {
			if p != (sim.DecodePlan{Raw: true}) {
				t.Fatalf("PlanDecode(arraybuffer, %q, %q) = %+v", dt, ct, p)
			}
		} else if want := (sim.DecodePlan{Charset: cmp(cs, "utf-8"), ParseJSON: dt == "json"}); p != want {
			t.Fatalf("PlanDecode(%q, %q, %q) = %+v, want %+v", rt, dt, ct, p, want)
		}
		if strings.ContainsRune(cs, ';') || cs != strings.TrimSpace(cs) {
			t.Fatalf("Charset(%q) = %q", ct, cs)
		}
		if !strings.Contains(asciiLower(ct), "charset") && cs != "" {
			t.Fatalf("Charset(%q) = %q without a charset parameter", ct, cs)
		}
		if cs != "" && !strings.Contains(asciiLower(ct), cs) {
			t.Fatalf("Charset(%q) = %q, not the ASCII-lower-cased parameter", ct, cs)
		}
	})
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// FuzzCloseArgs: close succeeds exactly when code is absent or a whole number that is
// 1000 or in 3000–4999, and the reason is valid UTF-8 of at most 123 bytes (§6.4); the
// code returned is the one given (1000 when absent); a code that is not a Number is a
// §1.5 parameter error.
func FuzzCloseArgs(f *testing.F) {
	for _, c := range []float64{0, 1000, 3000, 4999, 1001, 1006, 2999, 5000, -1, 3000.5, math.NaN(), math.Inf(1), 1e300, -0.0} {
		f.Add("Number", c, "")
	}
	f.Add("Undefined", 0.0, strings.Repeat("a", 123))
	f.Add("Undefined", 0.0, strings.Repeat("a", 124))
	f.Add("Undefined", 0.0, strings.Repeat("中", 41))
	f.Add("Number", 1000.0, strings.Repeat("中", 41)+"a")
	f.Add("Number", 3000.0, "\xff")
	f.Add("String", 1000.0, "")
	f.Add("Null", 1000.0, "bye")
	f.Fuzz(func(t *testing.T, typ string, code float64, reason string) {
		got, err := sim.CloseArgs(typ, code, reason)
		validCode := typ == "Undefined" ||
			typ == "Number" && code == math.Trunc(code) && (code == 1000 || code >= 3000 && code <= 4999)
		validReason := len(reason) <= sim.MaxCloseReasonBytes && utf8.ValidString(reason)
		if (err == nil) != (validCode && validReason) {
			t.Fatalf("CloseArgs(%q, %v, %q) = %d, %v", typ, code, reason, got, err)
		}
		if err != nil {
			r, ok := err.(sim.Reason)
			if !ok || r.Errno != 1 || got != 0 {
				t.Fatalf("CloseArgs(%q, %v, %q) = %d, %#v", typ, code, reason, got, err)
			}
			if typ != "Undefined" && typ != "Number" && r != sim.ParamError("code", "Number", typ) {
				t.Fatalf("CloseArgs(%q) = %v, want the §1.5 parameter error", typ, r)
			}
			return
		}
		if want := 1000; typ == "Number" && got != int(code) || typ == "Undefined" && got != want {
			t.Fatalf("CloseArgs(%q, %v) = %d", typ, code, got)
		}
		if got != 1000 && (got < 3000 || got > 4999) {
			t.Fatalf("CloseArgs(%q, %v) = %d: not a code a page may send", typ, code, got)
		}
	})
}

// FuzzParamCheck: an option's type is accepted exactly when it is in the rule's list,
// and the refusal is the §1.5 parameter error naming the option, the wanted and the
// given type (an empty tag reads as Undefined); CheckArgs fails on the first refused
// option.
func FuzzParamCheck(f *testing.F) {
	params := []sim.Param{sim.ParamURL, sim.ParamMethod, sim.ParamHeader, sim.ParamProtocols, sim.ParamUploadPath,
		sim.ParamName, sim.ParamFormData, sim.ParamSavePath, sim.ParamSocketData, sim.ParamCloseReason}
	for _, typ := range []string{"Undefined", "Null", "String", "Number", "Object", "Array", "ArrayBuffer", "Uint8Array", "Function", ""} {
		f.Add(typ, "String", uint8(0))
	}
	f.Fuzz(func(t *testing.T, typ, typ2 string, i uint8) {
		p, q := params[int(i)%len(params)], params[int(i/16)%len(params)]
		r, ok := p.Check(typ)
		seen := typ
		if seen == "" {
			seen = "Undefined" // an empty tag is an option left out
		}
		if ok != slices.Contains(p.Accept, seen) || ok && r != (sim.Reason{}) || !ok && r != sim.ParamError(p.Name, p.Want, seen) {
			t.Fatalf("%s.Check(%q) = %v, %v", p.Name, typ, r, ok)
		}
		r2, ok2 := q.Check(typ2)
		got, gotOK := sim.CheckArgs(p.Of(typ), q.Of(typ2))
		switch {
		case !ok && (gotOK || got != r), ok && (gotOK != ok2 || got != r2):
			t.Fatalf("CheckArgs(%s %q, %s %q) = %v, %v", p.Name, typ, q.Name, typ2, got, gotOK)
		}
	})
}

// FuzzTransportError: a transport failure has errno 600001 (network), 600002 (policy)
// or 1 (size, header), relay kinds map as RelayError says, and the reason text is never
// empty, except that the relay's refused/session/token messages pass through verbatim
// (the relay never sends an empty one).
func FuzzTransportError(f *testing.F) {
	for _, n := range []string{"ExceedSize", "relay-policy", "relay-ssl", "relay-size", "relay-header", "relay-refused",
		"relay-session", "relay-token", "relay-network", "relay-", "OpaqueRedirect", "TypeError", "AbortError", ""} {
		f.Add(n, "Failed to fetch")
		f.Add(n, "")
	}
	f.Fuzz(func(t *testing.T, name, msg string) {
		r := sim.TransportError(name, msg)
		verbatim := msg == "" && (name == "relay-refused" || name == "relay-session" || name == "relay-token")
		if r.Text == "" && !verbatim || r.Errno != 600001 && r.Errno != 600002 && r.Errno != 1 {
			t.Fatalf("TransportError(%q, %q) = %#v", name, msg, r)
		}
		if kind, ok := strings.CutPrefix(name, "relay-"); ok && r != sim.RelayError(kind, msg) {
			t.Fatalf("TransportError(%q) = %v, RelayError %v", name, r, sim.RelayError(kind, msg))
		}
		if msg := (sim.Fail{API: sim.APIRequest, Reason: r}).ErrMsg(); msg != "request:fail "+r.Text && !(r.Text == "" && msg == "request:fail") {
			t.Fatalf("ErrMsg %q", msg)
		}
	})
}
