package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Spec §1.5: each option accepts its JS types and fails the others with WeChat's text.
func TestParamCheck_Spec1_5(t *testing.T) {
	for _, c := range []struct {
		p      Param
		typ    string
		errMsg string // "" when accepted
	}{
		{ParamURL, "String", ""},
		{ParamURL, "Undefined", "parameter error: parameter.url should be String instead of Undefined;"},
		{ParamURL, "Object", "parameter error: parameter.url should be String instead of Object;"},
		{ParamMethod, "Undefined", ""},
		{ParamMethod, "String", ""},
		{ParamMethod, "Null", "parameter error: parameter.method should be String instead of Null;"},
		{ParamHeader, "Undefined", ""},
		{ParamHeader, "Null", ""},
		{ParamHeader, "Object", ""},
		{ParamHeader, "String", "parameter error: parameter.header should be Object instead of String;"},
		{ParamHeader, "Array", "parameter error: parameter.header should be Object instead of Array;"},
		{ParamProtocols, "Undefined", ""},
		{ParamProtocols, "Array", ""},
		{ParamProtocols, "String", ""},
		{ParamProtocols, "Null", "parameter error: parameter.protocols should be Array instead of Null;"},
		{ParamUploadPath, "String", ""},
		{ParamUploadPath, "Undefined", "parameter error: parameter.filePath should be String instead of Undefined;"},
		{ParamName, "Number", "parameter error: parameter.name should be String instead of Number;"},
		{ParamFormData, "Null", ""},
		{ParamFormData, "Array", "parameter error: parameter.formData should be Object instead of Array;"},
		{ParamSavePath, "Undefined", ""},
		{ParamSavePath, "Null", ""},
		{ParamSavePath, "Number", "parameter error: parameter.filePath should be String instead of Number;"},
		{ParamSocketData, "String", ""},
		{ParamSocketData, "ArrayBuffer", ""},
		{ParamSocketData, "Uint8Array", ""},
		{ParamSocketData, "DataView", ""},
		{ParamSocketData, "Float16Array", ""},
		{ParamSocketData, "Blob", "parameter error: parameter.data should be String/ArrayBuffer instead of Blob;"},
		{ParamSocketData, "Undefined", "parameter error: parameter.data should be String/ArrayBuffer instead of Undefined;"},
		{ParamCloseReason, "Undefined", ""},
		{ParamCloseReason, "Number", "parameter error: parameter.reason should be String instead of Number;"},
	} {
		reason, ok := c.p.Check(c.typ)
		assert.Equal(t, c.errMsg == "", ok, "%s %s", c.p.Name, c.typ)
		assert.Equal(t, c.errMsg, reason.Text, "%s %s", c.p.Name, c.typ)
		if !ok {
			assert.Equal(t, 1, reason.Errno)
		}
	}
}

// Spec §1.5: a call fails on its first bad option, in the order the API checks them.
func TestCheckArgsFirstBad_Spec1_5(t *testing.T) {
	_, ok := CheckArgs(ParamURL.Of("String"), ParamProtocols.Of("Array"), ParamHeader.Of("Object"))
	assert.True(t, ok)
	reason, ok := CheckArgs(ParamURL.Of("String"), ParamProtocols.Of("Number"), ParamHeader.Of("String"))
	assert.False(t, ok)
	assert.Equal(t, "parameter error: parameter.protocols should be Array instead of Number;", reason.Text)
	_, ok = CheckArgs()
	assert.True(t, ok)
}
