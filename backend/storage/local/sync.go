package local

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"syscall"
)

// flushTree flushes every file and folder under dir to the disk, one by one.
// flush uses it where the whole file system cannot be flushed at once.
func flushTree(root *os.Root, dir string) error {
	return fs.WalkDir(root.FS(), dir, func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return syncDir(root, name)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		f, err := root.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}

// ignorableSyncError reports an fsync failure that only says the system
// cannot flush a folder (Windows, some network and FUSE file systems).
func ignorableSyncError(err error) bool {
	return runtime.GOOS == "windows" || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP)
}
