package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// spec §4.4 / §10: which encoding for which method, data kind and content-type.
func TestPlanBodyGolden(t *testing.T) {
	cases := []struct {
		method string
		kind   DataKind
		ct     string
		want   BodyEncoding
		err    error
	}{
		{"GET", DataObject, "", QueryAppendForm, nil},  // §10 GET {a:'x y'} → ?a=x%20y
		{"HEAD", DataObject, "", QueryAppendForm, nil}, // §4.4 (and HEAD)
		{"GET", DataString, "", QueryAppendRaw, nil},   // §4.4 string appended as is
		{"GET", DataNone, "", BodyNone, nil},
		{"GET", DataArrayBuffer, "", BodyNone, ErrBodyOnGET},
		{"POST", DataObject, "", BodyJSON, nil}, // §10 POST object default header
		{"POST", DataObject, "application/json; charset=utf-8", BodyJSON, nil},
		{"POST", DataObject, "application/x-www-form-urlencoded", BodyForm, nil}, // §10 form header
		{"PUT", DataObject, "Application/X-WWW-Form-Urlencoded;charset=UTF-8", BodyForm, nil},
		{"DELETE", DataObject, "text/plain", BodyJSON, nil},
		{"POST", DataString, "application/x-www-form-urlencoded", BodyRaw, nil},
		{"POST", DataArrayBuffer, "", BodyRaw, nil},
		{"OPTIONS", DataNone, "", BodyNone, nil},
		{"POST", DataOther, "", BodyNone, ParamError("data", "String/Object/ArrayBuffer", "Other")},
	}
	for _, c := range cases {
		got, err := PlanBody(c.method, c.kind, c.ct)
		assert.Equal(t, c.want, got, "%s %v %q", c.method, c.kind, c.ct)
		assert.Equal(t, c.err, err, "%s %v %q", c.method, c.kind, c.ct)
	}
}

func TestAppendQuery(t *testing.T) {
	cases := [][3]string{
		{"https://a.example/p", "a=1", "https://a.example/p?a=1"},
		{"https://a.example/p?z=1", "a=1", "https://a.example/p?z=1&a=1"},
		{"https://a.example/p?", "a=1", "https://a.example/p?a=1"},
		{"https://a.example/p?z=1&", "a=1", "https://a.example/p?z=1&a=1"},
		{"https://a.example/p#f", "a=1", "https://a.example/p?a=1#f"},
		{"https://a.example/p?z#f?x", "a=1", "https://a.example/p?z&a=1#f?x"},
		{"https://a.example/p", "", "https://a.example/p"},
	}
	for _, c := range cases {
		assert.Equal(t, c[2], AppendQuery(c[0], c[1]))
	}
}

// spec §4.3: Referer removed, content-type found case-insensitively, bad input refused.
func TestPlanHeaders(t *testing.T) {
	out, ct, has, err := PlanHeaders([]Header{{"Referer", "x"}, {"X-A", "1"}, {"Content-TYPE", "text/plain"}, {"REFERER", "y"}})
	assert.NoError(t, err)
	assert.Equal(t, []Header{{"X-A", "1"}, {"Content-TYPE", "text/plain"}}, out)
	assert.Equal(t, "text/plain", ct)
	assert.True(t, has)

	_, _, has, _ = PlanHeaders(nil)
	assert.False(t, has)
	for _, bad := range []Header{{"X A", "1"}, {"", "1"}, {"X:A", "1"}, {"X-A", "a\r\nb"}, {"X-A", "a\x00"}, {"é", "1"}} {
		_, _, _, err := PlanHeaders([]Header{bad})
		assert.Error(t, err, "%q", bad)
	}
	big := strings.Repeat("x", MaxHeaderBytes)
	_, _, _, err = PlanHeaders([]Header{{"X-Big", big[:MaxHeaderBytes-9]}}) // 5+len+4 = limit exactly
	assert.NoError(t, err, "at the cap")
	_, _, _, err = PlanHeaders([]Header{{"X-Big", big[:MaxHeaderBytes-8]}})
	assert.Equal(t, ErrHeaderTooLarge, err, "one byte over the cap")
}

// spec §4.3 decision: default content-type only with a body on the direct transport.
func TestDefaultContentType(t *testing.T) {
	assert.False(t, NeedDefaultContentType(false, false, QueryAppendForm))
	assert.False(t, NeedDefaultContentType(false, false, BodyNone))
	assert.True(t, NeedDefaultContentType(false, false, BodyJSON))
	assert.True(t, NeedDefaultContentType(false, true, BodyNone))
	assert.False(t, NeedDefaultContentType(true, true, BodyJSON))
}

