package wasmpack

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// module puts sections (id, body) after the header.
func module(secs ...[]byte) []byte {
	m := []byte("\x00asm\x01\x00\x00\x00")
	for _, s := range secs {
		m = append(m, s[0])
		m = appendULEB(m, uint64(len(s)-1))
		m = append(m, s[1:]...)
	}
	return m
}

func sec(id byte, body ...byte) []byte { return append([]byte{id}, body...) }

func dataSec(segs ...Segment) []byte { return sec(secData, encodeData(segs)...) }

// typeSec is an unrelated section Pack must copy as it is.
var typeSec = sec(1, 1, 0x60, 0, 0)

func seg(off uint32, data string) Segment { return Segment{off, []byte(data)} }

func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []Segment
		gap  int
		want []Segment
	}{
		{"adjacent", []Segment{seg(10, "ab"), seg(12, "cd")}, 0, []Segment{seg(10, "abcd")}},
		{"gap at the limit joins", []Segment{seg(10, "ab"), seg(16, "cd")}, 4, []Segment{seg(10, "ab\x00\x00\x00\x00cd")}},
		{"gap past the limit stays", []Segment{seg(10, "ab"), seg(17, "cd")}, 4, []Segment{seg(10, "ab"), seg(17, "cd")}},
		{"sorted first", []Segment{seg(20, "x"), seg(10, "ab"), seg(12, "c")}, 8, []Segment{seg(10, "abc\x00\x00\x00\x00\x00\x00\x00x")}},
		{"empty segments go", []Segment{seg(5, ""), seg(10, "a")}, 0, []Segment{seg(10, "a")}},
		{"negative gap is no gap", []Segment{seg(1, "a"), seg(3, "b")}, -5, []Segment{seg(1, "a"), seg(3, "b")}},
		{"high addresses", []Segment{seg(0xfffffffe, "a"), seg(0xffffffff, "b")}, 0, []Segment{seg(0xfffffffe, "ab")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Merge(tc.in, tc.gap)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := Merge([]Segment{seg(10, "abc"), seg(12, "d")}, 64)
	assert.ErrorContains(t, err, "overlap")
}

func TestPackKeepsTheMemoryAndTheRest(t *testing.T) {
	code := sec(10, 1, 2, 0, 0x0b) // one function: no locals, end
	in := module(typeSec, sec(3, 1, 0), dataSec(seg(0x2000, "late"), seg(0x1000, "a"), seg(0x1003, "bc"), seg(0x1100, "far")), code)
	out, st, err := Pack(in, 8)
	require.NoError(t, err)
	assert.Equal(t, Stats{Before: 4, After: 3}, st)
	a, err := Image(in)
	require.NoError(t, err)
	b, err := Image(out)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, uint32(0x1000), b.Base)
	assert.Equal(t, module(typeSec, sec(3, 1, 0), dataSec(seg(0x1000, "a\x00\x00bc"), seg(0x1100, "far"), seg(0x2000, "late")), code), out)
}

// importSec imports, from module "m", one function (type 0), one table, one global and,
// with mem, one memory.
func importSec(mem bool) []byte {
	b := []byte{2, 3, 1, 'm', 1, 'f', 0, 0, 1, 'm', 1, 't', 1, 0x70, 1, 1, 5, 1, 'm', 1, 'g', 3, 0x7f, 0}
	if mem {
		b[1] = 4
		b = append(b, 1, 'm', 1, 'x', 2, 0, 1)
	}
	return b
}

func TestPackImports(t *testing.T) {
	in := module(typeSec, importSec(false), dataSec(seg(0, "a"), seg(1, "b")))
	out, st, err := Pack(in, 0)
	require.NoError(t, err, "functions, tables and globals may be imported")
	assert.Equal(t, Stats{Before: 2, After: 1}, st)
	assert.Equal(t, module(typeSec, importSec(false), dataSec(seg(0, "ab"))), out)
}

func TestPackWithoutData(t *testing.T) {
	in := module(typeSec)
	out, st, err := Pack(in, DefaultGap)
	require.NoError(t, err)
	assert.Equal(t, in, out)
	assert.Equal(t, Stats{}, st)
}

func TestPackRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		mod        []byte
	}{
		{"empty", "not a WebAssembly module", nil},
		{"not wasm", "not a WebAssembly module", []byte("\x7fELF\x02\x01\x01\x00")},
		{"version 2", "not a WebAssembly module", []byte("\x00asm\x02\x00\x00\x00")},
		{"section past the end", "truncated", append(module(), 1, 5, 0)},
		{"section size without end", "truncated", append(module(), 1, 0x80)},
		{"passive segment", "passive", module(sec(secData, 1, 1, 1, 'a'))},
		{"another memory", "passive or of another memory", module(sec(secData, 1, 2, 1, 0x41, 0, 0x0b, 1, 'a'))},
		{"offset from a global", "not an i32.const", module(sec(secData, 1, 0, 0x23, 0, 0x0b, 1, 'a'))},
		{"longer offset expression", "longer than one i32.const", module(sec(secData, 1, 0, 0x41, 0, 0x41, 0, 0x6a, 0x0b, 1, 'a'))},
		{"segment past the section", "truncated", module(sec(secData, 1, 0, 0x41, 0, 0x0b, 5, 'a'))},
		{"more segments than bytes", "truncated", module(sec(secData, 9, 0))},
		{"bytes after the segments", "after the last", module(sec(secData, 1, 0, 0x41, 0, 0x0b, 1, 'a', 'z'))},
		{"offset too long", "too long", module(sec(secData, 1, 0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x0b, 0))},
		{"offset out of range", "out of range", module(sec(secData, 1, 0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x40, 0x0b, 0))},
		{"overlap", "overlap", module(dataSec(seg(0, "abc"), seg(1, "x")))},
		{"empty segment", "is empty", module(sec(secData, 1, 0, 0x41, 0, 0x0b, 0))},
		{"imported memory", "imports its memory", module(typeSec, importSec(true), dataSec(seg(0, "a")))},
		{"import of a kind it does not read", "of kind 4", module(sec(2, 1, 1, 'm', 1, 'e', 4, 0, 0))},
		{"import section truncated", "truncated", module(sec(2, 1, 1, 'm', 5, 'e'))},
		{"data count", "data count", module(typeSec, sec(secDataCount, 1), dataSec(seg(0, "a")))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Pack(tc.mod, DefaultGap)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "wasmpack: "), err.Error())
			assert.Nil(t, out)
		})
	}
}

