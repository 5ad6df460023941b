package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/local"
)

// backedUp makes a job whose source holds files, backs it up once and
// returns the job and the version its run made.
func backedUp(t *testing.T, s *Service, nas string, files map[string]string) (job.Job, job.Run) {
	t.Helper()
	j, _ := localJob(t, s, nas, 0)
	for p, c := range files {
		full := filepath.Join(nas, "photos", filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	done := waitFinal(t, s, run.ID)
	if done.Status != job.StatusSuccess {
		t.Fatalf("backup: %s %s", done.Status, done.ErrorMessage)
	}
	return j, done
}

// manyFiles is n files in ten folders, of different sizes.
func manyFiles(n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("d%d/f%04d.txt", i%10, i)] = strings.Repeat(fmt.Sprintf("%d,", i), 1+i%97)
	}
	return files
}

// wrapDestinations makes every local destination the service opens from
// now on pass through wrap.
func wrapDestinations(t *testing.T, s *Service, wrap func(storage.Destination) storage.Destination) {
	t.Helper()
	k := local.Kind()
	open := k.Open
	k.Open = func(ctx context.Context, cfg storage.Config) (storage.Destination, error) {
		d, err := open(ctx, cfg)
		if err != nil {
			return nil, err
		}
		return wrap(d), nil
	}
	r := storage.NewRegistry()
	if err := r.Register(k); err != nil {
		t.Fatal(err)
	}
	s.kinds = r
}

// halting is a destination whose reads, once after files were opened,
// give one byte of each further file and wait until their context ends,
// and then until release is closed: every file being read at that moment
// is cut short, and slow to let go.
type halting struct {
	after   int64
	delay   time.Duration // before each file opens
	opened  atomic.Int64
	halted  chan struct{}
	release chan struct{}
	once    sync.Once
}

func newHalting(after int64) *halting {
	h := &halting{after: after, halted: make(chan struct{}), release: make(chan struct{})}
	close(h.release)
	return h
}

type haltingDest struct {
	storage.Destination
	h *halting
}

func (d haltingDest) Open(ctx context.Context, version, p string) (io.ReadCloser, error) {
	time.Sleep(d.h.delay)
	rc, err := d.Destination.Open(ctx, version, p)
	if err != nil || d.h.after < 0 || d.h.opened.Add(1) <= d.h.after {
		return rc, err
	}
	return &haltingReader{ReadCloser: rc, ctx: ctx, h: d.h}, nil
}

type haltingReader struct {
	io.ReadCloser
	ctx  context.Context
	h    *halting
	gave bool
}

func (r *haltingReader) Read(b []byte) (int, error) {
	if !r.gave && len(b) > 0 {
		r.gave = true
		return r.ReadCloser.Read(b[:1])
	}
	r.h.once.Do(func() { close(r.h.halted) })
	<-r.ctx.Done()
	<-r.h.release
	return 0, r.ctx.Err()
}

func (h *halting) reached(t *testing.T) {
	t.Helper()
	select {
	case <-h.halted:
	case <-time.After(30 * time.Second):
		t.Fatal("the task never got halfway")
	}
}

