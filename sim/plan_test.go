package sim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/wxsim/wxsim/sim"
	"github.com/wxsim/wxsim/sim/urlx"
)

// planConfig is the configuration the plan tables run against: one origin per list,
// networkTimeout.request 5 s, and (relay) the relay transport.
func planConfig(t *testing.T, relay bool) *sim.Config {
	t.Helper()
	raw := map[string]any{
		"domains": map[string]any{
			"request": []any{"https://api.example"}, "socket": []any{"wss://ws.example"},
			"uploadFile": []any{"https://up.example"}, "downloadFile": []any{"https://down.example"},
		},
		"networkTimeout": map[string]any{"request": 5000.0},
	}
	if relay {
		raw["relay"] = "http://127.0.0.1:8080/"
	}
	c, err := sim.ParseConfig(raw, urlx.Parse)
	require.NoError(t, err)
	return &c
}

// url is a string url option as the browser's URL parser reads it.
func url(raw string) sim.URLRead {
	u, deep, err := urlx.Parse(raw)
	return sim.URLRead{Type: "String", Raw: raw, Parsed: err == nil, Scheme: u.Scheme, Host: u.Host,
		Userinfo: u.Userinfo, PathOrQuery: deep}
}

// notRead is a header reader that fails the test if the plan reads the header: a call
// refused by an earlier check never touches the header's values.
func notRead(t *testing.T) sim.HeaderReader {
	return func() ([]sim.Header, bool) { t.Error("the header was read"); return nil, true }
}

func badHeaders() ([]sim.Header, bool) { return nil, false }

func errMsg(r *sim.Refusal) string {
	if r == nil {
		return ""
	}
	return r.Fail.ErrMsg()
}

// requestRefusals: each row breaks a check and every check after it, so the errMsg
// shows which comes first (§1.5, §4.2, §3, §4.3, §4.4).
func TestPlanRequestOrder(t *testing.T) {
	str := url("https://api.example/x")
	rows := []struct {
		name  string
		relay bool
		o     sim.RequestOptions
		want  string
		warn  bool // a §3.7 console warning goes with it
	}{
		{"§1.5 url type before method type", false,
			sim.RequestOptions{URL: sim.URLRead{Type: "Number"}, MethodType: "Number", HeaderType: "Number", Header: notRead(t)},
			"request:fail parameter error: parameter.url should be String instead of Number;", false},
		{"§1.5 method type before its value", false,
			sim.RequestOptions{URL: url("https://other.example/"), MethodType: "Boolean", HeaderType: "Number", Header: notRead(t)},
			"request:fail parameter error: parameter.method should be String instead of Boolean;", false},
		{"§4.2 method before policy", false,
			sim.RequestOptions{URL: url("https://other.example/"), MethodType: "String", Method: "FETCH", HeaderType: "Object", Header: notRead(t)},
			"request:fail invalid method", false},
		{"§4.2 TRACE on the direct transport", false,
			sim.RequestOptions{URL: str, MethodType: "String", Method: "trace", HeaderType: "Object", Header: notRead(t)},
			"request:fail method not supported by browser transport", false},
		{"§4.2 TRACE passes on the relay, policy next", true,
			sim.RequestOptions{URL: url("https://other.example/"), MethodType: "String", Method: "trace", HeaderType: "Object", Header: notRead(t)},
			"request:fail url not in domain list", true},
		{"§3 policy before headers, with a warning", false,
			sim.RequestOptions{URL: url("https://other.example/"), HeaderType: "Number", Header: notRead(t), Data: sim.DataOther},
			"request:fail url not in domain list", true},
		{"§3.7 an invalid url warns nothing", false,
			sim.RequestOptions{URL: url("not a url"), HeaderType: "Number", Header: notRead(t)},
			"request:fail invalid url", false},
		{"§3.1 http is refused", false,
			sim.RequestOptions{URL: url("http://api.example/")},
			"request:fail url not in domain list", true},
		{"§1.5 header type before data", false,
			sim.RequestOptions{URL: str, HeaderType: "Array", Header: notRead(t), Data: sim.DataOther, DataTag: "Symbol"},
			"request:fail parameter error: parameter.header should be Object instead of Array;", false},
		{"§4.3 unconvertible header values", false,
			sim.RequestOptions{URL: str, HeaderType: "Object", Header: badHeaders, Data: sim.DataOther},
			"request:fail parameter error: parameter.header should be Object with String-convertible values instead of Object;", false},
		{"§4.3 a header name that is no token", false,
			sim.RequestOptions{URL: str, HeaderType: "Object", Header: sim.Headers(sim.Header{Name: "a b", Value: "1"}), Data: sim.DataOther},
			`request:fail invalid header name "a b"`, false},
		{"§4.3 CR in a value", false,
			sim.RequestOptions{URL: str, HeaderType: "Object", Header: sim.Headers(sim.Header{Name: "x", Value: "1\r\n"})},
			"request:fail invalid header value for x: CR, LF and NUL are not allowed", false},
		{"§4.4 data of another type", false,
			sim.RequestOptions{URL: str, HeaderType: "Undefined", Data: sim.DataOther, DataTag: "Symbol"},
			"request:fail parameter error: parameter.data should be String/Object/ArrayBuffer instead of Symbol;", false},
		{"§4.4 an ArrayBuffer on GET", false,
			sim.RequestOptions{URL: str, Data: sim.DataArrayBuffer},
			"request:fail an ArrayBuffer body cannot be sent with GET or HEAD by the browser transport", false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			_, r := sim.PlanRequest(planConfig(t, row.relay), row.o)
			require.NotNil(t, r)
			assert.Equal(t, row.want, errMsg(r))
			assert.Equal(t, row.warn, r.Warning != "", "warning %q", r.Warning)
		})
	}
}

