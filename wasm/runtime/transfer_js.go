//go:build js && wasm

package runtime

import (
	"strconv"
	"syscall/js"
	"time"

	"wxsim/jsbridge"
	"wxsim/sim"
)

// start carries out a scheduler Start for transfer q of task id.
func (r *Runtime) start(id int, q *transfer, timeoutMS float64) {
	switch q.api {
	case sim.APIRequest:
		r.g.Fetch(id, q.url, q.method, q.headers, q.chunked, q.manual, timeoutMS)
	case sim.APIUploadFile:
		r.g.Upload(id, q.url, q.headers, q.name, q.path, timeoutMS)
	case sim.APIDownloadFile:
		r.g.Download(id, q.url, q.headers, timeoutMS, r.cfg.MaxDownload)
	}
}

// succeed delivers the success result of transfer q (the scheduler settled it OK).
func (r *Runtime) succeed(id int, q *transfer) {
	switch q.api {
	case sim.APIRequest:
		p := sim.PlanDecode(q.responseType, q.dataType, q.contentType)
		r.g.OK(id, sim.OK(sim.APIRequest), p.Raw, p.Charset, p.ParseJSON)
	case sim.APIUploadFile:
		r.g.OKUpload(id, sim.OK(sim.APIUploadFile)) // data is always the body as a string (spec §5.1)
	case sim.APIDownloadFile:
		r.finishDownload(id, q)
	}
}

// finishDownload registers the downloaded body as a temp file, or at filePath (spec
// §5.2); a filePath that cannot be written fails and keeps no file.
func (r *Runtime) finishDownload(id int, q *transfer) {
	size := r.g.TaskSize(id)
	key, path := "tempFilePath", ""
	var err error
	if q.filePath != "" {
		key = "filePath"
		path, err = r.fs.Write(sim.APIDownloadFile, q.filePath, size, false)
	} else {
		path, err = r.fs.AddTemp(size, r.fs.NewTempPath(q.urlPath, q.contentType))
	}
	if err != nil {
		r.fail(id, sim.Fail{API: sim.APIDownloadFile, Reason: asReason(err)})
		return
	}
	var changes []any
	if q.filePath != "" {
		changes = r.changes() // a user file: success once it is stored
	}
	r.g.OKDownload(id, key, path, sim.OK(sim.APIDownloadFile), changes)
}

// transferCommon reads and checks what uploadFile and downloadFile share: url (policy of
// api's own list, §3), header (§4.3) and timeout. ok is false when it already failed.
func (r *Runtime) transferCommon(id int, api string, o js.Value) (f transferFields, ok bool) {
	fail := func(reason sim.Reason) { r.fail(id, sim.Fail{API: api, Reason: reason}) }
	tf := r.g.ReadTransfer(id, o)
	f.TransferFields = tf
	if reason, ok := sim.ParamURL.Check(tf.URLType); !ok {
		fail(reason)
		return f, false
	}
	if err := r.checkParsed(api, tf.URL, tf.Parsed, tf.ParsedOK); err != nil {
		fail(asReason(err))
		return f, false
	}
	headers, _, _, err := r.headers(o, tf.HeaderType)
	if err != nil {
		fail(asReason(err))
		return f, false
	}
	f.headers = headers
	tv, terr := strconv.ParseFloat(tf.Timeout, 64)
	f.timeout = r.cfg.Timeout(api, tv, terr == nil)
	return f, true
}

// uploadFile handles wx.uploadFile (spec §5.1).
func (r *Runtime) uploadFile(id int, o js.Value) {
	const api = sim.APIUploadFile
	fail := func(reason sim.Reason) { r.fail(id, sim.Fail{API: api, Reason: reason}) }
	f, ok := r.transferCommon(id, api, o)
	if !ok {
		return
	}
	if reason, ok := sim.CheckArgs(sim.ParamUploadPath.Of(f.FilePathType), sim.ParamName.Of(f.NameType), sim.ParamFormData.Of(f.FormDataType)); !ok {
		fail(reason)
		return
	}
	path, _, err := r.fs.Read(api, f.FilePath)
	if err != nil {
		fail(asReason(err))
		return
	}
	r.reqs[id] = &transfer{api: api, url: f.URL, headers: sim.UploadHeaders(f.headers), name: f.Name, path: path}
	r.do(r.sched.Submit(sim.TaskID(id), api, f.timeout))
}

// downloadFile handles wx.downloadFile (spec §5.2).
func (r *Runtime) downloadFile(id int, o js.Value) {
	const api = sim.APIDownloadFile
	f, ok := r.transferCommon(id, api, o)
	if !ok {
		return
	}
	q := &transfer{api: api, url: f.URL, headers: f.headers, urlPath: sim.URLPath(f.URL)}
	if reason, ok := sim.ParamSavePath.Check(f.FilePathType); !ok {
		r.fail(id, sim.Fail{API: api, Reason: reason})
		return
	}
	if f.FilePathType == "String" {
		if err := sim.CheckDownloadPath(f.FilePath); err != nil {
			r.fail(id, sim.Fail{API: api, Reason: asReason(err)})
			return
		}
		q.filePath = f.FilePath
	}
	r.reqs[id] = q
	r.do(r.sched.Submit(sim.TaskID(id), api, f.timeout))
}

// transferFields are the checked common options of uploadFile and downloadFile.
type transferFields struct {
	jsbridge.TransferFields
	headers []string
	timeout time.Duration
}
