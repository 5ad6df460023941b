package store

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

var credentials = kind[job.Credential]{
	bucket: bucketCredentials,
	label:  "credential",
	id:     func(c *job.Credential) *string { return &c.ID },
	name:   func(c *job.Credential) string { return c.Name },
	stamps: func(c *job.Credential) (*time.Time, *time.Time) { return &c.CreatedAt, &c.UpdatedAt },
}

// CreateCredential stores a new credential and its sealed secret (which
// may be empty for a credential without one) and returns the stored
// record. c.ID may be set beforehand (see NewID) when the secret was
// sealed with the id as additional data; otherwise a new id is taken. An
// empty Status becomes "ok".
func (s *Store) CreateCredential(c job.Credential, sealed []byte) (job.Credential, error) {
	if c.Status == "" {
		c.Status = job.CredentialOK
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := credentials.insert(tx, &c, s.stamp()); err != nil {
			return err
		}
		return putSealed(tx, c.ID, sealed)
	})
	return c, err
}

// UpdateCredential replaces a credential's name, metadata and status, and
// its sealed secret unless sealed is nil. Its provider cannot change.
func (s *Store) UpdateCredential(c job.Credential, sealed []byte) (job.Credential, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		old, err := credentials.replace(tx, &c, s.stamp())
		if err != nil {
			return err
		}
		if old.Provider != c.Provider {
			return &job.ValidationError{Fields: []job.FieldError{{Field: "provider",
				Message: "cannot change; create a new credential instead"}}}
		}
		if sealed == nil {
			return nil
		}
		return putSealed(tx, c.ID, sealed)
	})
	return c, err
}

// SetCredentialStatus records whether a credential still works (for
// instance "reauth" when the provider refused it).
func (s *Store) SetCredentialStatus(id string, status job.CredentialStatus) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c, err := credentials.get(tx, id)
		if err != nil {
			return err
		}
		c.Status = status
		if err := c.Validate(); err != nil {
			return err
		}
		_, err = credentials.replace(tx, &c, s.stamp())
		return err
	})
}

// GetCredential returns a credential's metadata, never its secret.
func (s *Store) GetCredential(id string) (job.Credential, error) {
	var c job.Credential
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		c, err = credentials.get(tx, id)
		return err
	})
	return c, err
}

// ListCredentials returns every credential's metadata, by name; secrets
// are never included.
func (s *Store) ListCredentials() ([]job.Credential, error) {
	var out []job.Credential
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		out, err = credentials.list(tx)
		return err
	})
	return out, err
}

// SealedCredential returns a copy of the credential's sealed secret, or an
// error wrapping ErrNotFound when the credential or its secret is missing.
func (s *Store) SealedCredential(id string) ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if _, err := credentials.get(tx, id); err != nil {
			return err
		}
		raw := tx.Bucket(bucketSealed).Get([]byte(id))
		if raw == nil {
			return &NotFoundError{Entity: "sealed secret of credential", ID: id}
		}
		out = bytes.Clone(raw)
		return nil
	})
	return out, err
}

// HasSealedCredentials reports whether any sealed secret is stored, that
// is, whether losing the data key would lose something.
func (s *Store) HasSealedCredentials() (bool, error) {
	var has bool
	err := s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketSealed).Cursor().First()
		has = k != nil
		return nil
	})
	return has, err
}

// DeleteCredential removes a credential and its sealed secret. It fails
// with an *InUseError naming the destinations that use it.
func (s *Store) DeleteCredential(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c, err := credentials.get(tx, id)
		if err != nil {
			return err
		}
		users, err := destinations.namesWhere(tx, func(d *job.Destination) bool { return d.CredentialID == id })
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return &InUseError{Entity: "credential", Name: c.Name, UsedBy: "destination", Names: users}
		}
		if err := tx.Bucket(bucketSealed).Delete([]byte(id)); err != nil {
			return err
		}
		return tx.Bucket(bucketCredentials).Delete([]byte(id))
	})
}

func putSealed(tx *bolt.Tx, id string, sealed []byte) error {
	b := tx.Bucket(bucketSealed)
	if len(sealed) == 0 {
		return b.Delete([]byte(id))
	}
	return b.Put([]byte(id), sealed)
}
