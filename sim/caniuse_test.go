package sim_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/wxsim/wxsim/sim"
)

// wx.canIUse answers for what wxsim implements: APIs, their options, returns, results,
// classes and option values; anything else is false.
func TestCanIUse(t *testing.T) {
	for _, s := range []string{"request", "request.object.enableChunked", "request.object.success", "request.return.onChunkReceived",
		"request.success.cookies", "connectSocket.object.protocols", "SocketTask.onMessage", "uploadFile.return.onProgressUpdate",
		"getFileSystemManager", "FileSystemManager.readdirSync", "request.object.method.TRACE", "onNetworkStatusChange", "env.USER_DATA_PATH"} {
		assert.True(t, sim.CanIUse(s), s)
	}
	for _, s := range []string{"", "showToast", "request.object.nope", "request.return.cancel", "SocketTask.ping",
		"request.object.method.PATCH", "FileSystemManager.readFileSync", "getStorageSync", "request.object"} {
		assert.False(t, sim.CanIUse(s), s)
	}
	for _, s := range sim.CanIUseSchemas() { // the glue gets them one per line
		assert.NotContains(t, s, "\n")
		assert.NotEmpty(t, s)
	}
}
