package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spec §6.5: five at once; the sixth fails; a close frees a slot.
func TestSocketLimit(t *testing.T) {
	s := NewSockets()
	s.SDK = Version{2, 0, 0}
	for i := TaskID(1); i <= 5; i++ {
		effs, err := s.Connect(i, 60*Second)
		require.NoError(t, err)
		assert.Equal(t, []SocketEffect{{Kind: SocketBind, ID: i}, {Kind: SocketOpen, ID: i, After: 60 * Second}}, effs)
	}
	_, err := s.Connect(6, 60*Second)
	assert.Equal(t, ErrExceed, err)
	assert.Equal(t, "connectSocket:fail exceed max task count", Fail{APIConnectSocket, err.(Reason)}.ErrMsg())
	latest, _ := s.Latest()
	assert.Equal(t, TaskID(5), latest, "a refused socket does not take the global binding")
	s.Closed(2)
	_, err = s.Connect(7, 60*Second)
	assert.NoError(t, err)
	assert.Equal(t, 5, s.Live())
}

// spec §6.6: below 1.7.0 a new socket closes the old one.
func TestSocketSingleMode(t *testing.T) {
	s := NewSockets()
	s.SDK = Version{1, 6, 9}
	_, _ = s.Connect(1, Second)
	effs, err := s.Connect(2, Second)
	require.NoError(t, err)
	assert.Equal(t, SocketEffect{Kind: SocketClose, ID: 1, Code: 1000}, effs[0])
	latest, _ := s.Latest()
	assert.Equal(t, TaskID(2), latest)
	for i := TaskID(3); i < 10; i++ { // never "exceed" in single mode
		_, err := s.Connect(i, Second)
		assert.NoError(t, err)
	}
}

// spec §6.5 / §8.3: handshake time-out only while connecting; interrupt fails all.
func TestSocketTimeoutAndInterrupt(t *testing.T) {
	s := NewSockets()
	s.SDK = Version{3, 0, 0}
	_, _ = s.Connect(1, Second)
	_, _ = s.Connect(2, Second)
	s.Opened(2)
	assert.Equal(t, []SocketEffect{{Kind: SocketFail, ID: 1, Fail: Fail{APIConnectSocket, ErrTimeout}}}, s.Timer(1))
	assert.Nil(t, s.Timer(2), "an open socket does not time out")
	effs := s.Interrupt()
	require.Len(t, effs, 2)
	assert.Equal(t, "connectSocket:fail interrupted", effs[1].Fail.ErrMsg())
	s.Closed(1)
	s.Closed(2)
	assert.Zero(t, s.Live())
	assert.Nil(t, s.Timer(1))
}

// spec §6.4, §6.5 (wxsim decision): a socket whose close frame the server never answers
// is dropped after CloseGrace with 1006, and its slot is free; a connecting socket has
// no grace (its handshake timer runs), and a second close() does not re-arm it.
func TestCloseGrace(t *testing.T) {
	s := NewSockets()
	s.SDK = Version{3, 0, 0}
	_, _ = s.Connect(1, Second)
	assert.Zero(t, s.Closing(1), "connecting: the browser ends it, the handshake timer runs")
	s.Opened(1)
	assert.Equal(t, CloseGrace, s.Closing(1))
	assert.Zero(t, s.Closing(1), "one grace per socket")
	assert.Equal(t, 1, s.Live(), "a closing socket still counts until it ends")
	assert.Equal(t, []SocketEffect{{Kind: SocketDrop, ID: 1, Code: 1006}}, s.Timer(1))
	assert.Zero(t, s.Live(), "dropped: the slot is free")
	assert.Nil(t, s.Timer(1), "a dropped socket has no more events")
	_, _ = s.Connect(2, Second)
	s.Opened(2)
	s.Closing(2)
	s.Closed(2) // the server answered in time
	assert.Nil(t, s.Timer(2))
	assert.Zero(t, s.Closing(2))
}

// spec §6.4 golden table.
func TestCloseArgs(t *testing.T) {
	ok := []struct {
		typ  string
		code float64
		want int
	}{{"Undefined", 0, 1000}, {"Number", 1000, 1000}, {"Number", 3000, 3000}, {"Number", 4999, 4999}}
	for _, c := range ok {
		got, err := CloseArgs(c.typ, c.code, "")
		assert.NoError(t, err)
		assert.Equal(t, c.want, got)
	}
	for _, code := range []float64{1001, 1006, 2999, 5000, 0, -1, 3000.5} {
		_, err := CloseArgs("Number", code, "")
		require.Error(t, err, "%v", code)
		assert.Contains(t, err.Error(), "invalid code "+formatNumber(code))
	}
	_, err := CloseArgs("String", 0, "")
	assert.Equal(t, "parameter error: parameter.code should be Number instead of String;", err.Error())
	_, err = CloseArgs("Undefined", 0, strings.Repeat("a", 123))
	assert.NoError(t, err, "123 bytes is the edge")
	_, err = CloseArgs("Undefined", 0, strings.Repeat("a", 124))
	assert.EqualError(t, err, "invalid reason: 124 bytes of UTF-8; the reason must be at most 123 bytes")
	_, err = CloseArgs("Undefined", 0, strings.Repeat("中", 41)+"a") // 124 bytes
	assert.Error(t, err)
}

// §C3: type "none" fails every live socket, connecting or open: onError with
// "connectSocket:fail network unavailable", then onClose 1006 (SocketFail).
func TestSocketsFailAll_SpecC3(t *testing.T) {
	s := NewSockets()
	s.SDK = Version{3, 0, 0}
	_, _ = s.Connect(1, Second)
	_, _ = s.Connect(2, Second)
	s.Opened(2)
	assert.Equal(t, []SocketEffect{
		{Kind: SocketFail, ID: 1, Fail: Fail{APIConnectSocket, ErrNetworkUnavail}},
		{Kind: SocketFail, ID: 2, Fail: Fail{APIConnectSocket, ErrNetworkUnavail}},
	}, s.FailAll(ErrNetworkUnavail))
	assert.Equal(t, "connectSocket:fail network unavailable", s.FailAll(ErrNetworkUnavail)[0].Fail.ErrMsg())
	s.Closed(1)
	s.Closed(2)
	assert.Empty(t, s.FailAll(ErrNetworkUnavail))
}
