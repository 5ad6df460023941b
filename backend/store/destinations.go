package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

var destinations = kind[job.Destination]{
	bucket: bucketDestinations,
	label:  "destination",
	id:     func(d *job.Destination) *string { return &d.ID },
	name:   func(d *job.Destination) string { return d.Name },
	stamps: func(d *job.Destination) (*time.Time, *time.Time) { return &d.CreatedAt, &d.UpdatedAt },
}

// CreateDestination stores a new destination and returns it with its id
// and timestamps. Its credential, when it names one, must exist and be for
// the same kind.
func (s *Store) CreateDestination(d job.Destination) (job.Destination, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := checkCredentialFits(tx, &d); err != nil {
			return err
		}
		return destinations.insert(tx, &d, s.stamp())
	})
	return d, err
}

// UpdateDestination replaces a destination, keeping its createdAt. Its
// kind cannot change.
func (s *Store) UpdateDestination(d job.Destination) (job.Destination, error) {
	if err := d.Validate(); err != nil {
		return d, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := checkCredentialFits(tx, &d); err != nil {
			return err
		}
		old, err := destinations.replace(tx, &d, s.stamp())
		if err == nil && old.Kind != d.Kind {
			return &job.ValidationError{Fields: []job.FieldError{{Field: "kind",
				Message: "cannot change; create a new destination instead"}}}
		}
		return err
	})
	return d, err
}

// checkCredentialFits checks that d's credential exists and is for d's kind.
func checkCredentialFits(tx *bolt.Tx, d *job.Destination) error {
	if d.CredentialID == "" {
		return nil
	}
	c, err := credentials.get(tx, d.CredentialID)
	if err != nil {
		return err
	}
	if c.Provider != d.Kind {
		return &job.ValidationError{Fields: []job.FieldError{{Field: "credentialId",
			Message: fmt.Sprintf("credential %q is for %s, not %s", c.Name, c.Provider.Label(), d.Kind.Label())}}}
	}
	return nil
}

// GetDestination returns the destination with id.
func (s *Store) GetDestination(id string) (job.Destination, error) {
	var d job.Destination
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		d, err = destinations.get(tx, id)
		return err
	})
	return d, err
}

// ListDestinations returns every destination, by name.
func (s *Store) ListDestinations() ([]job.Destination, error) {
	var out []job.Destination
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		out, err = destinations.list(tx)
		return err
	})
	return out, err
}

// DeleteDestination removes a destination. It fails with an *InUseError
// naming the jobs that use it.
func (s *Store) DeleteDestination(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		d, err := destinations.get(tx, id)
		if err != nil {
			return err
		}
		users, err := jobs.namesWhere(tx, func(j *job.Job) bool { return j.DestinationID == id })
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return &InUseError{Entity: "destination", Name: d.Name, UsedBy: "job", Names: users}
		}
		return tx.Bucket(bucketDestinations).Delete([]byte(id))
	})
}
