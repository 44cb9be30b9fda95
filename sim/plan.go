package sim

import (
	"strings"
)

// A plan is sim's answer to one API call: from the configuration and what one read of
// the call's options gave, the whole order of checks of that API (§1.5 argument types,
// method, domain policy, headers, body, content-type, time-out) runs here and yields
// either what the transport must do or the call's fail result. The wasm runtime reads,
// plans and carries out; it decides nothing itself. The relay re-checks a relayed call
// with the same steps (RelayedMethod, Policy.Check).

// Transport is how a planned task reaches the network, chosen by the plan and carried on
// the scheduler's Start effect.
type Transport int

const (
	TransportDirect Transport = iota + 1 // the browser's fetch, XMLHttpRequest, WebSocket
	TransportRelay                       // through the wxsim relay (§9)
	TransportMock                        // answered by a mock, no traffic (§C4)
)

var transportNames = [...]string{TransportDirect: "direct", TransportRelay: "relay", TransportMock: "mock"}

// String is the transport's name as events report it: "direct", "relay", "mock".
func (t Transport) String() string {
	if t > 0 && int(t) < len(transportNames) {
		return transportNames[t]
	}
	return "unknown"
}

// Transport is the transport of new tasks under c: the relay when one is configured.
func (c *Config) Transport() Transport {
	if c.Relay != "" {
		return TransportRelay
	}
	return TransportDirect
}

// Refusal is a call its plan refuses: the fail result, and the console warning that goes
// with a domain refusal (§3.7), "" for none.
type Refusal struct {
	Fail    Fail
	Warning string
}

func refuse(api string, err error) *Refusal {
	return &Refusal{Fail: Fail{API: api, Reason: AsReason(err)}}
}

// AsReason is err as a fail reason: itself when it is one, else its text with errno 1.
func AsReason(err error) Reason {
	if r, ok := err.(Reason); ok {
		return r
	}
	return Reason{Text: err.Error(), Errno: 1}
}

// URLRead is a url option as read: its JS type tag, its text, and what the browser's URL
// parser made of it (Parsed false: not an absolute URL).
type URLRead struct {
	Type, Raw             string
	Parsed                bool
	Scheme, Host          string
	Userinfo, PathOrQuery bool
}

// Parts is the URL as the domain policy sees it. The browser drops a default port
// (":443"), which §3.3 must see, so the written port comes from the raw text.
func (u URLRead) Parts() (URLParts, error) {
	if !u.Parsed {
		return URLParts{}, ErrInvalidURL
	}
	return URLParts{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Port: RawPort(u.Raw), Userinfo: u.Userinfo}, nil
}

// checkPolicy applies the domain policy of api (§3) to u, with DevTools' console warning
// when the URL parses but is refused (§3.7).
func (c *Config) checkPolicy(api string, u URLRead) *Refusal {
	parts, err := u.Parts()
	if err == nil {
		err = c.Policy.Check(api, parts)
	}
	if err == nil {
		return nil
	}
	r := refuse(api, err)
	if err != ErrInvalidURL {
		r.Warning = DomainWarning(api, u.Raw, c.Policy.Domains.List(api))
	}
	return r
}

// HeaderReader reads the header option's own enumerable keys with String(value). The
// plan calls it only when the header is an Object and every earlier check passed, so a
// call refused earlier never touches the header's values. ok false: a key or value could
// not be converted.
type HeaderReader func() (h []Header, ok bool)

// Headers is a HeaderReader of fixed headers (tests, the relay).
func Headers(h ...Header) HeaderReader { return func() ([]Header, bool) { return h, true } }

