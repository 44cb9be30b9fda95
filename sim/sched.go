package sim

// MaxConcurrent is the number of transfers one api may run at once (spec §8.1).
const MaxConcurrent = 10

// BackgroundGrace is how long a hidden app keeps its network (spec §8.3).
const BackgroundGrace = 5 * Second

// TaskID names a task; the runtime chooses it.
type TaskID int

// BackgroundTimer is the timer id of the §8.3 background grace period.
const BackgroundTimer TaskID = -1

// EffectKind says what the runtime must do.
type EffectKind int

const (
	Start       EffectKind = iota + 1 // start the transport of task ID and its time-out timer (After)
	Cancel                            // abort the transport of task ID (it is settled)
	Settle                            // deliver the result of task ID (OK, or Fail) and drop its timer
	ArmTimer                          // call BackgroundExpired after After (ID is BackgroundTimer)
	DisarmTimer                       // forget the BackgroundTimer
	Interrupt                         // §8.3 expired: close sockets and the like too
	Queued                            // task ID waits behind the §8.1 limit (observers see it)
)

// Effect is one instruction from the scheduler to the runtime, carried out in order.
type Effect struct {
	Kind  EffectKind
	ID    TaskID
	OK    bool
	Fail  Fail
	After Duration
	// Via is the transport a Start uses: the plan's choice, given to SubmitVia.
	Via Transport
}

type taskState int

const (
	queued taskState = iota + 1
	running
)

type task struct {
	api     string
	state   taskState
	timeout Duration
	via     Transport
}

// Scheduler is the single authority on transfer tasks (request, uploadFile, downloadFile):
// per-api lanes of MaxConcurrent slots with a FIFO queue (spec §8.1), time-outs (§8.2),
// abort (§4.7), background interruption (§8.3), and settle-exactly-once: every task gets
// exactly one Settle effect, and events for a settled task yield nothing.
// It is a pure state machine: no clock, no goroutines, no locks; time arrives as
// Timeout calls for the timer each Start asks for (a Settle drops it) and as a
// BackgroundExpired call for the timer of ArmTimer.
type Scheduler struct {
	QueueExcess bool // queue the 11th task (true) or fail it "exceed max task count"
	KeepAlive   bool // backgroundKeepAlive: hiding never interrupts

	tasks       map[TaskID]*task
	queues      map[string][]TaskID
	running     map[string]int
	hidden      bool
	interrupted bool
}

// NewScheduler returns an idle scheduler that queues excess tasks.
func NewScheduler() *Scheduler {
	return &Scheduler{QueueExcess: true, tasks: map[TaskID]*task{}, queues: map[string][]TaskID{}, running: map[string]int{}}
}

// Stats reports running and queued task counts over all apis.
func (s *Scheduler) Stats() (running, queued int) {
	for _, n := range s.running {
		running += n
	}
	for _, q := range s.queues {
		queued += len(q)
	}
	return
}

// Live reports how many tasks are not yet settled.
func (s *Scheduler) Live() int { return len(s.tasks) }

// Interrupted reports whether the app is in the §8.3 interrupted state (hidden > 5 s).
func (s *Scheduler) Interrupted() bool { return s.interrupted }

// Submit registers task id of api with its resolved time-out and dispatches or queues it,
// for the direct transport.
func (s *Scheduler) Submit(id TaskID, api string, timeout Duration) []Effect {
	return s.SubmitVia(id, api, timeout, TransportDirect)
}

// SubmitVia is Submit for a task its plan gave transport via, which its Start carries.
func (s *Scheduler) SubmitVia(id TaskID, api string, timeout Duration, via Transport) []Effect {
	if s.interrupted {
		return []Effect{settleFail(id, api, ErrInterrupted)}
	}
	if s.running[api] >= MaxConcurrent && !s.QueueExcess {
		return []Effect{settleFail(id, api, ErrExceed)}
	}
	s.tasks[id] = &task{api: api, state: queued, timeout: timeout, via: via}
	if s.running[api] < MaxConcurrent {
		return s.dispatch(id, nil)
	}
	s.queues[api] = append(s.queues[api], id)
	return []Effect{{Kind: Queued, ID: id}}
}

// Complete reports that the transport of id finished: the task succeeds if it is still live.
func (s *Scheduler) Complete(id TaskID) []Effect {
	t := s.running1(id)
	if t == nil {
		return nil
	}
	return s.finish(id, t, Effect{Kind: Settle, ID: id, OK: true}, false)
}

// Fail reports a transport failure (network error, refused redirect) of id.
func (s *Scheduler) Fail(id TaskID, r Reason) []Effect {
	t := s.running1(id)
	if t == nil {
		return nil
	}
	return s.finish(id, t, settleFail(id, t.api, r), false)
}

// Abort is the user's abort(): a queued task fails at once without traffic, a running one
// fails and its transport is cancelled; a settled or unknown task is left alone.
func (s *Scheduler) Abort(id TaskID) []Effect {
	t := s.tasks[id]
	if t == nil {
		return nil
	}
	if t.state == queued {
		s.unqueue(id, t.api)
		delete(s.tasks, id)
		return []Effect{settleFail(id, t.api, ErrAbort)}
	}
	return s.finish(id, t, settleFail(id, t.api, ErrAbort), true)
}

// Timeout is the expiry of the timer armed for running task id.
func (s *Scheduler) Timeout(id TaskID) []Effect {
	t := s.running1(id)
	if t == nil {
		return nil
	}
	return s.finish(id, t, settleFail(id, t.api, ErrTimeout), true)
}

// Hide sends the app to the background (spec §8.3): arms the grace timer unless kept alive.
func (s *Scheduler) Hide() []Effect {
	if s.hidden {
		return nil
	}
	s.hidden = true
	if s.KeepAlive {
		return nil
	}
	return []Effect{{Kind: ArmTimer, ID: BackgroundTimer, After: BackgroundGrace}}
}

// Show brings the app back: within the grace period nothing changes; after it, new calls
// work again.
func (s *Scheduler) Show() []Effect {
	if !s.hidden {
		return nil
	}
	s.hidden, s.interrupted = false, false
	return []Effect{{Kind: DisarmTimer, ID: BackgroundTimer}}
}

// BackgroundExpired is the grace timer firing: every unfinished task fails "interrupted"
// (running ones first are cancelled), and new calls fail until Show.
func (s *Scheduler) BackgroundExpired() []Effect {
	if !s.hidden || s.interrupted || s.KeepAlive {
		return nil
	}
	s.interrupted = true
	return append(s.failAll(ErrInterrupted), Effect{Kind: Interrupt})
}

// FailAll fails every unfinished task with r, in call order: running ones are cancelled
// first, queued ones fail without traffic (§C3: the network went to type "none"; a
// queued task could only start on a network that is not there). The lifecycle is
// unchanged.
func (s *Scheduler) FailAll(r Reason) []Effect { return s.failAll(r) }

// Relaunch fails every unfinished task "interrupted" and resets the lifecycle.
func (s *Scheduler) Relaunch() []Effect {
	effs := s.failAll(ErrInterrupted)
	if s.hidden {
		effs = append(effs, Effect{Kind: DisarmTimer, ID: BackgroundTimer})
	}
	s.hidden, s.interrupted = false, false
	return effs
}

func (s *Scheduler) failAll(r Reason) []Effect {
	ids := make([]TaskID, 0, len(s.tasks))
	for id := range s.tasks {
		ids = append(ids, id)
	}
	sortStable(ids, func(a, b *TaskID) bool { return *a < *b }) // settle in call order
	var effs []Effect
	for _, id := range ids {
		t := s.tasks[id]
		if t.state == running {
			effs = append(effs, Effect{Kind: Cancel, ID: id})
		}
		effs = append(effs, settleFail(id, t.api, r))
		delete(s.tasks, id)
	}
	clear(s.queues)
	clear(s.running)
	return effs
}

func (s *Scheduler) running1(id TaskID) *task {
	if t := s.tasks[id]; t != nil && t.state == running {
		return t
	}
	return nil
}

// finish settles running task t with settle, frees its slot and dispatches the next
// queued task of its api. cancel says whether the transport is still going.
func (s *Scheduler) finish(id TaskID, t *task, settle Effect, cancel bool) []Effect {
	delete(s.tasks, id)
	s.running[t.api]--
	effs := []Effect{}
	if cancel {
		effs = append(effs, Effect{Kind: Cancel, ID: id})
	}
	effs = append(effs, settle)
	for s.running[t.api] < MaxConcurrent && len(s.queues[t.api]) > 0 {
		next := s.queues[t.api][0]
		s.queues[t.api] = s.queues[t.api][1:]
		effs = s.dispatch(next, effs)
	}
	return effs
}

func (s *Scheduler) dispatch(id TaskID, effs []Effect) []Effect {
	t := s.tasks[id]
	t.state = running
	s.running[t.api]++
	return append(effs, Effect{Kind: Start, ID: id, After: t.timeout, Via: t.via})
}

func (s *Scheduler) unqueue(id TaskID, api string) {
	q := s.queues[api][:0]
	for _, x := range s.queues[api] {
		if x != id {
			q = append(q, x)
		}
	}
	s.queues[api] = q
}

func settleFail(id TaskID, api string, r Reason) Effect {
	return Effect{Kind: Settle, ID: id, Fail: Fail{API: api, Reason: r}}
}
