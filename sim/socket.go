package sim

import (
	"strconv"
	"unicode/utf8"
)

// Socket API names (spec §1.1: SocketTask.send reports as sendSocketMessage, close as
// closeSocket).
const (
	APISendSocketMessage = "sendSocketMessage"
	APICloseSocket       = "closeSocket"
)

// MaxSockets is the number of sockets open or connecting at once (spec §6.5).
const MaxSockets = 5

// multiSocketSince is the first base library with more than one socket (spec §6.6).
var multiSocketSince = Version{1, 7, 0}

// MaxCloseReasonBytes is the longest close reason, in UTF-8 bytes (spec §6.4).
const MaxCloseReasonBytes = 123

// CloseGrace is how long a socket that close() closed waits for the server's answer to
// its close frame (spec §6.4, wxsim decision). A peer that never answers (half-open:
// it stopped reading) would otherwise keep the socket, and its place among the five of
// §6.5, until the browser's own closing time-out (about 60 s in Chromium); after
// CloseGrace the socket ends as a dropped one does: onClose with 1006, its slot freed.
const CloseGrace = 3 * Second

// CloseGraceWarning is the console warning of a socket dropped after CloseGrace.
const CloseGraceWarning = "wxsim: the server did not answer the socket's close frame within 3 s: the socket is closed with 1006 and no longer counts against the limit of 5 (§6.4, web/docs/behaviour.md)"

// Socket failure reasons.
var (
	ErrNotConnected = Reason{"WebSocket is not connected", 1} // spec §6.3, §6.7
)

// SocketEffectKind says what the runtime must do with a socket.
type SocketEffectKind int

const (
	SocketOpen  SocketEffectKind = iota + 1 // create the WebSocket of ID; handshake time-out After
	SocketClose                             // close ID normally with Code/Reason (replaced socket, §6.6)
	SocketFail                              // fail ID: onError(Fail) then onClose(1006), and drop it
	SocketBind                              // the global API (§6.7) now acts on ID
	SocketDrop                              // end ID at once: onClose(1006) only, and forget its WebSocket (CloseGrace)
)

// SocketEffect is one instruction from Sockets to the runtime.
type SocketEffect struct {
	Kind   SocketEffectKind
	ID     TaskID
	After  Duration
	Code   int
	Reason string
	Fail   Fail
}

// Sockets holds the socket rules that need state: the limit of five (spec §6.5), the
// single-socket mode of old base libraries (§6.6), the handshake time-out (§6.5), the
// background interruption (§8.3) and which socket the global API is bound to (§6.7).
// A socket counts from Connect until Closed (its close event), whatever its state.
type Sockets struct {
	SDK     Version
	live    []TaskID
	open    map[TaskID]bool
	closing map[TaskID]bool // close() sent a close frame; CloseGrace runs (SocketTimer)
	latest  TaskID
}

// NewSockets returns an empty socket table.
func NewSockets() *Sockets { return &Sockets{open: map[TaskID]bool{}, closing: map[TaskID]bool{}} }

// Connect registers socket id. It either fails (the caller delivers connectSocket:fail and
// creates nothing) or returns the effects to carry out: below 1.7.0 the old socket is
// closed first; the new one becomes the target of the global API and is opened.
func (s *Sockets) Connect(id TaskID, timeout Duration) ([]SocketEffect, error) {
	var effs []SocketEffect
	if s.SDK.Less(multiSocketSince) {
		for _, old := range s.live {
			effs = append(effs, SocketEffect{Kind: SocketClose, ID: old, Code: 1000})
		}
	} else if len(s.live) >= MaxSockets {
		return nil, ErrExceed
	}
	s.live = append(s.live, id)
	s.latest = id
	return append(effs, SocketEffect{Kind: SocketBind, ID: id}, SocketEffect{Kind: SocketOpen, ID: id, After: timeout}), nil
}

// Opened records a completed handshake.
func (s *Sockets) Opened(id TaskID) {
	if s.has(id) {
		s.open[id] = true
	}
}

// Closed records that socket id is closed (its close event fired): its slot is free.
func (s *Sockets) Closed(id TaskID) {
	for i, x := range s.live {
		if x == id {
			s.live = append(s.live[:i], s.live[i+1:]...)
			break
		}
	}
	delete(s.open, id)
	delete(s.closing, id)
}

