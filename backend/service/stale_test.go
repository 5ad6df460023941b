package service

import (
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// TestStaleIgnoresFutureDatedSuccess: a daily job whose real last success
// is ten days old is stale, even when a success dated a month ahead (made
// while the clock was wrong) is in its history; with a success yesterday
// it is not.
func TestStaleIgnoresFutureDatedSuccess(t *testing.T) {
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.Local)
	s, nas := newTestServiceAt(t, func() time.Time { return now })
	j, _ := localJob(t, s, nas, 1)
	j.Schedule = "0 2 * * *"
	var err error
	if j, err = s.UpdateJob(j); err != nil {
		t.Fatal(err)
	}
	success := func(at time.Time) {
		t.Helper()
		r, err := s.store.CreateRun(job.Run{JobID: j.ID, JobName: j.Name, Trigger: job.TriggerSchedule, Status: job.StatusRunning, StartedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		r.Finish(job.StatusSuccess, at.Add(time.Minute), "")
		if err := s.store.UpdateRun(r); err != nil {
			t.Fatal(err)
		}
	}
	stale := func() bool {
		t.Helper()
		jobs, err := s.StaleJobs()
		if err != nil {
			t.Fatal(err)
		}
		for _, sj := range jobs {
			if sj.JobID == j.ID {
				return true
			}
		}
		return false
	}
	success(now.AddDate(0, 0, -10))
	success(now.AddDate(0, 1, 0))
	if !stale() {
		t.Error("a success dated a month ahead hides that the last real one is ten days old")
	}
	success(now.AddDate(0, 0, -1))
	if stale() {
		t.Error("a job that succeeded yesterday is reported stale")
	}
}
