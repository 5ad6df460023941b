package schedule

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zone files

	"github.com/jonboulle/clockwork"
)

// firing is one Trigger call as the harness saw it.
type firing struct {
	id   string
	kind Kind
	at   time.Time // the fake clock's time when it was delivered
}

// harness runs a Scheduler on a fake clock and records its callbacks.
type harness struct {
	t     *testing.T
	clock *clockwork.FakeClock
	loc   *time.Location
	s     *Scheduler

	mu      sync.Mutex
	fired   []firing
	reports map[string][]*time.Time
}

func newHarness(t *testing.T, start time.Time) *harness {
	t.Helper()
	h := &harness{t: t, clock: clockwork.NewFakeClockAt(start), loc: start.Location(), reports: map[string][]*time.Time{}}
	h.s = New(Options{
		Clock: h.clock, Location: h.loc,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Trigger: func(id string, kind Kind) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.fired = append(h.fired, firing{id, kind, h.clock.Now()})
		},
		OnNextRun: func(id string, next *time.Time) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.reports[id] = append(h.reports[id], next)
		},
	})
	t.Cleanup(h.s.Stop)
	return h
}

// settle makes the loop tick at the fake clock's current time and waits
// until every callback it queued has been delivered.
func (s *Scheduler) settle() {
	s.mu.Lock()
	running := s.started && !s.stopped
	s.mu.Unlock()
	if !running {
		return
	}
	reply := make(chan struct{})
	s.syncReq <- reply
	<-reply
	s.out.waitIdle()
}

// timerDeadline is when the loop's timer is due.
func (s *Scheduler) timerDeadline() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deadline
}

func (h *harness) start() {
	h.s.Start()
	h.s.settle()
}

func (h *harness) set(id, expr string, enabled, catchUp bool, last *time.Time) {
	h.t.Helper()
	if err := h.s.Set(id, expr, enabled, catchUp, last); err != nil {
		h.t.Fatalf("Set(%q, %q): %v", id, expr, err)
	}
	h.s.settle()
}

// advanceTo moves the clock to t the way an awake machine lives through
// it: in steps that end where the loop's timer is due.
func (h *harness) advanceTo(t time.Time) {
	for now := h.clock.Now(); now.Before(t); now = h.clock.Now() {
		step := t.Sub(now)
		if d := h.s.timerDeadline().Sub(now); d > 0 && d < step {
			step = d
		}
		h.clock.Advance(step)
		h.s.settle()
	}
}

// sleep moves the clock by d at once, the way a suspended machine sees the
// time when it wakes.
func (h *harness) sleep(d time.Duration) {
	h.clock.Advance(d)
	h.s.settle()
}

// take returns the firings so far and forgets them.
func (h *harness) take() []firing {
	h.mu.Lock()
	defer h.mu.Unlock()
	f := h.fired
	h.fired = nil
	return f
}

// lastReport returns the last next run reported for id and whether any was.
func (h *harness) lastReport(id string) (*time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.reports[id]
	if len(r) == 0 {
		return nil, false
	}
	return r[len(r)-1], true
}

// reportCount returns how many next runs were reported for id.
func (h *harness) reportCount(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.reports[id])
}

// expect checks the firings since the last take against want, each
// "id kind RFC3339".
func (h *harness) expect(want ...string) {
	h.t.Helper()
	got := h.take()
	var gotText []string
	for _, f := range got {
		gotText = append(gotText, f.id+" "+string(f.kind)+" "+f.at.In(h.loc).Format(time.RFC3339))
	}
	if len(gotText) != len(want) {
		h.t.Fatalf("fired %d times, want %d:\n got  %q\n want %q", len(gotText), len(want), gotText, want)
	}
	for i := range want {
		if gotText[i] != want[i] {
			h.t.Errorf("firing %d = %q, want %q", i, gotText[i], want[i])
		}
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func ptr(t time.Time) *time.Time { return &t }
