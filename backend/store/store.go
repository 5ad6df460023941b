// Package store keeps Avault's records (credentials and their sealed
// secrets, destinations, jobs, settings and run history) in one bbolt file,
// avault.db, in the data directory. schema.go draws the bucket tree.
//
// One process at a time may open the file: a second Open fails with
// ErrLocked. Each method is one transaction; values returned never alias
// the database's memory.
package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/avault/avault/backend/job"
)

// FileName is the database's file name in the data directory.
const FileName = "avault.db"

// EnvDataDir overrides the data directory.
const EnvDataDir = "AVAULT_DATA_DIR"

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("Avault is already running (database locked)")

// Options configure Open. Zero values mean the defaults.
type Options struct {
	// Dir is the data directory. Default: DefaultDir().
	Dir string
	// LockTimeout is how long Open waits for another process to release
	// the database before it returns ErrLocked. Default: 2 s, long enough
	// for a closing instance to finish, short enough for a person waiting.
	LockTimeout time.Duration
	// Now is the clock for createdAt, updatedAt and recovered runs.
	// Default: time.Now.
	Now func() time.Time
}

// Store is an open avault.db. Its methods are safe for concurrent use.
type Store struct {
	db  *bolt.DB
	dir string
	now func() time.Time
}

// DefaultDir returns the data directory: $AVAULT_DATA_DIR when set,
// otherwise "avault" under the user's configuration directory
// (~/.config/avault on Linux, ~/Library/Application Support/avault on
// macOS, %AppData%\avault on Windows).
func DefaultDir() (string, error) {
	if dir := os.Getenv(EnvDataDir); dir != "" {
		return dir, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the user configuration directory (set %s): %w", EnvDataDir, err)
	}
	return filepath.Join(base, "avault"), nil
}

// Open opens (creating it if needed) the database in the data directory,
// brings its schema up to date, and marks runs left active by a previous
// process as interrupted (see RecoverInterrupted). The directory is made
// 0700 and the file 0600, tightening looser modes. It returns ErrLocked
// when another process has the database open.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir, err := opts.dir()
	if err != nil {
		return nil, err
	}
	if err := ensurePrivateDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	if err := tightenMode(path, 0o600); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.lockTimeout()})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, dir: dir, now: opts.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := migrate(db, latestVersion); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := s.RecoverInterrupted(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (o Options) dir() (string, error) {
	if o.Dir != "" {
		return o.Dir, nil
	}
	return DefaultDir()
}

func (o Options) lockTimeout() time.Duration {
	if o.LockTimeout > 0 {
		return o.LockTimeout
	}
	return 2 * time.Second
}

// Close releases the database; another process may then open it.
func (s *Store) Close() error { return s.db.Close() }

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// Path returns the database file's path.
func (s *Store) Path() string { return s.db.Path() }

// ensurePrivateDir creates dir with mode 0700, or tightens an existing
// dir to 0700.
func ensurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	return tightenMode(dir, 0o700)
}

// tightenMode removes permission bits beyond want from an existing file or
// directory. A missing file is fine. Windows has no such bits.
func tightenMode(path string, want os.FileMode) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if mode := info.Mode().Perm(); mode&^want != 0 {
		if err := os.Chmod(path, mode&want); err != nil {
			return fmt.Errorf("restrict %s to mode %o: %w", path, want, err)
		}
	}
	return nil
}

// NewID returns a new random record id: 26 characters of lower-case
// base32 (130 random bits), safe in URLs, file names and command lines.
// A caller that must know a credential's id before sealing its secret
// takes one here and passes it in the record.
func NewID() string { return strings.ToLower(rand.Text()) }

// validID reports whether id looks like an id: 1 to 64 letters, digits,
// '-' or '_'.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// PeekSettings reads the settings of the database in dir without opening
// it for writing: no migration, no recovery, no fsync. A launch uses it to
// decide in a few milliseconds whether to start its window; a missing
// database reads as the defaults.
func PeekSettings(dir string) (job.Settings, error) {
	path := filepath.Join(dir, FileName)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return job.Settings{}, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		return job.Settings{}, err
	}
	defer db.Close()
	return (&Store{db: db, dir: dir, now: time.Now}).GetSettings()
}
