package sim

import (
	"math"
)

// MaxTimeout is the cap on every network time-out (spec §8.2).
const MaxTimeout = 60 * Second

// validTimeoutMS reports whether ms is a usable time-out in milliseconds: a positive finite
// number. Anything else (0, negative, NaN, ±Inf) counts as not set (spec §8.2).
func validTimeoutMS(ms float64) bool {
	return ms > 0 && !math.IsInf(ms, 0) && !math.IsNaN(ms)
}

// msDuration converts milliseconds to a Duration capped at MaxTimeout, rounded to the
// nearest nanosecond (so a Duration exported in ms, as Config.Export does, converts back
// to itself).
func msDuration(ms float64) Duration {
	if ms >= float64(MaxTimeout/Millisecond) {
		return MaxTimeout
	}
	d := Duration(math.Round(ms * float64(Millisecond)))
	if d <= 0 {
		d = 1 // a sub-nanosecond positive value still means "as soon as possible"
	}
	return d
}

// Timeout resolves the time-out of one call (spec §8.2): the call's own `timeout` when it is
// a number and valid (callValue, isNumber), else networkTimeout for the api from the config,
// else 60 s; capped at 60 s.
func (c *Config) Timeout(api string, callValue float64, isNumber bool) Duration {
	if isNumber && validTimeoutMS(callValue) {
		return msDuration(callValue)
	}
	if ms, ok := c.NetworkTimeout[api]; ok && validTimeoutMS(ms) {
		return msDuration(ms)
	}
	return MaxTimeout
}
