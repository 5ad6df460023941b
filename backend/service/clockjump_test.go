package service

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
)

// jumpWhileUploading moves the clock by jump when the next run it sees
// reaches UPLOADING: the run has started, named its version and is
// sending files.
type jumpWhileUploading struct {
	clock *testClock

	mu    sync.Mutex
	jump  time.Duration
	armed bool
	runID string // the run it jumped in
}

func (e *jumpWhileUploading) arm(jump time.Duration) {
	e.mu.Lock()
	e.jump, e.armed, e.runID = jump, true, ""
	e.mu.Unlock()
}

func (e *jumpWhileUploading) jumpedIn() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runID
}

func (e *jumpWhileUploading) Emit(name string, payload any) {
	st, ok := payload.(events.Status)
	if name != events.BackupStatus || !ok || st.Status != string(job.StatusUploading) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.armed {
		e.armed, e.runID = false, st.HistoryID
		e.clock.add(e.jump)
	}
}

// TestWallClockJumpDuringARun makes the wall clock jump while a run
// uploads, back a day or ahead a month, then puts it right and runs on:
// every run ends SUCCESS with a history row that does not end before it
// starts, each version is named by its run's start and verifies, and
// retention never deletes a version its policy keeps in real time, nor the
// newest. The forward case also makes a version dated a month ahead (a run
// that starts while the clock is ahead and is corrected during it) and
// checks that it costs the versions made after it nothing.
func TestWallClockJumpDuringARun(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		name string
		jump time.Duration
	}{
		{"back a day", -day},
		{"ahead a month", 30 * day},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
			clock := &testClock{t: t0}
			s, nas := newTestServiceAt(t, clock.now)
			jumper := &jumpWhileUploading{clock: clock}
			s.emit = jumper
			j, _ := localJob(t, s, nas, 12)
			policy := func(p job.Policy) {
				t.Helper()
				j.RetentionType, j.RetentionCount, j.RetentionDays = p.Type, p.Count, p.Days
				var err error
				if j, err = s.UpdateJob(j); err != nil {
					t.Fatal(err)
				}
			}
			run := func() job.Run {
				t.Helper()
				r, err := s.RunJob(j.ID, job.TriggerManual)
				if err != nil {
					t.Fatal(err)
				}
				done := waitFinal(t, s, r.ID)
				checkRun(t, s, j, done)
				return done
			}
			// have says which versions exist: made[i] for each i.
			have := func(what string, made []job.Run, want ...int) {
				t.Helper()
				vs, err := s.ListVersions(ctx, j.ID)
				if err != nil {
					t.Fatal(err)
				}
				var got, wantNames []string
				for _, v := range vs {
					got = append(got, v.Name)
				}
				for _, i := range want {
					wantNames = append(wantNames, made[i].RemotePath)
				}
				slices.Sort(got)
				slices.Sort(wantNames)
				if !slices.Equal(got, wantNames) {
					t.Fatalf("%s: versions\n  %v\nwant\n  %v", what, got, wantNames)
				}
			}

			// Three days of backups, kept by a policy of 7 days.
			policy(job.Policy{Type: job.RetentionDays, Days: 7})
			var made []job.Run
			for range 3 {
				made = append(made, run())
				clock.add(day)
			}

			// The run in which the clock jumps.
			started := clock.now()
			jumper.arm(tc.jump)
			jumped := run()
			if jumper.jumpedIn() != jumped.ID {
				t.Fatalf("the clock jumped in run %q, not in %q", jumper.jumpedIn(), jumped.ID)
			}
			if !jumped.StartedAt.Equal(started) {
				t.Errorf("the run started at %s, recorded %s", started, jumped.StartedAt)
			}
			made = append(made, jumped)
			// Three days really passed: a policy of 7 days keeps them all,
			// whatever the clock says now.
			have("after the jump", made, 0, 1, 2, 3)

			ahead := -1 // index in made of a version dated in the future
			if tc.jump > 0 {
				// The clock stays ahead; the next run starts a month ahead
				// and the clock is put right while it uploads.
				clock.add(time.Hour)
				jumper.arm(-tc.jump)
				made = append(made, run())
				ahead = len(made) - 1
				if !made[ahead].StartedAt.After(started.Add(tc.jump)) {
					t.Fatalf("the run started at %s, want a month ahead", made[ahead].StartedAt)
				}
				have("after a run dated a month ahead", made, 0, 1, 2, 3, 4)
			}

			// The clock is right from here on, two hours after the jump.
			now := started.Add(2 * time.Hour)
			clock.set(now)
			made = append(made, run())
			n1 := len(made) - 1
			all := []int{0, 1, 2, 3, n1}
			if ahead >= 0 {
				all = append(all, ahead)
			}
			have("the next run, 7 days", made, all...)

			p, err := s.PreviewRetention(ctx, j)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range p.Versions {
				if !v.Keep {
					t.Errorf("preview of 7 days would delete %s (%s)", v.Name, v.Reason)
				}
				if ahead >= 0 && v.Name == made[ahead].RemotePath && v.Reason != "dated in the future; kept until then" {
					t.Errorf("the version dated ahead: %q", v.Reason)
				}
				if v.Name == made[n1].RemotePath && v.Reason != "the newest version" {
					t.Errorf("the newest version made: %q", v.Reason)
				}
			}

			// A day later, keep 2: the two made last, and the one dated
			// ahead, which counts for none of them.
			clock.set(now.Add(day))
			policy(job.Policy{Type: job.RetentionVersionCount, Count: 2})
			made = append(made, run())
			n2 := len(made) - 1
			want := []int{n1, n2}
			if ahead >= 0 {
				want = append(want, ahead)
			}
			have("a day later, 2 versions", made, want...)

			// Another day, 7 days: ages count from now, not from the
			// version dated ahead.
			clock.set(now.Add(2 * day))
			policy(job.Policy{Type: job.RetentionDays, Days: 7})
			made = append(made, run())
			have("two days later, 7 days", made, append(want, len(made)-1)...)

			// Every version left restores what it should.
			vs, err := s.ListVersions(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				rep, err := s.VerifyVersion(ctx, j.ID, v.Name, true, 0)
				if err != nil || !rep.OK() || rep.FilesChecked != 12 {
					t.Errorf("deep verify of %s: %+v, %v", v.Name, rep.VerifyResult, err)
				}
			}
		})
	}
}

