package sim

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// sortStable agrees with slices.SortStableFunc (equal keys keep their order) and
// sortStrings with slices.Sort, at every length around the merge widths.
func TestSortStable(t *testing.T) {
	type kv struct{ k, v int }
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 70; n++ {
		for range 20 {
			s := make([]kv, n)
			strs := make([]string, n)
			for i := range s {
				s[i] = kv{rnd.IntN(5), i}
				strs[i] = string(rune('a' + rnd.IntN(26)))
			}
			want := slices.Clone(s)
			slices.SortStableFunc(want, func(a, b kv) int { return cmp.Compare(a.k, b.k) })
			sortStable(s, func(a, b *kv) bool { return a.k < b.k })
			assert.Equal(t, want, s, n)
			wantStrs := slices.Clone(strs)
			slices.Sort(wantStrs)
			sortStrings(strs)
			assert.Equal(t, wantStrs, strs, n)
		}
	}
	assert.Equal(t, []string{"a", "b", "c"}, sortedKeys(map[string]any{"c": 1, "a": nil, "b": true}))
	assert.Equal(t, []string{}, sortedKeys(nil))
}
