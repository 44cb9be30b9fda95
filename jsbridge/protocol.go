package jsbridge

import "strconv"

// The protocol between Go and the glue, defined once, here: the numbers and packed field
// orders both sides use. The glue knows them only through its first module,
// glue/00_protocol.js, which prelude generates from the tables at the end of this file
// (go generate ./jsbridge; TestPreludeFile fails while the file is stale). The tests of
// protocol_test.go also fail when a module uses a protocol name the prelude does not
// define, defines one again, or leaves a field of a record unwritten.
//
//go:generate go test -count=1 -run ^TestPreludeFile$ . -args -update

// Events the glue sends to Go through the dispatcher: dispatch(ev, id, a, b).
const (
	EvCall     = 1 // a new API call: a = api number, b = options
	EvAbort    = 2 // task.abort() on an unsettled task
	EvTimer    = 3 // a timer set with SetTimer fired
	EvRedirect = 4 // the response was redirected: a = final URL
	EvDone     = 5 // the body is complete: a = status, b = content-type (a request's: undefined when it has no parameters)
	EvError    = 6 // transport error: a = JS error name, b = message

	EvSocketOpen   = 7  // handshake complete
	EvSocketClosed = 8  // close event fired: the socket is gone
	EvSocketClose  = 9  // SocketTask.close / wx.closeSocket: a = socket id (0: none), b = options
	EvSocketSend   = 10 // a send that cannot go: a = 1 if connected, b = the data's type tag
	EvSocketError  = 11 // the browser's error event

	// EvLoaded carries the persisted records after Load, packed so that n records cost
	// two crossings, not 5n: a is a Uint8Array of their paths' UTF-8 bytes one after
	// another, b a Uint8Array over LoadedFields little-endian float64s per record, in the
	// order of the Loaded… indexes (times in Unix ms; a missing number is 0).
	EvLoaded = 12

	// EvSync is a …Sync call: id is the api number, a the arguments array. The handler
	// answers with SyncResult before returning.
	EvSync = 13

	// EvUnreadable: reading a user value of the call threw (guard.js); a = the API name
	// the call reports as, b = [field, message]. id 0 is a …Sync call (answer with
	// SyncResult).
	EvUnreadable = 14

	// EvSettled: the glue settled request id itself, as the decode plan Go gave Fetch
	// allowed: Go completes the task without delivering anything. The glue sends it on a
	// macrotask after the task's callbacks, or before its next event, whichever comes
	// first (a single one rides along with an EvRequest: the export's settled argument);
	// Glue.TakeSettled takes the ones not sent yet.
	EvSettled = 15

	// EvRequest is wx.request(options) with its readRequest record in the inbox (the
	// export's n bytes; a, b undefined): Go reads it from its own memory, and asks the glue
	// for the options object (Glue.Options) only when the plan needs more of it. The
	// export's settled argument, when not 0, is an EvSettled Go handles first.
	EvRequest = 16
)

// Decode plans Go gives Fetch for a response whose content-type has no parameters (so
// names no charset): the glue may then decode and settle at once, and tell Go after
// (EvSettled). FastNone: Go decides at EvDone.
const (
	FastNone = 0
	FastText = 1 // decode UTF-8 (a BOM dropped)
	FastJSON = 2 // decode UTF-8, then JSON.parse (a string when it does not parse)
	FastRaw  = 3 // the ArrayBuffer as it is, whatever the content-type
)

// noArgs is the export's n when the event has no arguments a and b (both undefined).
const noArgs = -2

// Answers of the dispatcher (the wasm export's result).
const (
	answerUnhandled = 0 // the handler did not deal with the event, or Go panicked
	answerHandled   = 1
	// answerUnreadable: the handler met an unreadable user value (slot.u holds [field,
	// message]): the glue then sends EvUnreadable for that call.
	answerUnreadable = 2
)

// Body encodings the glue performs (JSON.stringify and encodeURIComponent stay in JS).
const (
	BodyRaw  = 1
	BodyJSON = 2
	BodyForm = 3
)

// Transports a task's start names (the glue's transports[via], 25_transport.js). They
// are sim.Transport's numbers; a wasm/runtime test checks that they agree.
const (
	ViaDirect = 1
	ViaRelay  = 2
	ViaMock   = 3
)

