package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// addRuns creates n finished runs of j, one a minute from t0, with status
// SUCCESS except every fifth, which FAILED. It returns their ids, oldest
// first.
func addRuns(t testing.TB, s *Store, j job.Job, n int, offset time.Duration) []string {
	t.Helper()
	var ids []string
	for i := range n {
		start := t0.Add(offset + time.Duration(i)*time.Minute)
		r := must(s.CreateRun(job.Run{JobID: j.ID, Trigger: job.TriggerSchedule, StartedAt: start}))
		status := job.StatusSuccess
		if i%5 == 4 {
			status = job.StatusFailed
		}
		r.Finish(status, start.Add(30*time.Second), "")
		ok(t, s.UpdateRun(r))
		ids = append(ids, r.ID)
	}
	return ids
}

func TestHistoryPages(t *testing.T) {
	s := openTest(t, t.TempDir())
	_, d, photos := seed(t, s)
	docs := newJob(t, s, "Docs", d.ID)
	photoIDs := addRuns(t, s, photos, 25, 0)                         // minutes 0-24
	docIDs := addRuns(t, s, docs, 10, 20*time.Minute+30*time.Second) // interleaved, newest

	for _, tc := range []struct {
		name      string
		f         HistoryFilter
		total     int
		first     string // id of the first item
		items     int
		allJob    string
		allStatus job.Status
	}{
		{"default page", HistoryFilter{}, 35, docIDs[9], 20, "", ""},
		{"second page", HistoryFilter{Offset: 20}, 35, "", 15, "", ""},
		{"by job", HistoryFilter{JobID: photos.ID}, 25, photoIDs[24], 20, photos.ID, ""},
		{"by job, offset", HistoryFilter{JobID: photos.ID, Offset: 24}, 25, photoIDs[0], 1, photos.ID, ""},
		{"by status", HistoryFilter{Status: job.StatusFailed}, 7, docIDs[9], 7, "", job.StatusFailed},
		{"by job and status", HistoryFilter{JobID: docs.ID, Status: job.StatusFailed}, 2, docIDs[9], 2, docs.ID, job.StatusFailed},
		{"limit", HistoryFilter{Limit: 3}, 35, docIDs[9], 3, "", ""},
		{"limit capped", HistoryFilter{Limit: 1000}, 35, docIDs[9], 35, "", ""},
		{"offset past end", HistoryFilter{Offset: 99}, 35, "", 0, "", ""},
		{"unknown job", HistoryFilter{JobID: "nope"}, 0, "", 0, "", ""},
		{"status never seen", HistoryFilter{Status: job.StatusCancelled}, 0, "", 0, "", ""},
	} {
		page := must(s.ListRuns(tc.f))
		if page.Total != tc.total || len(page.Items) != tc.items {
			t.Errorf("%s: total %d items %d, want %d and %d", tc.name, page.Total, len(page.Items), tc.total, tc.items)
			continue
		}
		if tc.first != "" && page.Items[0].ID != tc.first {
			t.Errorf("%s: first item %s, want %s", tc.name, page.Items[0].ID, tc.first)
		}
		for i, r := range page.Items {
			if i > 0 && r.StartedAt.After(page.Items[i-1].StartedAt) {
				t.Errorf("%s: not newest first at %d", tc.name, i)
			}
			if tc.allJob != "" && r.JobID != tc.allJob || tc.allStatus != "" && r.Status != tc.allStatus {
				t.Errorf("%s: item %d is %s/%s", tc.name, i, r.JobID, r.Status)
			}
		}
	}
	if page := must(s.ListRuns(HistoryFilter{})); page.Limit != 20 || page.Offset != 0 || page.Items[0].JobName != "Docs" {
		t.Errorf("page meta: limit %d offset %d name %q", page.Limit, page.Offset, page.Items[0].JobName)
	}
	_, err := s.ListRuns(HistoryFilter{Status: "DONE"})
	wantErr(t, "unknown status", err, nil, `unknown status "DONE"`)
}

