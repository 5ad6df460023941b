package store

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels matched with errors.Is by the errors this package returns.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("name already in use")
	ErrInUse    = errors.New("still in use")
)

// NotFoundError says which record does not exist.
type NotFoundError struct {
	Entity string // "credential", "destination", "job", "run"
	ID     string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q not found", e.Entity, e.ID) }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ConflictError says that a name is taken (names are unique per entity,
// ignoring case).
type ConflictError struct {
	Entity string
	Name   string // the existing record's name
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("a %s named %q already exists; choose another name", e.Entity, e.Name)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// InUseError says that a record cannot be deleted because others refer to it.
type InUseError struct {
	Entity string   // what was to be deleted: "credential", "destination"
	Name   string   // its name
	UsedBy string   // what refers to it: "destination", "job"
	Names  []string // their names
}

func (e *InUseError) Error() string {
	quoted := make([]string, len(e.Names))
	for i, n := range e.Names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	noun, pronoun := e.UsedBy, "it"
	if len(e.Names) > 1 {
		noun, pronoun = noun+"s", "them"
	}
	return fmt.Sprintf("%s %q is used by %s %s; change or delete %s first",
		e.Entity, e.Name, noun, strings.Join(quoted, ", "), pronoun)
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }
