package relay

import (
	queue "container/list"
	"context"
	"sync"
)

// limit is a counting semaphore whose waiters are served in arrival order (FIFO): at
// most max holders at once; acquire waits for a slot until its context ends, and a
// waiter whose context ends leaves the queue at once. A slot freed while others wait
// passes straight to the first of them, so a newcomer never overtakes the queue.
type limit struct {
	max     int
	mu      sync.Mutex
	held    int
	waiters queue.List // of chan struct{}, closed when the slot is handed over
}

func newLimit(max int) *limit { return &limit{max: max} }

// acquire takes a slot, waiting in line for one while ctx lasts. queued, when not nil,
// runs once the call is in line (it is not called when a slot is free at once). On
// an error (ctx's) the caller holds nothing.
func (l *limit) acquire(ctx context.Context, queued func()) error {
	l.mu.Lock()
	if l.held < l.max && l.waiters.Len() == 0 {
		l.held++
		l.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return err
	}
	ready := make(chan struct{})
	e := l.waiters.PushBack(ready)
	l.mu.Unlock()
	if queued != nil {
		queued()
	}
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
	}
	l.mu.Lock()
	select {
	case <-ready: // handed a slot while giving up: pass it on
		l.mu.Unlock()
		l.release()
	default:
		l.waiters.Remove(e)
		l.mu.Unlock()
	}
	return ctx.Err()
}

// release gives a slot back: to the first waiter, or to the pool.
func (l *limit) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.waiters.Front(); e != nil {
		l.waiters.Remove(e)
		close(e.Value.(chan struct{})) // the slot changes hands: held stays
		return
	}
	if l.held == 0 {
		panic("relay: limit released more often than acquired")
	}
	l.held--
}

// counts reports the slots held and the calls waiting.
func (l *limit) counts() (held, waiting int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held, l.waiters.Len()
}
