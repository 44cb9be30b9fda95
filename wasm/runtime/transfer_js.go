//go:build js && wasm

package runtime

import (
	"syscall/js"

	"github.com/wxsim/wxsim/jsbridge"
	"github.com/wxsim/wxsim/sim"
)

// task is what a started request, upload or download needs after its call returned: its
// plan. All three share the scheduler (queue, time-out, abort, interrupt, settle-once);
// only the transport start and the success result differ.
type task struct {
	api         string
	req         sim.RequestPlan  // request
	xfer        sim.TransferPlan // uploadFile, downloadFile
	contentType string           // response content-type, set at EvDone
	urlAsRead   bool             // the request goes to the url the glue read: not sent again
	settled     bool             // the glue settled it with the plan of fastPlan (EvSettled)
}

// fastPlan is sim's decode plan (spec §4.5) for a response whose content-type names no
// charset, as the glue applies it without asking (jsbridge.Fast…).
func fastPlan(p *sim.RequestPlan) int {
	d := sim.PlanDecode(p.ResponseType, p.DataType, "")
	switch {
	case d.Raw:
		return jsbridge.FastRaw
	case d.Charset != "utf-8":
		return jsbridge.FastNone
	case d.ParseJSON:
		return jsbridge.FastJSON
	}
	return jsbridge.FastText
}

// start carries out a scheduler Start for task q of id on the transport its plan chose.
func (r *Runtime) start(id int, q *task, via sim.Transport, timeoutMS float64) {
	switch q.api {
	case sim.APIRequest:
		p := &q.req
		url := p.URL
		if q.urlAsRead {
			url = ""
		}
		r.g.Fetch(id, int(via), url, p.Method, p.Headers, p.Chunked, p.ManualRedirect, timeoutMS, fastPlan(p), sim.OK(sim.APIRequest))
	case sim.APIUploadFile:
		p := &q.xfer
		r.g.Upload(id, int(via), p.URL, p.Headers, p.Name, p.Path, timeoutMS)
	case sim.APIDownloadFile:
		p := &q.xfer
		r.g.Download(id, int(via), p.URL, p.Headers, timeoutMS, r.cfg.MaxDownload)
	}
}

// succeed delivers the success result of task q (the scheduler settled it OK).
func (r *Runtime) succeed(id int, q *task) {
	switch q.api {
	case sim.APIRequest:
		if q.settled {
			return // the glue delivered it (EvSettled)
		}
		p := sim.PlanDecode(q.req.ResponseType, q.req.DataType, q.contentType)
		r.g.OK(id, sim.OK(sim.APIRequest), p.Raw, p.Charset, p.ParseJSON)
	case sim.APIUploadFile:
		r.g.OKUpload(id, sim.OK(sim.APIUploadFile)) // data is always the body as a string (spec §5.1)
	case sim.APIDownloadFile:
		r.finishDownload(id, q)
	}
}

// finishDownload registers the downloaded body as a temp file, or at its save path
// (spec §5.2); a save path that cannot be written fails and keeps no file.
func (r *Runtime) finishDownload(id int, q *task) {
	size := r.g.TaskSize(id)
	key, path, save := "tempFilePath", "", q.xfer.SavePath
	var err error
	if save != "" {
		key = "filePath"
		path, err = r.fs.Write(sim.APIDownloadFile, save, size, false)
	} else {
		path, err = r.fs.AddTemp(size, r.fs.NewTempPath(q.xfer.URLPath, q.contentType))
	}
	if err != nil {
		r.fail(id, sim.Fail{API: sim.APIDownloadFile, Reason: asReason(err)})
		return
	}
	var changes []any
	if save != "" {
		changes = r.changes() // a user file: success once it is stored
	}
	r.g.OKDownload(id, key, path, sim.OK(sim.APIDownloadFile), changes)
}

// transferOptions reads uploadFile/downloadFile options in one call (jsbridge.ReadTransfer).
func (r *Runtime) transferOptions(id int, o js.Value) sim.TransferOptions {
	f := r.g.ReadTransfer(id, o)
	return sim.TransferOptions{
		URL:        urlRead(f.URLType, f.URL, f.Parsed, f.ParsedOK),
		HeaderType: f.HeaderType, Header: r.headerReader(func() js.Value { return o }), Timeout: timeout(f.Timeout),
		FilePathType: f.FilePathType, FilePath: f.FilePath,
		NameType: f.NameType, Name: f.Name, FormDataType: f.FormDataType,
	}
}

// uploadFile handles wx.uploadFile (spec §5.1).
func (r *Runtime) uploadFile(id int, o js.Value) {
	p, refused := sim.PlanUpload(&r.cfg, r.fs, r.transferOptions(id, o))
	r.submitTransfer(id, p, refused, "POST", float64(p.Size))
}

// downloadFile handles wx.downloadFile (spec §5.2).
func (r *Runtime) downloadFile(id int, o js.Value) {
	p, refused := sim.PlanDownload(&r.cfg, r.transferOptions(id, o))
	r.submitTransfer(id, p, refused, "GET", 0)
}

func (r *Runtime) submitTransfer(id int, p sim.TransferPlan, refused *sim.Refusal, method string, size float64) {
	if refused != nil {
		r.created(id, p.URL, method, nil, r.cfg.Transport(), -1)
		r.refuse(id, refused)
		return
	}
	if r.mocked(id, p.API, p.URL, method) {
		p.Transport = sim.TransportMock
	}
	r.created(id, p.URL, method, p.Headers, p.Transport, size)
	r.reqs[id] = &task{api: p.API, xfer: p}
	r.do(r.sched.SubmitVia(sim.TaskID(id), p.API, p.Timeout, p.Transport))
}
