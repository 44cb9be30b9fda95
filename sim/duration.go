package sim

// Duration is a span of time in nanoseconds, like time.Duration: sim keeps its own so
// that the wasm binary links no time package (54 KB of gzip for its formatting and zone
// tables). Convert with time.Duration(d) natively.
type Duration int64

// Units of Duration.
const (
	Millisecond Duration = 1_000_000
	Second               = 1000 * Millisecond
)

// MS is d in milliseconds, as the browser's timers take it.
func (d Duration) MS() float64 { return float64(d) / float64(Millisecond) }
