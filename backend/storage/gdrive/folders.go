package gdrive

import (
	"context"
	"errors"

	"google.golang.org/api/drive/v3"

	"github.com/avault/avault/backend/storage"
)

// MakeDir makes an empty folder in the version being written.
func (p *pending) MakeDir(ctx context.Context, dir string) error {
	if err := storage.ValidatePath(dir); err != nil {
		return err
	}
	_, err := p.dir(ctx, dir)
	return err
}

// RemoveDir removes an empty folder of the version being written.
func (p *pending) RemoveDir(ctx context.Context, dir string) error {
	if err := storage.ValidatePath(dir); err != nil {
		return err
	}
	id, err := p.dir(ctx, dir)
	if err != nil {
		return err
	}
	removed, err := p.d.removeIfEmpty(ctx, id, p.name+"/"+dir)
	if removed {
		p.mu.Lock()
		for k := range p.dirs {
			if k == dir || len(k) > len(dir) && k[:len(dir)+1] == dir+"/" {
				delete(p.dirs, k)
			}
		}
		p.mu.Unlock()
	}
	return err
}

// MakeDir makes the folder p below the root.
func (f files) MakeDir(ctx context.Context, p string) error {
	if err := storage.ValidateFilePath(p); err != nil {
		return err
	}
	_, err := f.d.dirID(ctx, p, true)
	return err
}

// RemoveDir removes the folder p when it holds nothing, for good or to
// the trash as Delete does.
func (f files) RemoveDir(ctx context.Context, p string) error {
	if err := storage.ValidateFilePath(p); err != nil {
		return err
	}
	return f.d.fresh(func() error {
		id, err := f.d.dirID(ctx, p, false)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		removed, err := f.d.removeIfEmpty(ctx, id, p)
		if removed {
			f.d.dropDir(p)
		}
		return err
	}, p)
}

// removeIfEmpty removes the folder id when nothing live is in it.
func (d *Dest) removeIfEmpty(ctx context.Context, id, what string) (bool, error) {
	holds := false
	err := d.list(ctx, "list "+what, inFolder(id), "id", func(fs []*drive.File) { holds = holds || len(fs) > 0 })
	if err != nil || holds {
		return false, err
	}
	return true, d.remove(ctx, id, "remove folder "+what, d.o.Trash)
}

var _ storage.Folders = (*pending)(nil)
var _ storage.Folders = files{}
