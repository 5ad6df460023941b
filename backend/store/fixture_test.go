package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The committed databases testdata/v<N>.db hold what schema N looked like
// with the records of that time. They are written by writeFixtures, run
// with: go test ./backend/store -run '^$' -update-fixtures
// Regenerate one only when the old layout it stands for was described
// wrongly; a new schema gets a new file.

// fixtureRun is one run of the fixtures: 30 runs an hour apart from
// 2025-01-01, alternating between job1 (even) and job2 (odd); every
// seventh FAILED, the eleventh PARTIAL_SUCCESS, the last still RUNNING.
type fixtureRun struct {
	id, jobID, status string
	started           time.Time
}

func fixtureRuns() []fixtureRun {
	var runs []fixtureRun
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 30 {
		r := fixtureRun{id: fmt.Sprintf("run%02d", i), jobID: "job1", status: "SUCCESS",
			started: base.Add(time.Duration(i) * time.Hour)}
		if i%2 == 1 {
			r.jobID = "job2"
		}
		switch {
		case i == 29:
			r.status = "RUNNING"
		case i == 10:
			r.status = "PARTIAL_SUCCESS"
		case i%7 == 6:
			r.status = "FAILED"
		}
		runs = append(runs, r)
	}
	return runs
}

// fixtureRecords are the records as schema 1 and 2 wrote them: jobs have
// none of the options schema 3 added.
var fixtureRecords = map[string]map[string]string{
	"credentials": {"cred1": `{"id":"cred1","name":"AWS","provider":"s3","metadata":{"accessKeyId":"AKIA…7XQZ"},"status":"ok","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}`},
	"sealed":      {"cred1": "\x01fixture-sealed-blob"},
	"destinations": {"dest1": `{"id":"dest1","name":"Bucket","kind":"s3","credentialId":"cred1","remoteId":"nas-backup",` +
		`"folderPath":"/avault","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}`},
	"jobs": {
		"job1": `{"id":"job1","name":"Photos","sourcePath":"/photos","destinationId":"dest1","schedule":"0 2 * * *",` +
			`"retentionType":"VERSION_COUNT","retentionCount":7,"namePattern":"Photos-{date}","enabled":true,` +
			`"lastRunAt":"2025-01-02T04:00:00Z","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}`,
		"job2": `{"id":"job2","name":"Documents","sourcePath":"/docs","destinationId":"dest1","schedule":"30 3 * * 1-5",` +
			`"retentionType":"HYBRID","retentionCount":3,"retentionDays":30,"namePattern":"{job}-{datetime}","enabled":false,` +
			`"createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"}`,
	},
	"settings": {"settings": `{"nasRoot":"/mnt/nas","workerConcurrency":3}`},
}

// writeFixtures writes testdata/v1.db and testdata/v2.db.
func writeFixtures() error {
	for _, version := range []int{1, 2} {
		path := filepath.Join("testdata", fmt.Sprintf("v%d.db", version))
		if err := writeFixture(path, version); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Println("wrote", path)
	}
	return nil
}

func writeFixture(path string, version int) error {
	os.Remove(path)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := migrate(db, 1); err != nil {
		return err
	}
	if err := db.Update(putV1Records); err != nil {
		return err
	}
	return migrate(db, version)
}

// putV1Records writes fixtureRecords and fixtureRuns in schema 1's layout.
func putV1Records(tx *bolt.Tx) error {
	for bucket, records := range fixtureRecords {
		for k, v := range records {
			if err := tx.Bucket([]byte(bucket)).Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
	}
	h := tx.Bucket(bucketHistory)
	for _, r := range fixtureRuns() {
		rec := map[string]any{"id": r.id, "jobId": r.jobID, "jobName": map[string]string{"job1": "Photos", "job2": "Documents"}[r.jobID],
			"status": r.status, "trigger": "schedule", "startedAt": r.started, "filesScanned": 12, "filesUploaded": 12, "bytesUploaded": 4096}
		if r.status != "RUNNING" {
			rec["completedAt"] = r.started.Add(10 * time.Minute)
		}
		raw, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		key := runKey(r.started, r.id)
		if err := h.Bucket(bucketRuns).Put(key, raw); err != nil {
			return err
		}
		if err := h.Bucket(bucketRunIDs).Put([]byte(r.id), key); err != nil {
			return err
		}
	}
	return nil
}
