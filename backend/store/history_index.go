package store

import (
	"bytes"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

// indexMark is the value of an index entry; the key is what matters.
var indexMark = []byte{1}

// InterruptedMessage is the errorMessage of a run found active when the
// database was opened: the process that ran it ended without finishing it.
const InterruptedMessage = "interrupted"

// RetentionInterruptedMessage is the errorMessage of a run found ROTATING
// when the database was opened: its version was committed, and retention
// runs again after the job's next backup.
const RetentionInterruptedMessage = "backup complete; interrupted during retention, which runs again after the next backup"

// runKey returns a run's key in history/runs: startedAt in Unix
// nanoseconds, sign bit flipped, big-endian, then the run id.
func runKey(startedAt time.Time, id string) []byte {
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(id)), uint64(startedAt.UnixNano())^(1<<63))
	return append(k, id...)
}

// putNewRun stores a new run and indexes it.
func putNewRun(h *bolt.Bucket, r *job.Run) error {
	key := runKey(r.StartedAt, r.ID)
	runs := h.Bucket(bucketRuns)
	runs.FillPercent = 0.9 // keys mostly arrive in time order
	if err := putJSON(runs, key, r); err != nil {
		return err
	}
	if err := h.Bucket(bucketRunIDs).Put([]byte(r.ID), key); err != nil {
		return err
	}
	return addToIndexes(h, key, r.JobID, string(r.Status))
}

// putRun stores r over old under key, moving it between status indexes
// when its status changed.
func putRun(h *bolt.Bucket, key []byte, old, r *job.Run) error {
	if err := putJSON(h.Bucket(bucketRuns), key, r); err != nil {
		return err
	}
	if old.Status == r.Status {
		return nil
	}
	if err := indexDelete(h.Bucket(bucketByStatus), []byte(old.Status), key); err != nil {
		return err
	}
	return indexPut(h.Bucket(bucketByStatus), []byte(r.Status), key)
}

// addToIndexes adds a run's key to its job's and its status's index.
func addToIndexes(h *bolt.Bucket, key []byte, jobID, status string) error {
	if jobID != "" {
		if err := indexPut(h.Bucket(bucketByJob), []byte(jobID), key); err != nil {
			return err
		}
	}
	return indexPut(h.Bucket(bucketByStatus), []byte(status), key)
}

func indexPut(parent *bolt.Bucket, name, key []byte) error {
	b, err := parent.CreateBucketIfNotExists(name)
	if err != nil {
		return err
	}
	b.FillPercent = 0.9
	return b.Put(key, indexMark)
}

func indexDelete(parent *bolt.Bucket, name, key []byte) error {
	if b := parent.Bucket(name); b != nil {
		return b.Delete(key)
	}
	return nil
}

// keysOf returns copies of the keys of b (nil b has none), oldest first.
func keysOf(b *bolt.Bucket) [][]byte {
	var keys [][]byte
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	return keys
}

// activeRunKeys returns copies of the keys of runs that have not ended.
func activeRunKeys(h *bolt.Bucket) [][]byte {
	var keys [][]byte
	for _, st := range job.Statuses {
		if !st.IsFinal() {
			keys = append(keys, keysOf(h.Bucket(bucketByStatus).Bucket([]byte(st)))...)
		}
	}
	return keys
}

// RecoverInterrupted marks every run still PENDING, RUNNING, UPLOADING or
// ROTATING as FAILED with errorMessage "interrupted" and completedAt now,
// and returns how many it marked. A ROTATING run that names its version
// had committed it before the process ended: it is SUCCESS (or
// PARTIAL_SUCCESS with failed files), with a message that retention did
// not finish. Open calls it: such runs belong to a
// process that ended. Call it again only when this process has no run
// going. It writes nothing when there is nothing to mark.
func (s *Store) RecoverInterrupted() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = len(activeRunKeys(tx.Bucket(bucketHistory)))
		return nil
	})
	if err != nil || n == 0 {
		return 0, err
	}
	now := s.stamp()
	err = s.db.Update(func(tx *bolt.Tx) error {
		h := tx.Bucket(bucketHistory)
		active := activeRunKeys(h)
		n = len(active)
		for _, key := range active {
			r, err := decodeRun(key, h.Bucket(bucketRuns).Get(key))
			if err != nil {
				return err
			}
			old := r
			if r.Status == job.StatusRotating && r.RemotePath != "" {
				r.Finish(job.StatusSuccess, latest(now, r.StartedAt), RetentionInterruptedMessage)
			} else {
				r.Finish(job.StatusFailed, latest(now, r.StartedAt), InterruptedMessage)
			}
			if err := putRun(h, key, &old, &r); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// activeRunOf returns a run of the job that has not ended, or nil.
func activeRunOf(h *bolt.Bucket, jobID string) (*job.Run, error) {
	mine := h.Bucket(bucketByJob).Bucket([]byte(jobID))
	if mine == nil {
		return nil, nil
	}
	for _, key := range activeRunKeys(h) {
		if mine.Get(key) != nil {
			r, err := decodeRun(key, h.Bucket(bucketRuns).Get(key))
			return &r, err
		}
	}
	return nil, nil
}

// markJobDeleted flags every run of a deleted job, so history shows it.
func markJobDeleted(h *bolt.Bucket, jobID string) error {
	runs := h.Bucket(bucketRuns)
	for _, key := range keysOf(h.Bucket(bucketByJob).Bucket([]byte(jobID))) {
		r, err := decodeRun(key, runs.Get(key))
		if err != nil {
			return err
		}
		r.JobDeleted = true
		if err := putJSON(runs, key, &r); err != nil {
			return err
		}
	}
	return nil
}

// deleteJobHistory removes every run of a job and its index entries.
func deleteJobHistory(h *bolt.Bucket, jobID string) error {
	runs := h.Bucket(bucketRuns)
	for _, key := range keysOf(h.Bucket(bucketByJob).Bucket([]byte(jobID))) {
		r, err := decodeRun(key, runs.Get(key))
		if err != nil {
			return err
		}
		if err := indexDelete(h.Bucket(bucketByStatus), []byte(r.Status), key); err != nil {
			return err
		}
		if err := h.Bucket(bucketRunIDs).Delete([]byte(r.ID)); err != nil {
			return err
		}
		if err := runs.Delete(key); err != nil {
			return err
		}
	}
	if h.Bucket(bucketByJob).Bucket([]byte(jobID)) == nil {
		return nil
	}
	return h.Bucket(bucketByJob).DeleteBucket([]byte(jobID))
}
