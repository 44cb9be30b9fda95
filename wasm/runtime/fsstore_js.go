//go:build js && wasm

package runtime

import (
	"math"
	"syscall/js"

	"github.com/wxsim/wxsim/sim"
)

// The IndexedDB side of the file index (spec §7.4): the changes the glue stores after a
// call, and the index rebuilt from what it loaded.

// changes are the usr and store paths changed since the last call, as plain values for
// the glue's Persist: {path, size, isDir, ctime, mtime} to store, {path, gone: true} to
// delete.
func (r *Runtime) changes() []any {
	cs := r.fs.TakeChanges()
	out := make([]any, len(cs))
	for i, c := range cs {
		if c.Removed {
			out[i] = map[string]any{"path": c.Path, "gone": true}
			continue
		}
		out[i] = map[string]any{"path": c.Path, "size": float64(c.Size), "isDir": c.IsDir,
			"ctime": float64(c.CreateTime), "mtime": float64(c.ModTime)}
	}
	return out
}

// loaded rebuilds the index from the persisted records (EvLoaded: the paths' UTF-8 bytes
// one after another, and five float64s per record, see jsbridge.EvLoaded); bytes the
// index does not keep are dropped, and what Load dropped or made is stored at once.
func (r *Runtime) loaded(paths, nums js.Value) {
	pb := make([]byte, paths.Length())
	js.CopyBytesToGo(pb, paths)
	nb := make([]byte, nums.Length())
	js.CopyBytesToGo(nb, nums)
	num := func(i int) float64 {
		b := nb[8*i : 8*i+8]
		return math.Float64frombits(uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56)
	}
	n := len(nb) / 40
	entries := make([]sim.Entry, 0, n)
	off := 0
	for i := 0; i < n; i++ {
		w := int(num(5 * i))
		if w < 0 || off+w > len(pb) {
			break
		}
		entries = append(entries, sim.Entry{Path: string(pb[off : off+w]), Size: int64(num(5*i + 1)), IsDir: num(5*i+2) == 1,
			CreateTime: sim.UnixMS(num(5*i + 3)), ModTime: sim.UnixMS(num(5*i + 4))})
		off += w
	}
	for _, p := range r.fs.Load(entries) {
		r.g.DropFile(p)
	}
	if cs := r.changes(); len(cs) > 0 {
		r.g.Persist(0, cs, nil)
	}
}
