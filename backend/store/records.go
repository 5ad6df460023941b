package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// kind describes how one sort of named record (credential, destination,
// job) is kept: its bucket, the name people know it by, and access to its
// id, name and timestamps.
type kind[T any] struct {
	bucket []byte
	label  string
	id     func(*T) *string
	name   func(*T) string
	stamps func(*T) (created, updated *time.Time)
}

// get returns the record with id, or a *NotFoundError.
func (k kind[T]) get(tx *bolt.Tx, id string) (T, error) {
	var v T
	raw := tx.Bucket(k.bucket).Get([]byte(id))
	if raw == nil {
		return v, &NotFoundError{Entity: k.label, ID: id}
	}
	err := json.Unmarshal(raw, &v)
	return v, err
}

// list returns every record, sorted by name ignoring case.
func (k kind[T]) list(tx *bolt.Tx) ([]T, error) {
	out := []T{}
	err := tx.Bucket(k.bucket).ForEach(func(_, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		return strings.ToLower(k.name(&out[i])) < strings.ToLower(k.name(&out[j]))
	})
	return out, err
}

// namesWhere returns, by name, the names of the records that match.
func (k kind[T]) namesWhere(tx *bolt.Tx, match func(*T) bool) ([]string, error) {
	all, err := k.list(tx)
	var names []string
	for i := range all {
		if match(&all[i]) {
			names = append(names, k.name(&all[i]))
		}
	}
	return names, err
}

// checkName fails with a *ConflictError when another record has v's name,
// ignoring case.
func (k kind[T]) checkName(tx *bolt.Tx, v *T) error {
	all, err := k.list(tx)
	if err != nil {
		return err
	}
	for i := range all {
		if *k.id(&all[i]) != *k.id(v) && strings.EqualFold(k.name(&all[i]), k.name(v)) {
			return &ConflictError{Entity: k.label, Name: k.name(&all[i])}
		}
	}
	return nil
}

// insert stores v as a new record: it takes a new id unless v has one,
// checks the name, and sets both timestamps to now.
func (k kind[T]) insert(tx *bolt.Tx, v *T, now time.Time) error {
	id := k.id(v)
	if *id == "" {
		*id = NewID()
	}
	if !validID(*id) {
		return fmt.Errorf("%q is not a valid %s id", *id, k.label)
	}
	if tx.Bucket(k.bucket).Get([]byte(*id)) != nil {
		return fmt.Errorf("a %s with id %q already exists", k.label, *id)
	}
	if err := k.checkName(tx, v); err != nil {
		return err
	}
	created, updated := k.stamps(v)
	*created, *updated = now, now
	return putJSON(tx.Bucket(k.bucket), []byte(*id), v)
}

// replace stores v over the existing record with its id and returns the
// old one. It keeps the old createdAt and sets updatedAt to now.
func (k kind[T]) replace(tx *bolt.Tx, v *T, now time.Time) (T, error) {
	old, err := k.get(tx, *k.id(v))
	if err != nil {
		return old, err
	}
	if err := k.checkName(tx, v); err != nil {
		return old, err
	}
	created, updated := k.stamps(v)
	oldCreated, _ := k.stamps(&old)
	*created, *updated = *oldCreated, now
	return old, putJSON(tx.Bucket(k.bucket), []byte(*k.id(v)), v)
}

// putJSON stores v as JSON under key.
func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

// stamp returns the current time for records: UTC, without the monotonic
// reading, at millisecond precision as JavaScript shows it.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }
