package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/local"
)

// commitVersion writes a committed version with one file straight through
// the destination: its commit record says created, its manifest failed.
// The name says nothing of its time, on purpose.
func commitVersion(t *testing.T, dest storage.Destination, name, jobID string, created time.Time, failed int64) {
	t.Helper()
	ctx := context.Background()
	owner := storage.Owner{JobID: jobID, RunID: "run-" + name}
	p, err := dest.Begin(ctx, name, owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Put(ctx, "f.txt", strings.NewReader("data"), 4, nil); err != nil {
		t.Fatal(err)
	}
	w := manifest.NewWriter()
	if err := w.Add(manifest.Entry{Path: "f.txt", Size: 4, MTime: created, Mode: 0o644, SHA256: shaHex("data")}); err != nil {
		t.Fatal(err)
	}
	data, err := w.Finish(manifest.Header{JobID: jobID, RunID: owner.RunID, Version: name, Created: created, FilesFailed: failed})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(ctx, data, storage.VersionInfo{Name: name, Owner: owner, Created: created, Files: 1, Bytes: 4}); err != nil {
		t.Fatal(err)
	}
}

// TestDecideRetention judges a destination that holds more than the job's
// committed versions: another job's, an unfinished one, a user's folders.
func TestDecideRetention(t *testing.T) {
	dir := t.TempDir()
	dest, err := local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	ctx := context.Background()
	now := day0.Add(10 * 24 * time.Hour)
	ago := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	// Names sort against their times: times come from the commit records.
	commitVersion(t, dest, "a-oldest", "job1", ago(9), 0)
	commitVersion(t, dest, "b-old", "job1", ago(6), 0)
	commitVersion(t, dest, "c-clean", "job1", ago(3), 0)
	commitVersion(t, dest, "d-partial", "job1", ago(2), 2)
	commitVersion(t, dest, "z-newest-partial", "job1", ago(1), 1)
	commitVersion(t, dest, "other-job", "job2", ago(0), 0)
	if _, err := dest.Begin(ctx, "unfinished", storage.Owner{JobID: "job1", RunID: "cut"}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "My own folder", storage.MetaDir), 0o755); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		policy job.Policy
		clean  map[string]bool
		want   []string // "name keep|delete: reason", newest first
	}{
		{"count", job.Policy{Type: job.RetentionVersionCount, Count: 2}, nil, []string{
			"z-newest-partial keep: the newest version", "d-partial keep: one of the 2 newest",
			"c-clean keep: the newest version without failed files",
			"b-old delete: not one of the 2 newest", "a-oldest delete: not one of the 2 newest"}},
		{"days", job.Policy{Type: job.RetentionDays, Days: 5}, nil, []string{
			"z-newest-partial keep: the newest version", "d-partial keep: within the last 5 days",
			"c-clean keep: within the last 5 days", "b-old delete: older than 5 days", "a-oldest delete: older than 5 days"}},
		{"hybrid", job.Policy{Type: job.RetentionHybrid, Count: 4, Days: 1}, nil, []string{
			"z-newest-partial keep: the newest version", "d-partial keep: one of the 4 newest",
			"c-clean keep: one of the 4 newest", "b-old keep: one of the 4 newest",
			"a-oldest delete: older than 1 day and not one of the 4 newest"}},
		{"failed newest protects the newest clean", job.Policy{Type: job.RetentionVersionCount, Count: 1}, nil, []string{
			"z-newest-partial keep: the newest version", "d-partial delete: not the newest",
			"c-clean keep: the newest version without failed files",
			"b-old delete: not the newest", "a-oldest delete: not the newest"}},
		{"what the caller knows wins over the manifest", job.Policy{Type: job.RetentionVersionCount, Count: 1},
			map[string]bool{"z-newest-partial": true}, []string{
				"z-newest-partial keep: the newest version", "d-partial delete: not the newest",
				"c-clean delete: not the newest", "b-old delete: not the newest", "a-oldest delete: not the newest"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs, err := DecideRetention(ctx, dest, "job1", tc.policy, now, tc.clean)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vs {
				verdict := "delete"
				if v.Keep {
					verdict = "keep"
				}
				got = append(got, v.Name+" "+verdict+": "+v.Reason)
				if v.Files != 1 || v.Bytes != 4 {
					t.Errorf("%s: %d files, %d bytes; the commit record says 1 and 4", v.Name, v.Files, v.Bytes)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
	if vs, err := DecideRetention(ctx, dest, "", job.Policy{Type: job.RetentionVersionCount, Count: 1}, now, nil); err != nil || len(vs) != 0 {
		t.Errorf("a job without an id (not saved yet) has no versions: %v, %v", vs, err)
	}
	if names := listNames(t, dest); !slices.Equal(names, []string{"a-oldest", "b-old", "c-clean", "d-partial", "other-job", "z-newest-partial"}) {
		t.Errorf("deciding must not delete anything: %v", names)
	}
}

func listNames(t *testing.T, dest storage.Destination) []string {
	t.Helper()
	vs, err := dest.ListVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}
