//go:build js && wasm

package runtime

import (
	"strconv"
	"syscall/js"

	"github.com/wxsim/wxsim/jsbridge"
	"github.com/wxsim/wxsim/sim"
)

// connectSocket handles wx.connectSocket(options) for socket id (spec §6.1, §6.5, §6.6):
// one read of the options, sim's plan, then the socket limit. success means the
// SocketTask was created; policy and argument errors fail and create nothing.
func (r *Runtime) connectSocket(id int, o js.Value) {
	const api = sim.APIConnectSocket
	f := r.g.ReadSocket(id, o)
	p, refused := sim.PlanSocket(&r.cfg, sim.SocketOptions{
		URL:           urlRead(f.URLType, f.URL, f.Parsed, f.ParsedOK),
		ProtocolsType: f.ProtocolsType, HeaderType: f.HeaderType, Header: r.headerReader(func() js.Value { return o }),
		HeaderSet: f.HeaderSet, Timeout: timeout(f.Timeout),
	}, r.sched.Interrupted())
	if refused != nil {
		r.created(id, f.URL, "GET", nil, r.cfg.Transport(), -1)
		r.refuse(id, refused)
		return
	}
	if r.mocked(id, api, p.URL, "GET") {
		p.Transport = sim.TransportMock
	}
	r.created(id, p.URL, "GET", p.Headers, p.Transport, 0)
	effs, err := r.socks.Connect(sim.TaskID(id), p.Timeout)
	if err != nil {
		r.fail(id, sim.Fail{API: api, Reason: asReason(err)})
		return
	}
	if p.HeaderWarning && !r.headerWarned {
		r.headerWarned = true
		r.g.Warn(sim.CannotSendHeaders)
	}
	for _, e := range effs {
		if e.Kind == sim.SocketOpen {
			if err := r.g.SocketOpen(id, int(p.Transport), int(sim.SocketTimer(sim.TaskID(id))), p.URL, p.Headers, ms(e.After)); err != nil {
				r.socks.Closed(e.ID)
				r.fail(id, sim.Fail{API: api, Reason: sim.NetworkError(err.Error())})
				return
			}
			continue
		}
		r.doSocket(e)
	}
	r.g.OKWith(id, map[string]any{"errMsg": sim.OK(api)})
}

// doSocket carries out one socket effect.
func (r *Runtime) doSocket(e sim.SocketEffect) {
	id := int(e.ID)
	switch e.Kind {
	case sim.SocketBind:
		r.g.SocketBind(id)
	case sim.SocketClose:
		_ = r.g.SocketClose(id, e.Code, e.Reason) // a socket already closing needs nothing more
	case sim.SocketFail:
		r.socks.Closed(e.ID)
		r.g.SocketFail(id, e.Fail.ErrMsg(), e.Fail.Reason.Text)
	case sim.SocketDrop:
		r.g.SocketDrop(id, e.Code, sim.CloseGraceWarning)
	}
}

// socketEvent handles the glue's socket events.
func (r *Runtime) socketEvent(ev, id int, a, b js.Value) bool {
	switch ev {
	case jsbridge.EvSocketOpen:
		r.socks.Opened(sim.TaskID(id))
	case jsbridge.EvSocketClosed:
		r.socks.Closed(sim.TaskID(id))
	case jsbridge.EvSocketError:
		if a.Type() == js.TypeString { // the relay's reason: kind a, message b
			r.g.SocketError(id, sim.Fail{API: sim.APIConnectSocket, Reason: sim.RelayError(a.String(), b.String())}.ErrMsg())
			return true
		}
		r.g.SocketError(id, sim.SocketError())
	case jsbridge.EvSocketSend:
		reason, ok := sim.ParamSocketData.Check(b.String())
		if ok {
			reason = sim.ErrNotConnected
		}
		r.fail(id, sim.Fail{API: sim.APISendSocketMessage, Reason: reason})
	case jsbridge.EvSocketClose:
		r.closeSocket(id, a.Int(), b)
	default:
		return false
	}
	return true
}

// closeSocket handles SocketTask.close / wx.closeSocket for call id on socket sock
// (spec §6.4): a bad code or reason fails and the socket stays open.
func (r *Runtime) closeSocket(id, sock int, o js.Value) {
	codeType, code, reasonType, reason := r.g.ReadClose(o)
	c, _ := strconv.ParseFloat(code, 64)
	closeCode, refused := sim.PlanClose(sim.CloseOptions{CodeType: codeType, Code: c, ReasonType: reasonType, Reason: reason})
	if refused != nil {
		r.refuse(id, refused)
		return
	}
	fail := func(reason sim.Reason) { r.fail(id, sim.Fail{API: sim.APICloseSocket, Reason: reason}) }
	if sock == 0 || !r.g.SocketLive(sock) {
		fail(sim.ErrNotConnected)
		return
	}
	if err := r.g.SocketClose(sock, closeCode, reason); err != nil {
		fail(sim.Reason{Text: err.Error(), Errno: 1})
		return
	}
	if d := r.socks.Closing(sim.TaskID(sock)); d > 0 {
		r.g.SetTimer(int(sim.SocketTimer(sim.TaskID(sock))), ms(d))
	}
	r.g.OKWith(id, map[string]any{"errMsg": sim.OK(sim.APICloseSocket)})
}
