//go:build js && wasm

package runtime

import (
	"syscall/js"

	"github.com/wxsim/wxsim/jsbridge"
)

// Serve answers the wxsim.js loader: it hands globalThis.__wxsimBoot.ready a control
// function ctl(op, arg) and then blocks forever. __wxsimBoot.exports, when set, is the
// instance's exports object (for the fast wxsim_dispatch entry). ops: "start" (install or
// reconfigure; returns an error message, or a promise of "" once saved files are
// loaded), "hide", "show", "relaunch", "stats", "config", and the §C5 clock:
// "clock.install", "clock.tick", "clock.now", "clock.uninstall", and the §C3 network
// "setNetwork", "network" (a failure answers {wxsimError, kind}, see answer).
func Serve(global js.Value) {
	var rt *Runtime
	ctl, _ := jsbridge.NewFunc("wxsim", func(_ js.Value, args []js.Value) any {
		op := args[0].String()
		if op == "start" {
			return start(global, &rt, args[1])
		}
		if rt == nil {
			return "wxsim is not started"
		}
		switch op {
		case "hide":
			rt.Hide()
		case "show":
			rt.Show()
		case "relaunch":
			rt.Relaunch()
		case "stats":
			return rt.Stats()
		case "config":
			return rt.Config()
		case "clock.install":
			return answer(nil, clockInstall(rt, args[1]))
		case "clock.tick":
			if jsbridge.TypeOf(args[1]) != js.TypeNumber {
				return answer(nil, &ArgError{"wxsim.clock.tick: ms should be a finite number ≥ 0, got " + jsbridge.TypeName(args[1], "ms")})
			}
			p, err := rt.Tick(args[1].Float())
			return answer(p, err)
		case "clock.now":
			return rt.ClockNow()
		case "clock.uninstall":
			rt.UninstallClock()
		case "on", "off":
			if err := netKind(op, args[1]); err != nil {
				return answer(nil, err)
			}
			if op == "off" {
				rt.OffNetwork(args[2])
				return nil
			}
			_, err := rt.OnNetwork(args[2])
			return answer(nil, err)
		case "tasks":
			return rt.Tasks()
		case "har":
			p, err := rt.HAR(args[1])
			return answer(p, err)
		case "mock":
			id, err := rt.Mock(args[1])
			return answer(id, err)
		case "unmock":
			if args[1].Type() != js.TypeString {
				return answer(nil, &ArgError{"wxsim.unmock: id should be a string (what wxsim.mock returned)"})
			}
			return rt.Unmock(args[1].String())
		case "clearMocks":
			rt.ClearMocks()
		case "mocks":
			return rt.Mocks()
		case "setNetwork": // §C3
			return answer(nil, setNetwork(rt, args[1]))
		case "network":
			return rt.Network().Export()
		}
		return nil
	})
	boot := global.Get("__wxsimBoot")
	wasmExports = boot.Get("exports")
	boot.Call("ready", ctl)
	select {}
}

// answer is what ctl returns for a call that may fail: the value, or {wxsimError,
// kind} for the loader to throw ("TypeError" for a bad argument, else "Error").
func answer(v any, err error) any {
	switch e := err.(type) {
	case nil:
		return v
	case *ArgError:
		return map[string]any{"wxsimError": e.Msg, "kind": "TypeError"}
	default:
		return map[string]any{"wxsimError": err.Error(), "kind": "Error"}
	}
}

// clockInstall is wxsim.clock.install(options): options.now defaults to the real time.
func clockInstall(rt *Runtime, o js.Value) error {
	now := js.Global().Get("Date").Call("now").Float()
	switch jsbridge.TypeOf(o) {
	case js.TypeUndefined, js.TypeNull:
	case js.TypeObject:
		v, err := field(o, "now")
		if err != nil {
			return &ArgError{"wxsim.clock.install: options.now cannot be read (" + err.Error() + ")"}
		}
		switch jsbridge.TypeOf(v) {
		case js.TypeUndefined:
		case js.TypeNumber:
			now = v.Float()
		default:
			return &ArgError{"wxsim.clock.install: options.now should be a finite number of ms since the epoch, got " + jsbridge.TypeName(v, "now")}
		}
	default:
		return &ArgError{"wxsim.clock.install: options should be an object, got " + jsbridge.TypeName(o, "options")}
	}
	return rt.InstallClock(now)
}

// netKind checks the event type of wxsim.on/off: "network" is the only one (§C1).
func netKind(op string, v js.Value) error {
	if v.Type() != js.TypeString || v.String() != "network" {
		return &ArgError{"wxsim." + op + `: type should be "network"`}
	}
	return nil
}

// field reads o[name] through the guard; a read that throws is an error, not a panic.
func field(o js.Value, name string) (js.Value, error) {
	return guarded(func() js.Value { return jsbridge.Get(o, name) })
}

func start(global js.Value, rt **Runtime, v js.Value) any {
	var cfg map[string]any
	switch jsbridge.TypeOf(v) {
	case js.TypeUndefined, js.TypeNull:
	case js.TypeObject:
		cfg, _ = jsbridge.ToGo(v).(map[string]any)
	default:
		return "wxsim config should be an object, got " + jsbridge.TypeName(v, "config")
	}
	var err error
	if *rt == nil {
		*rt, err = Install(global, cfg)
	} else {
		err = (*rt).Reconfigure(cfg)
	}
	if err != nil {
		return err.Error()
	}
	return (*rt).Loaded() // resolves with "" once saved files are loaded
}
