package gdrive

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/api/drive/v3"

	"github.com/avault/avault/backend/storage"
)

// Plain file access (Files) maps a path below the root to plain folders,
// found by name one level at a time. Their ids are cached per path; an id
// may go stale when someone else removes or replaces a folder, so an
// operation that finds nothing through cached ids looks once more without
// them (fresh).

// spot is a file path resolved: the id of its folder, its name there and
// the live files of that name, oldest first (Drive allows several).
type spot struct {
	path, parent, base string
	files              []*drive.File
}

// newest is the file at the spot: the newest of its files, or nil.
func (s spot) newest() *drive.File {
	if len(s.files) == 0 {
		return nil
	}
	return s.files[len(s.files)-1]
}

// locate resolves path p, creating its folders when create is set; without
// create a missing folder is errNoFolder.
func (d *Dest) locate(ctx context.Context, p string, create bool) (spot, error) {
	dir, base := splitPath(p)
	parent, err := d.dirID(ctx, dir, create)
	if err != nil {
		return spot{}, err
	}
	fs, err := d.named(ctx, parent, base, p)
	return spot{path: p, parent: parent, base: base, files: fs}, err
}

// source resolves path p, which must hold a file: ErrNotFound otherwise.
func (d *Dest) source(ctx context.Context, p string) (spot, error) {
	s, err := d.locate(ctx, p, false)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && len(s.files) == 0) {
		return spot{}, storage.NewError(storage.ErrNotFound, fmt.Sprintf("Google Drive: no file %q", p), err)
	}
	return s, err
}

// named lists the live files called name in folder parent, oldest first.
func (d *Dest) named(ctx context.Context, parent, name, what string) ([]*drive.File, error) {
	q := inFolder(parent) + " and name = " + quote(name) + " and mimeType != '" + folderMime + "'"
	fs, err := d.listAll(ctx, "look for "+what, q, uploadFields)
	oldestFirst(fs)
	return fs, err
}

// dirID returns the id of the plain folder dir below the root ("" is the
// root itself), from the cache or by looking up what is missing, one
// folder at a time. Missing folders are created when create is set; without
// it a missing folder is errNoFolder. Concurrent callers share one lookup
// (and one creation) per folder.
func (d *Dest) dirID(ctx context.Context, dir string, create bool) (string, error) {
	if dir == "" {
		return d.root(ctx, create)
	}
	if id, ok := d.cachedDir(dir); ok {
		return id, nil
	}
	key := "look:" + dir
	if create {
		key = "make:" + dir
	}
	v, err, _ := d.dirsf.Do(key, func() (any, error) {
		if id, ok := d.cachedDir(dir); ok {
			return id, nil
		}
		parentDir, base := splitPath(dir)
		parent, err := d.dirID(ctx, parentDir, create)
		if err != nil {
			return "", err
		}
		id, err := d.folder(ctx, parent, base, nil, true, create)
		if err != nil {
			return "", err
		}
		d.mu.Lock()
		d.dirs[dir] = id
		d.mu.Unlock()
		return id, nil
	})
	return v.(string), err
}

func (d *Dest) cachedDir(dir string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	id, ok := d.dirs[dir]
	return id, ok
}

// dropDir forgets the cached ids of dir, of the folders above it and of
// those below it.
func (d *Dest) dropDir(dir string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for p := range d.dirs {
		if p == dir || strings.HasPrefix(dir, p+"/") || strings.HasPrefix(p, dir+"/") {
			delete(d.dirs, p)
		}
	}
}

// fresh runs op, which works in the folders dirs. When it fails with
// ErrNotFound while an id of dirs came from the cache, the id may be stale:
// the cache entries are dropped and op runs once more, looking them up.
func (d *Dest) fresh(op func() error, dirs ...string) error {
	cached := false
	for _, dir := range dirs {
		if _, ok := d.cachedDir(dir); ok {
			cached = true
		}
	}
	err := op()
	if !cached || !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	for _, dir := range dirs {
		d.dropDir(dir)
	}
	return op()
}

// replaceOlder removes for good, once keep is stored as name in parent,
// the other files of that name created no later than keep: the files keep
// replaces (several when a create was sent twice). A file created after
// keep, by a Put running at the same time, stays: it is the newer one.
// Removal is best effort, as of several files of one path the newest is
// the one read.
func (d *Dest) replaceOlder(ctx context.Context, parent, name string, keep *drive.File, what string) {
	fs, err := d.named(ctx, parent, name, what)
	if err != nil {
		return
	}
	for _, f := range fs {
		if f.Id != keep.Id && f.CreatedTime <= keep.CreatedTime {
			d.remove(ctx, f.Id, "replace "+what, false)
		}
	}
}

// dirOf returns the folder part of a path ("" for a file in the root).
func dirOf(p string) string {
	dir, _ := splitPath(p)
	return dir
}
