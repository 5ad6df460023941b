package engine

import (
	"io/fs"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// beneath opens files under a folder with one openat2 call each, which
// refuses symbolic links anywhere on the way and any path that leaves the
// folder. It does what os.Root does, without opening every folder on the
// way: on a deep tree that is several system calls fewer per file.
type beneath struct {
	fd  int
	off atomic.Bool // the kernel has no openat2: use the fallback
}

// newBeneath opens dir for openat2, or returns nil.
func newBeneath(dir string) *beneath {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	return &beneath{fd: fd}
}

// open opens rel for reading. ok is false when openat2 is not available
// and the caller must use its fallback. O_NONBLOCK keeps a file that was
// replaced by a named pipe from blocking the open; it does not change how
// regular files read.
func (b *beneath) open(rel string) (f *os.File, ok bool, err error) {
	if b == nil || b.off.Load() {
		return nil, false, nil
	}
	how := unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	}
	fd, err := unix.Openat2(b.fd, rel, &how)
	switch err {
	case nil:
		return os.NewFile(uintptr(fd), rel), true, nil
	case unix.ENOSYS, unix.EPERM: // an old kernel, or a sandbox that forbids the call
		b.off.Store(true)
		return nil, false, nil
	}
	return nil, true, &fs.PathError{Op: "open", Path: rel, Err: err}
}

func (b *beneath) close() {
	if b != nil {
		unix.Close(b.fd)
	}
}
