package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

func failedRun() job.Run {
	done := time.Date(2026, 1, 10, 2, 5, 0, 0, time.UTC)
	return job.Run{ID: "run-1", JobID: "job-1", JobName: "Photos", Status: job.StatusFailed,
		ErrorMessage: "the destination refused the credentials", StartedAt: done.Add(-5 * time.Minute), CompletedAt: &done}
}

func TestForRun(t *testing.T) {
	done := time.Date(2026, 1, 10, 2, 5, 0, 0, time.UTC)
	base := job.Run{ID: "r", JobID: "j", JobName: "Photos", StartedAt: done.Add(-time.Hour), CompletedAt: &done}
	with := func(edit func(*job.Run)) job.Run { r := base; edit(&r); return r }
	failed := with(func(r *job.Run) {
		r.Status, r.ErrorMessage, r.FilesUploaded = job.StatusFailed, "the destination is full\nstack: ...", 1204
	})
	partial := partialRun()
	success := with(func(r *job.Run) {
		r.Status, r.FilesUploaded, r.FilesCopied, r.BytesUploaded = job.StatusSuccess, 12, 1192, 3_400_000_000
	})
	unchanged := with(func(r *job.Run) { r.Status, r.FilesSkipped = job.StatusSuccess, 40 })
	for _, tc := range []struct {
		name    string
		run     job.Run
		when    job.NotifyOn
		event   Event
		urgency Urgency
		title   string
		body    string
	}{
		{"failed", failed, job.NotifyFailures, EventFailed, UrgencyCritical, "Backup failed: Photos",
			"the destination is full …\n1,204 files had been sent before it stopped; they will not be sent again."},
		{"failed, default choice", failed, "", EventFailed, UrgencyCritical, "Backup failed: Photos", ""},
		{"failed without a message", with(func(r *job.Run) { r.Status = job.StatusFailed }), job.NotifyAll,
			EventFailed, UrgencyCritical, "Backup failed: Photos", "The backup stopped without making a new version."},
		{"partial", partial, job.NotifyFailures, EventPartial, UrgencyNormal, "Backup incomplete: Photos",
			"117 files backed up; 2 files could not be backed up.\nFirst: 2024/locked.jpg: permission denied\nThe history lists every file."},
		{"success when all", success, job.NotifyAll, EventSucceeded, UrgencyLow, "Backup done: Photos",
			"1,204 files backed up, 3.4 GB sent."},
		{"nothing changed", unchanged, job.NotifyAll, EventSucceeded, UrgencyLow, "Backup done: Photos",
			"Nothing had changed since the last backup."},
		{"success when failures only", success, job.NotifyFailures, "", "", "", ""},
		{"failed when never", failed, job.NotifyNever, "", "", "", ""},
		{"cancelled", with(func(r *job.Run) { r.Status = job.StatusCancelled }), job.NotifyAll, "", "", "", ""},
		{"still running", with(func(r *job.Run) { r.Status = job.StatusUploading }), job.NotifyAll, "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ok := ForRun(tc.run, tc.when)
			if ok != (tc.event != "") {
				t.Fatalf("ForRun gave a message: %v, want %v", ok, tc.event != "")
			}
			if !ok {
				return
			}
			if m.Event != tc.event || m.Urgency != tc.urgency || m.Title != tc.title {
				t.Errorf("got %s/%s %q, want %s/%s %q", m.Event, m.Urgency, m.Title, tc.event, tc.urgency, tc.title)
			}
			if tc.body != "" && m.Body != tc.body {
				t.Errorf("body\n got  %q\n want %q", m.Body, tc.body)
			}
			if m.JobID != "j" && m.JobID != "job-1" || m.RunID == "" || m.Counts == nil || !m.Time.Equal(*tc.run.CompletedAt) {
				t.Errorf("ids, counts or time missing: %+v", m)
			}
		})
	}
}

func TestForRunRedactsAndShortens(t *testing.T) {
	done := time.Now()
	r := job.Run{Status: job.StatusFailed, JobName: "Photos", CompletedAt: &done,
		ErrorMessage: "oauth2: token expired: Authorization: Bearer ya29.a0AfH6SMBx-very-secret-token " + strings.Repeat("x", 500)}
	m, _ := ForRun(r, job.NotifyFailures)
	if strings.Contains(m.Body, "very-secret") {
		t.Errorf("body shows the token: %s", m.Body)
	}
	if len(m.Body) > maxErrorText+len("…") {
		t.Errorf("body is %d bytes long, want at most %d", len(m.Body), maxErrorText)
	}
}

func TestForStale(t *testing.T) {
	now := time.Date(2026, 3, 13, 9, 0, 0, 0, time.UTC)
	last := time.Date(2026, 3, 10, 2, 5, 0, 0, time.UTC)
	m := ForStale("j", "Photos", &last, time.Time{}, now)
	if m.Event != EventStale || m.Title != "Backup overdue: Photos" ||
		m.Body != "Photos has not been backed up since Tue 10 Mar 02:05 (3 days ago)." {
		t.Errorf("got %s %q %q", m.Event, m.Title, m.Body)
	}
	created := time.Date(2025, 12, 30, 10, 0, 0, 0, time.UTC)
	m = ForStale("j", "Photos", nil, created, now)
	if m.Body != "Photos has never been backed up; the job was created 30 Dec 2025 (72 days ago)." {
		t.Errorf("never: %q", m.Body)
	}
	m = ForStale("j", "Photos", ptrTime(now.Add(-5*time.Hour)), created, now)
	if !strings.HasSuffix(m.Body, "(5 hours ago).") {
		t.Errorf("hours: %q", m.Body)
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"connect to https://user:hunter2@nas.local:5001/api failed", "connect to https://REDACTED@nas.local:5001/api failed"},
		{"GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F2026&X-Amz-Signature=deadbeef&partNumber=3",
			"GET https://b.s3.amazonaws.com/k?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&partNumber=3"},
		{"PUT https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable&upload_id=ADPycdv: 503",
			"PUT https://www.googleapis.com/upload/drive/v3/files?uploadType=resumable&upload_id=REDACTED: 503"},
		{"Authorization: Bearer abcdefghijklmnop", "Authorization: Bearer REDACTED"},
		{"the grant ya29.a0AfH6SMBxyzxyzxyz expired", "the grant ya29.REDACTED expired"},
		{"refresh 1//0gAbCdEfGhIjKlMn failed", "refresh 1//REDACTED failed"},
		{`{"aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG"}`, `{"aws_secret_access_key": "REDACTED"}`},
		{"password=hunter2 user=bob", "password=REDACTED user=bob"},
		{"the key AKIAIOSFODNN7EXAMPLE does not exist", "the key AKIA…MPLE does not exist"},
		{"InvalidAccessKeyId: AKIAIOSFODNN7EXAMPLE", "InvalidAccessKeyId: REDACTED"},
		{"open /mnt/nas/photos/2024/a.jpg: permission denied", "open /mnt/nas/photos/2024/a.jpg: permission denied"},
	} {
		got := Redact(tc.in)
		if got != tc.want {
			t.Errorf("Redact(%q)\n got  %q\n want %q", tc.in, got, tc.want)
		}
		if again := Redact(got); again != got {
			t.Errorf("Redact is not idempotent on %q: %q", got, again)
		}
	}
}
