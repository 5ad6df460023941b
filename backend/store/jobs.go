package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

var jobs = kind[job.Job]{
	bucket: bucketJobs,
	label:  "job",
	id:     func(j *job.Job) *string { return &j.ID },
	name:   func(j *job.Job) string { return j.Name },
	stamps: func(j *job.Job) (*time.Time, *time.Time) { return &j.CreatedAt, &j.UpdatedAt },
}

// CreateJob stores a new job and returns it with its id and timestamps.
// Its destination must exist.
func (s *Store) CreateJob(j job.Job) (job.Job, error) {
	if err := j.Validate(); err != nil {
		return j, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := destinations.get(tx, j.DestinationID); err != nil {
			return err
		}
		return jobs.insert(tx, &j, s.stamp())
	})
	return j, err
}

// UpdateJob replaces a job's settings. It keeps the stored createdAt,
// lastRunAt and nextRunAt, which belong to the runner and the scheduler
// (see SetJobLastRun and SetJobNextRun), whatever j holds.
func (s *Store) UpdateJob(j job.Job) (job.Job, error) {
	if err := j.Validate(); err != nil {
		return j, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := destinations.get(tx, j.DestinationID); err != nil {
			return err
		}
		old, err := jobs.get(tx, j.ID)
		if err != nil {
			return err
		}
		j.LastRunAt, j.NextRunAt = old.LastRunAt, old.NextRunAt
		_, err = jobs.replace(tx, &j, s.stamp())
		return err
	})
	return j, err
}

// SetJobLastRun records when the job last ran.
func (s *Store) SetJobLastRun(id string, at time.Time) error {
	return s.patchJob(id, func(j *job.Job) { j.LastRunAt = &at })
}

// SetJobNextRun records when the job runs next; nil clears it (a disabled
// job has no next run).
func (s *Store) SetJobNextRun(id string, at *time.Time) error {
	return s.patchJob(id, func(j *job.Job) { j.NextRunAt = at })
}

// patchJob changes fields that no edit carries, without touching updatedAt.
func (s *Store) patchJob(id string, change func(*job.Job)) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		j, err := jobs.get(tx, id)
		if err != nil {
			return err
		}
		change(&j)
		return putJSON(tx.Bucket(bucketJobs), []byte(id), &j)
	})
}

// GetJob returns the job with id.
func (s *Store) GetJob(id string) (job.Job, error) {
	var j job.Job
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		j, err = jobs.get(tx, id)
		return err
	})
	return j, err
}

// ListJobs returns every job, by name.
func (s *Store) ListJobs() ([]job.Job, error) {
	var out []job.Job
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		out, err = jobs.list(tx)
		return err
	})
	return out, err
}

// DeleteJobOptions say what happens to a deleted job's history.
type DeleteJobOptions struct {
	// DeleteHistory removes the job's runs too. Without it they stay,
	// marked jobDeleted, with the job's name.
	DeleteHistory bool
}

// DeleteJob removes a job. It refuses while one of its runs is still
// active: cancel the run first.
func (s *Store) DeleteJob(id string, opts DeleteJobOptions) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		j, err := jobs.get(tx, id)
		if err != nil {
			return err
		}
		h := tx.Bucket(bucketHistory)
		if active, err := activeRunOf(h, id); err != nil || active != nil {
			if err == nil {
				err = fmt.Errorf("job %q has a run in progress (%s); cancel it first", j.Name, active.Status)
			}
			return err
		}
		if opts.DeleteHistory {
			err = deleteJobHistory(h, id)
		} else {
			err = markJobDeleted(h, id)
		}
		if err != nil {
			return err
		}
		return tx.Bucket(bucketJobs).Delete([]byte(id))
	})
}
