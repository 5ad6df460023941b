package store

import (
	"bytes"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

// History page sizes.
const (
	DefaultHistoryLimit = 20
	MaxHistoryLimit     = 100
)

// HistoryFilter selects runs for ListRuns, as GET /api/history does.
type HistoryFilter struct {
	JobID  string     `json:"jobId,omitempty"`  // only this job's runs
	Status job.Status `json:"status,omitempty"` // only runs in this status
	Limit  int        `json:"limit,omitempty"`  // page size: default 20, at most 100
	Offset int        `json:"offset,omitempty"` // runs to skip, newest first
}

// HistoryPage is one page of runs, newest first, with the number of runs
// that match the filter in all.
type HistoryPage struct {
	Items  []job.Run `json:"items"`
	Total  int       `json:"total"`
	Limit  int       `json:"limit"`
	Offset int       `json:"offset"`
}

// CreateRun records a new run of an existing job and returns it. Empty
// fields get defaults: a new id, status PENDING, startedAt now, and
// jobName from the job.
func (s *Store) CreateRun(r job.Run) (job.Run, error) {
	if r.ID == "" {
		r.ID = NewID()
	}
	if r.Status == "" {
		r.Status = job.StatusPending
	}
	if r.StartedAt.IsZero() {
		r.StartedAt = s.stamp()
	}
	if !validID(r.ID) {
		return r, fmt.Errorf("%q is not a valid run id", r.ID)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		j, err := jobs.get(tx, r.JobID)
		if err != nil {
			return err
		}
		if r.JobName == "" {
			r.JobName = j.Name
		}
		if err := r.Validate(); err != nil {
			return err
		}
		h := tx.Bucket(bucketHistory)
		if h.Bucket(bucketRunIDs).Get([]byte(r.ID)) != nil {
			return fmt.Errorf("a run with id %q already exists", r.ID)
		}
		return putNewRun(h, &r)
	})
	return r, err
}

// UpdateRun stores a run's progress or outcome. The run's id, job, job
// name and start time are kept as first recorded. A run that has ended
// (see job.Status.IsFinal) may still change, for instance to add a verify
// result, but not go back to an active status.
func (s *Store) UpdateRun(r job.Run) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		h := tx.Bucket(bucketHistory)
		key, old, err := runByID(h, r.ID)
		if err != nil {
			return err
		}
		if old.Status.IsFinal() && !r.Status.IsFinal() {
			return fmt.Errorf("run %q has already ended (%s); it cannot become %s", r.ID, old.Status, r.Status)
		}
		r.JobID, r.JobName, r.JobDeleted, r.StartedAt = old.JobID, old.JobName, old.JobDeleted, old.StartedAt
		if err := r.Validate(); err != nil {
			return err
		}
		return putRun(h, key, &old, &r)
	})
}

// GetRun returns the run with id.
func (s *Store) GetRun(id string) (job.Run, error) {
	var r job.Run
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		_, r, err = runByID(tx.Bucket(bucketHistory), id)
		return err
	})
	return r, err
}

// ListRuns returns one page of the runs that match f, newest first. It
// reads only the runs on the page; counting the total reads index keys,
// not runs.
func (s *Store) ListRuns(f HistoryFilter) (HistoryPage, error) {
	f = f.normalized()
	page := HistoryPage{Items: []job.Run{}, Limit: f.Limit, Offset: f.Offset}
	if f.Status != "" && !f.Status.Valid() {
		return page, fmt.Errorf("unknown status %q", f.Status)
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		h := tx.Bucket(bucketHistory)
		keys, member := historyIndex(h, f)
		if keys == nil {
			return nil
		}
		runs := h.Bucket(bucketRuns)
		var inMember *bolt.Cursor // one cursor reused: Bucket.Get makes one per call
		if member != nil {
			inMember = member.Cursor()
		}
		c := keys.Cursor()
		for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
			if inMember != nil {
				if found, _ := inMember.Seek(k); !bytes.Equal(found, k) {
					continue
				}
			}
			if page.Total >= f.Offset && len(page.Items) < f.Limit {
				r, err := decodeRun(k, runs.Get(k))
				if err != nil {
					return err
				}
				page.Items = append(page.Items, r)
			}
			page.Total++
		}
		return nil
	})
	return page, err
}

func (f HistoryFilter) normalized() HistoryFilter {
	switch {
	case f.Limit <= 0:
		f.Limit = DefaultHistoryLimit
	case f.Limit > MaxHistoryLimit:
		f.Limit = MaxHistoryLimit
	}
	f.Offset = max(f.Offset, 0)
	return f
}

// historyIndex returns the bucket whose keys are the run keys to walk for
// f and, when f filters on both job and status, a second bucket each key
// must also be in. It returns nil when nothing can match.
func historyIndex(h *bolt.Bucket, f HistoryFilter) (keys, member *bolt.Bucket) {
	if f.JobID == "" && f.Status == "" {
		return h.Bucket(bucketRuns), nil
	}
	var byJob, byStatus *bolt.Bucket
	if f.JobID != "" {
		if byJob = h.Bucket(bucketByJob).Bucket([]byte(f.JobID)); byJob == nil {
			return nil, nil
		}
	}
	if f.Status != "" {
		if byStatus = h.Bucket(bucketByStatus).Bucket([]byte(f.Status)); byStatus == nil {
			return nil, nil
		}
	}
	if byJob == nil {
		return byStatus, nil
	}
	return byJob, byStatus // a job's runs are usually fewer than a status's
}

// LatestByJob returns the job's most recently started run, or an error
// wrapping ErrNotFound when it has none.
func (s *Store) LatestByJob(jobID string) (job.Run, error) {
	var r job.Run
	err := s.db.View(func(tx *bolt.Tx) error {
		h := tx.Bucket(bucketHistory)
		if b := h.Bucket(bucketByJob).Bucket([]byte(jobID)); b != nil {
			if k, _ := b.Cursor().Last(); k != nil {
				var err error
				r, err = decodeRun(k, h.Bucket(bucketRuns).Get(k))
				return err
			}
		}
		return &NotFoundError{Entity: "run of job", ID: jobID}
	})
	return r, err
}

// LatestRuns returns each job's most recently started run, by job id,
// including jobs deleted without their history.
func (s *Store) LatestRuns() (map[string]job.Run, error) {
	out := map[string]job.Run{}
	err := s.db.View(func(tx *bolt.Tx) error {
		h := tx.Bucket(bucketHistory)
		runs := h.Bucket(bucketRuns)
		return h.Bucket(bucketByJob).ForEachBucket(func(jobID []byte) error {
			k, _ := h.Bucket(bucketByJob).Bucket(jobID).Cursor().Last()
			if k == nil {
				return nil
			}
			r, err := decodeRun(k, runs.Get(k))
			out[string(jobID)] = r
			return err
		})
	})
	return out, err
}

// runByID returns a run's key and record.
func runByID(h *bolt.Bucket, id string) ([]byte, job.Run, error) {
	key := h.Bucket(bucketRunIDs).Get([]byte(id))
	if key == nil {
		return nil, job.Run{}, &NotFoundError{Entity: "run", ID: id}
	}
	key = bytes.Clone(key)
	r, err := decodeRun(key, h.Bucket(bucketRuns).Get(key))
	return key, r, err
}

func decodeRun(key, raw []byte) (job.Run, error) {
	var r job.Run
	if raw == nil {
		return r, fmt.Errorf("history index points at a missing run (key %x)", key)
	}
	err := json.Unmarshal(raw, &r)
	return r, err
}
