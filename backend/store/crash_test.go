package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

// childWriter writes runs to the store in AVAULT_DATA_DIR until killed,
// printing one line after each committed transaction:
// "create <run id>" or "update <run id> <filesUploaded>".
func childWriter() int {
	s, err := Open(context.Background(), Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	jobs, err := s.ListJobs()
	if err != nil || len(jobs) == 0 {
		fmt.Fprintln(os.Stderr, "no job to write runs for", err)
		return 1
	}
	for i := 1; ; i++ {
		r, err := s.CreateRun(job.Run{JobID: jobs[0].ID, Trigger: job.TriggerSchedule, Status: job.StatusRunning,
			StartedAt: time.Now(), ErrorMessage: strings.Repeat("x", i%500)})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("create %s\n", r.ID)
		r.FilesUploaded = int64(i)
		r.Finish(job.StatusSuccess, time.Now(), "")
		if err := s.UpdateRun(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("update %s %d\n", r.ID, i)
	}
}

// TestKilledWriterLosesNothingCommitted kills a writing process with
// SIGKILL, several times, and checks after each that the database opens,
// passes bbolt's consistency check and holds every change the writer
// reported committed.
func TestKilledWriterLosesNothingCommitted(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	seed(t, s)
	s.Close()
	created, updated := map[string]bool{}, map[string]int64{}
	for round, stopAfter := range []int{37, 120, 251} {
		reportCommits(t, dir, stopAfter, created, updated)
		s := openTest(t, dir)
		ok(t, s.db.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				return err
			}
			return nil
		}))
		for id := range created {
			r, err := s.GetRun(id)
			if err != nil {
				t.Fatalf("round %d: run %s reported committed is missing: %v", round, id, err)
			}
			if n, ok := updated[id]; ok && (r.FilesUploaded != n || r.Status != job.StatusSuccess) {
				t.Fatalf("round %d: run %s = %s with %d files, reported SUCCESS with %d", round, id, r.Status, r.FilesUploaded, n)
			}
			// A run whose update was not reported either was cut off while
			// RUNNING (and is now FAILED, interrupted) or was updated after
			// the last report read.
			interrupted := r.Status == job.StatusFailed && r.ErrorMessage == InterruptedMessage
			if _, ok := updated[id]; !ok && !interrupted && r.Status != job.StatusSuccess {
				t.Fatalf("round %d: unfinished run %s is %s %q, want FAILED interrupted", round, id, r.Status, r.ErrorMessage)
			}
		}
		page := must(s.ListRuns(HistoryFilter{}))
		t.Logf("round %d: killed after %d reported commits; %d runs stored", round, stopAfter, page.Total)
		s.Close()
	}
}

// reportCommits starts a writer, reads its commit reports until it has
// stopAfter of them, and kills it at once (SIGKILL), mid-loop.
func reportCommits(t *testing.T, dir string, stopAfter int, created map[string]bool, updated map[string]int64) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=writer", EnvDataDir+"="+dir)
	cmd.Stderr = os.Stderr
	out := must(cmd.StdoutPipe())
	ok(t, cmd.Start())
	lines := bufio.NewScanner(out)
	n := 0
	for ; n < stopAfter && lines.Scan(); n++ {
		f := strings.Fields(lines.Text())
		switch {
		case len(f) == 2 && f[0] == "create":
			created[f[1]] = true
		case len(f) == 3 && f[0] == "update":
			updated[f[1]] = must(strconv.ParseInt(f[2], 10, 64))
		default:
			t.Fatalf("writer said %q", lines.Text())
		}
	}
	ok(t, cmd.Process.Kill()) // SIGKILL on Unix
	cmd.Wait()
	if n < stopAfter {
		t.Fatalf("writer stopped by itself after %d commits", n)
	}
}
