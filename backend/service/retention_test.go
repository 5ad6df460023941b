//go:build unix

// A FIFO in the source makes a run end partial; FIFOs are a Unix thing.

package service

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// testClock is a wall clock a test sets, moves and makes jump by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestPreviewRetention makes versions by running the service, one a day,
// the newest with a failed file, beside another job's version and a
// user's folder, then previews policies on them as the job editor does.
func TestPreviewRetention(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}
	s, nas := newTestServiceAt(t, clock.now)
	ctx := context.Background()
	j, disk := localJob(t, s, nas, 3)
	j.RetentionCount = 100 // the runs delete nothing
	j, err := s.UpdateJob(j)
	if err != nil {
		t.Fatal(err)
	}
	run := func(jobID string, want job.Status) job.Run {
		t.Helper()
		r, err := s.RunJob(jobID, job.TriggerManual)
		if err != nil {
			t.Fatal(err)
		}
		done := waitFinal(t, s, r.ID)
		if done.Status != want {
			t.Fatalf("run ended %s (%s), want %s", done.Status, done.ErrorMessage, want)
		}
		clock.add(24 * time.Hour)
		return done
	}
	var v []job.Run // v[0] is the oldest
	for range 3 {
		v = append(v, run(j.ID, job.StatusSuccess))
	}
	if err := syscall.Mkfifo(filepath.Join(nas, "photos", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	v = append(v, run(j.ID, job.StatusPartialSuccess))
	other := s.NewJobDefaults()
	other.Name, other.SourcePath, other.DestinationID = "Other", "photos", j.DestinationID
	if other, err = s.CreateJob(other); err != nil {
		t.Fatal(err)
	}
	run(other.ID, job.StatusPartialSuccess)
	if err := os.MkdirAll(filepath.Join(disk, "Photos-2020-01-01_00-00-00", ".avault"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Now is a day after the last run: v[3] is 2 days old, v[0] 5.

	for _, tc := range []struct {
		name   string
		policy job.Policy
		want   []string // "keep|delete: reason", newest first
	}{
		{"count", job.Policy{Type: job.RetentionVersionCount, Count: 2}, []string{
			"keep: the newest version", "keep: one of the 2 newest", "delete: not one of the 2 newest", "delete: not one of the 2 newest"}},
		{"failed newest", job.Policy{Type: job.RetentionVersionCount, Count: 1}, []string{
			"keep: the newest version", "keep: the newest version without failed files", "delete: not the newest", "delete: not the newest"}},
		{"days", job.Policy{Type: job.RetentionDays, Days: 4}, []string{
			"keep: the newest version", "keep: within the last 4 days", "delete: older than 4 days", "delete: older than 4 days"}},
		{"hybrid", job.Policy{Type: job.RetentionHybrid, Count: 3, Days: 1}, []string{
			"keep: the newest version", "keep: one of the 3 newest", "keep: one of the 3 newest", "delete: older than 1 day and not one of the 3 newest"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			draft := j
			draft.RetentionType, draft.RetentionCount, draft.RetentionDays = tc.policy.Type, tc.policy.Count, tc.policy.Days
			p, err := s.PreviewRetention(ctx, draft)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for i, ver := range p.Versions {
				made := v[len(v)-1-i]
				if ver.Name != made.RemotePath || !ver.Created.Equal(made.StartedAt) || ver.Files != made.FilesUploaded+made.FilesCopied {
					t.Errorf("version %d: %s made %s, %d files; the run made %s at %s, %d files",
						i, ver.Name, ver.Created, ver.Files, made.RemotePath, made.StartedAt, made.FilesUploaded+made.FilesCopied)
				}
				verdict := "delete"
				if ver.Keep {
					verdict = "keep"
				}
				got = append(got, verdict+": "+ver.Reason)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			if p.Kept+p.Deleted != 4 || !p.Now.Equal(clock.now()) || p.Policy != PolicyOf(tc.policy) {
				t.Errorf("kept %d, deleted %d, now %s, policy %+v", p.Kept, p.Deleted, p.Now, p.Policy)
			}
		})
	}

	if vs, err := s.ListVersions(ctx, j.ID); err != nil || len(vs) != 4 {
		t.Errorf("a preview must delete nothing: %d versions, %v", len(vs), err)
	}
	if saved, _ := s.GetJob(j.ID); saved.RetentionCount != 100 {
		t.Errorf("a preview must not save the draft: count %d", saved.RetentionCount)
	}
	draft := j
	draft.ID = ""
	if p, err := s.PreviewRetention(ctx, draft); err != nil || len(p.Versions) != 0 || p.Versions == nil {
		t.Errorf("a job not saved yet has no versions (an empty list): %+v, %v", p, err)
	}
	draft = j
	draft.RetentionCount = 0
	if _, err := s.PreviewRetention(ctx, draft); err == nil || !strings.Contains(err.Error(), "keep between 1 and 1000 versions") {
		t.Errorf("an invalid policy must be refused in words, got %v", err)
	}
}
