package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// spec §7.2: readFile/writeFile encodings.
func TestParseEncoding(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Encoding
		name string
	}{
		{"", EncNone, ""},
		{"utf8", EncUTF8, "utf8"},
		{"utf-8", EncUTF8, "utf8"},
		{"UTF-8", EncUTF8, "utf8"},
		{"base64", EncBase64, "base64"},
		{"hex", EncHex, "hex"},
		{"binary", EncLatin1, "latin1"},
		{"latin1", EncLatin1, "latin1"},
		{"ascii", EncASCII, "ascii"},
		{"ucs2", EncUTF16LE, "utf16le"},
		{"ucs-2", EncUTF16LE, "utf16le"},
		{"utf16le", EncUTF16LE, "utf16le"},
		{"utf-16le", EncUTF16LE, "utf16le"},
		{"Utf16LE", EncUTF16LE, "utf16le"},
	} {
		e, ok := ParseEncoding(c.in)
		assert.True(t, ok, c.in)
		assert.Equal(t, c.want, e, c.in)
		assert.Equal(t, c.name, e.String(), c.in)
	}
	// node folds ASCII case only: Buffer.isEncoding("latİn1") is false (found by FuzzParseEncoding)
	for _, bad := range []string{"gbk", "utf16", "utf-16", "base64url", "latin-1", " utf8", "utf8 ", "undefined",
		"lat\u0130n1", "B\u0130NARY", "asc\u0130\u0130"} {
		_, ok := ParseEncoding(bad)
		assert.False(t, ok, bad)
	}
	r := ErrBadEncoding("gbk")
	assert.Equal(t, `readFile:fail unknown encoding: "gbk"`, Fail{APIReadFile, r}.ErrMsg())
	assert.Equal(t, 1300022, r.Errno)
	assert.Equal(t, "", Encoding(99).String())
}
