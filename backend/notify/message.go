package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/avault/avault/backend/job"
)

// maxErrorText bounds the error text in a message; the history keeps all
// of it.
const maxErrorText = 300

// ForRun returns the message for a finished run, and false when the run
// calls for none under the user's choice (job.NotifyOn; empty means
// failures): FAILED and PARTIAL_SUCCESS unless the choice is never,
// SUCCESS only when it is all, CANCELLED and unfinished runs never.
func ForRun(r job.Run, when job.NotifyOn) (Message, bool) {
	if when == "" {
		when = job.NotifyFailures
	}
	m := Message{
		JobID: r.JobID, JobName: r.JobName, RunID: r.ID, Status: r.Status,
		Counts: &Counts{
			FilesScanned: r.FilesScanned, FilesUploaded: r.FilesUploaded, FilesCopied: r.FilesCopied,
			FilesSkipped: r.FilesSkipped, FilesFailed: r.FilesFailed, BytesUploaded: r.BytesUploaded,
		},
		Time: r.StartedAt,
	}
	if r.CompletedAt != nil {
		m.Time = *r.CompletedAt
	}
	switch {
	case when == job.NotifyNever:
		return Message{}, false
	case r.Status == job.StatusFailed:
		m.Event, m.Urgency = EventFailed, UrgencyCritical
		m.Title = "Backup failed: " + r.JobName
		m.Body = failedBody(r)
	case r.Status == job.StatusPartialSuccess:
		m.Event, m.Urgency = EventPartial, UrgencyNormal
		m.Title = "Backup incomplete: " + r.JobName
		m.Body = partialBody(r)
	case r.Status == job.StatusSuccess && when == job.NotifyAll:
		m.Event, m.Urgency = EventSucceeded, UrgencyLow
		m.Title = "Backup done: " + r.JobName
		m.Body = successBody(r)
	default:
		return Message{}, false
	}
	return m, true
}

func failedBody(r job.Run) string {
	body := "The backup stopped without making a new version."
	if r.ErrorMessage != "" {
		body = shorten(Redact(r.ErrorMessage), maxErrorText)
	}
	if done := r.FilesUploaded + r.FilesCopied; done > 0 {
		body += fmt.Sprintf("\n%s had been sent before it stopped; they will not be sent again.", files(done))
	}
	return body
}

func partialBody(r job.Run) string {
	body := fmt.Sprintf("%s backed up; %s could not be backed up.", files(r.FilesUploaded+r.FilesCopied), files(r.FilesFailed))
	if len(r.Failures) > 0 {
		f := r.Failures[0]
		body += fmt.Sprintf("\nFirst: %s: %s", f.Path, shorten(Redact(f.Reason), maxErrorText))
	}
	return body + "\nThe history lists every file."
}

func successBody(r job.Run) string {
	done := r.FilesUploaded + r.FilesCopied
	if done == 0 && r.FilesSkipped > 0 {
		return "Nothing had changed since the last backup."
	}
	return fmt.Sprintf("%s backed up, %s sent.", files(done), size(r.BytesUploaded))
}

// ForStale returns the message for a job whose backups are overdue (see
// schedule.Stale): it names the last success, or the job's creation when
// it never succeeded, as a date and a distance from now.
func ForStale(jobID, jobName string, lastSuccess *time.Time, created, now time.Time) Message {
	m := Message{
		Event: EventStale, Urgency: UrgencyNormal, JobID: jobID, JobName: jobName, Time: now,
		Title: "Backup overdue: " + jobName,
	}
	if lastSuccess != nil {
		m.Body = fmt.Sprintf("%s has not been backed up since %s (%s).", jobName, when(*lastSuccess, now), ago(*lastSuccess, now))
	} else {
		m.Body = fmt.Sprintf("%s has never been backed up; the job was created %s (%s).", jobName, when(created, now), ago(created, now))
	}
	return m
}

// when formats t for a sentence: "Tue 10 Mar 02:05", with the year when it
// is not now's.
func when(t, now time.Time) string {
	t = t.In(now.Location())
	if t.Year() != now.Year() {
		return t.Format("2 Jan 2006")
	}
	return t.Format("Mon 2 Jan 15:04")
}

// ago says how long before now t was, in whole minutes, hours or days.
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 2*time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 2*time.Hour:
		return "an hour ago"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// files says "1 file" or "1,204 files".
func files(n int64) string {
	if n == 1 {
		return "1 file"
	}
	return thousands(n) + " files"
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// size says a size in decimal units, as file managers do: "512 B",
// "3.4 GB".
func size(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n)/1000, 0
	for v >= 1000 && unit < 4 {
		v /= 1000
		unit++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"kB", "MB", "GB", "TB", "PB"}[unit])
}

// shorten cuts s to its first line and at most n bytes, at a rune
// boundary, marking a cut with "…".
func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " …"
	}
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
