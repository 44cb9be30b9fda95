package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// driver carries out scheduler effects against a fake clock, like the runtime does.
type driver struct {
	t        *testing.T
	s        *Scheduler
	now      Duration
	timers   map[TaskID]Duration // deadline
	started  []TaskID
	running  map[TaskID]bool
	settled  map[TaskID][]string // errMsgs ("" = ok)
	order    []TaskID            // settle order
	maxRun   int
	cancels  int
	interrup int
}

func newDriver(t *testing.T) *driver {
	return &driver{t: t, s: NewScheduler(), timers: map[TaskID]Duration{}, running: map[TaskID]bool{}, settled: map[TaskID][]string{}}
}

func (d *driver) do(effs []Effect) {
	for _, e := range effs {
		switch e.Kind {
		case Start:
			d.started = append(d.started, e.ID)
			d.running[e.ID] = true
			d.timers[e.ID] = d.now + e.After
			d.maxRun = max(d.maxRun, len(d.running))
		case Cancel:
			require.True(d.t, d.running[e.ID], "cancel of a task that is not running: %d", e.ID)
			d.cancels++
			delete(d.running, e.ID)
		case Settle:
			msg := ""
			if !e.OK {
				msg = e.Fail.ErrMsg()
			}
			d.settled[e.ID] = append(d.settled[e.ID], msg)
			d.order = append(d.order, e.ID)
			delete(d.running, e.ID)
			delete(d.timers, e.ID)
		case ArmTimer:
			require.Equal(d.t, BackgroundTimer, e.ID)
			d.timers[e.ID] = d.now + e.After
		case DisarmTimer:
			require.Equal(d.t, BackgroundTimer, e.ID)
			delete(d.timers, e.ID)
		case Interrupt:
			d.interrup++
		}
	}
}

// advance moves the clock, firing due timers in deadline order.
func (d *driver) advance(by Duration) {
	end := d.now + by
	for {
		var next TaskID
		best := Duration(math.MaxInt64)
		for id, at := range d.timers {
			if at <= end && (at < best || (at == best && id < next)) {
				next, best = id, at
			}
		}
		if best == Duration(math.MaxInt64) {
			break
		}
		d.now = best
		delete(d.timers, next)
		if next == BackgroundTimer {
			d.do(d.s.BackgroundExpired())
		} else {
			d.do(d.s.Timeout(next))
		}
	}
	d.now = end
}

func (d *driver) submit(id TaskID, timeout Duration) { d.do(d.s.Submit(id, APIRequest, timeout)) }

func (d *driver) result(id TaskID) string {
	r := d.settled[id]
	require.Len(d.t, r, 1, "task %d must settle exactly once", id)
	return r[0]
}

// spec §8.1: ten run, the eleventh waits and runs in call order when a slot frees.
func TestQueueFIFO(t *testing.T) {
	d := newDriver(t)
	for i := 1; i <= 13; i++ {
		d.submit(TaskID(i), 60*Second)
	}
	assert.Len(t, d.running, 10)
	r, q := d.s.Stats()
	assert.Equal(t, [2]int{10, 3}, [2]int{r, q})
	d.do(d.s.Complete(3))
	assert.Equal(t, TaskID(11), d.started[len(d.started)-1])
	d.do(d.s.Complete(1))
	d.do(d.s.Complete(2))
	assert.Equal(t, []TaskID{11, 12, 13}, d.started[10:])
	assert.Equal(t, 10, d.maxRun)
	assert.Equal(t, "", d.result(3))
}

// spec §8.1 wxsim decision: queueExcess:false fails the 11th.
func TestQueueExcessOff(t *testing.T) {
	d := newDriver(t)
	d.s.QueueExcess = false
	for i := 1; i <= 11; i++ {
		d.submit(TaskID(i), 60*Second)
	}
	assert.Equal(t, "request:fail exceed max task count", d.result(11))
	assert.Len(t, d.running, 10)
	// other apis have their own 10
	d.do(d.s.Submit(12, APIDownloadFile, 60*Second))
	assert.True(t, d.running[12])
}

