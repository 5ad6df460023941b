package drivefake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"time"
)

// Fault is a failure the server can inject in place of an answer.
type Fault int

const (
	// RateLimit answers 403 userRateLimitExceeded (a per-minute limit).
	RateLimit Fault = iota + 1
	// TooManyRequests answers 429 rateLimitExceeded with a Retry-After.
	TooManyRequests
	// InternalError answers 500 backendError.
	InternalError
	// Unavailable answers 503 backendError.
	Unavailable
	// ResetBefore reads part of the request body, then resets the
	// connection; the request has no effect.
	ResetBefore
	// ResetAfter carries the request out, then resets the connection
	// halfway through the answer: the effect happened, the client cannot
	// know it.
	ResetAfter
	// Stall holds the request for FaultPlan.Stall before carrying it out;
	// a client that gives up first leaves it without effect.
	Stall
	// Corrupt carries out an upload or copy but stores the content with its
	// first byte changed, as silent damage on the way would.
	Corrupt
	// Unauthorized answers 401 authError, as Google now and then does to
	// an access token that has not expired; the token works again on the
	// next request. Random plans pick it only when Kinds names it, and as
	// Google's are stray, never within strayGap requests of the last one
	// they picked.
	Unauthorized
)

var faultNames = map[Fault]string{RateLimit: "rate-limit", TooManyRequests: "429",
	InternalError: "500", Unavailable: "503", ResetBefore: "reset-before",
	ResetAfter: "reset-after", Stall: "stall", Corrupt: "corrupt", Unauthorized: "401"}

func (f Fault) String() string { return faultNames[f] }

// FaultPlan injects faults at random into matching requests.
type FaultPlan struct {
	// Rate is the chance (0 to 1) that a matching request fails.
	Rate float64
	// Seed makes the sequence of faults repeatable.
	Seed uint64
	// Kinds are picked from uniformly; empty means every kind but Stall.
	Kinds []Fault
	// Methods limits faults to these methods ("files.create",
	// "files.create.upload", "upload.chunk", "files.list", ...); empty
	// means all.
	Methods []string
	// RetryAfter is sent with TooManyRequests; zero means one second.
	RetryAfter time.Duration
	// Stall is how long Stall holds a request; zero means two seconds.
	Stall time.Duration
}

type faultPlan struct {
	FaultPlan
	rng      *rand.Rand
	queued   []queuedFault
	injected map[Fault]int
	requests int // matching requests seen by the random plan
	last401  int // requests when the random plan last picked Unauthorized
}

// strayGap is how many requests a random plan lets pass after a 401 before
// it may pick another: a client's one retry after refreshing its token
// comes well within it, so a stray 401 never meets the same request twice.
const strayGap = 64

type queuedFault struct {
	kind    Fault
	methods []string
}

// SetFaults replaces the random fault plan (a zero plan injects nothing).
func (s *Server) SetFaults(p FaultPlan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := s.plan()
	fp.FaultPlan = p
	fp.rng = rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
}

// FailNext makes the next n requests to any of methods (all when none is
// given) fail with kind, before any random fault.
func (s *Server) FailNext(n int, kind Fault, methods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := s.plan()
	for range n {
		fp.queued = append(fp.queued, queuedFault{kind, methods})
	}
}

// Injected returns how many faults of kind were injected so far.
func (s *Server) Injected(kind Fault) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.plan().injected[kind]
}

// plan returns the fault state, creating it; the caller holds s.mu.
func (s *Server) plan() *faultPlan {
	if s.faults == nil {
		s.faults = &faultPlan{rng: rand.New(rand.NewPCG(0, 0)), injected: map[Fault]int{}}
	}
	return s.faults
}

