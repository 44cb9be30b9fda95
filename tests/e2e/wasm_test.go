package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestWasmPackages runs the js/wasm unit tests of jsbridge and wasm/runtime in headless
// Chromium (wasmbrowsertest), with the fixture reachable as https://api.example.test:
// the host mapping reaches Chromium through the headless_shell wrapper that build.sh
// puts first on PATH (WXSIM_HOST_RULES), the URL through the environment.
func TestWasmPackages(t *testing.T) {
	execPath := os.Getenv("WXSIM_WASM_EXEC")
	if execPath == "" {
		t.Skip("WXSIM_WASM_EXEC not set: run through ./build.sh test")
	}
	// -p 1: one headless Chromium at a time (two starting together occasionally crashed)
	cmd := exec.Command("go", "test", "-p", "1", "-count=1", "-exec", execPath, "./jsbridge/...", "./wasm/...")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm",
		"WXSIM_FIXTURE="+api,
		"WXSIM_HOST_RULES="+fx.HostRules(testHosts...))
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "chrome failed to start") {
		// the browser itself did not come up (seen once from a clean clone): that is not a
		// test result, so run once more; a second failure fails the test
		t.Logf("Chromium failed to start; retrying once:\n%s", out)
		retry := exec.Command(cmd.Args[0], cmd.Args[1:]...)
		retry.Dir, retry.Env = cmd.Dir, cmd.Env
		out, err = retry.CombinedOutput()
	}
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("wasm tests failed: %v", err)
	}
}
