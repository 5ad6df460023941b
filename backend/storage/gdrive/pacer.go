package gdrive

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/avault/avault/backend/retry"
)

// pacer spaces out the requests of one destination: a steady rate with a
// burst allowance (the generic cell rate algorithm), slowed down further
// while Google answers with rate limits, and held back entirely until a
// Retry-After has passed.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration // 1/rate; 0 paces nothing
	slack    time.Duration // (burst-1) * interval
	tat      time.Time     // theoretical arrival time of the next request
	notUntil time.Time     // no request before this (Retry-After)
	extra    time.Duration // adaptive slowdown added to interval
}

// maxSlowdown bounds the adaptive extra spacing between requests.
const maxSlowdown = 5 * time.Second

func newPacer(perSecond float64, burst int) *pacer {
	if perSecond <= 0 {
		return &pacer{}
	}
	interval := time.Duration(float64(time.Second) / perSecond)
	return &pacer{interval: interval, slack: time.Duration(max(burst-1, 0)) * interval}
}

// wait blocks until the next request may start, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	at := now
	if p.interval > 0 {
		p.tat = later(p.tat, now)
		at = later(now, p.tat.Add(-p.slack))
		p.tat = p.tat.Add(p.interval + p.extra)
	}
	at = later(at, p.notUntil)
	p.mu.Unlock()
	return retry.Sleep(ctx, time.Until(at))
}

// holdoff waits until a Retry-After the service gave has passed.
func (p *pacer) holdoff(ctx context.Context) error {
	p.mu.Lock()
	d := time.Until(p.notUntil)
	p.mu.Unlock()
	return retry.Sleep(ctx, d)
}

// limited records a rate-limit answer: every later request is spaced out
// more, and none starts before retryAfter (when the service gave one).
func (p *pacer) limited(retryAfter time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.extra = min(max(2*p.extra, p.interval, 100*time.Millisecond), maxSlowdown)
	if retryAfter > 0 {
		p.notUntil = later(p.notUntil, time.Now().Add(retryAfter))
	}
}

// succeeded lets the slowdown decay after a request went through.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.extra > 0 {
		p.extra = p.extra * 3 / 4
		if p.extra < 10*time.Millisecond {
			p.extra = 0
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// pacedTransport passes every HTTP request (API calls, upload chunks,
// downloads) through the pacer and counts it.
type pacedTransport struct {
	base  http.RoundTripper
	pacer *pacer
	calls *atomic.Int64
}

func (t *pacedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.pacer.wait(r.Context()); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	t.calls.Add(1)
	return t.base.RoundTrip(r)
}