func TestPlanRequestPlans(t *testing.T) {
	str := url("https://api.example/x?a=1")
	h := func(kv ...string) sim.HeaderReader {
		var out []sim.Header
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, sim.Header{Name: kv[i], Value: kv[i+1]})
		}
		return sim.Headers(out...)
	}
	rows := []struct {
		name  string
		relay bool
		o     sim.RequestOptions
		want  sim.RequestPlan
	}{
		{"§4.4 GET object data goes in the query, no content-type direct", false,
			sim.RequestOptions{URL: str, Data: sim.DataObject},
			sim.RequestPlan{URL: str.Raw, Method: "GET", Body: sim.QueryAppendForm, Timeout: 5 * sim.Second,
				ResponseType: "text", DataType: "json", Transport: sim.TransportDirect}},
		{"§4.3 the relay always sends the default content-type", true,
			sim.RequestOptions{URL: str, Data: sim.DataString},
			sim.RequestPlan{URL: str.Raw, Method: "GET", Body: sim.QueryAppendRaw, Headers: []string{"content-type", "application/json"},
				Timeout: 5 * sim.Second, ResponseType: "text", DataType: "json", Transport: sim.TransportRelay}},
		{"§4.4 POST object as JSON, §4.3 Referer dropped, default content-type", false,
			sim.RequestOptions{URL: str, MethodType: "String", Method: "post", HeaderType: "Object", Header: h("Referer", "x", "X-A", "1"), Data: sim.DataObject},
			sim.RequestPlan{URL: str.Raw, Method: "POST", Body: sim.BodyJSON, Headers: []string{"X-A", "1", "content-type", "application/json"},
				Timeout: 5 * sim.Second, ResponseType: "text", DataType: "json", Transport: sim.TransportDirect}},
		{"§4.4 a form content-type encodes the object as a form and is kept", false,
			sim.RequestOptions{URL: str, MethodType: "String", Method: "PUT", HeaderType: "Object",
				Header: h("Content-Type", "application/x-www-form-urlencoded"), Data: sim.DataObject},
			sim.RequestPlan{URL: str.Raw, Method: "PUT", Body: sim.BodyForm, Headers: []string{"Content-Type", "application/x-www-form-urlencoded"},
				Timeout: 5 * sim.Second, ResponseType: "text", DataType: "json", Transport: sim.TransportDirect}},
		{"§8.2 the call's timeout, capped at 60 s; options kept", false,
			sim.RequestOptions{URL: str, Timeout: sim.Timeout{MS: 90000, Number: true}, ResponseType: "arraybuffer", DataType: "text", Redirect: "manual", Chunked: true},
			sim.RequestPlan{URL: str.Raw, Method: "GET", Timeout: 60 * sim.Second, ResponseType: "arraybuffer", DataType: "text",
				ManualRedirect: true, Chunked: true, Transport: sim.TransportDirect}},
		{"§8.2 an invalid timeout falls back to networkTimeout", false,
			sim.RequestOptions{URL: str, Timeout: sim.Timeout{MS: -1, Number: true}},
			sim.RequestPlan{URL: str.Raw, Method: "GET", Timeout: 5 * sim.Second, ResponseType: "text", DataType: "json", Transport: sim.TransportDirect}},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			p, r := sim.PlanRequest(planConfig(t, row.relay), row.o)
			require.Nil(t, r, errMsg(r))
			assert.Equal(t, row.want, p)
		})
	}
}

