package drivefake

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// Google limits how fast one account writes: beyond about three item
// creations a second, sustained, Drive refuses some. It may answer 429
// rateLimitExceeded ("Additional rate limit checks on the Drive backend
// might also generate a 429", in Google's usage limits), and it may answer
// 403 userRateLimitExceeded "User rate limit exceeded.": word for word how
// the daily upload cap shows (dailyCapError), so that a client can tell the
// two apart only by how long the refusals last. The fake answers the 429
// unless Options.CreatesRefusedLikeCap asks for the 403.

// bucket is a token bucket: rate tokens a second, at most burst saved up.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// newBucket returns a full bucket for rate a second, with a burst of the
// rate rounded up.
func newBucket(rate float64, now time.Time) *bucket {
	burst := math.Ceil(rate)
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// take takes a token, reporting false when there is none.
func (b *bucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// creating reports whether a request to method would make an item: a
// files.create, an upload's first request (not its later chunks) or a
// files.copy.
func creating(method string) bool {
	return method == "files.create" || method == "files.create.upload" || method == "files.copy"
}

// refuseCreate answers a creating request beyond CreatesPerSecond with
// Google's 429, or its 403 in the cap's words, and reports whether it did.
func (s *Server) refuseCreate(w http.ResponseWriter, method string) bool {
	if s.limiter == nil || !creating(method) || s.limiter.take(s.now()) {
		return false
	}
	s.refused.Add(1)
	e := apiErrorOf(http.StatusTooManyRequests, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded")
	if s.opts.CreatesRefusedLikeCap {
		e = dailyCapError()
	}
	writeGoogleError(w, e.Code, *e)
	return true
}

// Creates returns how many items (files and folders) requests have made:
// files.create, uploads and files.copy, not Create.
func (s *Server) Creates() int64 { return s.creates.Load() }

// RefusedCreates returns how many creating requests CreatesPerSecond
// refused.
func (s *Server) RefusedCreates() int64 { return s.refused.Load() }
