package gdrive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
	"google.golang.org/api/drive/v3"

	"github.com/avault/avault/backend/storage"
)

// pending is a version being written into its .tmp- folder.
type pending struct {
	d     *Dest
	name  string
	owner storage.Owner
	id    string // the .tmp- folder
	// fresh says the folder was created by this Begin, so it holds only
	// what this value put there and nothing needs looking up first.
	fresh bool
	sf    singleflight.Group // one folder creation per path at a time

	mu        sync.Mutex
	dirs      map[string]string // folder path inside the version → id
	files     map[string]string // file path → id of its latest Put
	tried     map[string]bool   // "dir:"/"file:" paths whose creation was begun
	committed bool
	// suspect is set once a request failed in a way that may have taken
	// effect (a lost answer), so Drive may hold a second folder or file of
	// a path; Commit then tidies.
	suspect atomic.Bool
}

var (
	_ storage.Pending = (*pending)(nil)
	_ storage.Copier  = (*pending)(nil)
)

func (d *Dest) newPending(name string, owner storage.Owner, id string, fresh bool) *pending {
	p := &pending{d: d, name: name, owner: owner, id: id, fresh: fresh,
		dirs: map[string]string{}, files: map[string]string{}, tried: map[string]bool{}}
	p.suspect.Store(!fresh)
	return p
}

// Name returns the version's name.
func (p *pending) Name() string { return p.name }

// Put uploads r to path, creating its folders, and checks Drive's MD5 of
// what it stored against the MD5 of what was read.
func (p *pending) Put(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if err := storage.ValidatePath(path); err != nil {
		return storage.PutResult{}, err
	}
	return p.store(ctx, path, r, size, progress)
}

// store is Put without the path check (it also writes MetaDir's files).
func (p *pending) store(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	ctx = withSuspect(ctx, &p.suspect)
	dir, base := splitPath(path)
	parent, err := p.dir(ctx, dir)
	if err != nil {
		return storage.PutResult{}, err
	}
	unsure := p.unsure("file:" + path)
	f, err := p.d.upload(ctx, parent, base, path, r, size, progress)
	if err != nil {
		return storage.PutResult{}, err
	}
	p.replaced(ctx, path, parent, base, f.Id, unsure)
	return storage.PutResult{Size: f.Size, Hash: md5Hash(f.Md5Checksum)}, nil
}

// unsure marks key as begun and reports whether Drive may already hold
// something for it that this value does not know of: the place was
// reopened, or an earlier attempt failed after its request went out.
func (p *pending) unsure(key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	again := p.tried[key]
	p.tried[key] = true
	return !p.fresh || again
}

// splitPath splits "a/b/c" into "a/b" and "c".
func splitPath(p string) (dir, base string) {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return "", p
}

// replaced records id as path's file and removes the files it replaces:
// an earlier Put of the same path and, when unsure, any other file of that
// name. Removal is best effort: of two files with one path the newest is
// the one read.
func (p *pending) replaced(ctx context.Context, path, parent, base, id string, unsure bool) {
	p.mu.Lock()
	old := p.files[path]
	p.files[path] = id
	p.mu.Unlock()
	var stale []string
	if old != "" && old != id {
		stale = append(stale, old)
	}
	if unsure {
		// A name search may miss a file made a moment ago (and Commit's
		// tidy then removes it), but what it finds must be exactly base:
		// it also finds A.txt for a.txt.
		fs, _ := p.d.searchFiles(ctx, parent, base, "look for "+path)
		for _, f := range fs {
			if f.Id != id && f.Id != old {
				stale = append(stale, f.Id)
			}
		}
	}
	for _, s := range stale {
		p.d.remove(ctx, s, "replace "+path, false)
	}
}

// dir returns the id of folder path dir inside the version, creating it
// and its parents. Concurrent Puts share one creation per folder.
func (p *pending) dir(ctx context.Context, dir string) (string, error) {
	if dir == "" {
		return p.id, nil
	}
	p.mu.Lock()
	id, ok := p.dirs[dir]
	p.mu.Unlock()
	if ok {
		return id, nil
	}
	v, err, _ := p.sf.Do(dir, func() (any, error) {
		p.mu.Lock()
		id, ok := p.dirs[dir]
		p.mu.Unlock()
		if ok {
			return id, nil
		}
		parentDir, base := splitPath(dir)
		parent, err := p.dir(ctx, parentDir)
		if err != nil {
			return "", err
		}
		if id, err = p.d.folder(ctx, parent, base, p.name+"/"+dir, nil, p.unsure("dir:"+dir), true); err != nil {
			return "", err
		}
		p.mu.Lock()
		p.dirs[dir] = id
		p.mu.Unlock()
		return id, nil
	})
	return v.(string), err
}

