package sim

// What wx.canIUse answers for, when the page's wx has none of its own: the APIs wxsim
// implements, with the options of their object argument, the methods of what they
// return, and the fields of their success result, in WeChat's schema
// `${API}.${method}.${param}` ("request.object.enableChunked", "request.return.abort",
// "request.success.cookies") and `${Class}.${method}` ("SocketTask.send").
type canIUseAPI struct {
	name           string
	object, result []string // option names; success result fields
	returns        string   // the class of the returned object, "" for none
}

var callbacks = []string{"success", "fail", "complete"}

var canIUseAPIs = []canIUseAPI{
	{"request", []string{"url", "data", "header", "timeout", "method", "dataType", "responseType", "enableChunked", "redirect"},
		[]string{"data", "statusCode", "header", "cookies", "profile", "errMsg"}, "RequestTask"},
	{"uploadFile", []string{"url", "filePath", "name", "header", "formData", "timeout"},
		[]string{"data", "statusCode", "header", "errMsg"}, "UploadTask"},
	{"downloadFile", []string{"url", "header", "timeout", "filePath"},
		[]string{"tempFilePath", "filePath", "statusCode", "header", "profile", "errMsg"}, "DownloadTask"},
	{"connectSocket", []string{"url", "header", "protocols", "timeout"}, []string{"errMsg"}, "SocketTask"},
	{"sendSocketMessage", []string{"data"}, []string{"errMsg"}, ""},
	{"closeSocket", []string{"code", "reason"}, []string{"errMsg"}, ""},
	{"getNetworkType", nil, []string{"networkType", "signalStrength", "hasSystemProxy", "errMsg"}, ""},
	{"getFileSystemManager", nil, nil, "FileSystemManager"},
	{"saveFile", []string{"tempFilePath"}, []string{"savedFilePath", "errMsg"}, ""},
	{"getSavedFileList", nil, []string{"fileList", "errMsg"}, ""},
	{"getSavedFileInfo", []string{"filePath"}, []string{"size", "createTime", "errMsg"}, ""},
	{"removeSavedFile", []string{"filePath"}, []string{"errMsg"}, ""},
	{"getFileInfo", []string{"filePath", "digestAlgorithm"}, []string{"size", "digest", "errMsg"}, ""},
}

// canIUseFlat are the APIs without options: listeners and the like.
var canIUseFlat = []string{"onSocketOpen", "onSocketMessage", "onSocketError", "onSocketClose",
	"onNetworkStatusChange", "offNetworkStatusChange", "onAppHide", "offAppHide", "onAppShow", "offAppShow",
	"onError", "offError", "env", "env.USER_DATA_PATH", "canIUse"}

var canIUseClasses = map[string][]string{
	"RequestTask":  {"abort", "onHeadersReceived", "offHeadersReceived", "onChunkReceived", "offChunkReceived"},
	"UploadTask":   {"abort", "onProgressUpdate", "offProgressUpdate", "onHeadersReceived", "offHeadersReceived"},
	"DownloadTask": {"abort", "onProgressUpdate", "offProgressUpdate", "onHeadersReceived", "offHeadersReceived"},
	"SocketTask":   {"send", "close", "onOpen", "onClose", "onError", "onMessage"},
	"FileSystemManager": {"readFile", "writeFile", "appendFile", "access", "stat", "unlink", "mkdir", "readdir",
		"rmdir", "copyFile", "rename", "saveFile", "removeSavedFile", "getSavedFileList", "getFileInfo",
		"writeFileSync", "appendFileSync", "accessSync", "statSync", "unlinkSync", "mkdirSync", "readdirSync",
		"rmdirSync", "copyFileSync", "renameSync", "saveFileSync"},
}

// canIUseValues are option values wxsim understands: "request.object.method.TRACE".
var canIUseValues = map[string][]string{
	"request.object.method":       Methods,
	"request.object.dataType":     {"json", "text"},
	"request.object.responseType": {"text", "arraybuffer"},
	"request.object.redirect":     {"follow", "manual"},
}

// CanIUseSchemas lists every schema wx.canIUse answers true for (spec §1; see the
// table above), for the glue's lookup.
func CanIUseSchemas() []string {
	var out []string
	for _, a := range canIUseAPIs {
		out = append(out, a.name)
		for _, o := range append(append([]string{}, a.object...), callbacks...) {
			out = append(out, a.name+".object."+o)
		}
		for _, f := range a.result {
			out = append(out, a.name+".success."+f)
		}
		if a.returns != "" {
			for _, m := range canIUseClasses[a.returns] {
				out = append(out, a.name+".return."+m)
			}
		}
	}
	out = append(out, canIUseFlat...)
	for class, ms := range canIUseClasses {
		out = append(out, class)
		for _, m := range ms {
			out = append(out, class+"."+m)
		}
	}
	for k, vs := range canIUseValues {
		for _, v := range vs {
			out = append(out, k+"."+v)
		}
	}
	return out
}

// CanIUse reports whether wx.canIUse(schema) is true for wxsim.
func CanIUse(schema string) bool {
	for _, s := range CanIUseSchemas() {
		if s == schema {
			return true
		}
	}
	return false
}
