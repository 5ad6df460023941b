package service

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/store"
)

func TestTriggerWhileRunningIsSkippedAndRecorded(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 1)
	s.runs.mu.Lock()
	s.runs.byJob[j.ID] = &task{} // the job is busy
	s.runs.mu.Unlock()
	s.scheduledRun(j.ID, job.TriggerSchedule)
	page, err := s.ListHistory(store.HistoryFilter{JobID: j.ID})
	if err != nil || page.Total != 1 {
		t.Fatalf("history: %+v %v", page, err)
	}
	r := page.Items[0]
	if r.Status != job.StatusCancelled || !strings.Contains(r.ErrorMessage, "skipped") || r.Trigger != job.TriggerSchedule {
		t.Fatalf("skipped trigger recorded as %+v", r)
	}
}

func TestNextRunIsStoredWithoutAScheduler(t *testing.T) {
	s, nas := newTestService(t)
	j, _ := localJob(t, s, nas, 1)
	got, _ := s.GetJob(j.ID)
	if got.NextRunAt == nil || !got.NextRunAt.After(time.Now()) {
		t.Fatalf("nextRunAt = %v, want a time in the future", got.NextRunAt)
	}
	got.Enabled = false
	if _, err := s.UpdateJob(got); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.GetJob(j.ID); got.NextRunAt != nil {
		t.Fatalf("a disabled job has no next run, got %v", got.NextRunAt)
	}
	info, err := s.DescribeSchedule("0 2 * * *", 3)
	if err != nil || len(info.Next) != 3 || !strings.Contains(info.Description, "02:00") {
		t.Fatalf("DescribeSchedule = %+v, %v", info, err)
	}
	if _, err := s.DescribeSchedule("not cron", 3); err == nil {
		t.Fatal("a malformed schedule must be refused")
	}
}

func TestFailedRunCallsTheWebhook(t *testing.T) {
	var calls atomic.Int32
	var body atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := make([]byte, 4096)
		n, _ := r.Body.Read(buf)
		body.Store(string(buf[:n]))
		calls.Add(1)
	}))
	defer srv.Close()
	s, nas := newTestService(t)
	st, _ := s.Settings()
	st.WebhookURL = srv.URL + "/hook"
	if _, err := s.UpdateSettings(st); err != nil {
		t.Fatal(err)
	}
	j, _ := localJob(t, s, nas, 1)
	if err := removeAll(nas + "/photos"); err != nil {
		t.Fatal(err)
	}
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	waitFinal(t, s, run.ID)
	deadline := time.Now().Add(10 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := body.Load().(string)
	if calls.Load() != 1 || !strings.Contains(b, "backup.failed") || !strings.Contains(b, run.ID) {
		t.Fatalf("webhook calls %d, body %s", calls.Load(), b)
	}
}