func TestLEB(t *testing.T) {
	for _, v := range []int32{0, 1, 63, 64, -1, -64, -65, 1 << 20, 1<<31 - 1, -1 << 31} {
		b := appendSLEB(nil, int64(v))
		got, n, err := readSLEB32(b, 0)
		require.NoError(t, err)
		assert.Equal(t, v, got)
		assert.Equal(t, len(b), n)
	}
	for _, v := range []uint64{0, 127, 128, 1<<32 - 1} {
		b := appendULEB(nil, v)
		got, n, err := readULEB(b, 0, 32)
		require.NoError(t, err)
		assert.Equal(t, v, got)
		assert.Equal(t, len(b), n)
	}
	_, _, err := readULEB(appendULEB(nil, 1<<32), 0, 32)
	assert.Error(t, err)
}

func FuzzPack(f *testing.F) {
	f.Add(module(typeSec, dataSec(seg(8, "ab"), seg(4, "c"), seg(100, "d"))), 4)
	f.Add(module(importSec(true), dataSec(seg(0, "x"))), 0)
	f.Add(module(importSec(false), dataSec(seg(0, "x"), seg(3, "y"))), 2)
	f.Fuzz(func(t *testing.T, mod []byte, gap int) {
		out, _, err := Pack(mod, gap%200)
		if err != nil {
			return
		}
		a, errA := Image(mod)
		b, errB := Image(out)
		if errA != nil || errB != nil || a.Base != b.Base || !bytes.Equal(a.Mem, b.Mem) {
			t.Fatalf("the packed image differs")
		}
	})
}
