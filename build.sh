#!/usr/bin/env bash
# wxsim build entry point.
#   ./build.sh         build web/dist (wx.wasm, wasm_exec.js, wxsim.js, glue.js, guard.js)
#   ./build.sh run     build, then serve the simulator on 127.0.0.1:8080 (WXSIM_ADDR or --addr)
#   ./build.sh test    every check and test: gofmt, go vet (native + js/wasm), native tests,
#                      wasm tests in headless Chromium, end-to-end suites
#   ./build.sh bench   benchmarks (print numbers, assert nothing); --relay or --files runs only that one
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export GOFLAGS=${GOFLAGS:--mod=mod}

build() {
	mkdir -p web/dist
	# wxsim_loaderglue: the loader hands wx.wasm the glue (jsbridge/gluesrc.go says why)
	GOOS=js GOARCH=wasm go build -tags wxsim_loaderglue -trimpath -ldflags="-s -w" -o web/dist/wx.wasm ./wasm
	cat jsbridge/glue/[0-9][0-9]_*.js >web/dist/glue.js
	cp jsbridge/guard.js web/dist/guard.js
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" web/dist/wasm_exec.js
	cp web/wxsim.js web/dist/wxsim.js
}

# chromium_path prints the real Chromium binary, installing Debian's package when missing.
chromium_path() {
	for c in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser; do
		if [ -x "$c" ]; then echo "$c"; return; fi
	done
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "build.sh: installing Chromium (apt-get install chromium)" >&2
		(apt-get install -y --no-install-recommends chromium >&2 ||
			{ apt-get update >&2 && apt-get install -y --no-install-recommends chromium >&2; })
		echo /usr/lib/chromium/chromium
		return
	fi
	echo "build.sh: Chromium is needed for the browser tests: install it (Debian: sudo apt-get install chromium) or set WXSIM_CHROMIUM" >&2
	exit 1
}

# browser_env prepares wasmbrowsertest (built for the host) and a headless_shell wrapper
# that adds the flags the tests need (wasmbrowsertest has no option for them).
browser_env() {
	local chrome=${WXSIM_CHROMIUM:-$(chromium_path)}
	mkdir -p .bin
	env -u GOOS -u GOARCH go build -o .bin/go_js_wasm_exec github.com/agnivade/wasmbrowsertest
	cat >.bin/headless_shell <<SH
#!/bin/sh
# wasmbrowsertest starts "headless_shell"; this adds the flags wxsim's tests need.
# WXSIM_HOST_RULES maps test host names to loopback fixtures.
set -- --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --ignore-certificate-errors "\$@"
[ -n "\${WXSIM_HOST_RULES:-}" ] && set -- --host-resolver-rules="\$WXSIM_HOST_RULES" "\$@"
exec "$chrome" "\$@"
SH
	chmod +x .bin/headless_shell
	export PATH="$ROOT/.bin:$PATH"
	export WXSIM_CHROMIUM=$chrome
	export WXSIM_WASM_EXEC="$ROOT/.bin/go_js_wasm_exec"
}

# jslib installs the JavaScript libraries the end-to-end tests load unmodified (mqtt.js,
# axios-miniprogram) and the HAR 1.2 schema validator (har-validator, run with node),
# pinned by tests/jslib/package-lock.json.
jslib() {
	if [ ! -f tests/jslib/node_modules/mqtt/dist/mqtt.min.js ] || [ ! -f tests/jslib/node_modules/axios-miniprogram/dist/axios-miniprogram.esm.js ] ||
		[ ! -f tests/jslib/node_modules/har-validator/package.json ]; then
		command -v npm >/dev/null || { echo "build.sh: npm (Node.js) is needed for the mqtt.js test" >&2; exit 1; }
		(cd tests/jslib && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
	fi
}

checks() {
	local bad
	bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null; find . -name '*.go' -newer go.mod -not -path './.bin/*' 2>/dev/null) | sort -u)
	if [ -n "$bad" ]; then echo "gofmt needed:"; echo "$bad"; exit 1; fi
	go vet ./...
	GOOS=js GOARCH=wasm go vet ./jsbridge/... ./wasm/...
}

case "${1:-build}" in
build)
	build
	echo "built web/dist/ ($(wc -c <web/dist/wx.wasm) bytes wx.wasm)"
	;;
run)
	build
	shift
	exec go run ./sim/cmd/wxsim --web web "$@"
	;;
test)
	build
	checks
	browser_env
	jslib
	echo "== native tests"
	go test -race -count=1 ./sim/... ./jsbridge ./tests/fixture/... ./tests/mqttfixture/... ./wasm
	echo "== wasm tests in headless Chromium (jsbridge, wasm/runtime; driven by tests/e2e for the fixture)"
	go test -count=1 -timeout 5m -run '^TestWasmPackages$' ./tests/e2e/
	echo "== an outside module using wxsim through a replace (tests/example), under wasmbrowsertest"
	(cd tests/example && GOOS=js GOARCH=wasm go vet ./... && GOOS=js GOARCH=wasm go test -count=1 -exec "$WXSIM_WASM_EXEC" ./...)
	echo "== end-to-end tests in headless Chromium"
	go test -count=1 -timeout 10m -skip '^TestWasmPackages$' ./tests/...
	echo "all tests passed"
	;;
bench)
	build
	browser_env
	go run ./tests/bench "${@:2}"
	;;
*)
	echo "usage: $0 [build|run|test|bench]" >&2
	exit 2
	;;
esac
