package gdrive

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"google.golang.org/api/drive/v3"

	"github.com/avault/avault/backend/storage"
)

// entry is one file of a committed version.
type entry struct {
	id, md5, created string
	size             int64
}

// index maps the slash-separated paths of a committed version's files
// (MetaDir's included) to their entries. Committed versions do not change,
// so an index is kept until the version is deleted.
type index map[string]entry

// maxIndexes bounds the indexes kept; restore and copy use one or two.
const maxIndexes = 8

// add records f at p. Drive allows two files of the same name in a folder
// (a Put whose answer was lost and was sent again): the newest is the file.
func (idx index) add(p string, f *drive.File) {
	e := entry{id: f.Id, md5: f.Md5Checksum, created: f.CreatedTime, size: f.Size}
	old, ok := idx[p]
	if !ok || e.created > old.created || (e.created == old.created && e.id > old.id) {
		idx[p] = e
	}
}

func (d *Dest) remember(name, id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.versions[name] = id
}

// forget drops what is cached about version name in folder id.
func (d *Dest) forget(name, id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.versions, name)
	delete(d.indexes, id)
}

// versionFolder returns the folder id of committed version name.
func (d *Dest) versionFolder(ctx context.Context, name string) (string, error) {
	d.mu.Lock()
	id, ok := d.versions[name]
	d.mu.Unlock()
	if ok {
		return id, nil
	}
	fs, err := d.marked(ctx, markVersion, name)
	if err != nil {
		return "", err
	}
	if len(fs) == 0 {
		return "", storage.NewError(storage.ErrNotFound, fmt.Sprintf("Google Drive: no version %q", name), nil)
	}
	d.remember(name, fs[0].Id)
	return fs[0].Id, nil
}

// index returns the index of committed version name, walking its folders
// the first time; concurrent callers share one walk.
func (d *Dest) index(ctx context.Context, name string) (index, error) {
	v, err, _ := d.sf.Do(name, func() (any, error) {
		id, err := d.versionFolder(ctx, name)
		if err != nil {
			return nil, err
		}
		d.mu.Lock()
		idx, ok := d.indexes[id]
		d.mu.Unlock()
		if ok {
			return idx, nil
		}
		if idx, err = d.walk(ctx, id, false); err != nil {
			return nil, err
		}
		d.mu.Lock()
		if len(d.indexes) >= maxIndexes {
			clear(d.indexes)
		}
		d.indexes[id] = idx
		d.mu.Unlock()
		return idx, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(index), nil
}

// walk lists the tree below folder top, level by level, a few folders at a
// time. Folders of the same name (a create sent twice) merge. When plain is
// set, folders carrying Avault's mark (versions, pending places) are left
// out, as plain file access never reaches into them.
func (d *Dest) walk(ctx context.Context, top string, plain bool) (index, error) {
	idx := index{}
	var mu sync.Mutex
	fields := fileFields
	if plain {
		fields += ",properties"
	}
	level := map[string]string{top: ""} // folder id → path prefix
	for len(level) > 0 {
		next := map[string]string{}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(4)
		for id, prefix := range level {
			g.Go(func() error {
				return d.list(gctx, "list "+strings.TrimSuffix(prefix, "/"), inFolder(id), fields, func(fs []*drive.File) {
					mu.Lock()
					defer mu.Unlock()
					for _, f := range fs {
						switch {
						case f.MimeType != folderMime:
							idx.add(prefix+f.Name, f)
						case !plain || f.Properties[propMark] == "":
							next[f.Id] = prefix + f.Name + "/"
						}
					}
				})
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		level = next
	}
	return idx, nil
}

// lookup finds a file of a committed version.
func (d *Dest) lookup(ctx context.Context, version, path string) (entry, error) {
	idx, err := d.index(ctx, version)
	if err != nil {
		return entry{}, err
	}
	e, ok := idx[path]
	if !ok {
		return entry{}, storage.NewError(storage.ErrNotFound,
			fmt.Sprintf("Google Drive: no file %q in version %q", path, version), nil)
	}
	return e, nil
}
