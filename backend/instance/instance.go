// Package instance keeps Avault to one running copy per data folder.
//
// The first process takes an exclusive lock on <dir>/avault.lock before it
// opens anything else. A later launch fails to take the lock and talks to
// the first copy over its socket (package ipc) instead of touching the
// database or starting schedules.
package instance

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrRunning means another Avault process holds the lock on the data folder.
var ErrRunning = errors.New("Avault is already running")

const (
	lockName = "avault.lock"
)

// Lock is the held single-instance lock.
type Lock struct {
	file *os.File
}

// Acquire takes the lock in dir, creating dir (0700) if needed. It returns
// ErrRunning, without waiting, when another process holds it.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
	return &Lock{file: f}, nil
}

// Release drops the lock.
func (l *Lock) Release() {
	_ = unlockFile(l.file)
	_ = l.file.Close()
}
