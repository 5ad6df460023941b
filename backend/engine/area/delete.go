package area

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// Delete removes the committed version name and the bytes that no other
// version needs. Files of its history folder that the version made just
// before it still needs are moved into that version's history folder
// first (a rename, never a copy). The commit record goes before anything
// else is deleted, so an interrupted delete leaves an orphan that the next
// run removes, never a version with files missing. Deleting the newest
// version puts current/ back to the one before it (or empties it).
func (a *Area) Delete(ctx context.Context, name string) error {
	defer a.forget()
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	v := st.Find(name)
	if v == nil {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("no version %s in %s", name, a.folder), nil)
	}
	older := st.Older(v)
	if v == st.Newest() {
		return a.deleteNewest(ctx, v, older)
	}
	if older != nil {
		if _, err := a.keepFor(ctx, v, older, true); err != nil {
			return err
		}
	}
	if err := a.f.Delete(ctx, a.recordPath(name)); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return a.dropOrphan(ctx, name)
}

// deleteNewest removes the version current/ holds: with run.json written
// first, it removes the commit record, puts current/ back to older, and
// removes what is left.
func (a *Area) deleteNewest(ctx context.Context, v, older *Version) error {
	if err := a.mark(ctx, "delete "+v.Name); err != nil {
		return err
	}
	if err := a.f.Delete(ctx, a.recordPath(v.Name)); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err := a.reconcile(ctx, older); err != nil {
		return err
	}
	if err := a.dropOrphan(ctx, v.Name); err != nil {
		return err
	}
	return a.deleteIfThere(ctx, a.path(runFile))
}

// keepFor finds the files of v's history folder that older still needs:
// older has the path and its own history folder does not (so older's copy
// is the one in v's folder). With move set it moves them into older's
// history folder. It returns the bytes that deleting v frees: the sizes of
// the files not needed.
func (a *Area) keepFor(ctx context.Context, v, older *Version, move bool) (frees int64, err error) {
	hist, err := a.list(ctx, a.historyDir(v.Name))
	if err != nil || len(hist) == 0 {
		return 0, err
	}
	own, err := a.list(ctx, a.historyDir(older.Name))
	if err != nil {
		return 0, err
	}
	has, err := a.pathsIn(ctx, older.Name, hist)
	if err != nil {
		return 0, err
	}
	for p, fi := range hist {
		_, shadowed := own[p]
		if !has[p] || shadowed {
			frees += fi.Size
			continue
		}
		if !move {
			continue
		}
		if err := a.f.Move(ctx, join(a.historyDir(v.Name), p), join(a.historyDir(older.Name), p)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return 0, err
		}
	}
	return frees, nil
}

// pathsIn reports which of the paths in want the version name has.
func (a *Area) pathsIn(ctx context.Context, name string, want map[string]storage.FileInfo) (map[string]bool, error) {
	out := map[string]bool{}
	err := a.entries(ctx, name, func(e manifest.Entry) {
		if _, ok := want[e.Path]; ok {
			out[e.Path] = true
		}
	})
	return out, err
}

// entries streams the manifest entries of version name to fn.
func (a *Area) entries(ctx context.Context, name string, fn func(manifest.Entry)) error {
	data, err := a.ReadManifest(ctx, name)
	if err != nil {
		return fmt.Errorf("the manifest of %s: %w", name, err)
	}
	mr, err := manifest.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	for {
		e, err := mr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		fn(e)
	}
}

// DeleteOrphan removes the remains of an unfinished version (State's
// Orphans); ErrNotFound when there are none of that name.
func (a *Area) DeleteOrphan(ctx context.Context, name string) error {
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	st, err := a.State(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(st.Orphans, name) {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("no unfinished version %s in %s", name, a.folder), nil)
	}
	defer a.forget()
	return a.dropOrphan(ctx, name)
}

// Frees returns the bytes deleting version name would free, were older
// (nil for none) the version kept just before it: for the newest, what
// it stored itself; otherwise its history files that older does not need.
func (a *Area) Frees(ctx context.Context, name string, older *Version) (int64, error) {
	st, err := a.State(ctx)
	if err != nil {
		return 0, err
	}
	v := st.Find(name)
	if v == nil {
		return 0, storage.NewError(storage.ErrNotFound, fmt.Sprintf("no version %s in %s", name, a.folder), nil)
	}
	if v == st.Newest() { // what it stored itself; everything when it is the only one
		var n int64
		err := a.entries(ctx, name, func(e manifest.Entry) {
			if older == nil || e.Since == name || e.Since == "" {
				n += e.Size
			}
		})
		return n, err
	}
	if older == nil {
		var n int64
		hist, err := a.list(ctx, a.historyDir(name))
		for _, fi := range hist {
			n += fi.Size
		}
		return n, err
	}
	return a.keepFor(ctx, v, older, false)
}

// Stored returns the bytes the job's folder holds: current/, history/
// and the records.
func (a *Area) Stored(ctx context.Context) (int64, error) {
	var n int64
	err := a.f.Walk(ctx, a.folder, func(fi storage.FileInfo) error {
		n += fi.Size
		return nil
	})
	return n, err
}
