package gdrive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/api/drive/v3"

	"github.com/avault/avault/backend/storage"
)

// Plain file access (Files) maps a path below the root to plain folders,
// found one level at a time in their parent's listing. Their ids are
// cached per path; an id may go stale when someone else removes or
// replaces a folder, so an operation that finds nothing through cached ids
// looks once more without them (fresh).
//
// A file is found with a name search (one request, however full its
// folder), whose results are compared exactly, as Drive's search ignores
// case. The search lags behind writes, so what Files wrote or moved lately
// is also known by id (recentFiles), and a file the search and that record
// do not find is looked for in its folder's listing before it is called
// missing.

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
// A file the name search does not show (yet) is looked for in its folder's
// listing.
func (d *Dest) source(ctx context.Context, p string) (spot, error) {
	s, err := d.locate(ctx, p, false)
	if err == nil && len(s.files) == 0 {
		s.files, err = d.listedFiles(ctx, s.parent, s.base, "look for "+p)
	}
	if errors.Is(err, storage.ErrNotFound) || (err == nil && len(s.files) == 0) {
		return spot{}, storage.NewError(storage.ErrNotFound, fmt.Sprintf("Google Drive: no file %q", p), err)
	}
	return s, err
}

// named lists the live files called exactly name in folder parent (path p
// below the root), oldest first: those a name search finds, and the one
// this destination put there lately, which the search may not show yet.
func (d *Dest) named(ctx context.Context, parent, name, p string) ([]*drive.File, error) {
	fs, err := d.searchFiles(ctx, parent, name, "look for "+p)
	if err != nil {
		return nil, err
	}
	if f := d.recent.get(p, parent); f != nil && !slices.ContainsFunc(fs, func(x *drive.File) bool { return x.Id == f.Id }) {
		fs = append(fs, f)
		oldestFirst(fs)
	}
	return fs, nil
}

// recentFor is how long Files remembers what it wrote: longer than Drive's
// name search takes to catch up (seconds, at times minutes).
const recentFor = 30 * time.Minute

// recentFiles remembers, by path below the root, the file Files last put,
// copied or moved there, for recentFor.
type recentFiles struct {
	mu     sync.Mutex
	m      map[string]recentFile
	pruned time.Time
}

type recentFile struct {
	parent string
	f      *drive.File
	at     time.Time
}

// put records f as the file at path p in folder parent.
func (r *recentFiles) put(now time.Time, p, parent string, f *drive.File) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]recentFile{}
	}
	if now.Sub(r.pruned) > time.Minute {
		for k, v := range r.m {
			if now.Sub(v.at) > recentFor {
				delete(r.m, k)
			}
		}
		r.pruned = now
	}
	r.m[p] = recentFile{parent: parent, f: f, at: now}
}

// get returns the file recorded at path p, if it was in folder parent.
func (r *recentFiles) get(p, parent string) *drive.File {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.m[p]; ok && v.parent == parent {
		return v.f
	}
	return nil
}

// drop forgets the file at path p.
func (r *recentFiles) drop(p string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, p)
}

// dropBelow forgets the files below folder dir ("" is the root).
func (r *recentFiles) dropBelow(dir string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for p := range r.m {
		if dir == "" || strings.HasPrefix(p, dir+"/") {
			delete(r.m, p)
		}
	}
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
		id, err := d.folder(ctx, parent, base, dir, nil, true, create)
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
// those below it, and the files recorded below it.
func (d *Dest) dropDir(dir string) {
	d.recent.dropBelow(dir)
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
