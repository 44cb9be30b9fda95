package sim

// sim sorts with these instead of package slices: every slices.Sort or SortStableFunc
// instantiation links its own pattern-defeating quicksort or symmerge into the wasm
// binary (several KB of gzip each), while these share one merge sort.

// sortStable sorts s by less (a strict order), keeping equal elements in their order.
func sortStable[T any](s []T, less func(a, b *T) bool) {
	if len(s) < 2 {
		return
	}
	order := sortedOrder(len(s), func(i, j int) bool { return less(&s[i], &s[j]) })
	sorted := make([]T, len(s))
	for k, i := range order {
		sorted[k] = s[i]
	}
	copy(s, sorted)
}

// sortStrings sorts s in increasing (byte-wise) order, as slices.Sort does.
func sortStrings(s []string) { sortStable(s, lessString) }

func lessString(a, b *string) bool { return *a < *b }

// sortedOrder returns the indices 0 … n-1 ordered by less(i, j) (i before j), equal ones
// in increasing index order: a bottom-up merge sort, O(n log n).
func sortedOrder(n int, less func(i, j int) bool) []int {
	idx, tmp := make([]int, n), make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	for w := 1; w < n; w *= 2 {
		for lo := 0; lo < n; lo += 2 * w {
			mid, hi := min(lo+w, n), min(lo+2*w, n)
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				if less(idx[j], idx[i]) {
					tmp[k], j = idx[j], j+1
				} else {
					tmp[k], i = idx[i], i+1
				}
				k++
			}
			k += copy(tmp[k:], idx[i:mid])
			copy(tmp[k:], idx[j:hi])
		}
		idx, tmp = tmp, idx
	}
	return idx
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}
