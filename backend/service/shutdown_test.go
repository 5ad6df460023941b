package service

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/notify"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/local"
	"github.com/avault/avault/backend/store"
)

// openTestService is newTestService with options of the test's own.
func openTestService(t testing.TB, o Options) (*Service, string) {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("AVAULT_ENCRYPTION_KEY", testKey)
	o.DataDir = filepath.Join(t.TempDir(), "data")
	s, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	nas := filepath.Join(t.TempDir(), "nas")
	if err := os.MkdirAll(filepath.Join(nas, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSettings(job.Settings{NASRoot: nas}); err != nil {
		t.Fatal(err)
	}
	return s, nas
}

// stall makes every local destination the service opens from now on hold
// a run at its first look at the destination: the run waits there until
// it is cancelled, and then takes until release is closed to stop, as a
// run does that must finish writing a file before it can stop.
type stall struct {
	entered chan struct{} // closed when a run reached the destination
	release chan struct{}
	once    sync.Once
}

func stallDestinations(t *testing.T, s *Service) *stall {
	t.Helper()
	st := &stall{entered: make(chan struct{}), release: make(chan struct{})}
	k := local.Kind()
	open := k.Open
	k.Open = func(ctx context.Context, cfg storage.Config) (storage.Destination, error) {
		d, err := open(ctx, cfg)
		if err != nil {
			return nil, err
		}
		return &stallingDest{Destination: d, st: st}, nil
	}
	r := storage.NewRegistry()
	if err := r.Register(k); err != nil {
		t.Fatal(err)
	}
	s.kinds = r
	return st
}

func (st *stall) wait(ctx context.Context) error {
	st.once.Do(func() { close(st.entered) })
	<-ctx.Done()
	<-st.release
	return ctx.Err()
}

func (st *stall) reached(t *testing.T) {
	t.Helper()
	select {
	case <-st.entered:
	case <-time.After(30 * time.Second):
		t.Fatal("the run never reached its destination")
	}
}

type stallingDest struct {
	storage.Destination
	st *stall
}

func (d *stallingDest) ListLeftovers(ctx context.Context) ([]storage.Leftover, error) {
	return nil, d.st.wait(ctx)
}

func (d *stallingDest) ListVersions(ctx context.Context) ([]storage.VersionInfo, error) {
	return nil, d.st.wait(ctx)
}

// TestShutdownWaitsForRunsToRecordTheirEnd quits while a run is at work
// and slow to stop: the database stays open until the run has written its
// final history row, which then says CANCELLED (a run whose end was never
// written would read as interrupted at the next start).
func TestShutdownWaitsForRunsToRecordTheirEnd(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 2)
	st := stallDestinations(t, s)
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	st.reached(t)

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while the run was still stopping", err)
	case <-time.After(300 * time.Millisecond):
	}
	if r, err := s.GetRun(run.ID); err != nil || r.Status.IsFinal() {
		t.Fatalf("while stopping: run %s, %v; want the database open and the run not yet ended", r.Status, err)
	}
	close(st.release)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return after the run stopped")
	}

	db, err := store.Open(context.Background(), store.Options{Dir: s.opts.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.GetRun(run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != job.StatusCancelled || r.CompletedAt == nil {
		t.Fatalf("after quitting the run reads %s %q, want CANCELLED with an end time", r.Status, r.ErrorMessage)
	}
}

// TestShutdownDeadlineLeavesTheDatabaseOpen gives quitting less time than
// a run needs to stop: Shutdown says so and leaves the database open, the
// run still records its end, and a later Close finishes the job.
func TestShutdownDeadlineLeavesTheDatabaseOpen(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 2)
	st := stallDestinations(t, s)
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	st.reached(t)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown past its deadline = %v, want a deadline error", err)
	}
	if _, err := s.RunJob(j.ID, job.TriggerManual); err == nil {
		t.Fatal("a run was queued after shutdown began")
	}
	close(st.release)
	if r := waitFinal(t, s, run.ID); r.Status != job.StatusCancelled {
		t.Fatalf("run ended %s, want CANCELLED", r.Status)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close after the run stopped: %v", err)
	}
	if _, err := s.GetRun(run.ID); err == nil {
		t.Fatal("the database is still open after Close")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// slowNotifier holds each notification until release is closed or its
// context ends.
type slowNotifier struct {
	started chan struct{}
	release chan struct{}

	mu   sync.Mutex
	done []error // what each Notify returned
}

func newSlowNotifier() *slowNotifier {
	return &slowNotifier{started: make(chan struct{}, 10), release: make(chan struct{})}
}

func (n *slowNotifier) Notify(ctx context.Context, m notify.Message) error {
	n.started <- struct{}{}
	var err error
	select {
	case <-n.release:
	case <-ctx.Done():
		err = ctx.Err()
	}
	n.mu.Lock()
	n.done = append(n.done, err)
	n.mu.Unlock()
	return err
}

func (n *slowNotifier) results() []error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]error(nil), n.done...)
}