func TestRunLifecycle(t *testing.T) {
	s := openTest(t, t.TempDir())
	_, _, j := seed(t, s)
	r := must(s.CreateRun(job.Run{JobID: j.ID, Trigger: job.TriggerManual}))
	if r.Status != job.StatusPending || !r.StartedAt.Equal(t0) || r.JobName != "Photos" || len(r.ID) != 26 {
		t.Fatalf("created run: %+v", r)
	}
	_, err := s.CreateRun(job.Run{JobID: "nope", Trigger: job.TriggerManual})
	wantErr(t, "run of missing job", err, ErrNotFound, `job "nope" not found`)
	_, err = s.CreateRun(job.Run{ID: r.ID, JobID: j.ID, Trigger: job.TriggerManual})
	wantErr(t, "duplicate id", err, nil, "already exists")
	_, err = s.CreateRun(job.Run{JobID: j.ID, Trigger: "cron"})
	wantErr(t, "invalid", err, nil, `trigger: unknown trigger "cron"`)

	r.Status, r.FilesScanned = job.StatusUploading, 10
	r.JobName, r.StartedAt = "renamed", t0.Add(time.Hour) // ignored
	ok(t, s.UpdateRun(r))
	got := must(s.GetRun(r.ID))
	if got.Status != job.StatusUploading || got.FilesScanned != 10 || got.JobName != "Photos" || !got.StartedAt.Equal(t0) {
		t.Errorf("after update: %+v", got)
	}
	if n := must(s.ListRuns(HistoryFilter{Status: job.StatusPending})).Total; n != 0 {
		t.Errorf("status index kept PENDING entry: %d", n)
	}
	if n := must(s.ListRuns(HistoryFilter{Status: job.StatusUploading})).Total; n != 1 {
		t.Errorf("status index lacks UPLOADING entry: %d", n)
	}
	got.AddFailure("a.jpg", "permission denied")
	got.Finish(job.StatusSuccess, t0.Add(time.Minute), "")
	ok(t, s.UpdateRun(got))
	got.Verify = &job.VerifyResult{Mode: "quick", FilesChecked: 10}
	ok(t, s.UpdateRun(got)) // a finished run may gain a verify result
	got.Status = job.StatusRunning
	wantErr(t, "reopen", s.UpdateRun(got), nil, "has already ended (PARTIAL_SUCCESS); it cannot become RUNNING")
	final := must(s.GetRun(r.ID))
	if final.Status != job.StatusPartialSuccess || final.Verify == nil || len(final.Failures) != 1 {
		t.Errorf("final run: %+v", final)
	}
	wantErr(t, "update missing", s.UpdateRun(job.Run{ID: "nope"}), ErrNotFound, `run "nope" not found`)
}

func TestLatest(t *testing.T) {
	s := openTest(t, t.TempDir())
	_, d, photos := seed(t, s)
	docs := newJob(t, s, "Docs", d.ID)
	_, err := s.LatestByJob(photos.ID)
	wantErr(t, "no runs", err, ErrNotFound, "not found")
	p := addRuns(t, s, photos, 3, time.Hour)
	dd := addRuns(t, s, docs, 2, 0)
	if got := must(s.LatestByJob(photos.ID)); got.ID != p[2] {
		t.Errorf("LatestByJob = %s, want %s", got.ID, p[2])
	}
	latest := must(s.LatestRuns())
	if len(latest) != 2 || latest[photos.ID].ID != p[2] || latest[docs.ID].ID != dd[1] {
		t.Errorf("LatestRuns = %v", latest)
	}
}

func TestDeleteJobKeepsOrDropsHistory(t *testing.T) {
	s := openTest(t, t.TempDir())
	_, d, photos := seed(t, s)
	docs := newJob(t, s, "Docs", d.ID)
	addRuns(t, s, photos, 4, 0)
	addRuns(t, s, docs, 3, time.Hour)

	ok(t, s.DeleteJob(photos.ID, DeleteJobOptions{}))
	page := must(s.ListRuns(HistoryFilter{JobID: photos.ID}))
	if page.Total != 4 {
		t.Fatalf("kept history: %d runs", page.Total)
	}
	for _, r := range page.Items {
		if !r.JobDeleted || r.JobName != "Photos" {
			t.Errorf("kept run not marked: %+v", r)
		}
	}
	_, err := s.GetJob(photos.ID)
	wantErr(t, "deleted job", err, ErrNotFound, "not found")

	ok(t, s.DeleteJob(docs.ID, DeleteJobOptions{DeleteHistory: true}))
	if n := must(s.ListRuns(HistoryFilter{})).Total; n != 4 {
		t.Errorf("after deleting Docs with history: %d runs, want 4", n)
	}
	if n := must(s.ListRuns(HistoryFilter{Status: job.StatusSuccess})).Total; n != 4 {
		t.Errorf("status index still lists deleted runs: %d SUCCESS, want 4", n)
	}
}

