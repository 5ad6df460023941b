package storage

import (
	"context"
	"io"
)

// Files is plain file access below a destination's root: what the
// "current + history" version layout (package storage/changes) is built
// on, where one folder holds the newest version and later runs move what
// they replace into history folders.
//
// Paths are slash-separated and relative to the destination's root
// (ValidateFilePath). Folders are implicit: Put, Move and Copy create the
// folders a path needs; Delete and Move may remove folders they leave
// empty. Nothing outside the root is ever reached.
type Files interface {
	// Put stores size bytes from r at p, replacing a file there. A reader
	// of p sees the old content or the new one, never a part: an S3 PUT, a
	// temporary file renamed into place on a disk, on Drive a new file
	// after which the old one is removed. It reads exactly size bytes; a
	// reader that ends sooner fails with ErrInvalid and leaves p as it was.
	// progress, when not nil, is called with byte deltas that add up to
	// size on success. PutResult.Hash is the destination's own hash of
	// what it stored, when it has one.
	Put(ctx context.Context, p string, r io.Reader, size int64, progress func(int64)) (PutResult, error)
	// Move moves the file at from to to, replacing a file at to. It fails
	// with ErrNotFound when from does not exist. On a disk it is a rename;
	// on Drive a change of parent and name (the same item: no new file,
	// no quota); on S3 a server-side copy, then the delete of from. When
	// to exists, a crash may leave to gone and from intact, never from
	// gone and to not yet written.
	Move(ctx context.Context, from, to string) error
	// Copy copies the file at from to to without sending its bytes (a
	// hard link on a disk, a server-side copy elsewhere), replacing a file
	// at to. It fails with ErrNotFound when from does not exist.
	Copy(ctx context.Context, from, to string) (PutResult, error)
	// Delete removes the file at p. It fails with ErrNotFound when there
	// is none.
	Delete(ctx context.Context, p string) error
	// Open reads the file at p, or fails with ErrNotFound.
	Open(ctx context.Context, p string) (io.ReadCloser, error)
	// Walk calls fn for every file below the folder dir, at any depth, in
	// no particular order, with FileInfo.Path relative to dir. A missing
	// dir lists nothing and is not an error. An error from fn ends the
	// walk and is returned.
	Walk(ctx context.Context, dir string, fn func(FileInfo) error) error
}

// FileStore is a Destination that offers Files. Files returns nil when it
// cannot (a decorator around a destination without them).
type FileStore interface {
	Files() Files
}

// FilesOf returns d's Files, or nil when d has none.
func FilesOf(d Destination) Files {
	if fs, ok := d.(FileStore); ok {
		return fs.Files()
	}
	return nil
}

// ValidateFilePath checks a path for Files: slash-separated, relative to
// the root, already clean (no "", ".", ".." elements, no doubled or
// trailing slash) and without NUL.
func ValidateFilePath(p string) error {
	return checkRelative(p, "leaves the root")
}

// ValidateDirPath is ValidateFilePath for Walk's folder, where "" (the
// root itself) is allowed.
func ValidateDirPath(dir string) error {
	if dir == "" {
		return nil
	}
	return ValidateFilePath(dir)
}

// Syncer is Files that buffer writes (a disk): when Sync returns, every
// file written, moved or deleted before it is durable.
type Syncer interface {
	Sync(ctx context.Context) error
}
