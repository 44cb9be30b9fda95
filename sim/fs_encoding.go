package sim

import "strconv"

// The `encoding` option of readFile, writeFile and appendFile (spec §7.2).

// Encoding is a readFile/writeFile/appendFile `encoding`. The JS side does the conversion
// (TextDecoder/TextEncoder, atob/btoa, hex) with node's semantics: ascii decodes bytes with
// the high bit cleared and encodes a string like latin1 (low byte of each UTF-16 unit).
type Encoding int

const (
	EncNone    Encoding = iota // no encoding: readFile returns an ArrayBuffer (writeFile of a string uses utf8)
	EncUTF8                    // utf8, utf-8
	EncBase64                  // base64
	EncHex                     // hex
	EncLatin1                  // latin1, binary
	EncASCII                   // ascii
	EncUTF16LE                 // ucs2, ucs-2, utf16le, utf-16le
)

// encodingNames are the accepted spellings: WeChat's documented list, which is node's
// Buffer encodings minus base64url (wxsim decision: refused, WeChat does not list it).
var encodingNames = map[string]Encoding{
	"":         EncNone,
	"utf8":     EncUTF8,
	"utf-8":    EncUTF8,
	"base64":   EncBase64,
	"hex":      EncHex,
	"latin1":   EncLatin1,
	"binary":   EncLatin1,
	"ascii":    EncASCII,
	"ucs2":     EncUTF16LE,
	"ucs-2":    EncUTF16LE,
	"utf16le":  EncUTF16LE,
	"utf-16le": EncUTF16LE,
}

// ParseEncoding resolves an encoding name, ASCII-case-insensitively as node does ("UTF8"
// is utf8, "latİn1" is unknown). "" is EncNone. Unknown names → false: fail with
// ErrBadEncoding.
func ParseEncoding(s string) (Encoding, bool) {
	e, ok := encodingNames[asciiLower(s)]
	return e, ok
}

// String is the canonical (node) name: "", utf8, base64, hex, latin1, ascii, utf16le.
func (e Encoding) String() string {
	names := [...]string{"", "utf8", "base64", "hex", "latin1", "ascii", "utf16le"}
	if e < 0 || int(e) >= len(names) {
		return ""
	}
	return names[e]
}

// ErrBadEncoding is the failure for an unknown encoding name (wxsim wording, errno 1300022
// "invalid argument"): readFile:fail unknown encoding: "gbk".
func ErrBadEncoding(enc string) Reason {
	return Reason{"unknown encoding: " + strconv.Quote(enc), fsErrno[FSInvalid]}
}