func TestPlanTransfers(t *testing.T) {
	fs := sim.NewFS(func() sim.UnixMS { return sim.UnixMS(time.Now().UnixMilli()) })
	tmp, err := fs.AddTemp(3, fs.NewTempPath("/a.txt", "text/plain"))
	require.NoError(t, err)
	up := url("https://up.example/u")
	down := url("https://down.example/d/file.png?x=1")
	refusals := []struct {
		name string
		api  string
		o    sim.TransferOptions
		want string
	}{
		{"§1.5 url type first", sim.APIUploadFile,
			sim.TransferOptions{URL: sim.URLRead{Type: "Undefined"}, HeaderType: "Number", FilePathType: "Number"},
			"uploadFile:fail parameter error: parameter.url should be String instead of Undefined;"},
		{"§3 uploadFile's own list", sim.APIUploadFile,
			sim.TransferOptions{URL: url("https://down.example/"), HeaderType: "Number", Header: notRead(t), FilePathType: "Number"},
			"uploadFile:fail url not in domain list"},
		{"§4.3 header before the file options", sim.APIUploadFile,
			sim.TransferOptions{URL: up, HeaderType: "Number", FilePathType: "Number"},
			"uploadFile:fail parameter error: parameter.header should be Object instead of Number;"},
		{"§5.1 filePath before name", sim.APIUploadFile,
			sim.TransferOptions{URL: up, FilePathType: "Number", NameType: "Number"},
			"uploadFile:fail parameter error: parameter.filePath should be String instead of Number;"},
		{"§5.1 name before formData", sim.APIUploadFile,
			sim.TransferOptions{URL: up, FilePathType: "String", FilePath: tmp, NameType: "Undefined", FormDataType: "Number"},
			"uploadFile:fail parameter error: parameter.name should be String instead of Undefined;"},
		{"§5.1 formData type", sim.APIUploadFile,
			sim.TransferOptions{URL: up, FilePathType: "String", FilePath: tmp, NameType: "String", FormDataType: "String"},
			"uploadFile:fail parameter error: parameter.formData should be Object instead of String;"},
		{"§5.1 a missing file", sim.APIUploadFile,
			sim.TransferOptions{URL: up, FilePathType: "String", FilePath: "http://tmp/none.txt", NameType: "String"},
			"uploadFile:fail file not found, open http://tmp/none.txt"},
		{"§3 downloadFile's own list", sim.APIDownloadFile,
			sim.TransferOptions{URL: url("https://up.example/"), FilePathType: "Number"},
			"downloadFile:fail url not in domain list"},
		{"§5.2 filePath type", sim.APIDownloadFile,
			sim.TransferOptions{URL: down, FilePathType: "Number"},
			"downloadFile:fail parameter error: parameter.filePath should be String instead of Number;"},
		{"§5.2 filePath outside USER_DATA_PATH", sim.APIDownloadFile,
			sim.TransferOptions{URL: down, FilePathType: "String", FilePath: "http://tmp/x.png"},
			"downloadFile:fail permission denied, open http://tmp/x.png"},
	}
	for _, row := range refusals {
		t.Run(row.name, func(t *testing.T) {
			c := planConfig(t, false)
			var r *sim.Refusal
			if row.api == sim.APIUploadFile {
				_, r = sim.PlanUpload(c, fs, row.o)
			} else {
				_, r = sim.PlanDownload(c, row.o)
			}
			require.NotNil(t, r)
			assert.Equal(t, row.want, errMsg(r))
		})
	}

	t.Run("§5.1 upload plan drops a user content-type", func(t *testing.T) {
		p, r := sim.PlanUpload(planConfig(t, true), fs, sim.TransferOptions{URL: up, HeaderType: "Object",
			Header:       sim.Headers(sim.Header{Name: "Content-Type", Value: "x/y"}, sim.Header{Name: "X-B", Value: "2"}),
			FilePathType: "String", FilePath: tmp, NameType: "String", Name: "file", FormDataType: "Object"})
		require.Nil(t, r, errMsg(r))
		assert.Equal(t, sim.TransferPlan{API: sim.APIUploadFile, URL: up.Raw, Headers: []string{"X-B", "2"}, Timeout: sim.MaxTimeout,
			Transport: sim.TransportRelay, Name: "file", Path: tmp, Size: 3}, p)
	})
	t.Run("§5.2 download plans", func(t *testing.T) {
		p, r := sim.PlanDownload(planConfig(t, false), sim.TransferOptions{URL: down, FilePathType: "Undefined", Timeout: sim.Timeout{MS: 250, Number: true}})
		require.Nil(t, r, errMsg(r))
		assert.Equal(t, sim.TransferPlan{API: sim.APIDownloadFile, URL: down.Raw, Timeout: 250 * sim.Millisecond,
			Transport: sim.TransportDirect, URLPath: "/d/file.png"}, p)
		p, r = sim.PlanDownload(planConfig(t, false), sim.TransferOptions{URL: down, FilePathType: "String", FilePath: "http://usr/a/b.png"})
		require.Nil(t, r, errMsg(r))
		assert.Equal(t, "http://usr/a/b.png", p.SavePath)
	})
}

