package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/avault/avault/backend/storage"
)

// Folders lists the folders of this computer for a person choosing where a
// local destination writes. It is the local kind's storage.Chooser, and
// needs no open destination: the folder to choose may not be set yet.
type Folders struct{}

// ListChoices lists the folders in parent, an absolute path, by name,
// those starting with a dot last; symbolic links to folders are listed as
// folders. A Choice's ID is its absolute path, the parent to pass next.
// The top level (parent "") is the file system's root folder on Unix, its
// drives on Windows.
func (Folders) ListChoices(ctx context.Context, parent string) ([]storage.Choice, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if parent == "" {
		if runtime.GOOS == "windows" {
			return drives(), nil
		}
		parent = string(filepath.Separator)
	}
	if !filepath.IsAbs(parent) || strings.ContainsRune(parent, 0) {
		return nil, storage.NewError(storage.ErrInvalid, fmt.Sprintf("%q is not an absolute folder path", parent), nil)
	}
	parent = filepath.Clean(parent)
	entries, err := os.ReadDir(parent)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, storage.NewError(storage.ErrNotFound, fmt.Sprintf("folder %s does not exist", parent), nil)
	case errors.Is(err, syscall.ENOTDIR):
		return nil, storage.NewError(storage.ErrInvalid, fmt.Sprintf("%s is not a folder", parent), nil)
	case errors.Is(err, fs.ErrPermission):
		return nil, storage.NewError(storage.ErrPermission, fmt.Sprintf("no permission to read folder %s", parent), nil)
	case err != nil && len(entries) == 0:
		return nil, storage.NewError(storage.ErrInvalid, fmt.Sprintf("folder %s cannot be read", parent), err)
	}
	out := []storage.Choice{}
	for _, e := range entries {
		full := filepath.Join(parent, e.Name())
		if !e.IsDir() {
			if e.Type()&fs.ModeSymlink == 0 {
				continue
			}
			if fi, err := os.Stat(full); err != nil || !fi.IsDir() {
				continue
			}
		}
		out = append(out, storage.Choice{ID: full, Name: e.Name(), Kind: "folder", HasSub: true})
	}
	slices.SortStableFunc(out, func(a, b storage.Choice) int {
		if ad, bd := strings.HasPrefix(a.Name, "."), strings.HasPrefix(b.Name, "."); ad != bd {
			if ad {
				return 1
			}
			return -1
		}
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return out, nil
}

// drives lists the drive letters that exist, as "C:\".
func drives() []storage.Choice {
	out := []storage.Choice{}
	for l := 'A'; l <= 'Z'; l++ {
		root := string(l) + `:\`
		if fi, err := os.Stat(root); err == nil && fi.IsDir() {
			out = append(out, storage.Choice{ID: root, Name: root, Kind: "drive", HasSub: true})
		}
	}
	return out
}

// ListChoices lists this computer's folders, as Folders does.
func (d *Dest) ListChoices(ctx context.Context, parent string) ([]storage.Choice, error) {
	return Folders{}.ListChoices(ctx, parent)
}

var _ storage.Chooser = (*Dest)(nil)
var _ storage.Chooser = Folders{}
