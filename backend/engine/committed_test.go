package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// failingDeletes refuses to delete versions, as a store without the right
// to delete does.
type failingDeletes struct{ storage.Destination }

func (failingDeletes) DeleteVersion(context.Context, string) error {
	return errors.New("access denied")
}

// TestOnCommittedComesBeforeRetention: once the version is committed, and
// before retention, OnCommitted gets the version's name, the counters and
// status ROTATING; a retention that fails leaves the run SUCCESS and says
// so in the history record.
func TestOnCommittedComesBeforeRetention(t *testing.T) {
	e := newEnv(t, sample)
	e.job.RetentionCount = 1
	first := e.mustRun(job.StatusSuccess)
	e.now = e.now.Add(24 * time.Hour)
	e.dest = failingDeletes{e.dest}
	var events []string
	var committed Result
	res := e.run(Options{
		OnStatus: func(s job.Status) { events = append(events, string(s)) },
		OnCommitted: func(r Result) {
			events = append(events, "committed")
			committed = r
			vs, err := e.dest.ListVersions(context.Background())
			if err != nil || len(vs) != 2 {
				t.Errorf("at OnCommitted the destination lists %d versions (%v), want both", len(vs), err)
			}
		},
	})
	if want := "RUNNING UPLOADING committed ROTATING SUCCESS"; strings.Join(events, " ") != want {
		t.Errorf("events %v, want %s", events, want)
	}
	if committed.Status != job.StatusRotating || committed.Version == "" || committed.Version != res.Version ||
		committed.FilesCopied != int64(len(sample)) || committed.FilesScanned != int64(len(sample)) {
		t.Errorf("OnCommitted got %+v; the run ended with version %q", committed, res.Version)
	}
	if res.Status != job.StatusSuccess || res.RetentionError == "" || len(res.Deleted) != 0 {
		t.Fatalf("run: %s, retention error %q, deleted %v", res.Status, res.RetentionError, res.Deleted)
	}
	var run job.Run
	res.Apply(&run)
	if run.Status != job.StatusSuccess || !strings.Contains(run.ErrorMessage, "retention failed") ||
		!strings.Contains(run.ErrorMessage, first.Version) {
		t.Errorf("history record: %s %q, want SUCCESS naming the retention failure and %s", run.Status, run.ErrorMessage, first.Version)
	}
}