// failRun runs a job whose source is gone: it fails and is notified.
func failRun(t *testing.T, s *Service, nas string) job.Run {
	t.Helper()
	j, _ := localJob(t, s, nas, 1)
	if err := os.RemoveAll(filepath.Join(nas, "photos")); err != nil {
		t.Fatal(err)
	}
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	return waitFinal(t, s, run.ID)
}

func TestShutdownWaitsForNotificationsBeingSent(t *testing.T) {
	n := newSlowNotifier()
	s, nas := openTestService(t, Options{Notifier: n, NotifyGrace: 20 * time.Second})
	failRun(t, s, nas)
	select {
	case <-n.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the failed run was not notified")
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
		t.Fatal("Close returned while a notification was still being sent")
	case <-time.After(300 * time.Millisecond):
	}
	close(n.release)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return once the notification was sent")
	}
	if got := n.results(); len(got) != 1 || got[0] != nil {
		t.Fatalf("notifications ended %v, want one delivered", got)
	}
}

func TestShutdownGivesUpOnAStuckNotification(t *testing.T) {
	n := newSlowNotifier()
	s, nas := openTestService(t, Options{Notifier: n, NotifyGrace: 300 * time.Millisecond})
	failRun(t, s, nas)
	<-n.started
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 300*time.Millisecond || took > 5*time.Second {
		t.Fatalf("Close took %v with a notification stuck and a 300ms grace", took)
	}
	var got []error
	if !eventuallyTrue(5*time.Second, func() bool { got = n.results(); return len(got) == 1 }) || !errors.Is(got[0], context.Canceled) {
		t.Fatalf("the stuck notification ended %v, want it cancelled", got)
	}
}

func eventuallyTrue(d time.Duration, f func() bool) bool {
	deadline := time.Now().Add(d)
	for !f() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// TestRunNoticeInTheNotificationsWords checks the window's notice of a
// failed run: the desktop notification's title and body, even when
// Settings turn desktop notifications off.
func TestRunNoticeInTheNotificationsWords(t *testing.T) {
	rec := &recorder{}
	s, nas := newTestService(t)
	s.emit = rec
	st, err := s.Settings()
	if err != nil {
		t.Fatal(err)
	}
	st.Notifications = job.NotifyNever
	if _, err := s.UpdateSettings(st); err != nil {
		t.Fatal(err)
	}
	run := failRun(t, s, nas)
	want, _ := notify.ForRun(run, job.NotifyFailures)
	var notices []any
	if !eventuallyTrue(5*time.Second, func() bool { notices = rec.named(events.RunNotice); return len(notices) > 0 }) {
		t.Fatal("no backup:notice for a failed run")
	}
	got := notices[0].(events.Notice)
	if got.HistoryID != run.ID || got.JobID != run.JobID || got.Status != "FAILED" || got.Title != want.Title || got.Body != want.Body {
		t.Fatalf("notice = %+v, want %q / %q", got, want.Title, want.Body)
	}
}

func TestRunNoticeOnlyForFailedAndPartial(t *testing.T) {
	rec := &recorder{}
	s, _ := newTestService(t)
	s.emit = rec
	done := time.Now()
	for _, tc := range []struct {
		status job.Status
		title  string
	}{
		{job.StatusFailed, "Backup failed: Photos"},
		{job.StatusPartialSuccess, "Backup incomplete: Photos"},
		{job.StatusSuccess, ""},
		{job.StatusCancelled, ""},
	} {
		rec.events = nil
		s.noticeRun(job.Run{ID: "r", JobID: "j", JobName: "Photos", Status: tc.status, FilesFailed: 1, StartedAt: done, CompletedAt: &done})
		notices := rec.named(events.RunNotice)
		switch {
		case tc.title == "" && len(notices) > 0:
			t.Errorf("%s: a notice %+v, want none", tc.status, notices[0])
		case tc.title != "" && (len(notices) != 1 || notices[0].(events.Notice).Title != tc.title):
			t.Errorf("%s: notices %+v, want one titled %q", tc.status, notices, tc.title)
		}
	}
}

func TestStartHidden(t *testing.T) {
	s, _ := newTestService(t)
	for _, tc := range []struct {
		trayHost, asked, setting, want bool
	}{
		{true, false, false, false},
		{true, true, false, true},  // --hidden (launch at login)
		{true, false, true, true},  // Settings: start in the tray
		{false, true, true, false}, // no tray host: the window must show
		{false, false, true, false},
	} {
		s.opts.TrayHost = tc.trayHost
		st, err := s.Settings()
		if err != nil {
			t.Fatal(err)
		}
		st.StartHidden = tc.setting
		if _, err := s.UpdateSettings(st); err != nil {
			t.Fatal(err)
		}
		if got := s.StartHidden(tc.asked); got != tc.want {
			t.Errorf("tray host %v, --hidden %v, setting %v: StartHidden = %v, want %v", tc.trayHost, tc.asked, tc.setting, got, tc.want)
		}
	}
}