// spec §4.7: abort of a queued task fails it at once without traffic.
func TestAbortQueued(t *testing.T) {
	d := newDriver(t)
	for i := 1; i <= 11; i++ {
		d.submit(TaskID(i), 60*Second)
	}
	d.do(d.s.Abort(11))
	assert.Equal(t, "request:fail abort", d.result(11))
	d.do(d.s.Complete(1))
	assert.NotContains(t, d.started, TaskID(11))
	assert.Zero(t, d.cancels)
}

// spec §4.7: abort in flight cancels the transport; after completion it is a no-op.
func TestAbortRunningAndAfter(t *testing.T) {
	d := newDriver(t)
	d.submit(1, 60*Second)
	d.submit(2, 60*Second)
	d.do(d.s.Abort(1))
	assert.Equal(t, "request:fail abort", d.result(1))
	assert.Equal(t, 1, d.cancels)
	d.do(d.s.Complete(1)) // late transport result is dropped
	d.do(d.s.Complete(2))
	d.do(d.s.Abort(2))
	assert.Equal(t, "", d.result(2))
	assert.Equal(t, 1, d.cancels)
	assert.Empty(t, d.timers)
	assert.Zero(t, d.s.Live())
}

// spec §8.1/§8.2: a queued task's time-out starts when it is dispatched.
func TestTimeoutStartsAtDispatch(t *testing.T) {
	d := newDriver(t)
	for i := 1; i <= 10; i++ {
		d.submit(TaskID(i), 60*Second)
	}
	d.submit(11, Second)
	d.advance(5 * Second)
	assert.Empty(t, d.settled[11])
	d.do(d.s.Complete(4))
	d.advance(999 * Millisecond)
	assert.Empty(t, d.settled[11])
	d.advance(Millisecond)
	assert.Equal(t, "request:fail timeout", d.result(11))
	assert.Equal(t, 1, d.cancels)
	r, _ := d.s.Stats()
	assert.Equal(t, 9, r, "timeout releases the slot")
}

// spec §1.2: whichever of complete/fail/abort/timeout comes first wins; the rest are dropped.
func TestSettleOnceRaces(t *testing.T) {
	events := []func(s *Scheduler, id TaskID) []Effect{
		func(s *Scheduler, id TaskID) []Effect { return s.Complete(id) },
		func(s *Scheduler, id TaskID) []Effect { return s.Fail(id, NetworkError("reset")) },
		func(s *Scheduler, id TaskID) []Effect { return s.Abort(id) },
		func(s *Scheduler, id TaskID) []Effect { return s.Timeout(id) },
	}
	want := []string{"", "request:fail reset", "request:fail abort", "request:fail timeout"}
	for first := range events {
		for second := range events {
			d := newDriver(t)
			d.submit(1, 60*Second)
			d.do(events[first](d.s, 1))
			d.do(events[second](d.s, 1))
			assert.Equal(t, want[first], d.result(1), "first=%d second=%d", first, second)
		}
	}
}

// spec §8.3: hidden for 5 s interrupts everything; new calls fail until show.
func TestBackgroundInterrupt(t *testing.T) {
	d := newDriver(t)
	for i := 1; i <= 12; i++ {
		d.submit(TaskID(i), 60*Second)
	}
	d.do(d.s.Hide())
	d.advance(4999 * Millisecond)
	assert.Empty(t, d.order)
	d.advance(Millisecond)
	for i := 1; i <= 12; i++ {
		assert.Equal(t, "request:fail interrupted", d.result(TaskID(i)))
	}
	assert.Equal(t, 10, d.cancels)
	assert.Equal(t, 1, d.interrup)
	d.submit(13, 60*Second)
	assert.Equal(t, "request:fail interrupted", d.result(13))
	d.do(d.s.Show())
	d.submit(14, 60*Second)
	assert.True(t, d.running[14])
	assert.Empty(t, d.timers[BackgroundTimer])
}

