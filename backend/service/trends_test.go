package service

import (
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

func TestJobTrendCoversThePeriodByDayOrWeek(t *testing.T) {
	now := time.Date(2026, 6, 30, 15, 0, 0, 0, time.Local)
	s, nas := newTestServiceAt(t, func() time.Time { return now })
	j, _ := localJob(t, s, nas, 1)
	other, _ := localJob(t, s, nas, 1)
	add := func(jobID string, started time.Time, st job.Status, took time.Duration, sent int64) string {
		t.Helper()
		done := started.Add(took)
		r, err := s.store.CreateRun(job.Run{JobID: jobID, Status: st, Trigger: job.TriggerManual, StartedAt: started, CompletedAt: &done,
			BytesScanned: 1000, BytesUploaded: sent})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	day := func(d int) time.Time { return time.Date(2026, 6, 30-d, 2, 0, 0, 0, time.Local) }
	old := add(j.ID, day(40), job.StatusSuccess, time.Minute, 1)                // in 90 and 365 days, not 30
	failed := add(j.ID, day(3), job.StatusFailed, 5*time.Second, 0)             // 3 days ago
	ok := add(j.ID, day(0), job.StatusSuccess, 2*time.Minute, 500)              // today
	add(j.ID, day(3).Add(time.Hour), job.StatusPartialSuccess, time.Minute, 10) // same day as failed
	add(j.ID, now.Add(48*time.Hour), job.StatusSuccess, time.Minute, 9)         // from a clock that ran ahead
	add(j.ID, day(1), job.StatusRunning, 0, 0)                                  // not finished
	add(other.ID, day(1), job.StatusFailed, time.Minute, 0)                     // another job
	add(j.ID, day(400), job.StatusFailed, time.Minute, 0)                       // too old for any

	tr, err := s.JobTrend(j.ID, 30)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Points) != 3 || tr.Points[0].RunID != failed || tr.Points[2].RunID != ok {
		t.Fatalf("30 days: points %+v", tr.Points)
	}
	if p := tr.Points[2]; p.Seconds != 120 || p.BytesUploaded != 500 || p.BytesScanned != 1000 {
		t.Errorf("today's point %+v", p)
	}
	if len(tr.Buckets) != 30 {
		t.Fatalf("30 days in %d buckets", len(tr.Buckets))
	}
	b := tr.Buckets[26] // three days before the last
	if b.Runs != 2 || b.Failed != 1 || b.Partial != 1 || !b.Start.Equal(time.Date(2026, 6, 27, 0, 0, 0, 0, time.Local)) {
		t.Errorf("bucket of 27 June: %+v", b)
	}
	if last := tr.Buckets[29]; last.Runs != 1 || last.Succeeded != 1 {
		t.Errorf("today's bucket: %+v", last)
	}

	tr, err = s.JobTrend(j.ID, 90)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Points) != 4 || tr.Points[0].RunID != old || len(tr.Buckets) != 13 {
		t.Fatalf("90 days: %d points (first %s), %d buckets; want 4 from the 40-day-old run, 13 weeks", len(tr.Points), tr.Points[0].RunID, len(tr.Buckets))
	}
	runs := 0
	for _, b := range tr.Buckets {
		runs += b.Runs
		if b.End.Sub(b.Start) < 6*24*time.Hour {
			t.Errorf("a week bucket %v–%v", b.Start, b.End)
		}
	}
	if runs != 4 {
		t.Errorf("the weeks count %d runs, want 4", runs)
	}
	if tr, err := s.JobTrend(j.ID, 365); err != nil || len(tr.Points) != 4 || len(tr.Buckets) != 53 {
		t.Errorf("365 days: %d points, %d buckets, %v", len(tr.Points), len(tr.Buckets), err)
	}
	if _, err := s.JobTrend(j.ID, 7); err == nil {
		t.Error("a 7-day chart was accepted")
	}
	if _, err := s.JobTrend("nope", 30); err == nil {
		t.Error("a chart of a missing job was made")
	}
}
