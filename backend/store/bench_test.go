package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

// fillHistory gives a store in dir 10 jobs and n finished runs spread over
// them, a tenth FAILED, written in batches of 1000 per transaction. It
// returns the store, open.
func fillHistory(b *testing.B, dir string, n int) (*Store, []job.Job) {
	s := openTest(b, dir)
	_, d, first := seed(b, s)
	jobs := []job.Job{first}
	for i := 1; i < 10; i++ {
		jobs = append(jobs, newJob(b, s, fmt.Sprintf("Job %d", i), d.ID))
	}
	for start := 0; start < n; start += 1000 {
		ok(b, s.db.Update(func(tx *bolt.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				r := benchRun(jobs[i%len(jobs)], i)
				if err := putNewRun(tx.Bucket(bucketHistory), &r); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	return s, jobs
}

func benchRun(j job.Job, i int) job.Run {
	start := t0.Add(time.Duration(i) * time.Hour)
	r := job.Run{ID: NewID(), JobID: j.ID, JobName: j.Name, Trigger: job.TriggerSchedule, StartedAt: start,
		FilesScanned: 1200, FilesUploaded: 40, FilesCopied: 1160, BytesScanned: 5 << 30, BytesUploaded: 80 << 20,
		RemotePath: "Photos-2026-01-12_02-00-00"}
	if i%10 == 9 {
		r.AddFailure("photos/2024/IMG_0001.jpg", "permission denied")
		r.Finish(job.StatusFailed, start.Add(time.Minute), "destination unreachable")
	} else {
		r.Finish(job.StatusSuccess, start.Add(time.Minute), "")
	}
	return r
}

// BenchmarkOpen10k opens and closes a database holding 10,000 runs.
func BenchmarkOpen10k(b *testing.B) {
	dir := b.TempDir()
	s, _ := fillHistory(b, dir, 10_000)
	s.Close()
	for b.Loop() {
		s, err := Open(context.Background(), Options{Dir: dir})
		ok(b, err)
		s.Close()
	}
}

// BenchmarkHistoryPage reads one page of 20 runs out of 10,000.
func BenchmarkHistoryPage(b *testing.B) {
	s, jobs := fillHistory(b, b.TempDir(), 10_000)
	for _, bc := range []struct {
		name string
		f    HistoryFilter
	}{
		{"unfiltered", HistoryFilter{}},
		{"job", HistoryFilter{JobID: jobs[3].ID}},
		{"status", HistoryFilter{Status: job.StatusFailed}},
		{"job+status", HistoryFilter{JobID: jobs[9].ID, Status: job.StatusFailed}},
		{"unfiltered,offset=5000", HistoryFilter{Offset: 5000}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				page, err := s.ListRuns(bc.f)
				if err != nil || len(page.Items) != 20 {
					b.Fatalf("%d items, %v", len(page.Items), err)
				}
			}
		})
	}
}
