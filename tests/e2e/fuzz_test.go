package e2e

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var (
	fuzzCalls = flag.Int("wxfuzz.n", 2000, "number of random wx calls TestFuzzWX makes (10000 and more for a long run)")
	fuzzSeed  = flag.Uint64("wxfuzz.seed", 0, "seed of TestFuzzWX (0: one from the clock, printed)")
)

// fuzzReport is what testdata/fuzz.js returns: each list holds the calls (index and
// description) that broke a rule.
type fuzzReport struct {
	Seed        uint64             `json:"seed"`
	Calls       int                `json:"calls"`
	Throws      []string           `json:"throws"`
	WrongThrows []string           `json:"wrongThrows"`
	Hangs       []string           `json:"hangs"`
	Duplicates  []string           `json:"duplicates"`
	Leaks       []string           `json:"leaks"`
	Final       *string            `json:"final"`
	Stats       map[string]float64 `json:"stats"`
}

// spec §1.2, §1.3, §1.5, §6, §7: seeded random and adversarial calls of every wx API,
// SocketTask and FileSystemManager method. No call throws (…Sync twins throw only their
// errMsg), each settles exactly once (one of success/fail, then complete), nothing
// hangs, and after each call running, queued, jsTasks, timers, sockets and
// liveCallbacks are back to idle; a count that stays up names the call that left it.
// Reproduce a failure with -wxfuzz.seed=N; run longer with -wxfuzz.n=10000.
func TestFuzzWX(t *testing.T) {
	seed := *fuzzSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano()) & 0xffffffff
	}
	src, err := os.ReadFile("testdata/fuzz.js")
	if err != nil {
		t.Fatal(err)
	}
	p := newPageFor(t, `{sdkVersion: '2.30.0', domains: {request: ['`+api+`'], uploadFile: ['`+api+`'],
		downloadFile: ['`+api+`'], socket: ['`+wss+`']}}`, 2*time.Minute+time.Duration(*fuzzCalls)*20*time.Millisecond)
	p.Eval(string(src)+"; true", nil)
	var r fuzzReport
	start := time.Now()
	p.Eval("wxfuzz("+itoa(int(seed))+", "+itoa(*fuzzCalls)+")", &r)
	t.Logf("wxfuzz seed=%d: %d calls in %v: %d throws, %d wrong …Sync throws, %d hangs, %d duplicates, %d leaks; final stats %v",
		seed, r.Calls, time.Since(start).Round(time.Millisecond), len(r.Throws), len(r.WrongThrows), len(r.Hangs), len(r.Duplicates), len(r.Leaks), r.Stats)
	for name, list := range map[string][]string{"throw": r.Throws, "wrong …Sync throw": r.WrongThrows, "hang": r.Hangs,
		"not exactly once": r.Duplicates, "leak": r.Leaks} {
		assert.Empty(t, list, "seed %d: %s:\n%s", seed, name, strings.Join(first(list, 10), "\n"))
	}
	assert.Nil(t, r.Final, "seed %d: not idle at the end", seed)
	assert.Equal(t, *fuzzCalls, r.Calls)
}

func first(l []string, n int) []string {
	if len(l) > n {
		return l[:n]
	}
	return l
}
