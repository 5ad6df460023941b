// Package retry is the one place that says how Avault repeats a request
// that failed in a way that may pass: how many attempts one request gets
// (Attempts), how long to wait between them (Backoff, at least what the
// service asked for in a Retry-After header), how to wait (Sleep, which a
// cancelled context ends), and how a layer that has spent a request's
// attempts tells the layers above not to start over (GaveUp, Spent).
//
// Each request is retried in exactly one place: the destination adapters
// that speak HTTP (S3 through the SDK's retryer, Google Drive through its
// own loop) retry their requests and mark what they give up with GaveUp;
// the destination decorator (storage.WithRetry) retries only what no layer
// below has retried, such as a download that breaks off halfway or a
// destination without retries of its own. docs/DECISIONS.md lists them.
package retry

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Attempts is how many times one request is tried, the first included,
// when it keeps failing in a way that may pass (a 5xx answer, a dropped
// connection, a timeout). Rate-limit answers that a service asks to wait
// out are bounded by time instead, where an adapter says so.
const Attempts = 5

// Backoff computes the wait before the next attempt: a bound that starts
// at Base and doubles with every attempt up to Max, with jitter, but never
// less than the wait the service asked for.
type Backoff struct {
	// Base is the bound of the first wait; 0 means 1 s.
	Base time.Duration
	// Max caps the bound; 0 means 30 s.
	Max time.Duration
	// Half makes the wait fall between half and all of the bound, so that
	// waits add up predictably; otherwise it is anywhere up to the bound
	// (full jitter).
	Half bool
	// Rand returns a number in [0, 1); nil means math/rand/v2.
	Rand func() float64
}

// Delay returns the wait after the given failed attempt (1-based), at
// least after (the service's Retry-After, 0 when it gave none).
func (b Backoff) Delay(attempt int, after time.Duration) time.Duration {
	base, maxBound := b.Base, b.Max
	if base <= 0 {
		base = time.Second
	}
	if maxBound <= 0 {
		maxBound = 30 * time.Second
	}
	bound := base
	for i := 1; i < attempt && bound < maxBound; i++ {
		bound *= 2
	}
	bound = min(bound, max(maxBound, base))
	r := rand.Float64
	if b.Rand != nil {
		r = b.Rand
	}
	var d time.Duration
	if b.Half {
		d = bound/2 + time.Duration(r()*float64(bound/2))
	} else {
		d = time.Duration(r() * float64(bound))
	}
	return max(d, after)
}

// Sleep waits d, or less when ctx ends first, and then returns ctx's
// error. A d of 0 or less returns at once.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ParseAfter reads a Retry-After value, delay seconds or an HTTP date
// (measured from now). ok is false when v is empty or unreadable; a date
// already past and "0" give 0 with ok true.
func ParseAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// After reads the Retry-After header of an answer (see ParseAfter).
func After(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	return ParseAfter(h.Get("Retry-After"), now)
}

// spent is an error whose request used up its attempts in a lower layer.
type spent struct {
	err error
}

func (e *spent) Error() string { return e.err.Error() }
func (e *spent) Unwrap() error { return e.err }

// GaveUp marks err as the last error of a request that a layer retried as
// long as its budget allowed: the layers above must not try it again. It
// reads and matches (errors.Is, errors.As) as err does. nil stays nil.
func GaveUp(err error) error {
	if err == nil || Spent(err) {
		return err
	}
	return &spent{err: err}
}

// Spent reports whether err, or an error it wraps, was marked by GaveUp.
func Spent(err error) bool {
	var s *spent
	return errors.As(err, &s)
}
