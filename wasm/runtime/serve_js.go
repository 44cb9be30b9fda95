//go:build js && wasm

package runtime

import (
	"syscall/js"

	"wxsim/jsbridge"
)

// Serve answers the wxsim.js loader: it hands globalThis.__wxsimBoot.ready a control
// function ctl(op, arg) and then blocks forever. __wxsimBoot.exports, when set, is the
// instance's exports object (for the fast wxsim_dispatch entry). ops: "start" (install or reconfigure;
// returns an error message, or a promise of "" once saved files are loaded), "hide", "show", "relaunch", "stats", "config".
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
		}
		return nil
	})
	boot := global.Get("__wxsimBoot")
	wasmExports = boot.Get("exports")
	boot.Call("ready", ctl)
	select {}
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