// spec §4.2.
func TestNormalizeMethod(t *testing.T) {
	for _, m := range Methods {
		got, err := NormalizeMethod(m, false)
		assert.NoError(t, err)
		assert.Equal(t, m, got)
	}
	got, err := NormalizeMethod("post", true)
	assert.Equal(t, "POST", got)
	assert.NoError(t, err)
	got, _ = NormalizeMethod("", true)
	assert.Equal(t, "GET", got)
	_, err = NormalizeMethod("PATCH", true)
	assert.Equal(t, ErrInvalidMethod, err)
	_, err = NormalizeMethod("TRACE", true)
	assert.Equal(t, ErrMethodBrowser, err)
	_, err = NormalizeMethod("connect", true)
	assert.Equal(t, ErrMethodBrowser, err)
}

// spec §4.5 / §10 decoding decisions.
func TestPlanDecodeGolden(t *testing.T) {
	cases := []struct {
		rt, dt, ct string
		want       DecodePlan
	}{
		{"text", "json", "application/json", DecodePlan{Charset: "utf-8", ParseJSON: true}},
		{"text", "json", "text/plain", DecodePlan{Charset: "utf-8", ParseJSON: true}}, // content-type does not matter
		{"text", "text", "", DecodePlan{Charset: "utf-8"}},
		{"text", "other", "", DecodePlan{Charset: "utf-8"}},
		{"text", "text", "text/plain; charset=gbk", DecodePlan{Charset: "gbk"}},
		{"text", "text", "text/plain;Charset=\"GB18030\"", DecodePlan{Charset: "gb18030"}},
		{"text", "text", "text/plain; charset=x-mystery", DecodePlan{Charset: "x-mystery"}}, // JS falls back to utf-8
		{"arraybuffer", "json", "application/json; charset=gbk", DecodePlan{Raw: true}},
		// ASCII case only (found by FuzzPlanDecode): a Kelvin sign is not a K
		{"text", "text", "text/plain; CHARSET=\u212AOI8-R", DecodePlan{Charset: "\u212Aoi8-r"}},
		{"text", "text", ";ChArset=\x80", DecodePlan{Charset: "\x80"}},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, PlanDecode(c.rt, c.dt, c.ct), "%+v", c)
	}
	assert.Equal(t, "", Charset("text/plain; format=flowed"))
	assert.Equal(t, "utf-8", Charset("text/plain; format=flowed; charset= UTF-8 "))
}

// spec §1.1, §1.4, §1.5 message forms.
func TestErrMsg(t *testing.T) {
	assert.Equal(t, "request:fail timeout", Fail{APIRequest, ErrTimeout}.ErrMsg())
	assert.Equal(t, "uploadFile:fail", Fail{APIUploadFile, Reason{}}.ErrMsg())
	assert.Equal(t, "request:ok", OK(APIRequest))
	assert.Equal(t, "request:fail parameter error: parameter.url should be String instead of Undefined;",
		Fail{APIRequest, ParamError("url", "String", "Undefined")}.ErrMsg())
	assert.Equal(t, "sendSocketMessage:fail parameter error: parameter.data cannot be read (Error: x);",
		Fail{APISendSocketMessage, ParamUnreadable("data", "Error: x")}.ErrMsg())
	f := Fail{APIRequest, ErrDomain}
	_, ok := f.Errno(Version{2, 23, 9})
	assert.False(t, ok)
	n, ok := f.Errno(Version{2, 24, 0})
	assert.True(t, ok)
	assert.Equal(t, 600002, n)
	assert.Equal(t, Reason{"network error: Failed to fetch", 600001}, TransportError("TypeError", "Failed to fetch"))
	assert.Equal(t, 600001, TransportError("OpaqueRedirect", "").Errno)
	assert.Equal(t, "network error: AbortError: x", TransportError("AbortError", "x").Text)
}

func TestParseVersion(t *testing.T) {
	for s, want := range map[string]Version{"2.24.0": {2, 24, 0}, "3": {3, 0, 0}, "1.7": {1, 7, 0}} {
		v, ok := ParseVersion(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, v)
	}
	for _, s := range []string{"", "a", "1..2", "1.2.3.4", "1.2.", "-1", "99999999"} {
		_, ok := ParseVersion(s)
		assert.False(t, ok, s)
	}
	assert.True(t, Version{1, 6, 9}.Less(Version{1, 7, 0}))
	assert.False(t, Version{2, 10, 2}.Less(Version{2, 10, 2}))
}