// spec §8.3: show within 5 s changes nothing; keepAlive never interrupts.
func TestBackgroundShowInTime(t *testing.T) {
	d := newDriver(t)
	d.submit(1, 60*Second)
	d.do(d.s.Hide())
	d.advance(4 * Second)
	d.do(d.s.Show())
	d.advance(10 * Second)
	assert.Empty(t, d.order)
	assert.True(t, d.running[1])

	k := newDriver(t)
	k.s.KeepAlive = true
	k.submit(1, 60*Second)
	k.do(k.s.Hide())
	k.advance(30 * Second)
	assert.Empty(t, k.order)
}

// Property: under any sequence of events every task settles exactly once, at most 10 run,
// and the scheduler ends idle.
func TestRandomEventsSettleOnce(t *testing.T) {
	for seed := uint64(0); seed < 200; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		d := newDriver(t)
		d.s.QueueExcess = seed%5 != 0
		n := TaskID(1 + rng.IntN(40))
		for id := TaskID(1); id <= n; id++ {
			d.submit(id, Duration(1+rng.IntN(3000))*Millisecond)
			for range rng.IntN(3) {
				x := TaskID(1 + rng.IntN(int(id)))
				switch rng.IntN(7) {
				case 0:
					d.do(d.s.Complete(x))
				case 1:
					d.do(d.s.Fail(x, NetworkError("refused")))
				case 2:
					d.do(d.s.Abort(x))
				case 3:
					d.advance(Duration(rng.IntN(1500)) * Millisecond)
				case 4:
					d.do(d.s.Hide())
				case 5:
					d.do(d.s.Show())
				case 6:
					d.advance(Duration(rng.IntN(6000)) * Millisecond)
				}
			}
		}
		d.do(d.s.Show())
		d.advance(3600 * Second)
		for id := TaskID(1); id <= n; id++ {
			require.Len(t, d.settled[id], 1, "seed %d task %d", seed, id)
		}
		require.LessOrEqual(t, d.maxRun, MaxConcurrent)
		require.Zero(t, d.s.Live(), "seed %d", seed)
		require.Empty(t, d.running)
	}
}

// spec §8.2 golden table.
func TestTimeoutResolution(t *testing.T) {
	c := DefaultConfig()
	c.NetworkTimeout[APIRequest] = 5000
	c.NetworkTimeout[APIDownloadFile] = 120000
	cases := []struct {
		api   string
		v     float64
		isNum bool
		want  Duration
	}{
		{APIRequest, 1000, true, Second},
		{APIRequest, 0, true, 5 * Second}, // axios timeout:0 means "not set"
		{APIRequest, -1, true, 5 * Second},
		{APIRequest, math.NaN(), true, 5 * Second},
		{APIRequest, math.Inf(1), true, 5 * Second},
		{APIRequest, 0, false, 5 * Second}, // a string or missing
		{APIRequest, 90000, true, 60 * Second},
		{APIRequest, 1.5, true, 1500 * (Millisecond / 1000)},
		{APIUploadFile, 0, false, 60 * Second},
		{APIDownloadFile, 0, false, 60 * Second}, // networkTimeout capped too
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, c.Timeout(tc.api, tc.v, tc.isNum), "%s %v %v", tc.api, tc.v, tc.isNum)
	}
}

// §C3: the network going to type "none" fails every unfinished task "network
// unavailable" (600001) in call order: running ones are cancelled, queued ones never
// start; the lanes are empty afterwards and new tasks run.
func TestFailAll_SpecC3(t *testing.T) {
	d := newDriver(t)
	for i := TaskID(1); i <= 12; i++ {
		d.submit(i, 10*Second)
	}
	d.do(d.s.FailAll(ErrNetworkUnavail))
	for i := TaskID(1); i <= 12; i++ {
		assert.Equal(t, "request:fail network unavailable", d.result(i))
	}
	assert.Equal(t, []TaskID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, d.order)
	assert.Equal(t, 10, d.cancels, "the ten running are cancelled, the two queued were never started")
	assert.Len(t, d.started, 10)
	running, queued := d.s.Stats()
	assert.Zero(t, running+queued)
	assert.Zero(t, d.s.Live())
	assert.False(t, d.s.Interrupted(), "the lifecycle is untouched")
	d.submit(13, Second)
	assert.Contains(t, d.started, TaskID(13))
	assert.Nil(t, d.s.Timeout(1), "a settled task stays settled")
}