func TestPlanSocket(t *testing.T) {
	ws := url("wss://ws.example/chat")
	rows := []struct {
		name        string
		relay       bool
		interrupted bool
		o           sim.SocketOptions
		want        string
	}{
		{"§1.5 url, then protocols, then header types", false, true,
			sim.SocketOptions{URL: sim.URLRead{Type: "Null"}, ProtocolsType: "Number", HeaderType: "Number"},
			"connectSocket:fail parameter error: parameter.url should be String instead of Null;"},
		{"§1.5 protocols", false, true,
			sim.SocketOptions{URL: ws, ProtocolsType: "Number", HeaderType: "Number"},
			"connectSocket:fail parameter error: parameter.protocols should be Array instead of Number;"},
		{"§1.5 header type checked on the direct transport too", false, true,
			sim.SocketOptions{URL: ws, ProtocolsType: "Undefined", HeaderType: "Number"},
			"connectSocket:fail parameter error: parameter.header should be Object instead of Number;"},
		{"§3 the socket list before the §8.3 gate", false, true,
			sim.SocketOptions{URL: url("wss://api.example/")},
			"connectSocket:fail url not in domain list"},
		{"§4.3 header values through the relay", true, true,
			sim.SocketOptions{URL: ws, HeaderType: "Object", Header: sim.Headers(sim.Header{Name: "a:b", Value: "1"})},
			`connectSocket:fail invalid header name "a:b"`},
		{"§8.3 an interrupted app opens no socket", false, true,
			sim.SocketOptions{URL: ws, HeaderType: "Object", Header: notRead(t)},
			"connectSocket:fail interrupted"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			_, r := sim.PlanSocket(planConfig(t, row.relay), row.o, row.interrupted)
			require.NotNil(t, r)
			assert.Equal(t, row.want, errMsg(r))
		})
	}
	t.Run("§6.1 direct: no headers, a warning when some are set", func(t *testing.T) {
		p, r := sim.PlanSocket(planConfig(t, false), sim.SocketOptions{URL: ws, HeaderType: "Object", Header: notRead(t), HeaderSet: true}, false)
		require.Nil(t, r)
		assert.Equal(t, sim.SocketPlan{URL: ws.Raw, Timeout: sim.MaxTimeout, Transport: sim.TransportDirect, HeaderWarning: true}, p)
	})
	t.Run("§6.1 relay: headers sent, no warning", func(t *testing.T) {
		p, r := sim.PlanSocket(planConfig(t, true), sim.SocketOptions{URL: ws, HeaderType: "Object",
			Header: sim.Headers(sim.Header{Name: "X-T", Value: "1"}), HeaderSet: true, Timeout: sim.Timeout{MS: 1000, Number: true}}, false)
		require.Nil(t, r)
		assert.Equal(t, sim.SocketPlan{URL: ws.Raw, Headers: []string{"X-T", "1"}, Timeout: sim.Second, Transport: sim.TransportRelay}, p)
	})
}

