package service

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
)

// TestWorkerConcurrencyLimit triggers four runs at once: never more runs
// at work than Settings.WorkerConcurrency allows, the others waiting, the
// limit reached, waiting runs started in the order they were asked for
// (checked with one worker), and all of them ending SUCCESS.
func TestWorkerConcurrencyLimit(t *testing.T) {
	for _, limit := range []int{1, 2} {
		rec := &recorder{}
		s, nas := newTestService(t)
		s.emit = rec
		st, err := s.Settings()
		if err != nil {
			t.Fatal(err)
		}
		st.WorkerConcurrency = limit
		if _, err := s.UpdateSettings(st); err != nil {
			t.Fatal(err)
		}
		// A large file keeps each run going while the next ones are asked for.
		if err := os.WriteFile(filepath.Join(nas, "photos", "big.bin"), make([]byte, 48<<20), 0o644); err != nil {
			t.Fatal(err)
		}
		var jobs []job.Job
		for range 4 {
			j, _ := localJob(t, s, nas, 2)
			jobs = append(jobs, j)
		}
		var order []string
		for _, j := range jobs {
			run, err := s.RunJob(j.ID, job.TriggerManual)
			if err != nil {
				t.Fatal(err)
			}
			order = append(order, run.ID)
		}
		for _, id := range order {
			if r := waitFinal(t, s, id); r.Status != job.StatusSuccess {
				t.Fatalf("limit %d: run %s ended %s %q", limit, id, r.Status, r.ErrorMessage)
			}
		}
		// The queue's count of runs at work: a run is counted from the
		// moment a worker takes it until the engine has returned.
		most, waited := 0, 0
		for _, p := range rec.named(events.QueueStats) {
			q := p.(events.Queue)
			most, waited = max(most, q.Active), max(waited, q.Waiting)
		}
		if most != limit || waited != len(order)-limit {
			t.Errorf("limit %d: at most %d runs at work and %d waiting, want %d and %d", limit, most, waited, limit, len(order)-limit)
		}
		// Each run's first RUNNING status, in the order they were emitted.
		var started []string
		seen := map[string]bool{}
		for _, p := range rec.named(events.BackupStatus) {
			if ev := p.(events.Status); ev.Status == string(job.StatusRunning) && !seen[ev.HistoryID] {
				seen[ev.HistoryID] = true
				started = append(started, ev.HistoryID)
			}
		}
		if len(started) != len(order) {
			t.Fatalf("limit %d: %d runs started, want %d", limit, len(started), len(order))
		}
		for i := range order {
			// With one worker the order is certain; with more, runs that
			// start together may report RUNNING in either order.
			if limit == 1 && started[i] != order[i] {
				t.Errorf("limit %d: runs started in the order %v, want %v (first asked, first run)", limit, started, order)
				break
			}
		}
	}
}
