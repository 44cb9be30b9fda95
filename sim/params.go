package sim

// Param is a spec §1.5 argument rule: the JS types an option accepts, by the names
// jsbridge.TypeName gives them ("Undefined", "String", "Object", ...), and the type the
// errMsg asks for. An option that may be left out accepts "Undefined".
type Param struct {
	Name   string
	Want   string // as "parameter.<Name> should be <Want> instead of <type>;" reads
	Accept []string
}

// The options the network APIs check by type before anything else (spec §4.1, §5, §6).
var (
	ParamURL = Param{"url", "String", []string{"String"}}
	// ParamMethod is request's method; its value is checked by NormalizeMethod.
	ParamMethod = Param{"method", "String", []string{"Undefined", "String"}}
	// ParamHeader is the header option of request, uploadFile, downloadFile and
	// connectSocket.
	ParamHeader    = Param{"header", "Object", []string{"Undefined", "Null", "Object"}}
	ParamProtocols = Param{"protocols", "Array", []string{"Undefined", "Array", "String"}}
	// ParamUploadPath is uploadFile's filePath, the file to send.
	ParamUploadPath = Param{"filePath", "String", []string{"String"}}
	ParamName       = Param{"name", "String", []string{"String"}}
	ParamFormData   = Param{"formData", "Object", []string{"Undefined", "Null", "Object"}}
	// ParamSavePath is downloadFile's filePath, where to save; its value is checked
	// by CheckDownloadPath.
	ParamSavePath = Param{"filePath", "String", []string{"Undefined", "Null", "String"}}
	// ParamSocketData is sendSocketMessage's data: a string, an ArrayBuffer or a view
	// of one (spec §6.3).
	ParamSocketData = Param{"data", "String/ArrayBuffer", []string{"String", "ArrayBuffer", "DataView",
		"Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
		"Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"}}
	ParamCloseReason = Param{"reason", "String", []string{"Undefined", "String"}}
)

// Check returns the §1.5 error for a value of JS type typ, and whether typ is accepted.
// An empty typ means "Undefined" (an option left out of a Go-built options struct).
func (p Param) Check(typ string) (Reason, bool) {
	if typ == "" {
		typ = "Undefined"
	}
	for _, a := range p.Accept {
		if a == typ {
			return Reason{}, true
		}
	}
	return ParamError(p.Name, p.Want, typ), false
}

// Arg is an option's rule with the JS type of the value passed.
type Arg struct {
	Param Param
	Type  string
}

// Of pairs p with the JS type of the value passed.
func (p Param) Of(typ string) Arg { return Arg{p, typ} }

// CheckArgs checks args in order and returns the first error (a call fails once, on its
// first bad option); ok is true when every one is accepted.
func CheckArgs(args ...Arg) (reason Reason, ok bool) {
	for _, a := range args {
		if reason, ok := a.Param.Check(a.Type); !ok {
			return reason, false
		}
	}
	return Reason{}, true
}
