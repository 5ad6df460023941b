package store

import (
	"bytes"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

// GetSettings returns the settings with defaults filled in.
func (s *Store) GetSettings() (job.Settings, error) {
	var st job.Settings
	err := s.db.View(func(tx *bolt.Tx) error {
		if raw := tx.Bucket(bucketSettings).Get(keySettings); raw != nil {
			return json.Unmarshal(raw, &st)
		}
		return nil
	})
	return st.WithDefaults(), err
}

// PutSettings validates and stores the settings.
func (s *Store) PutSettings(st job.Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketSettings), keySettings, st)
	})
}

// KeyCheck returns a copy of the stored data-key check value (see package
// secrets), or nil when none was stored yet.
func (s *Store) KeyCheck() ([]byte, error) {
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		out = bytes.Clone(tx.Bucket(bucketMeta).Get(keyKeyCheck))
		return nil
	})
	return out, err
}

// SetKeyCheck stores the data-key check value; nil removes it.
func (s *Store) SetKeyCheck(check []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if check == nil {
			return tx.Bucket(bucketMeta).Delete(keyKeyCheck)
		}
		return tx.Bucket(bucketMeta).Put(keyKeyCheck, check)
	})
}

// ModifySettings changes the stored settings in one transaction: f gets
// them as stored (defaults not filled in) and may change them; they are
// validated and stored unless f fails. It returns them with defaults.
// Changes made by separate calls (a channel's last delivery, a new
// channel) cannot undo each other.
func (s *Store) ModifySettings(f func(st *job.Settings) error) (job.Settings, error) {
	var out job.Settings
	err := s.db.Update(func(tx *bolt.Tx) error {
		var st job.Settings
		if raw := tx.Bucket(bucketSettings).Get(keySettings); raw != nil {
			if err := json.Unmarshal(raw, &st); err != nil {
				return err
			}
		}
		if err := f(&st); err != nil {
			return err
		}
		if err := st.Validate(); err != nil {
			return err
		}
		out = st
		return putJSON(tx.Bucket(bucketSettings), keySettings, st)
	})
	return out.WithDefaults(), err
}