// planHeaders checks the header option (§1.5 type, §4.3 rules) and returns the headers to
// send as flattened name, value pairs, with the content-type the user set.
func planHeaders(typ string, read HeaderReader) (pairs []string, ct string, hasCT bool, err error) {
	if reason, ok := ParamHeader.Check(typ); !ok {
		return nil, "", false, reason
	}
	if typ != "Object" || read == nil {
		return nil, "", false, nil // left out
	}
	in, ok := read()
	if !ok {
		return nil, "", false, ParamError("header", "Object with String-convertible values", typ)
	}
	out, ct, hasCT, err := PlanHeaders(in)
	if err != nil {
		return nil, "", false, err
	}
	pairs = make([]string, 0, 2*len(out)+2)
	for _, h := range out {
		pairs = append(pairs, h.Name, h.Value)
	}
	return pairs, ct, hasCT, nil
}

// Timeout is a timeout option as read: its value when it is a number.
type Timeout struct {
	MS     float64
	Number bool
}

// RequestOptions is what one read of wx.request's options gives (§4.1).
type RequestOptions struct {
	URL        URLRead
	MethodType string // JS type tag of method
	Method     string
	HeaderType string
	Header     HeaderReader
	Data       DataKind
	DataTag    string // JS type tag of data, for the §1.5 message
	Timeout    Timeout
	// ResponseType, DataType and Redirect are the options' strings ("" when not strings).
	ResponseType, DataType, Redirect string
	Chunked                          bool // enableChunked
}

// RequestPlan is a request ready for the scheduler and its transport.
type RequestPlan struct {
	URL     string // as sent, before a QueryAppend body step adds the query
	Method  string
	Headers []string     // flattened name, value pairs as sent (the default content-type included)
	Body    BodyEncoding // the body step the glue carries out with data
	Timeout Duration
	// ResponseType and DataType steer the §4.5 decoding; defaults "text" and "json".
	ResponseType, DataType  string
	Chunked, ManualRedirect bool
	Transport               Transport
}

