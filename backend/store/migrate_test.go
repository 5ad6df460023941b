package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

func TestMigrationsAreOrdered(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 || m.name == "" || m.apply == nil {
			t.Errorf("migration %d is %+v; versions must run 1, 2, 3… without gaps", i, m)
		}
	}
}

// fixtureVersion reads a database file's schema version without Open.
func fixtureVersion(t *testing.T, path string) int {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	ok(t, err)
	defer db.Close()
	var v int
	ok(t, db.View(func(tx *bolt.Tx) error { v = schemaVersion(tx); return nil }))
	return v
}

// TestMigrateFixtures opens each committed old database and checks that
// every record reads as before, with what the later schemas added.
func TestMigrateFixtures(t *testing.T) {
	for _, from := range []int{1, 2} {
		t.Run(fmt.Sprintf("from v%d", from), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			raw := must(os.ReadFile(filepath.Join("testdata", fmt.Sprintf("v%d.db", from))))
			ok(t, os.WriteFile(path, raw, 0o600))
			if v := fixtureVersion(t, path); v != from {
				t.Fatalf("testdata/v%d.db is at schema %d", from, v)
			}
			s := openTest(t, dir)
			ok(t, s.db.View(func(tx *bolt.Tx) error {
				if v := schemaVersion(tx); v != latestVersion {
					t.Errorf("schema after Open: %d, want %d", v, latestVersion)
				}
				return nil
			}))
			checkMigratedRecords(t, s)
			checkMigratedHistory(t, s)
		})
	}
}

func checkMigratedRecords(t *testing.T, s *Store) {
	photos := must(s.GetJob("job1"))
	if !photos.Incremental || photos.OnNoChange != job.NoChangeNewVersion || !photos.UseDefaultExcludes ||
		!photos.CatchUp || photos.VerifyUnchangedByHash {
		t.Errorf("job1 did not get the schema 3 defaults: %+v", photos)
	}
	if photos.Schedule != "0 2 * * *" || photos.NamePattern != "Photos-{date}" || photos.RetentionCount != 7 ||
		!photos.Enabled || photos.LastRunAt == nil || !photos.LastRunAt.Equal(time.Date(2025, 1, 2, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("job1 lost fields: %+v", photos)
	}
	if docs := must(s.GetJob("job2")); docs.Enabled || docs.RetentionType != job.RetentionHybrid || docs.RetentionDays != 30 {
		t.Errorf("job2 lost fields: %+v", docs)
	}
	for _, j := range must(s.ListJobs()) {
		if err := j.Validate(); err != nil {
			t.Errorf("migrated job %s is not valid: %v", j.Name, err)
		}
	}
	if got := string(must(s.SealedCredential("cred1"))); got != "\x01fixture-sealed-blob" {
		t.Errorf("sealed credential = %q", got)
	}
	if got := must(s.GetDestination("dest1")); got.CredentialID != "cred1" || got.FolderPath != "/avault" {
		t.Errorf("destination = %+v", got)
	}
	if got := must(s.GetSettings()); got.NASRoot != "/mnt/nas" || got.WorkerConcurrency != 3 || got.TransfersPerRun != 4 {
		t.Errorf("settings = %+v", got)
	}
}

func checkMigratedHistory(t *testing.T, s *Store) {
	// What the indexes must give, counted from the fixture's own list; the
	// run left RUNNING is recovered as FAILED by Open.
	want := map[[2]string]int{}
	for _, r := range fixtureRuns() {
		st := r.status
		if st == "RUNNING" {
			st = "FAILED"
		}
		for _, k := range [][2]string{{"", ""}, {r.jobID, ""}, {"", st}, {r.jobID, st}} {
			want[k]++
		}
	}
	if want[[2]string{"", ""}] != 30 || want[[2]string{"job1", ""}] != 15 || want[[2]string{"job2", "FAILED"}] != 3 {
		t.Fatalf("fixture runs changed: %v", want)
	}
	for k, n := range want {
		f := HistoryFilter{JobID: k[0], Status: job.Status(k[1]), Limit: 100}
		page := must(s.ListRuns(f))
		if page.Total != n || len(page.Items) != n {
			t.Errorf("filter %+v: total %d, %d items, want %d", f, page.Total, len(page.Items), n)
		}
	}
	last := must(s.GetRun("run29"))
	if last.Status != job.StatusFailed || last.ErrorMessage != InterruptedMessage || last.JobName != "Documents" {
		t.Errorf("run29 = %+v", last)
	}
	if got := must(s.LatestByJob("job1")); got.ID != "run28" {
		t.Errorf("LatestByJob(job1) = %s", got.ID)
	}
	// New runs join the migrated indexes.
	r := must(s.CreateRun(job.Run{JobID: "job1", Trigger: job.TriggerCLI, StartedAt: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}))
	if page := must(s.ListRuns(HistoryFilter{JobID: "job1", Status: job.StatusPending})); page.Total != 1 || page.Items[0].ID != r.ID {
		t.Errorf("new run not indexed: %+v", page)
	}
}