func TestPlanClose(t *testing.T) {
	rows := []struct {
		o    sim.CloseOptions
		code int
		want string
	}{
		{sim.CloseOptions{CodeType: "Undefined", ReasonType: "Undefined"}, 1000, ""},
		{sim.CloseOptions{CodeType: "Number", Code: 4000, ReasonType: "String", Reason: "bye"}, 4000, ""},
		{sim.CloseOptions{CodeType: "String", ReasonType: "Number"}, 0, "closeSocket:fail parameter error: parameter.reason should be String instead of Number;"}, // §6.4 reason type first
		{sim.CloseOptions{CodeType: "String", ReasonType: "Undefined"}, 0, "closeSocket:fail parameter error: parameter.code should be Number instead of String;"},
		{sim.CloseOptions{CodeType: "Number", Code: 1001, ReasonType: "Undefined"}, 0, "closeSocket:fail invalid code 1001: the code must be 1000 or between 3000 and 4999"},
		{sim.CloseOptions{CodeType: "Number", Code: 3000, ReasonType: "String", Reason: string(make([]byte, 124))}, 0,
			"closeSocket:fail invalid reason: 124 bytes of UTF-8; the reason must be at most 123 bytes"},
	}
	for _, row := range rows {
		code, r := sim.PlanClose(row.o)
		assert.Equal(t, row.want, errMsg(r), "%+v", row.o)
		assert.Equal(t, row.code, code, "%+v", row.o)
	}
}

func TestPlanRedirectAndRelayedMethod(t *testing.T) {
	c := planConfig(t, true)
	assert.Nil(t, sim.PlanRedirect(c, url("https://api.example/next")))
	r := sim.PlanRedirect(c, url("https://evil.example/"))
	require.NotNil(t, r)
	assert.Equal(t, "request:fail url not in domain list", errMsg(r))
	assert.Contains(t, r.Warning, "https://evil.example/")

	for _, row := range []struct{ api, method, want, err string }{
		{sim.APIRequest, "trace", "TRACE", ""}, // §4.2 the relay sends TRACE
		{sim.APIRequest, "", "GET", ""},
		{sim.APIRequest, "FETCH", "", "invalid method"},
		{sim.APIUploadFile, "GET", "POST", ""},
		{sim.APIDownloadFile, "POST", "GET", ""},
		{sim.APIConnectSocket, "GET", "", "not a relayed HTTP api"},
	} {
		m, err := sim.RelayedMethod(row.api, row.method)
		if row.err != "" {
			assert.EqualError(t, err, row.err, "%+v", row)
			continue
		}
		assert.NoError(t, err, "%+v", row)
		assert.Equal(t, row.want, m, "%+v", row)
	}
}

func TestTransportNames(t *testing.T) {
	assert.Equal(t, "direct", sim.TransportDirect.String())
	assert.Equal(t, "relay", sim.TransportRelay.String())
	assert.Equal(t, "mock", sim.TransportMock.String())
	assert.Equal(t, "unknown", sim.Transport(0).String())
}
