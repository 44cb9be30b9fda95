package relay

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A limit admits max holders; the next ones wait in line and get the freed slots in
// the order they arrived.
func TestLimitFIFO(t *testing.T) {
	t.Parallel()
	l := newLimit(2)
	ctx := context.Background()
	require.NoError(t, l.acquire(ctx, func() { t.Error("a free slot needs no queue") }))
	require.NoError(t, l.acquire(ctx, nil))
	const n = 5
	got := make(chan int, n)
	for i := range n {
		inLine := make(chan struct{})
		go func() {
			if l.acquire(ctx, func() { close(inLine) }) == nil {
				got <- i
			}
		}()
		recv(t, inLine, "waiter in line") // the next one queues behind it
	}
	held, waiting := l.counts()
	assert.Equal(t, [2]int{2, n}, [2]int{held, waiting})
	for i := range n {
		l.release()
		assert.Equal(t, i, recv(t, got, "the first waiter"), "served in arrival order")
	}
	held, waiting = l.counts()
	assert.Equal(t, [2]int{2, 0}, [2]int{held, waiting}, "each freed slot went to a waiter")
	l.release()
	l.release()
	held, _ = l.counts()
	assert.Zero(t, held)
	assert.Panics(t, l.release, "a release without a slot is a bug")
}

// A waiter whose context ends leaves the line at once and holds nothing; the ones
// behind it move up.
func TestLimitCancelLeavesQueue(t *testing.T) {
	t.Parallel()
	l := newLimit(1)
	require.NoError(t, l.acquire(context.Background(), nil))

	ctx, cancel := context.WithCancel(context.Background())
	inLine := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- l.acquire(ctx, func() { close(inLine) }) }()
	recv(t, inLine, "the waiter in line")
	behind := make(chan struct{})
	second := make(chan error, 1)
	go func() { second <- l.acquire(context.Background(), func() { close(behind) }) }()
	recv(t, behind, "the second waiter in line")

	cancel()
	assert.ErrorIs(t, recv(t, done, "the cancelled waiter"), context.Canceled)
	held, waiting := l.counts()
	assert.Equal(t, [2]int{1, 1}, [2]int{held, waiting}, "the cancelled waiter left the line")
	l.release()
	assert.NoError(t, recv(t, second, "the waiter behind it"))

	// a call whose context has ended does not queue when it would have to wait
	assert.ErrorIs(t, l.acquire(ctx, func() { t.Error("queued with an ended context") }), context.Canceled)
	l.release()
	held, waiting = l.counts()
	assert.Equal(t, [2]int{0, 0}, [2]int{held, waiting})
}

// Under churn (calls that give up at any point, including just as a slot reaches them)
// no more than max ever hold a slot and none is lost: at the end all are free.
func TestLimitNoLeakUnderChurn(t *testing.T) {
	t.Parallel()
	const max, workers, rounds = 3, 16, 200
	l := newLimit(max)
	var inside, peak atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				ctx, cancel := context.WithCancel(context.Background())
				if (w+i)%3 == 0 {
					cancel() // gives up at once, or while in line
				} else if (w+i)%3 == 1 {
					go cancel() // gives up at some point
				}
				if l.acquire(ctx, nil) == nil {
					n := inside.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
					}
					inside.Add(-1)
					l.release()
				}
				cancel()
			}
		})
	}
	wg.Wait()
	held, waiting := l.counts()
	assert.Equal(t, [2]int{0, 0}, [2]int{held, waiting})
	assert.LessOrEqual(t, peak.Load(), int64(max))
	for range max { // every slot is still there
		require.NoError(t, l.acquire(context.Background(), func() { t.Error("a slot was lost") }))
	}
}
