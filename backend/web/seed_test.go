//go:build e2eseed

package web

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/store"
)

// TestSeedStore fills the data folder named by $AVAULT_E2E_SEED_DIR with
// 200 jobs and 10,000 finished runs, so the end-to-end test can time the
// dashboard and the history on a store of that size. The jobs back up the
// folder "photos" of $AVAULT_E2E_SEED_NAS into $AVAULT_E2E_SEED_DEST. It is
// skipped unless those are set.
func TestSeedStore(t *testing.T) {
	dir, nas, dest := os.Getenv("AVAULT_E2E_SEED_DIR"), os.Getenv("AVAULT_E2E_SEED_NAS"), os.Getenv("AVAULT_E2E_SEED_DEST")
	if dir == "" || nas == "" || dest == "" {
		t.Skip("set AVAULT_E2E_SEED_DIR, AVAULT_E2E_SEED_NAS and AVAULT_E2E_SEED_DEST to seed a store")
	}
	const jobs, runs = 200, 10_000
	st, err := store.Open(context.Background(), store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutSettings(job.Settings{NASRoot: nas}); err != nil {
		t.Fatal(err)
	}
	d, err := st.CreateDestination(job.Destination{Name: "Seeded disk", Kind: job.KindLocal, RemoteID: dest})
	if err != nil {
		t.Fatal(err)
	}
	var ids []job.Job
	for i := range jobs {
		j := job.NewJob()
		j.Name, j.SourcePath, j.DestinationID = fmt.Sprintf("Seeded job %03d", i+1), "photos", d.ID
		j.Enabled = i%10 != 0
		created, err := st.CreateJob(j)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, created)
	}
	start := time.Now().Add(-time.Duration(runs) * 10 * time.Minute)
	for i := range runs {
		j := ids[i%jobs]
		at := start.Add(time.Duration(i) * 10 * time.Minute)
		r := job.Run{JobID: j.ID, Trigger: job.TriggerSchedule, StartedAt: at, FilesScanned: int64(1000 + i%500),
			FilesUploaded: int64(i % 50), FilesCopied: int64(950 + i%450), BytesScanned: int64(2<<30 + (i%97)<<20),
			BytesUploaded: int64(i%50) << 20, RemotePath: fmt.Sprintf("seed-%05d", i)}
		status := job.StatusSuccess
		switch {
		case i%37 == 0:
			r.AddFailure("photos/locked.jpg", "permission denied")
		case i%53 == 0:
			status = job.StatusFailed
		}
		r.Finish(status, at.Add(time.Duration(60+i%600)*time.Second), map[bool]string{true: "the destination folder is not mounted"}[status == job.StatusFailed])
		if _, err := st.CreateRun(r); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	t.Logf("seeded %d jobs and %d runs in %s", jobs, runs, dir)
}
