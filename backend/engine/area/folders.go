package area

import (
	"context"

	"github.com/avault/avault/backend/storage"
)

// MakeDir makes the empty folder p in current/, where the destination can
// hold one (errors.ErrUnsupported where it cannot).
func (r *Run) MakeDir(ctx context.Context, p string) error {
	if err := storage.ValidatePath(p); err != nil {
		return err
	}
	return storage.MakeDir(ctx, r.a.f, r.a.path(CurrentDir, p))
}

// RemoveDir removes the folder p from current/ if it holds nothing.
func (r *Run) RemoveDir(ctx context.Context, p string) error {
	if err := storage.ValidatePath(p); err != nil {
		return err
	}
	return storage.RemoveDir(ctx, r.a.f, r.a.path(CurrentDir, p))
}