// Commit uploads the manifest, then renames .tmp-NAME to NAME and stores
// the version record in one files.update: that update is the commit.
func (p *pending) Commit(ctx context.Context, manifest []byte, info storage.VersionInfo) error {
	p.mu.Lock()
	done := p.committed
	p.mu.Unlock()
	if done {
		return nil
	}
	if _, err := p.store(ctx, storage.MetaDir+"/"+storage.ManifestName, bytes.NewReader(manifest), int64(len(manifest)), nil); err != nil {
		return err
	}
	if p.suspect.Load() {
		if err := p.tidy(ctx); err != nil {
			return err
		}
	}
	others, err := p.d.marked(ctx, markVersion, p.name)
	if err != nil {
		return err
	}
	for _, f := range others {
		if f.Id != p.id {
			return storage.NewError(storage.ErrExists, fmt.Sprintf("Google Drive: version %q was committed by another run", p.name), nil)
		}
	}
	props := p.record(info)
	err = p.d.do(ctx, "commit "+p.name, metaCall, func(ctx context.Context, _ bool) error {
		_, err := p.d.svc.Files.Update(p.id, &drive.File{Name: p.name, Properties: props}).
			SupportsAllDrives(true).Fields("id").Context(ctx).Do()
		return err
	})
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.committed = true
	p.mu.Unlock()
	p.d.forget(p.name, p.id)
	return nil
}

// record returns the version record stored in the folder's properties.
func (p *pending) record(info storage.VersionInfo) map[string]string {
	owner := info.Owner
	if owner == (storage.Owner{}) {
		owner = p.owner
	}
	return map[string]string{propMark: markVersion, propJob: owner.JobID, propRun: owner.RunID,
		propCreated: info.Created.UTC().Format(time.RFC3339Nano),
		propFiles:   strconv.FormatInt(info.Files, 10), propBytes: strconv.FormatInt(info.Bytes, 10)}
}

// Abort deletes (or trashes) the pending place; after a commit it does
// nothing.
func (p *pending) Abort(ctx context.Context) error {
	p.mu.Lock()
	done := p.committed
	p.mu.Unlock()
	if done {
		return nil
	}
	return p.d.remove(ctx, p.id, "abort "+p.name, false)
}

// CopyFrom copies a file of a committed version with files.copy: Drive
// copies the bytes itself (copies count against the daily upload cap).
func (p *pending) CopyFrom(ctx context.Context, fromVersion, fromPath, toPath string, size int64) (storage.PutResult, error) {
	for _, err := range []error{storage.ValidateName(fromVersion), storage.ValidatePath(fromPath), storage.ValidatePath(toPath)} {
		if err != nil {
			return storage.PutResult{}, err
		}
	}
	src, err := p.d.lookup(ctx, fromVersion, fromPath)
	if err != nil {
		return storage.PutResult{}, err
	}
	if src.size != size {
		return storage.PutResult{}, storage.NewError(storage.ErrInvalid,
			fmt.Sprintf("Google Drive: %s/%s has %d bytes, not %d", fromVersion, fromPath, src.size, size), nil)
	}
	ctx = withSuspect(ctx, &p.suspect)
	dir, base := splitPath(toPath)
	parent, err := p.dir(ctx, dir)
	if err != nil {
		return storage.PutResult{}, err
	}
	unsure := p.unsure("file:" + toPath)
	f, err := p.d.copyFile(ctx, src, parent, base, toPath)
	if err != nil {
		return storage.PutResult{}, err
	}
	p.replaced(ctx, toPath, parent, base, f.Id, unsure)
	return storage.PutResult{Size: f.Size, Hash: md5Hash(f.Md5Checksum)}, nil
}

// copyFile copies src into parent as name; a retry first looks for the
// copy an attempt whose answer was lost may have made.
func (d *Dest) copyFile(ctx context.Context, src entry, parent, name, what string) (*drive.File, error) {
	var f *drive.File
	err := d.do(ctx, "copy to "+what, uploadCall, func(ctx context.Context, again bool) error {
		if again {
			found, err := d.findFile(ctx, parent, name, src.md5, src.size)
			if err != nil || found != nil {
				f = found
				return err
			}
		}
		var err error
		f, err = d.svc.Files.Copy(src.id, &drive.File{Name: name, Parents: []string{parent}}).
			SupportsAllDrives(true).Fields(uploadFields).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, d.verify(ctx, f, src.md5, src.size, what)
}