func waitTask(t *testing.T, s *Service, id string) Task {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		tk, err := s.GetTask(id)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Final() {
			return tk
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("task %s did not end", id)
	return Task{}
}

// updates returns the task:update events of one task, in order.
func updates(rec *recorder, id string) []Task {
	var out []Task
	for _, p := range rec.named(events.TaskUpdate) {
		if tk := p.(Task); tk.ID == id {
			out = append(out, tk)
		}
	}
	return out
}

// compareRestored checks that every file under dir is byte-identical to
// the source's, and that no temporary file is left; it returns how many
// files there are.
func compareRestored(t *testing.T, dir string, files map[string]string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(d.Name(), ".avault-restore-") {
			t.Errorf("temporary file left behind: %s", rel)
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if want, ok := files[filepath.ToSlash(rel)]; !ok || string(b) != want {
			t.Errorf("%s is %d bytes under its own name, want the source's %d", rel, len(b), len(want))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRestoreTaskReportsProgress restores as a task from a slow
// destination: the window hears of it when it starts, then of counts that
// grow (at most 5 times a second), then of its end with the result.
func TestRestoreTaskReportsProgress(t *testing.T) {
	rec := &recorder{}
	s, nas := newTestService(t)
	s.emit = rec
	files := manyFiles(120)
	j, run := backedUp(t, s, nas, files)
	h := newHalting(-1)
	h.delay = 15 * time.Millisecond // 120 files, 4 at a time: about half a second
	wrapDestinations(t, s, func(d storage.Destination) storage.Destination { return haltingDest{d, h} })

	to := filepath.Join(t.TempDir(), "out")
	tk, err := s.StartRestore(RestoreRequest{JobID: j.ID, Version: run.RemotePath, ToDir: to})
	if err != nil {
		t.Fatal(err)
	}
	if tk.Status != TaskRunning || tk.Kind != TaskRestore || tk.FilesTotal != 120 || tk.JobID != j.ID {
		t.Fatalf("started task %+v", tk)
	}
	if want := fmt.Sprintf("Restore %s %s to %s", j.Name, run.RemotePath, to); tk.Title != want {
		t.Errorf("title %q, want %q", tk.Title, want)
	}
	started := time.Now()
	end := waitTask(t, s, tk.ID)
	took := time.Since(started)
	if end.Status != TaskSuccess || end.Restore == nil || end.Restore.Files != 120 || end.EndedAt == nil {
		t.Fatalf("ended %+v", end)
	}
	if n := compareRestored(t, to, files); n != 120 {
		t.Errorf("%d files restored, want 120", n)
	}

	seen := updates(rec, tk.ID)
	if len(seen) < 3 {
		t.Fatalf("%d task:update events, want the start, progress and the end", len(seen))
	}
	if seen[0].Status != TaskRunning || seen[0].FilesDone != 0 {
		t.Errorf("first update %+v", seen[0])
	}
	last := seen[len(seen)-1]
	if last.Status != TaskSuccess || last.FilesDone != 120 || last.BytesDone != last.BytesTotal || last.Restore == nil {
		t.Errorf("last update %+v", last)
	}
	grew := false
	for i := 1; i < len(seen)-1; i++ {
		p := seen[i]
		if p.Status != TaskRunning || p.FilesDone < seen[i-1].FilesDone || p.BytesDone < seen[i-1].BytesDone {
			t.Errorf("update %d went back or ended early: %+v after %+v", i, p, seen[i-1])
		}
		if p.FilesDone > 0 && p.FilesDone < 120 {
			grew = true
		}
	}
	if !grew {
		t.Errorf("no update while the restore was halfway: %+v", seen)
	}
	if most := int(took/taskEvery) + 3; len(seen) > most {
		t.Errorf("%d updates in %v, want at most %d (5 a second, the start and the end)", len(seen), took, most)
	}
}

// TestRestoreTaskCancelledMidway cancels a restore of 1,000 files while
// several are half written: it ends CANCELLED, every file under its own
// name is whole, and no temporary file is left.
func TestRestoreTaskCancelledMidway(t *testing.T) {
	s, nas := newTestService(t)
	files := manyFiles(1000)
	j, run := backedUp(t, s, nas, files)
	h := newHalting(400)
	wrapDestinations(t, s, func(d storage.Destination) storage.Destination { return haltingDest{d, h} })

	to := filepath.Join(t.TempDir(), "out")
	tk, err := s.StartRestore(RestoreRequest{JobID: j.ID, Version: run.RemotePath, ToDir: to})
	if err != nil {
		t.Fatal(err)
	}
	h.reached(t)
	if err := s.CancelTask(tk.ID); err != nil {
		t.Fatal(err)
	}
	end := waitTask(t, s, tk.ID)
	if end.Status != TaskCancelled || end.Error != "" {
		t.Fatalf("cancelled restore ended %s %q", end.Status, end.Error)
	}
	n := compareRestored(t, to, files)
	if n == 0 || n >= len(files) {
		t.Errorf("%d of %d files restored; want the restore stopped midway", n, len(files))
	}
	if end.Restore == nil || end.Restore.Files != int64(n) {
		t.Errorf("the task says %+v restored, the folder holds %d", end.Restore, n)
	}
	if err := s.CancelTask(tk.ID); err != nil {
		t.Errorf("cancelling a task that ended: %v", err)
	}
	if err := s.CancelTask("nosuchtask"); err == nil {
		t.Error("cancelling an unknown task must say so")
	}
}

// TestStartRestoreRefusesAtOnce: what stands in a restore's way is the
// error of StartRestore itself, and no task is made.
func TestStartRestoreRefusesAtOnce(t *testing.T) {
	s, nas := newTestService(t)
	j, run := backedUp(t, s, nas, map[string]string{"a.txt": "alpha", "sub/b.txt": "beta"})
	taken := t.TempDir()
	if err := os.WriteFile(filepath.Join(taken, "a.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		req  RestoreRequest
		want string
	}{
		{"relative folder", RestoreRequest{JobID: j.ID, Version: run.RemotePath, ToDir: "out"}, "absolute"},
		{"unknown job", RestoreRequest{JobID: "nosuchjob", Version: run.RemotePath, ToDir: t.TempDir()}, "not found"},
		{"not its version", RestoreRequest{JobID: j.ID, Version: "Other-2026", ToDir: t.TempDir()}, "not a version of this job"},
		{"no such path", RestoreRequest{JobID: j.ID, Version: run.RemotePath, Path: "nope", ToDir: t.TempDir()}, "no file or folder"},
		{"files in the way", RestoreRequest{JobID: j.ID, Version: run.RemotePath, ToDir: taken}, "already exist"},
		{"into the source", RestoreRequest{JobID: j.ID, Version: run.RemotePath, ToDir: filepath.Join(nas, "photos", "back")}, "inside the job's source"},
	} {
		if _, err := s.StartRestore(c.req); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(taken, "a.txt")); string(b) != "mine" {
		t.Errorf("a refused restore wrote %q", b)
	}
	if got := s.ListTasks(); len(got) != 0 {
		t.Errorf("refused restores made tasks: %+v", got)
	}
}

// TestVerifyTaskRecordsInHistory: a deep verify as a task reads every file
// back and records its result in the history of the run that made the
// version, as VerifyVersion does.
func TestVerifyTaskRecordsInHistory(t *testing.T) {
	rec := &recorder{}
	s, nas := newTestService(t)
	s.emit = rec
	j, run := backedUp(t, s, nas, map[string]string{"a.txt": "alpha", "sub/b.txt": strings.Repeat("b", 1<<20)})
	if _, err := s.StartVerify(j.ID, "Other-2026", true, 0); err == nil {
		t.Error("verifying a version the job did not make was accepted")
	}
	tk, err := s.StartVerify(j.ID, run.RemotePath, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	end := waitTask(t, s, tk.ID)
	if end.Status != TaskSuccess || end.Verify == nil || end.Verify.Missing+end.Verify.Mismatched != 0 || end.Verify.ErrorMessage != "" || end.Verify.Mode != "full" || end.Verify.FilesChecked != 2 {
		t.Fatalf("verify task ended %+v (%+v)", end, end.Verify)
	}
	if end.FilesDone != 2 || end.BytesDone != 1<<20+5 || end.BytesTotal != end.BytesDone {
		t.Errorf("progress at the end: %d files, %d of %d bytes", end.FilesDone, end.BytesDone, end.BytesTotal)
	}
	r, err := s.GetRun(run.ID)
	if err != nil || r.Verify == nil || r.Verify.Mode != "full" || r.Verify.FilesChecked != 2 {
		t.Fatalf("history: %+v, %v; want the full check recorded", r.Verify, err)
	}
	changed := false
	for _, p := range rec.named(events.DataChanged) {
		if p.(map[string]string)["what"] == "history" {
			changed = true
		}
	}
	if !changed {
		t.Error("the window was not told that history changed")
	}
}

func TestPreviewTask(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 7)
	j.Excludes = []string{"fa.txt"}
	tk, err := s.StartPreview(j)
	if err != nil {
		t.Fatal(err)
	}
	end := waitTask(t, s, tk.ID)
	if end.Status != TaskSuccess || end.Preview == nil || end.Preview.Files != 6 || end.Preview.Excluded != 1 {
		t.Fatalf("preview ended %+v (%+v)", end, end.Preview)
	}
	if end.FilesDone != 6 || end.FilesTotal != 0 || end.Title != "Preview of "+j.Name {
		t.Errorf("preview task %+v", end)
	}
	gone := j
	gone.SourcePath = "missing"
	if _, err := s.StartPreview(gone); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a missing source: %v", err)
	}
	escape := j
	escape.SourcePath = "../.."
	if _, err := s.StartPreview(escape); err == nil {
		t.Error("a source outside the NAS root was accepted")
	}
}

// TestListTasksKeepsTheLastFinished: the running task comes first, then
// the last 20 that finished, newest first.
func TestListTasksKeepsTheLastFinished(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 2)
	var ids []string
	for range keepFinished + 5 {
		tk, err := s.StartPreview(j)
		if err != nil {
			t.Fatal(err)
		}
		waitTask(t, s, tk.ID)
		ids = append(ids, tk.ID)
	}
	got := s.ListTasks()
	if len(got) != keepFinished {
		t.Fatalf("%d tasks listed, want %d", len(got), keepFinished)
	}
	for i, tk := range got {
		if want := ids[len(ids)-1-i]; tk.ID != want {
			t.Fatalf("task %d is %s, want %s (newest first)", i, tk.ID, want)
		}
	}
	if _, err := s.GetTask(ids[0]); err == nil {
		t.Error("a task past the last 20 is still known")
	}
}

// TestShutdownCancelsAndWaitsForTasks quits while a restore is at work
// and slow to stop: Shutdown waits until it has ended CANCELLED, and no
// task starts once quitting has begun.
func TestShutdownCancelsAndWaitsForTasks(t *testing.T) {
	s, nas := newTestService(t)
	j, run := backedUp(t, s, nas, manyFiles(50))
	h := newHalting(10)
	h.release = make(chan struct{})
	wrapDestinations(t, s, func(d storage.Destination) storage.Destination { return haltingDest{d, h} })
	tk, err := s.StartRestore(RestoreRequest{JobID: j.ID, Version: run.RemotePath, ToDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	h.reached(t)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown while a task was stopping = %v, want a deadline error", err)
	}
	if got, _ := s.GetTask(tk.ID); got.Final() {
		t.Fatalf("the task ended (%s) before it could stop", got.Status)
	}
	if _, err := s.StartPreview(j); err == nil {
		t.Error("a task started after quitting began")
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while the task was still stopping", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(h.release)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return after the task stopped")
	}
	if got, err := s.GetTask(tk.ID); err != nil || got.Status != TaskCancelled {
		t.Fatalf("after quitting the task reads %s (%v), want CANCELLED", got.Status, err)
	}
}

func TestETA(t *testing.T) {
	for _, c := range []struct {
		elapsed     time.Duration
		done, total int64
		want        int64
	}{
		{time.Second, 0, 100, -1},
		{100 * time.Millisecond, 50, 100, -1}, // too early to tell
		{2 * time.Second, 50, 100, 2},
		{3 * time.Second, 100, 400, 9},
		{time.Second, 100, 100, 0},
		{time.Second, 10, 0, -1},
	} {
		if got := eta(c.elapsed, c.done, c.total); got != c.want {
			t.Errorf("eta(%v, %d, %d) = %d, want %d", c.elapsed, c.done, c.total, got, c.want)
		}
	}
}
