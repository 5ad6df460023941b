package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// A migration moves the database from version-1 to version. Each runs in
// one transaction together with the new schemaVersion, so a crash leaves
// the database at the old version or the new one, never between.
type migration struct {
	version int
	name    string
	apply   func(tx *bolt.Tx) error
}

// migrations lists every migration in order. Append only: never edit or
// renumber one that has shipped; each has a test on a database written by
// the version before it (testdata/v<N>.db).
var migrations = []migration{
	{1, "initial layout", migrateInitialLayout},
	{2, "index history by job and by status", migrateHistoryIndexes},
	{3, "write job options added with incremental backups", migrateJobDefaults},
}

// latestVersion is the schema version this code writes.
var latestVersion = migrations[len(migrations)-1].version

// migrate applies, in order, every migration above the database's version
// and up to target.
func migrate(db *bolt.DB, target int) error {
	var current int
	if err := db.View(func(tx *bolt.Tx) error {
		current = schemaVersion(tx)
		return nil
	}); err != nil {
		return err
	}
	if current > latestVersion {
		return fmt.Errorf("the database was written by a newer Avault (schema %d; this version knows up to %d): update Avault", current, latestVersion)
	}
	for _, m := range migrations {
		if m.version <= current || m.version > target {
			continue
		}
		err := db.Update(func(tx *bolt.Tx) error {
			if err := m.apply(tx); err != nil {
				return err
			}
			return setSchemaVersion(tx, m.version)
		})
		if err != nil {
			return fmt.Errorf("upgrade database to schema %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

// schemaVersion returns the database's version, 0 for a new file.
func schemaVersion(tx *bolt.Tx) int {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0
	}
	v := meta.Get(keySchemaVersion)
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

func setSchemaVersion(tx *bolt.Tx, v int) error {
	return tx.Bucket(bucketMeta).Put(keySchemaVersion, binary.BigEndian.AppendUint64(nil, uint64(v)))
}

// migrateInitialLayout creates the buckets of the first release.
func migrateInitialLayout(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketSettings, bucketCredentials, bucketSealed,
		bucketDestinations, bucketJobs} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	h, err := tx.CreateBucketIfNotExists(bucketHistory)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketRuns, bucketRunIDs} {
		if _, err := h.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// migrateHistoryIndexes adds the per-job and per-status history indexes
// and fills them from the existing runs, so that filtering history no
// longer reads every run.
func migrateHistoryIndexes(tx *bolt.Tx) error {
	h := tx.Bucket(bucketHistory)
	for _, name := range [][]byte{bucketByJob, bucketByStatus} {
		if _, err := h.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return h.Bucket(bucketRuns).ForEach(func(k, v []byte) error {
		var r struct {
			JobID  string `json:"jobId"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return fmt.Errorf("run %x: %w", k, err)
		}
		return addToIndexes(h, k, r.JobID, r.Status)
	})
}

// jobDefaultsV3 are the options jobs gained in schema 3, with the value a
// job written before them keeps: it backs up as it did (every file, a new
// version each run) except that unchanged files are now copied rather than
// uploaded again.
var jobDefaultsV3 = map[string]any{
	"incremental":           true,
	"verifyUnchangedByHash": false,
	"onNoChange":            "newVersion",
	"useDefaultExcludes":    true,
	"catchUp":               true,
}

// migrateJobDefaults writes jobDefaultsV3 into each job that lacks them,
// keeping every other field as stored.
func migrateJobDefaults(tx *bolt.Tx) error {
	jobs := tx.Bucket(bucketJobs)
	updates := map[string][]byte{}
	err := jobs.ForEach(func(k, v []byte) error {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(v, &fields); err != nil {
			return fmt.Errorf("job %s: %w", k, err)
		}
		changed := false
		for name, def := range jobDefaultsV3 {
			if _, ok := fields[name]; !ok {
				fields[name], _ = json.Marshal(def)
				changed = true
			}
		}
		if changed {
			out, err := json.Marshal(fields)
			updates[string(k)] = out
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, v := range updates {
		if err := jobs.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return nil
}
