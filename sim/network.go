package sim

import (
	"math"
	"strings"
)

// The network condition (spec §8.4, control surface §C3): what wx.getNetworkType
// reports and wx.onNetworkStatusChange announces, whether there is a network at all
// ("none": the plans refuse new transfers and sockets, the runtime fails running ones),
// and the latency and rates the transport adds. It is state the plans read through
// Config.Network, set by wxsim.setNetwork / Runtime.SetNetwork, kept across
// reconfigurations.

// Network types (wx.getNetworkType's networkType).
const (
	NetworkWifi    = "wifi"
	NetworkNone    = "none"
	NetworkUnknown = "unknown"
)

// NetworkTypes are the accepted types, in the order messages list them.
var NetworkTypes = []string{NetworkWifi, "2g", "3g", "4g", "5g", NetworkUnknown, NetworkNone}

// Network is one network condition. 0 means no limit for the three numbers; a
// zero Type is the default, wifi.
type Network struct {
	Type      string  // one of NetworkTypes
	LatencyMS float64 // added before each response's headers and each socket's open
	DownKbps  float64 // the rate the mini-program receives at (1 kbps = 1000 bit/s)
	UpKbps    float64 // the rate it sends at
}

// DefaultNetwork is {type: "wifi", latencyMs: 0, downKbps: 0, upKbps: 0}.
func DefaultNetwork() Network { return Network{Type: NetworkWifi} }

// Connected reports whether the network is up (isConnected of onNetworkStatusChange):
// every type but "none".
func (n Network) Connected() bool { return n.Type != NetworkNone }

// Limited reports whether the condition changes the transport's timing at all.
func (n Network) Limited() bool { return n.LatencyMS > 0 || n.DownKbps > 0 || n.UpKbps > 0 }

// NetworkArgError is a bad setNetwork argument, naming the field.
type NetworkArgError struct {
	Field, Msg string
}

func (e *NetworkArgError) Error() string {
	return "wxsim.setNetwork: options." + e.Field + " " + e.Msg
}

// networkFields are setNetwork's fields, in the order messages list them.
var networkFields = []string{"type", "latencyMs", "downKbps", "upKbps"}

var errNetworkType = &NetworkArgError{"type", "should be one of " + strings.Join(NetworkTypes, " ")}

// Validate checks n (a Go caller's condition) and returns it with a zero Type made
// the default.
func (n Network) Validate() (Network, error) {
	if n.Type == "" {
		n.Type = NetworkWifi
	}
	if !contains(NetworkTypes, n.Type) {
		return n, errNetworkType
	}
	for i, v := range []float64{n.LatencyMS, n.DownKbps, n.UpKbps} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return n, &NetworkArgError{networkFields[i+1], "should be a finite number ≥ 0 (0: no limit), got " + show(v)}
		}
	}
	return n, nil
}

// JSType stands for a JS value of another type than string, number and boolean in
// ParseNetwork's input: its type tag ("Null", "Object", "Function", …).
type JSType string

// ParseNetwork reads wxsim.setNetwork's options: raw holds each own field of the
// options object as a string, a float64, a bool or a JSType; a field that is absent
// (or undefined) takes its default. nil is setNetwork() with no options: the default.
// Unknown fields are refused, so that a typo does not silently keep the default.
func ParseNetwork(raw map[string]any) (Network, error) {
	n := DefaultNetwork()
	for _, k := range sortedKeys(raw) {
		if !contains(networkFields, k) {
			return n, &NetworkArgError{k, "is not a known field (" + strings.Join(networkFields, ", ") + ")"}
		}
	}
	if v, ok := raw["type"]; ok {
		s, ok := v.(string)
		if !ok {
			return n, &NetworkArgError{"type", errNetworkType.Msg + ", got " + jsTypeName(v)}
		}
		n.Type = s
		if s == "" {
			return n, errNetworkType
		}
	}
	nums := []*float64{&n.LatencyMS, &n.DownKbps, &n.UpKbps}
	for i, k := range networkFields[1:] {
		v, ok := raw[k]
		if !ok {
			continue
		}
		f, ok := v.(float64)
		if !ok {
			return n, &NetworkArgError{k, "should be a finite number ≥ 0 (0: no limit), got " + jsTypeName(v)}
		}
		*nums[i] = f
	}
	return n.Validate()
}

// Export is n as wxsim.network() returns it.
func (n Network) Export() map[string]any {
	return map[string]any{"type": n.Type, "latencyMs": n.LatencyMS, "downKbps": n.DownKbps, "upKbps": n.UpKbps}
}

// StatusChange is the payload of wx.onNetworkStatusChange for n.
func (n Network) StatusChange() map[string]any {
	return map[string]any{"isConnected": n.Connected(), "networkType": n.Type}
}

// jsTypeName is the JS type tag of a ParseNetwork value.
func jsTypeName(v any) string {
	switch x := v.(type) {
	case string:
		return "String"
	case float64:
		return "Number"
	case bool:
		return "Boolean"
	case JSType:
		return string(x)
	case nil:
		return "Null"
	}
	return "Object"
}

// checkNetwork is the plans' network step (§C3): under type "none" a call that passed
// every check of its own (§1.5 arguments, §3 policy) fails without traffic.
func (c *Config) checkNetwork(api string) *Refusal {
	if c.Network.Connected() {
		return nil
	}
	return refuse(api, ErrNetworkUnavail)
}