// checkRun checks what a run must be whatever the clock did: SUCCESS, an
// end not before its start, a version named by its start that verifies.
func checkRun(t *testing.T, s *Service, j job.Job, r job.Run) {
	t.Helper()
	if r.Status != job.StatusSuccess {
		t.Fatalf("run ended %s (%s), want SUCCESS", r.Status, r.ErrorMessage)
	}
	if r.CompletedAt == nil || r.CompletedAt.Before(r.StartedAt) {
		t.Errorf("run started %s and completed %v: it ends before it starts", r.StartedAt, r.CompletedAt)
	}
	name, err := job.Render(j.NamePattern, j.Name, r.StartedAt)
	if err != nil {
		t.Fatal(err)
	}
	if r.RemotePath != name {
		t.Errorf("version %q, want %q, named by the run's start", r.RemotePath, name)
	}
	rep, err := s.VerifyVersion(context.Background(), j.ID, r.RemotePath, false, 0)
	if err != nil || !rep.OK() {
		t.Errorf("verify %s: %+v, %v", r.RemotePath, rep.VerifyResult, err)
	}
}

// TestRunClock: a run's clock follows the wall clock back, but not ahead
// of the time the run has really taken.
func TestRunClock(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	wall := &testClock{t: t0}
	began := time.Now() // before the run's clock starts, so at least as long ago
	clock := runClock(wall.now)
	if got := clock(); !got.Equal(t0) {
		t.Fatalf("at the start: %s, want %s", got, t0)
	}
	wall.add(30 * 24 * time.Hour)
	if got, most := clock(), t0.Add(time.Since(began)); got.After(most) || got.Before(t0) {
		t.Errorf("a month ahead: %s, want between %s and %s", got, t0, most)
	}
	wall.set(t0.Add(-24 * time.Hour))
	if got := clock(); !got.Equal(t0.Add(-24 * time.Hour)) {
		t.Errorf("a day back: %s, want the wall clock's %s", got, t0.Add(-24*time.Hour))
	}
}
