package drivefake

import (
	"math"
	"net/http"
	"sync"
	"time"
)

// Google limits how fast one account writes: beyond about three item
// creations a second, sustained, Drive refuses some ("Additional rate limit
// checks on the Drive backend might also generate a 429", in Google's
// usage limits). The fake refuses with that 429 rateLimitExceeded, not
// with a 403 userRateLimitExceeded: a 403 whose message is exactly "User
// rate limit exceeded." is how the daily upload cap shows (dailyCapError),
// and clients tell the two apart by that message alone.

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
func newBucket(rate float64) *bucket {
	burst := math.Ceil(rate)
	return &bucket{rate: rate, burst: burst, tokens: burst, last: time.Now()}
}

// take takes a token, reporting false when there is none.
func (b *bucket) take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
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
// Google's 429 and reports whether it did.
func (s *Server) refuseCreate(w http.ResponseWriter, method string) bool {
	if s.limiter == nil || !creating(method) || s.limiter.take(time.Now()) {
		return false
	}
	s.refused.Add(1)
	e := apiErrorOf(http.StatusTooManyRequests, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded")
	writeGoogleError(w, e.Code, *e)
	return true
}

// Creates returns how many items (files and folders) requests have made:
// files.create, uploads and files.copy, not Create.
func (s *Server) Creates() int64 { return s.creates.Load() }

// RefusedCreates returns how many creating requests CreatesPerSecond
// refused.
func (s *Server) RefusedCreates() int64 { return s.refused.Load() }
