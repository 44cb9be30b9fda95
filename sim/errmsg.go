package sim

import (
	"strconv"
	"strings"
)

// API names as they appear in errMsg (spec §1.1).
const (
	APIRequest        = "request"
	APIUploadFile     = "uploadFile"
	APIDownloadFile   = "downloadFile"
	APIConnectSocket  = "connectSocket"
	APIGetNetworkType = "getNetworkType"
)

// Reason is a fail reason: the text after "<api>:fail " and its errno (spec §1.4).
type Reason struct {
	Text  string
	Errno int
}

func (r Reason) Error() string { return r.Text }

// Known reasons. The texts are WeChat's (or wxsim's where the spec says so).
var (
	ErrDomain         = Reason{"url not in domain list", 600002}               // spec §3.7
	ErrInvalidURL     = Reason{"invalid url", 600002}                          // spec §3.7
	ErrTimeout        = Reason{"timeout", 5}                                   // spec §4.7
	ErrAbort          = Reason{"abort", 1}                                     // spec §4.7
	ErrInterrupted    = Reason{"interrupted", 600003}                          // spec §8.3
	ErrExceed         = Reason{"exceed max task count", 1}                     // spec §8.1
	ErrInvalidMethod  = Reason{"invalid method", 1}                            // spec §4.2
	ErrMethodBrowser  = Reason{"method not supported by browser transport", 1} // spec §4.2
	ErrNetworkUnavail = Reason{"network unavailable", 600001}                  // spec §8.4
	ErrExceedFileSize = Reason{"exceed max file size", 1}                      // spec §5.2
)

// NetworkError is a transport failure (DNS, refused, reset, TLS, CORS): errno 600001 (spec §4.7).
func NetworkError(text string) Reason { return Reason{text, 600001} }

// ParamError is the spec §1.5 argument error for parameter name: want is the expected
// type, got the JS type name of what was passed ("Undefined", "Number", ...).
func ParamError(name, want, got string) Reason {
	return Reason{"parameter error: parameter." + name + " should be " + want + " instead of " + got + ";", 1}
}

// ParamUnreadable is the spec §1.5-style argument error of a user value that threw when
// it was read (a Proxy trap, a throwing getter or toString, a revoked proxy): field names
// it (e.g. "data", "header.x-a"), thrown is what it threw.
func ParamUnreadable(field, thrown string) Reason {
	return Reason{"parameter error: parameter." + field + " cannot be read (" + thrown + ");", 1}
}

// Fail is a failed result of an API call.
type Fail struct {
	API    string
	Reason Reason
}

// ErrMsg renders "<api>:fail <reason>" (spec §1.1): no trailing space for an empty reason.
func (f Fail) ErrMsg() string {
	if f.Reason.Text == "" {
		return f.API + ":fail"
	}
	return f.API + ":fail " + f.Reason.Text
}

// OK renders "<api>:ok".
func OK(api string) string { return api + ":ok" }

// GlueTexts are the parts of errMsg the glue writes itself, handed to it once so that it
// holds no wx text of its own: the ":ok" of a socket send that went out (§6), the fail
// of a call the runtime could not answer (a Go panic: "<api>:fail internal error (see
// console)", errno 1), of a file the browser could not store or digest (":fail " and
// its words), and connectSocket's outcome in the task list (§C1).
func GlueTexts() map[string]any {
	return map[string]any{
		"ok": ":ok", "fail": ":fail ", "failErrno": 1,
		"internal": ":fail internal error (see console)", "storeFail": ":fail could not store the file: ",
		"socketOK": OK(APIConnectSocket), "socketFail": APIConnectSocket + ":fail",
	}
}

// Errno returns the errno to report, and whether to report one at all: only from base
// library 2.24.0 (spec §1.4).
func (f Fail) Errno(sdk Version) (int, bool) {
	if sdk.Less(Version{2, 24, 0}) {
		return 0, false
	}
	return f.Reason.Errno, true
}

// Version is a base-library version (major.minor.patch).
type Version [3]int

// ParseVersion parses "a.b.c" (missing parts are 0).
func ParseVersion(s string) (Version, bool) {
	var v Version
	part, n, digits := 0, 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || part > 2 {
				return Version{}, false
			}
			v[part] = n
			part, n, digits = part+1, 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits > 6 {
			return Version{}, false
		}
		n = n*10 + int(c-'0')
		digits++
	}
	return v, true
}

// Less reports v < w.
func (v Version) Less(w Version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

func (v Version) String() string {
	return strconv.Itoa(v[0]) + "." + strconv.Itoa(v[1]) + "." + strconv.Itoa(v[2])
}

// TransportError names a browser transport failure (spec §4.7: errno 600001, the reason
// as precise as the transport can tell). name and msg are the JS error's.
func TransportError(name, msg string) Reason {
	switch {
	case name == "ExceedSize":
		return ErrExceedFileSize
	case strings.HasPrefix(name, "relay-"):
		return RelayError(name[len("relay-"):], msg)
	case name == "mock-ssl": // a §C4 fault
		return ErrSSL
	case strings.HasPrefix(name, "mock-"):
		return NetworkError("network error: " + msg)
	case name == "OpaqueRedirect":
		return NetworkError("redirect:'manual' response is opaque to the browser transport (its status and Location cannot be read; the relay can)")
	case name == "TypeError" && msg != "":
		return NetworkError("network error: " + msg)
	case msg == "":
		return NetworkError("network error: " + name)
	}
	return NetworkError("network error: " + name + ": " + msg)
}

// ErrSSL is WeChat's failure for a server whose TLS it refuses (spec §9); the precise
// cause goes to the simulator console.
var ErrSSL = NetworkError("ssl hand shake error")

// RelayError is the failure for an error answer of the relay (spec §9) of kind (its
// X-Wxsim-Error: policy, ssl, size, header, refused, session, token, network) with message msg.
func RelayError(kind, msg string) Reason {
	switch kind {
	case "policy":
		return ErrDomain // a redirect hop outside the lists (§3.6)
	case "ssl":
		return ErrSSL
	case "size":
		return ErrExceedFileSize
	case "header":
		return Reason{"invalid header: " + msg, 1}
	case "refused", "session", "token":
		return NetworkError(msg) // "relay refused: ..."
	}
	return NetworkError("network error: " + msg)
}

// PromiseStyle reports whether async APIs without callbacks return a Promise (spec §1.3).
func (c *Config) PromiseStyle() bool { return !c.SDK.Less(Version{2, 10, 2}) }

// DataError is the failure for request data that JavaScript cannot serialise (a cycle, a
// BigInt, a lone surrogate): msg is the JS error.
func DataError(msg string) Reason { return Reason{"data could not be serialized: " + msg, 1} }
