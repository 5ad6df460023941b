package service

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage/local"
)

// recorder keeps every event the service emits.
type recorder struct {
	mu     sync.Mutex
	events []recorded
}

type recorded struct {
	name    string
	payload any
}

func (r *recorder) Emit(name string, payload any) {
	r.mu.Lock()
	r.events = append(r.events, recorded{name, payload})
	r.mu.Unlock()
}

func (r *recorder) named(name string) []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []any
	for _, e := range r.events {
		if e.name == name {
			out = append(out, e.payload)
		}
	}
	return out
}

// localJob makes a NAS source with files and a local destination, and a job between them.
func localJob(t *testing.T, s *Service, nas string, files int) (job.Job, string) {
	t.Helper()
	src := filepath.Join(nas, "photos")
	for i := 0; i < files; i++ {
		if err := os.WriteFile(filepath.Join(src, "f"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+".txt"), []byte(strings.Repeat("data", i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	disk := t.TempDir()
	d, err := s.CreateDestination(job.Destination{Name: "Disk " + filepath.Base(disk), Kind: job.KindLocal, RemoteID: disk})
	if err != nil {
		t.Fatal(err)
	}
	j := s.NewJobDefaults()
	j.Name, j.SourcePath, j.DestinationID = "Photos "+filepath.Base(disk), "photos", d.ID
	if j, err = s.CreateJob(j); err != nil {
		t.Fatal(err)
	}
	return j, disk
}

func waitFinal(t *testing.T, s *Service, runID string) job.Run {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r, err := s.GetRun(runID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status.IsFinal() {
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("run %s did not finish", runID)
	return job.Run{}
}

func TestRunJobToALocalFolder(t *testing.T) {
	rec := &recorder{}
	s, nas := newTestService(t)
	s.emit = rec
	j, disk := localJob(t, s, nas, 20)

	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != job.StatusPending {
		t.Fatalf("a new run is %s, want PENDING", run.Status)
	}
	done := waitFinal(t, s, run.ID)
	if done.Status != job.StatusSuccess || done.FilesUploaded != 20 || done.RemotePath == "" || done.CompletedAt == nil {
		t.Fatalf("run = %+v", done)
	}
	if _, err := os.Stat(filepath.Join(disk, done.RemotePath, "photos")); err == nil {
		t.Fatal("the version holds the source's contents, not the source folder")
	}
	entries, _ := os.ReadDir(filepath.Join(disk, done.RemotePath))
	if len(entries) < 20 {
		t.Fatalf("version folder has %d entries, want the 20 files", len(entries))
	}
	got, _ := s.GetJob(j.ID)
	if got.LastRunAt == nil {
		t.Fatal("lastRunAt not recorded")
	}

	second, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	done2 := waitFinal(t, s, second.ID)
	if done2.Status != job.StatusSuccess || done2.FilesCopied != 20 || done2.BytesUploaded != 0 {
		t.Fatalf("second run should copy every unchanged file and send nothing: %+v", done2)
	}

	// Events follow the history row: the second run's final status event
	// is the last the run sends.
	finalStatus := func() bool {
		for _, p := range rec.named(events.BackupStatus) {
			if st := p.(events.Status); st.HistoryID == second.ID && st.Status == "SUCCESS" {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !finalStatus() {
		time.Sleep(10 * time.Millisecond)
	}
	statuses := map[string]bool{}
	for _, p := range rec.named(events.BackupStatus) {
		statuses[p.(events.Status).Status] = true
	}
	for _, want := range []string{"PENDING", "RUNNING", "UPLOADING", "SUCCESS"} {
		if !statuses[want] {
			t.Errorf("no backup:status %s event (got %v)", want, statuses)
		}
	}
	prog := rec.named(events.BackupProgress)
	if len(prog) == 0 || prog[len(prog)-1].(events.Progress).Status != "SUCCESS" || prog[len(prog)-1].(events.Progress).HistoryID != second.ID {
		t.Fatalf("the final backup:progress event must carry the final status of the last run")
	}
	if q := s.QueueStats(); q.Completed != 2 || q.Active != 0 || q.Waiting != 0 {
		t.Fatalf("queue stats = %+v", q)
	}
}

func TestOneRunPerJobAndCancel(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 3)
	big := filepath.Join(nas, "photos", "big.bin")
	if err := os.WriteFile(big, make([]byte, 64<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunJob(j.ID, job.TriggerSchedule); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("a second trigger while queued or running: %v, want ErrAlreadyRunning", err)
	}
	start := time.Now()
	if err := s.CancelRun(run.ID); err != nil {
		t.Fatal(err)
	}
	done := waitFinal(t, s, run.ID)
	if done.Status != job.StatusCancelled {
		t.Fatalf("cancelled run ended %s (%s)", done.Status, done.ErrorMessage)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("cancel took %v, want under 2 s", took)
	}
	if err := s.CancelRun(run.ID); err == nil {
		t.Fatal("cancelling a finished run must say it is not running")
	}
	again, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatalf("after the cancelled run ends the job can run again: %v", err)
	}
	if r := waitFinal(t, s, again.ID); r.Status != job.StatusSuccess {
		t.Fatalf("next run: %+v", r)
	}
}

func TestMissingSourceFailsTheRun(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 2)
	if err := os.RemoveAll(filepath.Join(nas, "photos")); err != nil {
		t.Fatal(err)
	}
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	done := waitFinal(t, s, run.ID)
	if done.Status != job.StatusFailed || !strings.Contains(done.ErrorMessage, "mounted") {
		t.Fatalf("run = %s %q, want FAILED mentioning the mount", done.Status, done.ErrorMessage)
	}
}

// TestUnmountedLocalDiskIsNotWrittenTo checks that a run to a local
// destination whose disk is not mounted (its folder an empty mount point)
// fails saying so and writes nothing there, and that saving the
// destination again marks the folder.
func TestUnmountedLocalDiskIsNotWrittenTo(t *testing.T) {
	s, nas := newTestService(t)
	j, disk := localJob(t, s, nas, 5)
	if _, err := os.Stat(filepath.Join(disk, local.MarkerName)); err != nil {
		t.Fatalf("saving the destination did not mark its folder: %v", err)
	}
	run, _ := s.RunJob(j.ID, job.TriggerManual)
	if done := waitFinal(t, s, run.ID); done.Status != job.StatusSuccess {
		t.Fatalf("first run: %s %q", done.Status, done.ErrorMessage)
	}

	// The disk goes away: its mount point is an empty folder again.
	if err := os.Rename(disk, disk+"-unmounted"); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	run, _ = s.RunJob(j.ID, job.TriggerManual)
	done := waitFinal(t, s, run.ID)
	if done.Status != job.StatusFailed || !strings.Contains(done.ErrorMessage, "is its disk mounted?") {
		t.Fatalf("a run to an unmounted disk: %s %q; want FAILED asking whether the disk is mounted", done.Status, done.ErrorMessage)
	}
	if entries, _ := os.ReadDir(disk); len(entries) != 0 {
		t.Fatalf("the run wrote %d entries into the empty mount point", len(entries))
	}

	// Meant to be empty: saving the destination again marks it.
	d, err := s.store.GetDestination(j.DestinationID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateDestination(d); err != nil {
		t.Fatal(err)
	}
	run, _ = s.RunJob(j.ID, job.TriggerManual)
	if done := waitFinal(t, s, run.ID); done.Status != job.StatusSuccess {
		t.Fatalf("after saving again: %s %q", done.Status, done.ErrorMessage)
	}
}
