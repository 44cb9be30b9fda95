package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The glue composes these errMsgs from GlueTexts (spec §1.4, §6, §C1); the golden texts
// are the ones WeChat DevTools shows, and wxsim's own where behaviour.md says so.
func TestGlueTextsCompose(t *testing.T) {
	x := GlueTexts()
	s := func(k string) string { return x[k].(string) }
	assert.Equal(t, OK("sendSocketMessage"), "sendSocketMessage"+s("ok"))
	assert.Equal(t, "request:fail internal error (see console)", APIRequest+s("internal"))
	assert.Equal(t, "writeFile:fail could not store the file: QuotaExceededError", "writeFile"+s("storeFail")+"QuotaExceededError")
	assert.Equal(t, "getFileInfo:fail NotSupportedError", "getFileInfo"+s("fail")+"NotSupportedError")
	assert.Equal(t, 1, x["failErrno"])
	assert.Equal(t, "connectSocket:ok", s("socketOK"))
	assert.Equal(t, "connectSocket:fail", s("socketFail"))
}
