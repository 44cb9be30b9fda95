//go:build js && wasm

package runtime

import (
	"strconv"
	"syscall/js"

	"wxsim/jsbridge"
	"wxsim/sim"
)

// connectSocket handles wx.connectSocket(options) for socket id (spec §6.1, §6.5, §6.6).
// success means the SocketTask was created; policy and argument errors fail and create
// nothing.
func (r *Runtime) connectSocket(id int, o js.Value) {
	const api = sim.APIConnectSocket
	fail := func(reason sim.Reason) { r.fail(id, sim.Fail{API: api, Reason: reason}) }
	f := r.g.ReadSocket(id, o)
	if reason, ok := sim.CheckArgs(sim.ParamURL.Of(f.URLType), sim.ParamProtocols.Of(f.ProtocolsType), sim.ParamHeader.Of(f.HeaderType)); !ok {
		fail(reason)
		return
	}
	if err := r.checkParsed(api, f.URL, f.Parsed, f.ParsedOK); err != nil {
		fail(asReason(err))
		return
	}
	var headers []string // sent on the upstream handshake by the relay (spec §6.1, §9)
	if r.cfg.Relay != "" {
		h, _, _, err := r.headers(o, f.HeaderType)
		if err != nil {
			fail(asReason(err))
			return
		}
		headers = h
	}
	if r.sched.Interrupted() {
		fail(sim.ErrInterrupted)
		return
	}
	tv, terr := strconv.ParseFloat(f.Timeout, 64)
	effs, err := r.socks.Connect(sim.TaskID(id), r.cfg.Timeout(api, tv, terr == nil))
	if err != nil {
		fail(asReason(err))
		return
	}
	if f.HeaderSet && r.cfg.Relay == "" && !r.headerWarned {
		r.headerWarned = true
		r.g.Warn("wxsim: connectSocket header cannot be sent by the browser's WebSocket; start wxsim with a relay to send it (see README)")
	}
	for _, e := range effs {
		if e.Kind == sim.SocketOpen {
			if err := r.g.SocketOpen(id, int(sim.SocketTimer(sim.TaskID(id))), f.URL, headers, ms(e.After)); err != nil {
				r.socks.Closed(e.ID)
				fail(sim.NetworkError(err.Error()))
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
	fail := func(reason sim.Reason) { r.fail(id, sim.Fail{API: sim.APICloseSocket, Reason: reason}) }
	codeType, code, reasonType, reason := r.g.ReadClose(o)
	if bad, ok := sim.ParamCloseReason.Check(reasonType); !ok {
		fail(bad)
		return
	}
	c, _ := strconv.ParseFloat(code, 64)
	closeCode, err := sim.CloseArgs(codeType, c, reason)
	if err != nil {
		fail(asReason(err))
		return
	}
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
