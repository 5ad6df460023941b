// Package storage defines what a backup needs from a destination: a small
// core interface, optional abilities as one-method interfaces found by type
// assertion, sentinel errors and their classification, a retry decorator and
// an explicit registry of destination kinds.
//
// A destination holds versions side by side under its root. A version is a
// complete, browsable folder named by the job's pattern. It is written into
// a pending place (a ".tmp-" folder where the destination can rename, the
// final prefix on S3) and exists only once Commit returns. Every version and
// every pending place carries its owner (job id, run id) so that retention
// and clean-up never touch what belongs to another job or to the user.
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// TmpPrefix starts the name of a version's pending place on destinations
// that can rename.
const TmpPrefix = ".tmp-"

// MetaDir is the folder inside every version that holds Avault's own files
// (owner record, manifest). Users may browse it; nothing else is written there.
const MetaDir = ".avault"

// ManifestName is the manifest's file name inside MetaDir.
const ManifestName = "manifest.json.gz"

// Owner says which job and run a version or a pending place belongs to.
type Owner struct {
	JobID string `json:"jobId"`
	RunID string `json:"runId"`
}

// VersionInfo describes a committed version.
type VersionInfo struct {
	Name    string    `json:"name"`
	Owner   Owner     `json:"owner"`
	Created time.Time `json:"created"` // when the run that made it started, from the commit record
	Files   int64     `json:"files"`
	Bytes   int64     `json:"bytes"`
}

// Leftover is a pending place that was never committed (an interrupted run).
// Owner is zero when the owner record could not be read.
type Leftover struct {
	Name  string `json:"name"`
	Owner Owner  `json:"owner"`
}

// Hash is a content hash as the destination computes it ("md5", "sha256").
type Hash struct {
	Algo  string `json:"algo"`
	Value string `json:"value"` // lower-case hex
}

// FileInfo is one file of a version as the destination lists it.
type FileInfo struct {
	Path string `json:"path"` // slash-separated, relative to the version
	Size int64  `json:"size"`
	Hash Hash   `json:"hash"` // zero when the destination has none for it
}

// PutResult is what the destination reports after storing a file.
type PutResult struct {
	Size int64
	Hash Hash // the destination's own hash of what it stored, when it has one
}

// Destination is the core contract every destination kind implements.
type Destination interface {
	// Check validates credentials and that the root exists and is writable.
	Check(ctx context.Context) error
	// Begin creates the pending place for a new version called name (see
	// ValidateName). It fails with ErrExists when a version or pending place
	// of that name exists, except a pending place with exactly this owner:
	// that one is returned again, so that a retried Begin whose first attempt
	// did reach the service succeeds.
	Begin(ctx context.Context, name string, owner Owner) (Pending, error)
	// ListVersions returns committed versions only, of every owner, sorted by name.
	ListVersions(ctx context.Context) ([]VersionInfo, error)
	// ListLeftovers returns pending places of interrupted runs, sorted by
	// name. Leftover.Name is the version name the place was begun for
	// (without TmpPrefix): the name DeleteLeftover takes. Only places that
	// carry Avault's mark are listed (a TmpPrefix folder, an owner record);
	// a user's own folders and objects never are.
	ListLeftovers(ctx context.Context) ([]Leftover, error)
	// DeleteVersion removes a committed version and everything in it, and
	// nothing else. It fails with ErrNotFound when name is not a version.
	// It first undoes the commit, so an interrupted delete leaves a leftover,
	// never a committed version with files missing.
	DeleteVersion(ctx context.Context, name string) error
	// DeleteLeftover removes a pending place returned by ListLeftovers, and
	// fails with ErrNotFound when there is none of that name.
	DeleteLeftover(ctx context.Context, name string) error
	// Open reads a file of a committed version (restore, verify). It fails
	// with ErrNotFound when the version or file does not exist.
	Open(ctx context.Context, version, path string) (io.ReadCloser, error)
	// ReadManifest returns the manifest bytes stored with a committed
	// version, or ErrNotFound.
	ReadManifest(ctx context.Context, version string) ([]byte, error)
	// Close releases clients and connections.
	Close() error
}

// Pending is a version being written. Put may be called concurrently.
type Pending interface {
	Name() string
	// Put stores size bytes from r at path (slash-separated, relative to the
	// version, see ValidatePath), streaming, and replaces a file already put
	// there. It reads exactly size bytes; a reader that ends sooner fails
	// the Put with ErrInvalid. progress, when not nil, is called with byte
	// deltas that add up to size on success. Put may be called concurrently.
	Put(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (PutResult, error)
	// Commit stores the manifest and makes the version visible: before it
	// returns, ListVersions does not return it; after, it does, with info.
	// Calling it again after it succeeded returns nil.
	Commit(ctx context.Context, manifest []byte, info VersionInfo) error
	// Abort removes the pending place (best effort; leftovers are also
	// cleaned on the next run). It returns nil when nothing is left.
	Abort(ctx context.Context) error
}

// Copier is a Pending that can copy a file from a committed version on the
// same destination without sending its bytes (server-side copy, hard link).
// CopyFrom fails with ErrNotFound when the source does not exist, and with
// ErrInvalid when its size is not size. PutResult.Hash may be zero.
type Copier interface {
	CopyFrom(ctx context.Context, fromVersion, fromPath, toPath string, size int64) (PutResult, error)
}

// FileLister is a Destination that can list the files of a committed version
// with sizes and its own hashes, without downloading them (quick verify).
// ListFiles returns every file put or copied into the version, sorted by
// path, and nothing of MetaDir.
type FileLister interface {
	ListFiles(ctx context.Context, version string) ([]FileInfo, error)
}

// FileWalker is a FileLister that can hand over a version's files one at a
// time, in no particular order, so that listing a version of any size
// needs no memory for the listing. WalkFiles stops at fn's first error and
// returns it.
type FileWalker interface {
	FileLister
	WalkFiles(ctx context.Context, version string, fn func(FileInfo) error) error
}

// WalkFiles hands fn the files of a version of d one at a time: through
// d's WalkFiles when d has one, else from d's ListFiles. It fails with
// errors.ErrUnsupported when d cannot list a version's files.
func WalkFiles(ctx context.Context, d any, version string, fn func(FileInfo) error) error {
	if w, ok := d.(FileWalker); ok {
		return w.WalkFiles(ctx, version, fn)
	}
	fl, ok := d.(FileLister)
	if !ok {
		return errors.ErrUnsupported
	}
	files, err := fl.ListFiles(ctx, version)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// Choice is something a person can pick as (part of) a destination: a
// bucket, a drive, a folder.
type Choice struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Kind   string `json:"kind"` // "bucket", "drive", "folder"
	HasSub bool   `json:"hasSub"`
}

// Chooser is a Destination kind that can list what can be chosen under parent
// ("" for the top level).
type Chooser interface {
	ListChoices(ctx context.Context, parent string) ([]Choice, error)
}