// pick decides the fault for a request to method, if any.
func (s *Server) pick(method string) (Fault, FaultPlan) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fp := s.plan()
	for i, q := range fp.queued {
		if len(q.methods) == 0 || slices.Contains(q.methods, method) {
			fp.queued = slices.Delete(fp.queued, i, i+1)
			fp.injected[q.kind]++
			return q.kind, fp.FaultPlan
		}
	}
	if fp.Rate <= 0 || (len(fp.Methods) > 0 && !slices.Contains(fp.Methods, method)) {
		return 0, fp.FaultPlan
	}
	fp.requests++
	if fp.rng.Float64() >= fp.Rate {
		return 0, fp.FaultPlan
	}
	kinds := fp.Kinds
	if len(kinds) == 0 {
		kinds = []Fault{RateLimit, TooManyRequests, InternalError, Unavailable, ResetBefore, ResetAfter}
	}
	k := kinds[fp.rng.IntN(len(kinds))]
	if k == Unauthorized {
		if fp.last401 > 0 && fp.requests-fp.last401 < strayGap {
			return 0, fp.FaultPlan
		}
		fp.last401 = fp.requests
	}
	fp.injected[k]++
	return k, fp.FaultPlan
}

// injectFault answers r with a fault when one is due and reports whether it
// did; for Stall it may return false after the wait, to carry r out.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, method string, h http.HandlerFunc) bool {
	kind, p := s.pick(method)
	switch kind {
	case 0:
		return false
	case RateLimit:
		msg := "User Rate Limit Exceeded. Rate of requests for user exceed configured project quota. " +
			"You may consider re-evaluating expected per-user traffic to the API and adjust project quota limits accordingly."
		e := apiErrorOf(http.StatusForbidden, "usageLimits", "userRateLimitExceeded", msg)
		writeGoogleError(w, e.Code, *e)
	case TooManyRequests:
		after := p.RetryAfter
		if after <= 0 {
			after = time.Second
		}
		w.Header().Set("Retry-After", strconv.Itoa(int((after+time.Second-1)/time.Second)))
		e := apiErrorOf(http.StatusTooManyRequests, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded")
		writeGoogleError(w, e.Code, *e)
	case InternalError:
		writeError(w, http.StatusInternalServerError, "backendError", "Internal Error")
	case Unavailable:
		writeError(w, http.StatusServiceUnavailable, "backendError", "The service is currently unavailable.")
	case ResetBefore:
		io.CopyN(io.Discard, r.Body, max(r.ContentLength/2, 0))
		reset(w, nil)
	case ResetAfter:
		rec := httptest.NewRecorder()
		h(rec, r)
		reset(w, rec)
	case Stall:
		return stall(r, p.Stall)
	case Corrupt:
		h(w, r.WithContext(context.WithValue(r.Context(), corruptKey{}, true)))
	case Unauthorized:
		writeUnauthorized(w)
	}
	return true
}

// corruptKey marks a request whose content is to be damaged.
type corruptKey struct{}

// damage changes the first byte of data when ctx asks for it.
func damage(ctx context.Context, data []byte) []byte {
	if ctx.Value(corruptKey{}) == nil || len(data) == 0 {
		return data
	}
	data = slices.Clone(data)
	data[0] ^= 0xff
	return data
}

// stall waits d (two seconds when zero); it reports true when the client
// gave up meanwhile. It reads the body first: only then does the server
// notice a client that hangs up.
func stall(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		d = 2 * time.Second
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return true
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return false
	case <-r.Context().Done():
		return true
	}
}

// reset takes the connection over, writes the head and half the body of rec
// (nothing when rec is nil) and resets it.
func reset(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic("drivefake: cannot hijack the connection: " + err.Error())
	}
	if rec != nil && rec.Body.Len() > 0 {
		body := rec.Body.Bytes()
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
		fmt.Fprintf(buf, "Content-Type: %s\r\nContent-Length: %d\r\n\r\n", rec.Header().Get("Content-Type"), len(body))
		buf.Write(body[:len(body)/2])
		buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close with RST, not FIN
	}
	conn.Close()
}
