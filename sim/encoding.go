package sim

import "strings"

// DataKind is the JS type class of request `data` (spec §4.1).
type DataKind int

const (
	DataNone        DataKind = iota // undefined or null: no data
	DataString                      // string
	DataArrayBuffer                 // ArrayBuffer or a typed-array/DataView view
	DataObject                      // any other object (plain object, array)
	DataOther                       // number, boolean, function, symbol, bigint: refused
)

// BodyEncoding is how the transport turns `data` into the request (spec §4.4). The JS side
// carries it out with JavaScript's own JSON.stringify / encodeURIComponent.
type BodyEncoding int

const (
	BodyNone        BodyEncoding = iota // nothing sent
	QueryAppendRaw                      // GET/HEAD string data appended to the query as is
	QueryAppendForm                     // GET/HEAD object data → k=v&… appended to the query
	BodyRaw                             // string (UTF-8) or ArrayBuffer bytes as the body
	BodyForm                            // object → k=v&… as the body (x-www-form-urlencoded)
	BodyJSON                            // object → JSON.stringify(data) as the body
)

// Methods accepted by wx.request (spec §4.2).
var Methods = []string{"OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT"}

// browserForbiddenMethods cannot be sent by fetch/XHR (spec §4.2).
var browserForbiddenMethods = []string{"TRACE", "CONNECT"}

// NormalizeMethod upper-cases method and checks it (spec §4.2, wxsim decision: any case).
// An empty method means GET. direct reports the browser transport, which cannot send
// TRACE or CONNECT.
func NormalizeMethod(method string, direct bool) (string, error) {
	if method == "" {
		return "GET", nil
	}
	m := strings.ToUpper(method)
	if !contains(Methods, m) {
		return "", ErrInvalidMethod
	}
	if direct && contains(browserForbiddenMethods, m) {
		return "", ErrMethodBrowser
	}
	return m, nil
}

// ErrBodyOnGET: the browser transport cannot send a body with GET/HEAD.
var ErrBodyOnGET = Reason{"an ArrayBuffer body cannot be sent with GET or HEAD by the browser transport", 1}

// PlanBody decides the encoding of `data` for method and the request's content-type
// (spec §4.4, §10).
func PlanBody(method string, kind DataKind, contentType string) (BodyEncoding, error) {
	get := method == "GET" || method == "HEAD"
	switch kind {
	case DataNone:
		return BodyNone, nil
	case DataOther:
		return BodyNone, ParamError("data", "String/Object/ArrayBuffer", "Other")
	case DataString:
		if get {
			return QueryAppendRaw, nil
		}
		return BodyRaw, nil
	case DataArrayBuffer:
		if get {
			return BodyNone, ErrBodyOnGET
		}
		return BodyRaw, nil
	}
	if get {
		return QueryAppendForm, nil
	}
	if strings.Contains(strings.ToLower(contentType), "application/x-www-form-urlencoded") {
		return BodyForm, nil
	}
	return BodyJSON, nil
}

// HasBody reports whether the encoding sends a request body.
func (e BodyEncoding) HasBody() bool { return e == BodyRaw || e == BodyForm || e == BodyJSON }

// AppendQuery appends query string q to rawURL before any fragment, with '?' or '&' as
// needed (spec §4.4). An empty q leaves the URL unchanged.
func AppendQuery(rawURL, q string) string {
	if q == "" {
		return rawURL
	}
	base, frag := rawURL, ""
	if i := strings.IndexByte(rawURL, '#'); i >= 0 {
		base, frag = rawURL[:i], rawURL[i:]
	}
	switch {
	case !strings.Contains(base, "?"):
		base += "?"
	case !strings.HasSuffix(base, "?") && !strings.HasSuffix(base, "&"):
		base += "&"
	}
	return base + q + frag
}

// DefaultContentType is sent when the user sets none (spec §4.3).
const DefaultContentType = "application/json"

// NeedDefaultContentType reports whether to add DefaultContentType: always through the
// relay (as WeChat does), and through the direct transport only when a body is sent
// (spec §4.3 wxsim decision: a content-type on a GET costs a CORS preflight).
func NeedDefaultContentType(userSet, relay bool, enc BodyEncoding) bool {
	return !userSet && (relay || enc.HasBody())
}

// MaxHeaderBytes caps the request header block (names + values) that wxsim sends.
// WeChat documents no cap; servers commonly refuse beyond 8–64 KiB, and a page cannot
// tell the difference from a network error, so wxsim fails clearly instead.
const MaxHeaderBytes = 64 << 10

// ErrHeaderTooLarge is the failure for a header block over MaxHeaderBytes.
var ErrHeaderTooLarge = Reason{"header too large: request headers exceed 65536 bytes", 1}

// Header is one request header as the user gave it (value already String()-converted).
type Header struct{ Name, Value string }

// PlanHeaders applies spec §4.3 to the user's headers: drops Referer (any case), refuses
// names that are not HTTP tokens and values with CR, LF or NUL, caps the size, and reports
// whether a content-type was set and its value.
func PlanHeaders(in []Header) (out []Header, contentType string, hasCT bool, err error) {
	size := 0
	out = in[:0:0]
	for _, h := range in {
		if !isToken(h.Name) {
			return nil, "", false, Reason{"invalid header name " + quoteShort(h.Name), 1}
		}
		if strings.ContainsAny(h.Value, "\r\n\x00") {
			return nil, "", false, Reason{"invalid header value for " + h.Name + ": CR, LF and NUL are not allowed", 1}
		}
		size += len(h.Name) + len(h.Value) + 4
		if size > MaxHeaderBytes {
			return nil, "", false, ErrHeaderTooLarge
		}
		if strings.EqualFold(h.Name, "referer") {
			continue // spec §4.3: cannot be set; silently removed
		}
		if strings.EqualFold(h.Name, "content-type") {
			contentType, hasCT = h.Value, true
		}
		out = append(out, h)
	}
	return out, contentType, hasCT, nil
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return "\"" + s + "\""
}

// DecodePlan says how to turn a response body into `data` (spec §4.5).
type DecodePlan struct {
	Raw       bool   // responseType arraybuffer: the bytes as they are
	Charset   string // TextDecoder label; a label the browser does not know means UTF-8
	ParseJSON bool   // try JSON.parse, keep the string when it fails
}

// PlanDecode decides the decoding for responseType, dataType and the response's
// content-type. A declared charset other than UTF-8 is used (the JS side warns on the
// console that devices may not convert it, and falls back to UTF-8 for labels its
// TextDecoder does not know); BOM stripping is TextDecoder's default (one BOM).
func PlanDecode(responseType, dataType, contentType string) DecodePlan {
	if responseType == "arraybuffer" {
		return DecodePlan{Raw: true}
	}
	cs := Charset(contentType)
	if cs == "" {
		cs = "utf-8"
	}
	return DecodePlan{Charset: cs, ParseJSON: dataType == "json"}
}

// Charset returns the charset parameter of a content-type, ASCII-lower-cased, or "".
// Only ASCII letters are lower-cased, as labels are matched (WHATWG Encoding): Unicode
// lower-casing would turn a label no browser knows ("\u212Aoi8-r", with a Kelvin sign)
// into one it does ("koi8-r"), and rewrite bytes that are not UTF-8.
func Charset(contentType string) string {
	for _, p := range strings.Split(contentType, ";")[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "charset") {
			continue
		}
		v = strings.TrimSpace(v)
		v = strings.Trim(v, "\"'")
		return asciiLower(strings.TrimSpace(v))
	}
	return ""
}

// asciiLower lower-cases the ASCII letters of s and leaves every other byte alone.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}