// Closing records that close() sent open socket id its close frame. It returns how long
// to wait for the server's answer before the socket is dropped (the runtime arms
// SocketTimer(id) for it), or 0 when no wait applies (the socket is not open: the
// browser ends a connecting socket itself, and its handshake timer still runs).
func (s *Sockets) Closing(id TaskID) Duration {
	if !s.open[id] || s.closing[id] {
		return 0
	}
	s.closing[id] = true
	return CloseGrace
}

// Timer is the expiry of socket id's timer (SocketTimer): a socket still connecting
// fails "timeout" (spec §6.5: onError then onClose); a closing one whose server never
// answered is dropped (CloseGrace: onClose 1006, slot freed).
func (s *Sockets) Timer(id TaskID) []SocketEffect {
	switch {
	case !s.has(id):
		return nil
	case s.closing[id]:
		s.Closed(id)
		return []SocketEffect{{Kind: SocketDrop, ID: id, Code: 1006}}
	case s.open[id]:
		return nil
	}
	return []SocketEffect{{Kind: SocketFail, ID: id, Fail: Fail{APIConnectSocket, ErrTimeout}}}
}

// Interrupt fails every live socket "interrupted" (spec §8.3: onError then onClose).
func (s *Sockets) Interrupt() []SocketEffect { return s.FailAll(ErrInterrupted) }

// FailAll fails every live socket, open, connecting or closing, with r: onError with
// "connectSocket:fail <r>", then onClose 1006 (§8.3 with ErrInterrupted, §C3 with
// ErrNetworkUnavail). The runtime frees each slot as it carries the effect out.
func (s *Sockets) FailAll(r Reason) []SocketEffect {
	effs := make([]SocketEffect, 0, len(s.live))
	for _, id := range s.live {
		effs = append(effs, SocketEffect{Kind: SocketFail, ID: id, Fail: Fail{APIConnectSocket, r}})
	}
	return effs
}

// Latest is the socket the global API acts on (spec §6.7), if any was created.
func (s *Sockets) Latest() (TaskID, bool) { return s.latest, s.latest != 0 }

// Live is the number of sockets open or connecting.
func (s *Sockets) Live() int { return len(s.live) }

func (s *Sockets) has(id TaskID) bool {
	for _, x := range s.live {
		if x == id {
			return true
		}
	}
	return false
}

// CloseArgs validates SocketTask.close / wx.closeSocket options (spec §6.4): code defaults
// to 1000 and must be 1000 or 3000–4999; reason at most 123 UTF-8 bytes. hasCode false
// means the option was absent; a present non-number code is a parameter error.
func CloseArgs(codeType string, code float64, reason string) (int, error) {
	c := 1000
	switch codeType {
	case "Undefined":
	case "Number":
		if code != float64(int(code)) || !(code == 1000 || (code >= 3000 && code <= 4999)) {
			return 0, Reason{"invalid code " + formatNumber(code) + ": the code must be 1000 or between 3000 and 4999", 1}
		}
		c = int(code)
	default:
		return 0, ParamError("code", "Number", codeType)
	}
	if n := len(reason); n > MaxCloseReasonBytes {
		return 0, Reason{"invalid reason: " + strconv.Itoa(n) + " bytes of UTF-8; the reason must be at most 123 bytes", 1}
	}
	if !utf8.ValidString(reason) {
		return 0, Reason{"invalid reason: not valid UTF-8", 1}
	}
	return c, nil
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// SocketTimer is the timer id of socket id's handshake (task ids are positive,
// BackgroundTimer is -1).
func SocketTimer(id TaskID) TaskID { return -id - 1 }

// SocketOfTimer is the inverse of SocketTimer; ok is false for other timer ids.
func SocketOfTimer(timer TaskID) (TaskID, bool) { return -timer - 1, timer < BackgroundTimer }

// SocketError is the onError errMsg for a browser error event, which carries no detail.
func SocketError() string {
	return Fail{APIConnectSocket, NetworkError("WebSocket error (the browser transport gives no reason; the close code follows in onClose)")}.ErrMsg()
}
