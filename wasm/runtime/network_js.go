//go:build js && wasm

package runtime

import (
	"errors"
	"syscall/js"

	"github.com/wxsim/wxsim/jsbridge"
	"github.com/wxsim/wxsim/sim"
)

// Network conditions (§C3, spec §8.4): the condition is sim data (sim.Network) the plans
// read through the configuration; SetNetwork also announces a change of type and, for
// type "none", fails what is running.

// SetNetwork states the whole network condition n (a zero Type is wifi, 0 is no limit);
// it is wxsim.setNetwork's twin. A bad n is an *ArgError naming the field and changes
// nothing. A change of type fires the wx.onNetworkStatusChange listeners with
// {isConnected, networkType}; type "none" then fails every unfinished transfer and
// every live socket "network unavailable" (sockets: onError, then onClose 1006), and
// the plans refuse new calls until the type changes.
func (r *Runtime) SetNetwork(n sim.Network) error {
	r.syncSettled()
	n, err := n.Validate()
	if err != nil {
		return &ArgError{err.Error()}
	}
	old := r.cfg.Network
	r.cfg.Network = n
	r.plans.reset()
	r.g.SetNetwork(n.LatencyMS, n.DownKbps, n.UpKbps)
	if n.Type != old.Type {
		r.g.Emit("NetworkStatusChange", n.StatusChange())
	}
	if !n.Connected() {
		r.do(r.sched.FailAll(sim.ErrNetworkUnavail))
		r.doSockets(r.socks.FailAll(sim.ErrNetworkUnavail))
	}
	return nil
}

// Network is the current network condition (wxsim.network()).
func (r *Runtime) Network() sim.Network { return r.cfg.Network }

// setNetwork is wxsim.setNetwork(options): undefined or null is the default condition;
// each own field is read once, through the guard.
func setNetwork(rt *Runtime, o js.Value) error {
	var raw map[string]any
	switch jsbridge.TypeOf(o) {
	case js.TypeUndefined, js.TypeNull:
	case js.TypeObject:
		keys, err := guarded(func() []string { return jsbridge.Keys(o, "options") })
		if err != nil {
			return &ArgError{"wxsim.setNetwork: options cannot be read (" + err.Error() + ")"}
		}
		raw = make(map[string]any, len(keys))
		for _, k := range keys {
			v, err := guarded(func() any { return networkValue(jsbridge.Get(o, k), k) })
			if err != nil {
				return &ArgError{"wxsim.setNetwork: options." + k + " cannot be read (" + err.Error() + ")"}
			}
			if v != nil {
				raw[k] = v
			}
		}
	default:
		return &ArgError{"wxsim.setNetwork: options should be an object, got " + jsbridge.TypeName(o, "options")}
	}
	n, err := sim.ParseNetwork(raw)
	if err != nil {
		return &ArgError{err.Error()}
	}
	return rt.SetNetwork(n)
}

// networkValue is one field of setNetwork's options as sim.ParseNetwork takes it; nil
// for undefined (omitted).
func networkValue(v js.Value, name string) any {
	switch jsbridge.TypeOf(v) {
	case js.TypeUndefined:
		return nil
	case js.TypeString:
		return v.String()
	case js.TypeNumber:
		return v.Float()
	case js.TypeBoolean:
		return v.Bool()
	}
	return sim.JSType(jsbridge.TypeName(v, name))
}

// guarded runs f, which reads user values: a read that throws is an error, not a panic.
func guarded[T any](f func() T) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			u, ok := jsbridge.AsUnreadable(p)
			if !ok {
				panic(p)
			}
			err = errors.New(u.Message)
		}
	}()
	return f(), nil
}
