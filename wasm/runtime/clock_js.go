//go:build js && wasm

package runtime

import (
	"math"
	"syscall/js"
)

// The wx clock (§C5): the runtime's time rules (§8.2 time-outs, socket handshake
// time-outs and close grace, the §8.3 grace, and every time the observers see) run on
// one clock, the glue's; these put it on a virtual clock that moves only with Tick. The
// page's own setTimeout and Date are not touched.

// InstallClock puts the runtime on a virtual clock reading now (ms since the epoch).
// Pending timers move over with the time they have left. now must be finite.
func (r *Runtime) InstallClock(now float64) error {
	if math.IsNaN(now) || math.IsInf(now, 0) {
		return &ArgError{"wxsim.clock.install: options.now should be a finite number of ms since the epoch"}
	}
	r.g.ClockInstall(now)
	return nil
}

// Tick moves the virtual clock by ms (finite, ≥ 0) and returns a promise that resolves
// once every timer due by then has fired and the callbacks it caused have run.
func (r *Runtime) Tick(ms float64) (js.Value, error) {
	if math.IsNaN(ms) || math.IsInf(ms, 0) || ms < 0 {
		return js.Undefined(), &ArgError{"wxsim.clock.tick: ms should be a finite number ≥ 0"}
	}
	if !r.g.ClockInstalled() {
		return js.Undefined(), &StateError{"wxsim.clock.tick: the clock is not installed; call wxsim.clock.install() first"}
	}
	return r.g.ClockTick(ms), nil
}

// ClockNow is the wx clock's reading in ms since the epoch: virtual once installed, else
// real.
func (r *Runtime) ClockNow() float64 { return r.g.ClockNow() }

// UninstallClock goes back to real time; pending timers keep their remaining virtual
// delay, now in real time.
func (r *Runtime) UninstallClock() { r.g.ClockUninstall() }

// ArgError is a bad argument to a wxsim call: the loader throws it as a TypeError (or
// rejects with one), and nothing changed.
type ArgError struct{ Msg string }

func (e *ArgError) Error() string { return e.Msg }

// StateError is a wxsim call that cannot be made now (an Error, not a TypeError).
type StateError struct{ Msg string }

func (e *StateError) Error() string { return e.Msg }
