package local

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"syscall"

	"github.com/avault/avault/backend/storage"
)

// translate turns a file system error on the path name into the storage
// sentinels, with a message a user understands.
func translate(name string, err error) error {
	var se *storage.Error
	var src *sourceError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se), errors.As(err, &src), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EFBIG):
		return storage.NewError(storage.ErrQuota, fmt.Sprintf("destination full while writing %s", name), err)
	case errors.Is(err, syscall.EROFS):
		return storage.NewError(storage.ErrReadOnly, fmt.Sprintf("destination %s is read-only", name), err)
	case errors.Is(err, fs.ErrPermission):
		return storage.NewError(storage.ErrPermission, fmt.Sprintf("no permission to write %s", name), err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("%s does not exist", name), err)
	case errors.Is(err, fs.ErrExist):
		return storage.NewError(storage.ErrExists, fmt.Sprintf("%s already exists", name), err)
	}
	return err
}

// randomName returns 16 random hex digits for temporary file names.
func randomName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
