package storage

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/avault/avault/backend/retry"
)

// RetryOptions configures WithRetry. The zero value is a sensible default
// for a backup over the internet.
type RetryOptions struct {
	// MaxAttempts bounds the attempts of one call, the first included.
	// 0 means retry.Attempts (5). A call whose error a destination marked
	// with retry.GaveUp (it retried the request itself) is not repeated.
	MaxAttempts int
	// BaseDelay is the upper bound of the wait before the second attempt;
	// it doubles with every further attempt. 0 means 1 s.
	BaseDelay time.Duration
	// MaxDelay caps the upper bound of one wait. 0 means 30 s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest Retry-After honoured: a service that asks
	// for a longer wait ends the call with its error. 0 means 5 minutes.
	MaxRetryAfter time.Duration
	// Sleep waits d, or less when ctx is done, then returns ctx.Err().
	// nil means a real timer; tests inject one that records and returns.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the jitter. nil means math/rand/v2.
	Rand func() float64
	// OnRetry, when not nil, is told of every retry before its wait, for
	// logs. op names the call ("put a/b.txt", "list versions").
	OnRetry func(op string, attempt int, err error, wait time.Duration)
}

func (o RetryOptions) withDefaults() RetryOptions {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = retry.Attempts
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 30 * time.Second
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 5 * time.Minute
	}
	if o.Sleep == nil {
		o.Sleep = retry.Sleep
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return o
}

// retrier runs a call until it succeeds, fails permanently, runs out of
// attempts or its context ends.
type retrier struct{ o RetryOptions }

// wait returns how long to wait after the given failed attempt (1-based):
// full jitter over an exponential bound, but at least what the service
// asked for. ok is false when the service asked for more than MaxRetryAfter.
func (r *retrier) wait(attempt int, err error) (d time.Duration, ok bool) {
	after, _ := RetryAfter(err)
	if after > r.o.MaxRetryAfter {
		return 0, false
	}
	b := retry.Backoff{Base: r.o.BaseDelay, Max: r.o.MaxDelay, Rand: r.o.Rand}
	return b.Delay(attempt, after), true
}

// again reports whether a call that failed with err may be tried again:
// the error may pass, and no destination below retried the request
// already (retry.Spent).
func again(err error) bool { return IsRetryable(err) && !retry.Spent(err) }

// do calls fn until it returns nil or a permanent error, or attempts run
// out, waiting between attempts. fn gets the attempt number, from 1.
func (r *retrier) do(ctx context.Context, op string, fn func(attempt int) error) error {
	for attempt := 1; ; attempt++ {
		err := fn(attempt)
		if err == nil || attempt >= r.o.MaxAttempts || !again(err) || ctx.Err() != nil {
			return err
		}
		d, ok := r.wait(attempt, err)
		if !ok {
			return err
		}
		if r.o.OnRetry != nil {
			r.o.OnRetry(op, attempt, err, d)
		}
		if serr := r.o.Sleep(ctx, d); serr != nil {
			return errors.Join(serr, err)
		}
	}
}

// retry1 is do for calls that return a value.
func retry1[T any](ctx context.Context, r *retrier, op string, fn func(attempt int) (T, error)) (T, error) {
	var v T
	err := r.do(ctx, op, func(attempt int) error {
		var err error
		v, err = fn(attempt)
		return err
	})
	return v, err
}

// goneIsDone turns ErrNotFound on a later attempt of a delete into success:
// an earlier attempt that reported a failure may have finished the job.
func goneIsDone(attempt int, err error) error {
	if attempt > 1 && errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// rewinder returns a function that gives the body for each attempt of a
// Put, or nil when r cannot be read again: r itself seeked back to where
// it stood when Put was called (an io.Seeker), or a fresh section of size
// bytes from offset 0 (an io.ReaderAt).
func rewinder(r io.Reader, size int64) func() (io.Reader, error) {
	if s, ok := r.(io.ReadSeeker); ok {
		start, err := s.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil
		}
		return func() (io.Reader, error) {
			_, err := s.Seek(start, io.SeekStart)
			return s, err
		}
	}
	if ra, ok := r.(io.ReaderAt); ok {
		return func() (io.Reader, error) { return io.NewSectionReader(ra, 0, size), nil }
	}
	return nil
}

// highWater forwards progress deltas but never reports a byte twice: a
// retried attempt reports only what goes past the best earlier attempt.
type highWater struct {
	mu       sync.Mutex
	fn       func(int64)
	reported int64 // the most any attempt got to
	cur      int64 // what this attempt got to
}

func (h *highWater) restart() {
	h.mu.Lock()
	h.cur = 0
	h.mu.Unlock()
}

func (h *highWater) add(n int64) {
	if h.fn == nil {
		return
	}
	h.mu.Lock()
	h.cur += n
	delta := h.cur - h.reported
	if delta > 0 {
		h.reported = h.cur
	}
	h.mu.Unlock()
	if delta > 0 {
		h.fn(delta)
	}
}