// Classes of request data (RequestFields.DataKind), the glue's dataKind.
const (
	DataNone   = 0 // undefined or null
	DataString = 1
	DataBytes  = 2 // an ArrayBuffer or a view of one
	DataObject = 3 // any other object
	DataOther  = 4 // number, boolean, function, symbol, bigint
)

// Packed records. A reader of the glue answers one string of NUL-separated fields (one
// crossing instead of one per option); the constants below are the fields' indexes, and
// the glue writes them by the same names (f[RQ.url] = …).

// Fields of a parsed URL (PU): the browser's URL parser on a string; an empty scheme
// means it did not parse. Records with a URL option hold these at their …Parsed index.
const (
	urlScheme      = iota
	urlHost        // hostname as the parser normalised it
	urlPort        // "" for the scheme's default port
	urlUserinfo    // "1" when there is a user name or password
	urlPathOrQuery // "1" when there is a path other than "/", a query or a fragment
	urlFields      // the count
)

// Fields of readRequest (RQ): wx.request's scalar options.
const (
	rqURLType = iota
	rqURL
	rqMethodType
	rqMethod
	rqHeaderType
	rqDataKind // one digit, a Data… class
	rqDataType
	rqTimeout // String(timeout) when it is a number, else ""
	rqResponseType
	rqDataTypeOpt // the dataType option
	rqRedirect
	rqChunked      // "1" when enableChunked is true
	rqParsed       // urlFields fields
	rqFields       = rqParsed + urlFields
	rqParsedScheme = rqParsed + urlScheme
)

// Fields of readSocket (SK): connectSocket's options.
const (
	skURLType = iota
	skURL
	skProtocolsType
	skTimeout
	skHeaderType
	skHeaderSet    // "1" when header is an object with an own key
	skParsed       // urlFields fields
	skFields       = skParsed + urlFields
	skParsedScheme = skParsed + urlScheme
)

// Fields of readTransfer (TR): uploadFile's and downloadFile's options.
const (
	trURLType = iota
	trURL
	trHeaderType
	trTimeout
	trFilePathType
	trFilePath
	trNameType
	trName
	trFormDataType
	trParsed       // urlFields fields
	trFields       = trParsed + urlFields
	trParsedScheme = trParsed + urlScheme
)

// Fields of readClose (CL): the code and reason options of a socket close.
const (
	clCodeType = iota
	clCode     // the code as text when it is a number
	clReasonType
	clReason // the reason when it is a string
	clFields
)

// Numbers of one persisted record in EvLoaded (LD), float64s.
const (
	LoadedPathBytes = iota // how many bytes of the paths' bytes are this record's path
	LoadedSize
	LoadedIsDir // 1 or 0
	LoadedCTime
	LoadedMTime
	LoadedFields // the count
)

// jsConst is one number the glue knows by name.
type jsConst struct {
	name  string
	value int
}

// jsConsts are the prelude's constants, one const statement per group.
var jsConsts = [][]jsConst{
	{{"EV_CALL", EvCall}, {"EV_ABORT", EvAbort}, {"EV_TIMER", EvTimer}, {"EV_REDIRECT", EvRedirect},
		{"EV_DONE", EvDone}, {"EV_ERROR", EvError}, {"EV_SOPEN", EvSocketOpen}, {"EV_SCLOSED", EvSocketClosed},
		{"EV_SCLOSE", EvSocketClose}, {"EV_SSEND", EvSocketSend}, {"EV_SERROR", EvSocketError},
		{"EV_LOADED", EvLoaded}, {"EV_SYNC", EvSync}, {"EV_UNREADABLE", EvUnreadable},
		{"EV_SETTLED", EvSettled}, {"EV_REQUEST", EvRequest}},
	{{"FAST_NONE", FastNone}, {"FAST_TEXT", FastText}, {"FAST_JSON", FastJSON}, {"FAST_RAW", FastRaw}},
	{{"HANDLED", answerHandled}, {"UNREADABLE", answerUnreadable}, {"NO_ARGS", noArgs}},
	{{"BODY_RAW", BodyRaw}, {"BODY_JSON", BodyJSON}, {"BODY_FORM", BodyForm}},
	{{"VIA_DIRECT", ViaDirect}, {"VIA_RELAY", ViaRelay}, {"VIA_MOCK", ViaMock}},
	{{"DATA_NONE", DataNone}, {"DATA_STRING", DataString}, {"DATA_BYTES", DataBytes},
		{"DATA_OBJECT", DataObject}, {"DATA_OTHER", DataOther}},
}