// PlanRequest runs the checks of wx.request (§4) in WeChat's order: url and method types
// (§1.5), the method (§4.2), the domain policy (§3), headers (§4.3), data and its
// encoding (§4.4), the default content-type, the time-out (§8.2), then the network
// (§C3: under type "none" the call fails "network unavailable"; the plan is whole).
func PlanRequest(c *Config, o RequestOptions) (RequestPlan, *Refusal) {
	const api = APIRequest
	p := RequestPlan{URL: o.URL.Raw, Method: "GET", Transport: c.Transport()}
	if reason, ok := CheckArgs(ParamURL.Of(o.URL.Type), ParamMethod.Of(o.MethodType)); !ok {
		return p, refuse(api, reason)
	}
	if o.MethodType == "String" {
		m, err := NormalizeMethod(o.Method, p.Transport == TransportDirect)
		if err != nil {
			return p, refuse(api, err)
		}
		p.Method = m
	}
	if r := c.checkPolicy(api, o.URL); r != nil {
		return p, r
	}
	headers, ct, hasCT, err := planHeaders(o.HeaderType, o.Header)
	if err != nil {
		return p, refuse(api, err)
	}
	p.Body, err = PlanBody(p.Method, o.Data, ct)
	if err != nil {
		if o.Data == DataOther {
			err = ParamError("data", "String/Object/ArrayBuffer", o.DataTag)
		}
		return p, refuse(api, err)
	}
	if NeedDefaultContentType(hasCT, p.Transport == TransportRelay, p.Body) {
		headers = append(headers, "content-type", DefaultContentType)
	}
	p.Headers = headers
	p.Timeout = c.Timeout(api, o.Timeout.MS, o.Timeout.Number)
	p.ResponseType = orDefault(o.ResponseType, "text")
	p.DataType = orDefault(o.DataType, "json")
	p.Chunked = o.Chunked
	p.ManualRedirect = o.Redirect == "manual"
	return p, c.checkNetwork(api)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TransferOptions is what one read of uploadFile's or downloadFile's options gives (§5).
type TransferOptions struct {
	URL        URLRead
	HeaderType string
	Header     HeaderReader
	Timeout    Timeout
	// FilePathType and FilePath: the file to send (uploadFile) or where to save
	// (downloadFile).
	FilePathType, FilePath string
	NameType, Name         string // uploadFile's name
	FormDataType           string // uploadFile's formData (its pairs stay in the glue)
}

// TransferPlan is an upload or download ready for the scheduler and its transport.
type TransferPlan struct {
	API       string
	URL       string
	Headers   []string // flattened name, value pairs as sent
	Timeout   Duration
	Transport Transport
	// uploadFile: the file to send (a canonical path whose bytes are in the glue) as
	// field Name, and its size.
	Name, Path string
	Size       int64
	// downloadFile: the destination under USER_DATA_PATH ("" for a temp file), and the
	// URL's path for the temp file's extension.
	SavePath, URLPath string
}

// planTransfer runs the checks uploadFile and downloadFile share, in order: url type,
// the api's own domain list (§3), headers (§4.3), the time-out (§8.2).
func (c *Config) planTransfer(api string, o TransferOptions) (TransferPlan, *Refusal) {
	p := TransferPlan{API: api, URL: o.URL.Raw, Transport: c.Transport()}
	if reason, ok := ParamURL.Check(o.URL.Type); !ok {
		return p, refuse(api, reason)
	}
	if r := c.checkPolicy(api, o.URL); r != nil {
		return p, r
	}
	headers, _, _, err := planHeaders(o.HeaderType, o.Header)
	if err != nil {
		return p, refuse(api, err)
	}
	p.Headers = headers
	p.Timeout = c.Timeout(api, o.Timeout.MS, o.Timeout.Number)
	return p, nil
}

// PlanUpload runs the checks of wx.uploadFile (§5.1): the shared ones, then filePath,
// name and formData types, then the file itself, which must exist in fs, then the
// network (§C3). A user content-type is dropped: the multipart boundary is the
// transport's.
func PlanUpload(c *Config, fs *FS, o TransferOptions) (TransferPlan, *Refusal) {
	const api = APIUploadFile
	p, r := c.planTransfer(api, o)
	if r != nil {
		return p, r
	}
	if reason, ok := CheckArgs(ParamUploadPath.Of(o.FilePathType), ParamName.Of(o.NameType), ParamFormData.Of(o.FormDataType)); !ok {
		return p, refuse(api, reason)
	}
	path, size, err := fs.Read(api, o.FilePath)
	if err != nil {
		return p, refuse(api, err)
	}
	p.Headers = UploadHeaders(p.Headers)
	p.Name, p.Path, p.Size = o.Name, path, size
	return p, c.checkNetwork(api)
}

// PlanDownload runs the checks of wx.downloadFile (§5.2): the shared ones, then the
// filePath type and place (under USER_DATA_PATH), then the network (§C3); writing the
// file is checked when the body is stored.
func PlanDownload(c *Config, o TransferOptions) (TransferPlan, *Refusal) {
	const api = APIDownloadFile
	p, r := c.planTransfer(api, o)
	if r != nil {
		return p, r
	}
	p.URLPath = URLPath(p.URL)
	if reason, ok := ParamSavePath.Check(o.FilePathType); !ok {
		return p, refuse(api, reason)
	}
	if o.FilePathType == "String" {
		if err := CheckDownloadPath(o.FilePath); err != nil {
			return p, refuse(api, err)
		}
		p.SavePath = o.FilePath
	}
	return p, c.checkNetwork(api)
}

// SocketOptions is what one read of wx.connectSocket's options gives (§6.1).
type SocketOptions struct {
	URL           URLRead
	ProtocolsType string // the protocol list itself stays in the glue
	HeaderType    string
	Header        HeaderReader
	HeaderSet     bool // header holds at least one key
	Timeout       Timeout
}

// SocketPlan is a socket ready for Sockets.Connect and its transport.
type SocketPlan struct {
	URL string
	// Headers are sent on the upstream handshake by the relay (§6.1, §9); the browser's
	// WebSocket cannot send any, so the direct transport gets none.
	Headers   []string
	Timeout   Duration
	Transport Transport
	// HeaderWarning: the call set headers the direct transport cannot send; the runtime
	// warns once per wx (CannotSendHeaders).
	HeaderWarning bool
}

// CannotSendHeaders is the console warning of a connectSocket header on the direct
// transport.
const CannotSendHeaders = "wxsim: connectSocket header cannot be sent by the browser's WebSocket; start wxsim with a relay to send it (see README)"

// PlanSocket runs the checks of wx.connectSocket (§6.1, §6.5, §6.6) in order: url,
// protocols and header types (§1.5), the socket domain list (§3), the headers (relay
// only), then the network (§C3: type "none" opens no socket), then the §8.3 gate: an
// interrupted app opens no socket. The socket limit is Sockets.Connect's, after the
// plan. (The network step comes before §8.3 as it does for transfers, whose plan
// refuses before the scheduler's §8.3 gate.)
func PlanSocket(c *Config, o SocketOptions, interrupted bool) (SocketPlan, *Refusal) {
	const api = APIConnectSocket
	p := SocketPlan{URL: o.URL.Raw, Transport: c.Transport()}
	if reason, ok := CheckArgs(ParamURL.Of(o.URL.Type), ParamProtocols.Of(o.ProtocolsType), ParamHeader.Of(o.HeaderType)); !ok {
		return p, refuse(api, reason)
	}
	if r := c.checkPolicy(api, o.URL); r != nil {
		return p, r
	}
	if p.Transport == TransportRelay {
		h, _, _, err := planHeaders(o.HeaderType, o.Header)
		if err != nil {
			return p, refuse(api, err)
		}
		p.Headers = h
	}
	p.Timeout = c.Timeout(api, o.Timeout.MS, o.Timeout.Number)
	p.HeaderWarning = o.HeaderSet && p.Transport == TransportDirect
	if r := c.checkNetwork(api); r != nil {
		return p, r
	}
	if interrupted {
		return p, refuse(api, ErrInterrupted)
	}
	return p, nil
}

// CloseOptions is what one read of SocketTask.close / wx.closeSocket options gives.
type CloseOptions struct {
	CodeType   string
	Code       float64 // when CodeType is "Number"
	ReasonType string
	Reason     string // when ReasonType is "String"
}

// PlanClose checks close options (§6.4) in order: the reason's type, then code and
// reason values; it returns the close code to send.
func PlanClose(o CloseOptions) (int, *Refusal) {
	const api = APICloseSocket
	if bad, ok := ParamCloseReason.Check(o.ReasonType); !ok {
		return 0, refuse(api, bad)
	}
	code, err := CloseArgs(o.CodeType, o.Code, o.Reason)
	if err != nil {
		return 0, refuse(api, err)
	}
	return code, nil
}

// ErrNotRelayedHTTP is a relay HTTP call for an api other than request, uploadFile and
// downloadFile.
var ErrNotRelayedHTTP = Reason{"not a relayed HTTP api", 1}

// RelayedMethod is the plan's method step as the relay re-applies it to a call the page
// planned for TransportRelay: request's method (§4.2; the relay sends TRACE and
// CONNECT), POST for uploadFile and GET for downloadFile. The relay applies the plan's
// domain step with the same Policy.Check.
func RelayedMethod(api, method string) (string, error) {
	switch api {
	case APIUploadFile:
		return "POST", nil
	case APIDownloadFile:
		return "GET", nil
	case APIRequest:
		return NormalizeMethod(method, false)
	}
	return "", ErrNotRelayedHTTP
}

// PlanRedirect re-checks the final URL of a followed redirect against request's domain
// list (§3.6: the browser transport cannot see the hops between).
func PlanRedirect(c *Config, u URLRead) *Refusal { return c.checkPolicy(APIRequest, u) }