func TestDeleteJobRefusedWhileRunning(t *testing.T) {
	s := openTest(t, t.TempDir())
	_, _, j := seed(t, s)
	r := must(s.CreateRun(job.Run{JobID: j.ID, Trigger: job.TriggerTray, Status: job.StatusRunning}))
	wantErr(t, "running", s.DeleteJob(j.ID, DeleteJobOptions{}), nil, `job "Photos" has a run in progress (RUNNING); cancel it first`)
	r.Finish(job.StatusCancelled, t0.Add(time.Second), "cancelled")
	ok(t, s.UpdateRun(r))
	ok(t, s.DeleteJob(j.ID, DeleteJobOptions{}))
}

func TestRecoverInterruptedOnOpen(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	_, _, j := seed(t, s)
	var active []string
	for i, st := range []job.Status{job.StatusPending, job.StatusRunning, job.StatusUploading, job.StatusRotating, job.StatusSuccess} {
		r := must(s.CreateRun(job.Run{JobID: j.ID, Trigger: job.TriggerSchedule, Status: st,
			StartedAt: t0.Add(time.Duration(i) * time.Minute)}))
		if !st.IsFinal() {
			active = append(active, r.ID)
		} else {
			r.Finish(st, t0.Add(time.Hour), "")
			ok(t, s.UpdateRun(r))
		}
	}
	s.Close()
	later := t0.Add(2 * time.Hour)
	s2, err := Open(t.Context(), Options{Dir: dir, Now: func() time.Time { return later }})
	ok(t, err)
	defer s2.Close()
	for _, id := range active {
		r := must(s2.GetRun(id))
		if r.Status != job.StatusFailed || r.ErrorMessage != "interrupted" || r.CompletedAt == nil || !r.CompletedAt.Equal(later) {
			t.Errorf("run %s after reopen: %s %q %v", id, r.Status, r.ErrorMessage, r.CompletedAt)
		}
	}
	if n := must(s2.ListRuns(HistoryFilter{Status: job.StatusFailed})).Total; n != 4 {
		t.Errorf("%d FAILED runs, want 4", n)
	}
	if n := must(s2.RecoverInterrupted()); n != 0 {
		t.Errorf("second recovery marked %d runs", n)
	}
}

// TestRecoverCommittedRun: a run found ROTATING with its version named had
// committed it; it ends SUCCESS, or PARTIAL_SUCCESS with failed files,
// saying retention was interrupted, and keeps its counters.
func TestRecoverCommittedRun(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	_, _, j := seed(t, s)
	var ids []string
	for i, failed := range []int64{0, 3} {
		r := must(s.CreateRun(job.Run{JobID: j.ID, Trigger: job.TriggerSchedule, Status: job.StatusRunning,
			StartedAt: t0.Add(time.Duration(i) * time.Minute)}))
		r.Status, r.RemotePath, r.FilesUploaded, r.FilesFailed = job.StatusRotating, fmt.Sprintf("Docs-%d", i), 10, failed
		ok(t, s.UpdateRun(r))
		ids = append(ids, r.ID)
	}
	s.Close()
	s2, err := Open(t.Context(), Options{Dir: dir, Now: func() time.Time { return t0.Add(time.Hour) }})
	ok(t, err)
	defer s2.Close()
	for i, want := range []job.Status{job.StatusSuccess, job.StatusPartialSuccess} {
		r := must(s2.GetRun(ids[i]))
		if r.Status != want || r.ErrorMessage != RetentionInterruptedMessage || r.RemotePath != fmt.Sprintf("Docs-%d", i) ||
			r.FilesUploaded != 10 || r.CompletedAt == nil {
			t.Errorf("run %d after reopen: %s %q %q, %d uploaded", i, r.Status, r.ErrorMessage, r.RemotePath, r.FilesUploaded)
		}
	}
}