// packedRecord is the field order of one packed record: the glue's index object js
// ({field: index, …, n: count}).
type packedRecord struct {
	js     string
	fields []recordField
	n      int
}

// recordField is one field of a record at index; a field with width > 1 is the first of
// that many (a parsed URL, urlFields).
type recordField struct {
	name  string
	index int
	width int
}

// records are the prelude's index objects. (Constant data only, so that wx.wasm, which
// does not use them, does not link them.)
var records = []packedRecord{
	{"PU", []recordField{
		{"scheme", urlScheme, 1}, {"host", urlHost, 1}, {"port", urlPort, 1},
		{"userinfo", urlUserinfo, 1}, {"pathOrQuery", urlPathOrQuery, 1},
	}, urlFields},
	{"RQ", []recordField{
		{"urlType", rqURLType, 1}, {"url", rqURL, 1}, {"methodType", rqMethodType, 1}, {"method", rqMethod, 1},
		{"headerType", rqHeaderType, 1}, {"dataKind", rqDataKind, 1}, {"dataType", rqDataType, 1},
		{"timeout", rqTimeout, 1}, {"responseType", rqResponseType, 1}, {"dataTypeOpt", rqDataTypeOpt, 1},
		{"redirect", rqRedirect, 1}, {"chunked", rqChunked, 1}, {"parsed", rqParsed, urlFields},
	}, rqFields},
	{"SK", []recordField{
		{"urlType", skURLType, 1}, {"url", skURL, 1}, {"protocolsType", skProtocolsType, 1},
		{"timeout", skTimeout, 1}, {"headerType", skHeaderType, 1}, {"headerSet", skHeaderSet, 1},
		{"parsed", skParsed, urlFields},
	}, skFields},
	{"TR", []recordField{
		{"urlType", trURLType, 1}, {"url", trURL, 1}, {"headerType", trHeaderType, 1}, {"timeout", trTimeout, 1},
		{"filePathType", trFilePathType, 1}, {"filePath", trFilePath, 1}, {"nameType", trNameType, 1},
		{"name", trName, 1}, {"formDataType", trFormDataType, 1}, {"parsed", trParsed, urlFields},
	}, trFields},
	{"CL", []recordField{
		{"codeType", clCodeType, 1}, {"code", clCode, 1}, {"reasonType", clReasonType, 1}, {"reason", clReason, 1},
	}, clFields},
	{"LD", []recordField{
		{"pathBytes", LoadedPathBytes, 1}, {"size", LoadedSize, 1}, {"isDir", LoadedIsDir, 1},
		{"ctime", LoadedCTime, 1}, {"mtime", LoadedMTime, 1},
	}, LoadedFields},
}

// prelude is glue/00_protocol.js, the glue's first module: "use strict" for the whole
// closure, then a const per number of jsConsts and a frozen index object per record, e.g.
//
//	const EV_CALL = 1, EV_ABORT = 2, …;
//	const RQ = Object.freeze({ urlType: 0, url: 1, …, parsed: 12, n: 17 });
func prelude() string {
	b := []byte("// 00_protocol: the protocol of protocol.go (event numbers, answers, body encodings, data\n" +
		"// classes and packed field orders), generated by go generate ./jsbridge: do not edit.\n" +
		"// The closure starts here, so it is strict.\n" +
		"\"use strict\";\n")
	for _, group := range jsConsts {
		b = append(b, "const "...)
		for i, c := range group {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, c.name...)
			b = append(b, " = "...)
			b = strconv.AppendInt(b, int64(c.value), 10)
		}
		b = append(b, ";\n"...)
	}
	for _, r := range records {
		b = append(b, "const "...)
		b = append(b, r.js...)
		b = append(b, " = Object.freeze({ "...)
		for _, f := range r.fields {
			b = append(b, f.name...)
			b = append(b, ": "...)
			b = strconv.AppendInt(b, int64(f.index), 10)
			b = append(b, ", "...)
		}
		b = append(b, "n: "...)
		b = strconv.AppendInt(b, int64(r.n), 10)
		b = append(b, " });\n"...)
	}
	return string(b)
}
