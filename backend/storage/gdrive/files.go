package gdrive

import (
	"context"
	"errors"
	"io"
	"slices"

	"github.com/avault/avault/backend/storage"
)

// files is plain file access below the root folder (storage.Files): plain
// folders and files without Avault's properties, so that versions and
// leftovers never include them, and folders that carry Avault's mark are
// never taken for a path's folder.
//
// Drive allows several files of one name in a folder (a create whose
// answer was lost and that was sent again): the newest, by createdTime,
// is the file; Put, Move and Copy remove the others they replace.
type files struct{ d *Dest }

// Files returns plain file access below the root folder.
func (d *Dest) Files() storage.Files { return files{d} }

// Put uploads a new file at p (multipart up to MultipartMax, resumable
// above it) and then removes for good the file it replaces. The existing
// item's content is never updated, as Drive would keep its old content as
// a revision that counts against the quota.
func (f files) Put(ctx context.Context, p string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if err := storage.ValidateFilePath(p); err != nil {
		return storage.PutResult{}, err
	}
	dir, base := splitPath(p)
	_, cached := f.d.cachedDir(dir)
	parent, err := f.d.dirID(ctx, dir, true)
	if err != nil {
		return storage.PutResult{}, err
	}
	nf, err := f.d.upload(ctx, parent, base, p, r, size, progress)
	if cached && errors.Is(err, storage.ErrNotFound) {
		// Only the folder can be missing; the bytes are read, so a retry
		// of the whole Put (which finds or creates it again) has to do.
		f.d.dropDir(dir)
		return storage.PutResult{}, storage.NewError(storage.ErrUnavailable,
			"Google Drive: the folder of "+p+" was removed meanwhile: "+err.Error(), nil)
	}
	if err != nil {
		return storage.PutResult{}, err
	}
	f.d.replaceOlder(ctx, parent, base, nf, p)
	nf.Name = base
	f.d.recent.put(f.d.now(), p, parent, nf)
	return storage.PutResult{Size: nf.Size, Hash: md5Hash(nf.Md5Checksum)}, nil
}

// Move gives the file at from a new parent and name in one files.update:
// the same item, no copy. A file at to is removed for good first, so a
// crash in between leaves to gone and from intact. Older files of from's
// name (duplicates) are removed after the move, lest one show through.
func (f files) Move(ctx context.Context, from, to string) error {
	for _, p := range []string{from, to} {
		if err := storage.ValidateFilePath(p); err != nil {
			return err
		}
	}
	return f.d.fresh(func() error { return f.move(ctx, from, to) }, dirOf(from), dirOf(to))
}

func (f files) move(ctx context.Context, from, to string) error {
	src, err := f.d.source(ctx, from)
	if err != nil || from == to {
		return err
	}
	item := src.newest()
	dst, err := f.d.locate(ctx, to, true)
	if err != nil {
		return err
	}
	for _, old := range dst.files {
		if old.Id != item.Id {
			if err := f.d.remove(ctx, old.Id, "replace "+to, false); err != nil {
				return err
			}
		}
	}
	name := dst.base
	if name == src.base {
		name = "" // unchanged
	}
	if err := f.d.reparent(ctx, item.Id, src.parent, dst.parent, name, "move "+from); err != nil {
		return err
	}
	moved := *item
	moved.Name = dst.base
	f.d.recent.drop(from)
	f.d.recent.put(f.d.now(), to, dst.parent, &moved)
	for _, old := range src.files[:len(src.files)-1] {
		f.d.remove(ctx, old.Id, "replace "+from, false) // best effort, as in replaceOlder
	}
	return nil
}

// Copy copies the file at from to to with files.copy (Drive copies the
// bytes; a copy counts against the daily upload cap and the quota), then
// removes for good the file it replaces.
func (f files) Copy(ctx context.Context, from, to string) (storage.PutResult, error) {
	for _, p := range []string{from, to} {
		if err := storage.ValidateFilePath(p); err != nil {
			return storage.PutResult{}, err
		}
	}
	var res storage.PutResult
	err := f.d.fresh(func() error {
		var err error
		res, err = f.copy(ctx, from, to)
		return err
	}, dirOf(from), dirOf(to))
	return res, err
}

func (f files) copy(ctx context.Context, from, to string) (storage.PutResult, error) {
	src, err := f.d.source(ctx, from)
	if err != nil {
		return storage.PutResult{}, err
	}
	item := src.newest()
	dir, base := splitPath(to)
	parent, err := f.d.dirID(ctx, dir, true)
	if err != nil {
		return storage.PutResult{}, err
	}
	e := entry{id: item.Id, md5: item.Md5Checksum, created: item.CreatedTime, size: item.Size}
	nf, err := f.d.copyFile(ctx, e, parent, base, to)
	if err != nil {
		return storage.PutResult{}, err
	}
	f.d.replaceOlder(ctx, parent, base, nf, to)
	nf.Name = base
	f.d.recent.put(f.d.now(), to, parent, nf)
	return storage.PutResult{Size: nf.Size, Hash: md5Hash(nf.Md5Checksum)}, nil
}

// Delete removes the file at p (every file of its name), to the trash
// when Options.Trash is set. Folders it leaves empty stay.
func (f files) Delete(ctx context.Context, p string) error {
	if err := storage.ValidateFilePath(p); err != nil {
		return err
	}
	return f.d.fresh(func() error {
		src, err := f.d.source(ctx, p)
		if err != nil {
			return err
		}
		for _, item := range src.files {
			if err := f.d.remove(ctx, item.Id, "delete "+p, f.d.o.Trash); err != nil {
				return err
			}
		}
		f.d.recent.drop(p)
		return nil
	}, dirOf(p))
}

// Open downloads the file at p.
func (f files) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	if err := storage.ValidateFilePath(p); err != nil {
		return nil, err
	}
	var rc io.ReadCloser
	err := f.d.fresh(func() error {
		src, err := f.d.source(ctx, p)
		if err == nil {
			rc, err = f.d.media(ctx, src.newest().Id, "open "+p)
		}
		return err
	}, dirOf(p))
	return rc, err
}

// Walk lists the files below dir with one files.list per folder (and
// page), in path order once the whole tree is listed. Of several files of
// one path only the newest is reported.
func (f files) Walk(ctx context.Context, dir string, fn func(storage.FileInfo) error) error {
	if err := storage.ValidateDirPath(dir); err != nil {
		return err
	}
	var idx index
	err := f.d.fresh(func() error {
		id, err := f.d.dirID(ctx, dir, false)
		if err != nil {
			return err
		}
		if idx, err = f.d.walk(ctx, id, true); err == nil && len(idx) == 0 {
			return errNoFolder // or a stale id: fresh looks again once
		}
		return err
	}, dir)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // a missing folder holds nothing
	}
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(idx))
	for p := range idx {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		e := idx[p]
		if err := fn(storage.FileInfo{Path: p, Size: e.size, Hash: md5Hash(e.md5)}); err != nil {
			return err
		}
	}
	return nil
}

var _ storage.FileStore = (*Dest)(nil)
