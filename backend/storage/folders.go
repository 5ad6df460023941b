package storage

import (
	"context"
	"errors"
)

// Folders is a Pending, or Files, that can hold an empty folder: a folder
// on a disk and on Drive, a zero-byte object named after the folder with a
// trailing slash on S3 (the marker S3 consoles and rclone make). A
// folder that holds files needs none of this: it exists through them.
type Folders interface {
	// MakeDir makes the folder p (slash-separated, as for Put) and the
	// folders above it. A folder already there is not an error.
	MakeDir(ctx context.Context, p string) error
	// RemoveDir removes the folder p if it holds nothing: a folder that
	// holds anything, or none at all, is left as it is, without error.
	RemoveDir(ctx context.Context, p string) error
}

// MakeDir makes the folder p where x (a Pending or Files) can hold
// folders; it returns errors.ErrUnsupported where it cannot.
func MakeDir(ctx context.Context, x any, p string) error {
	if f, ok := x.(Folders); ok {
		return f.MakeDir(ctx, p)
	}
	return errors.ErrUnsupported
}

// RemoveDir removes the empty folder p where x can hold folders; it
// returns errors.ErrUnsupported where it cannot.
func RemoveDir(ctx context.Context, x any, p string) error {
	if f, ok := x.(Folders); ok {
		return f.RemoveDir(ctx, p)
	}
	return errors.ErrUnsupported
}

// MakeDir makes a folder in the wrapped pending version, with retries;
// ErrUnsupported when it cannot hold folders.
func (p *retryPending) MakeDir(ctx context.Context, dir string) error {
	f, ok := p.p.(Folders)
	if !ok {
		return errors.ErrUnsupported
	}
	return p.r.do(ctx, "make folder "+dir, func(int) error { return f.MakeDir(ctx, dir) })
}

// RemoveDir removes an empty folder of the wrapped pending version.
func (p *retryPending) RemoveDir(ctx context.Context, dir string) error {
	f, ok := p.p.(Folders)
	if !ok {
		return errors.ErrUnsupported
	}
	return p.r.do(ctx, "remove folder "+dir, func(int) error { return f.RemoveDir(ctx, dir) })
}

// MakeDir makes a folder through the wrapped Files, with retries.
func (f *retryFiles) MakeDir(ctx context.Context, dir string) error {
	fd, ok := f.f.(Folders)
	if !ok {
		return errors.ErrUnsupported
	}
	return f.r.do(ctx, "make folder "+dir, func(int) error { return fd.MakeDir(ctx, dir) })
}

// RemoveDir removes an empty folder through the wrapped Files.
func (f *retryFiles) RemoveDir(ctx context.Context, dir string) error {
	fd, ok := f.f.(Folders)
	if !ok {
		return errors.ErrUnsupported
	}
	return f.r.do(ctx, "remove folder "+dir, func(int) error { return fd.RemoveDir(ctx, dir) })
}
