package local

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/avault/avault/backend/storage"
)

// incomingDir, at the root, holds files being received by Files.Put and
// Copy until they are renamed into place; what a crash leaves there is
// removed when it is an hour old.
const incomingDir = ".avault-incoming"

// Files returns plain file access below the root folder.
func (d *Dest) Files() storage.Files { return &files{d: d} }

// files is storage.Files on the root folder. Every write goes to a
// temporary file first and is renamed into place, so a file is always
// either its old or its new content.
type files struct {
	d        *Dest
	once     sync.Once
	guardErr error
}

// guard refuses to write, once per Dest, where the marker check fails
// (RequireMarker: an unmounted disk), and clears stale incoming files.
func (f *files) guard(ctx context.Context) error {
	f.once.Do(func() {
		if f.d.RequireMarker {
			f.guardErr = f.d.checkMarker(ctx)
		}
		if f.guardErr == nil {
			f.clearIncoming(time.Hour)
		}
	})
	return f.guardErr
}

// clearIncoming removes incoming files older than age.
func (f *files) clearIncoming(age time.Duration) {
	dir, err := f.d.root.Open(incomingDir)
	if err != nil {
		return
	}
	defer dir.Close()
	entries, _ := dir.ReadDir(-1)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > age {
			f.d.root.Remove(incomingDir + "/" + e.Name())
		}
	}
}

// valid checks a Files path with this system's own rules too.
func valid(p string) error {
	if err := storage.ValidateFilePath(p); err != nil {
		return err
	}
	return validPath("x/" + p) // the system's rules, without ValidatePath's MetaDir rule
}

func (f *files) Put(ctx context.Context, p string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if err := valid(p); err != nil {
		return storage.PutResult{}, err
	}
	if err := f.guard(ctx); err != nil {
		return storage.PutResult{}, err
	}
	tmp, w, err := f.incoming()
	if err != nil {
		return storage.PutResult{}, err
	}
	h := sha256.New()
	werr := copyExactly(ctx, io.MultiWriter(w, h), r, size, progress)
	if cerr := w.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = f.place(tmp, p)
	}
	if werr != nil {
		f.d.root.Remove(tmp)
		return storage.PutResult{}, f.d.err(p, werr)
	}
	return storage.PutResult{Size: size, Hash: sha(h)}, nil
}

// incoming creates a new empty temporary file.
func (f *files) incoming() (string, *os.File, error) {
	if err := f.d.root.MkdirAll(incomingDir, 0o777); err != nil {
		return "", nil, f.d.err(incomingDir, err)
	}
	tmp := incomingDir + "/" + randomName()
	w, err := f.d.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if err != nil {
		return "", nil, f.d.err(tmp, err)
	}
	return tmp, w, nil
}

// place renames from to p, creating p's folders. A folder that a
// concurrent prune removes between the two steps is made again.
func (f *files) place(from, p string) error {
	for attempt := 1; ; attempt++ {
		if dir := path.Dir(p); dir != "." {
			// A concurrent prune can remove a folder between MkdirAll's
			// mkdir and its check, which then reports "file exists".
			if err := f.d.root.MkdirAll(dir, 0o777); err != nil {
				if attempt < 5 && errors.Is(err, fs.ErrExist) {
					continue
				}
				return err
			}
		}
		err := f.d.root.Rename(from, p)
		if err == nil || attempt == 5 || !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if _, serr := f.d.root.Lstat(from); serr != nil {
			return err // the source is what is missing
		}
	}
}

// regular fails with ErrNotFound unless p is a regular file.
func (f *files) regular(p string) (fs.FileInfo, error) {
	fi, err := f.d.root.Lstat(p)
	if err != nil {
		return nil, f.d.err(p, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, storage.NewError(storage.ErrNotFound, fmt.Sprintf("%s is not a file", path.Join(f.d.dir, p)), nil)
	}
	return fi, nil
}

func (f *files) Move(ctx context.Context, from, to string) error {
	if err := errors.Join(valid(from), valid(to)); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := f.guard(ctx); err != nil {
		return err
	}
	if _, err := f.regular(from); err != nil {
		return err
	}
	if err := f.place(from, to); err != nil {
		return f.d.err(to, err)
	}
	f.prune(path.Dir(from))
	return nil
}

func (f *files) Copy(ctx context.Context, from, to string) (storage.PutResult, error) {
	if err := errors.Join(valid(from), valid(to)); err != nil {
		return storage.PutResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.PutResult{}, err
	}
	if err := f.guard(ctx); err != nil {
		return storage.PutResult{}, err
	}
	fi, err := f.regular(from)
	if err != nil {
		return storage.PutResult{}, err
	}
	if err := f.d.root.MkdirAll(incomingDir, 0o777); err != nil {
		return storage.PutResult{}, f.d.err(incomingDir, err)
	}
	tmp := incomingDir + "/" + randomName()
	err = f.d.root.Link(from, tmp)
	if err == nil {
		if err = f.place(tmp, to); err != nil {
			f.d.root.Remove(tmp)
			return storage.PutResult{}, f.d.err(to, err)
		}
		return storage.PutResult{Size: fi.Size()}, nil
	}
	if !cannotLink(err) {
		return storage.PutResult{}, f.d.err(tmp, err)
	}
	src, err := f.d.root.Open(from)
	if err != nil {
		return storage.PutResult{}, f.d.err(from, err)
	}
	defer src.Close()
	return f.Put(ctx, to, src, fi.Size(), nil)
}

func (f *files) Delete(ctx context.Context, p string) error {
	if err := valid(p); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := f.regular(p); err != nil {
		return err
	}
	if err := f.d.root.Remove(p); err != nil {
		return f.d.err(p, err)
	}
	f.prune(path.Dir(p))
	return nil
}

// prune removes dir and its parents while they are empty, never the root.
func (f *files) prune(dir string) {
	for dir != "." && dir != "/" && dir != "" {
		if f.d.root.Remove(dir) != nil { // fails unless empty
			return
		}
		dir = path.Dir(dir)
	}
}

func (f *files) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	if err := valid(p); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := f.d.root.Open(p)
	if err != nil {
		return nil, f.d.err(p, err)
	}
	if fi, err := r.Stat(); err != nil || !fi.Mode().IsRegular() {
		r.Close()
		return nil, storage.NewError(storage.ErrNotFound, fmt.Sprintf("%s is not a file", path.Join(f.d.dir, p)), err)
	}
	return r, nil
}

func (f *files) Walk(ctx context.Context, dir string, fn func(storage.FileInfo) error) error {
	if err := storage.ValidateDirPath(dir); err != nil {
		return err
	}
	if dir != "" {
		if err := valid(dir); err != nil {
			return err
		}
	}
	start := dir
	if start == "" {
		start = "."
	}
	if fi, err := f.d.root.Lstat(start); errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return nil
	}
	var fnErr error
	err := fs.WalkDir(f.d.root.FS(), start, func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		rel := name
		if dir != "" {
			rel = strings.TrimPrefix(name, dir+"/")
		}
		fnErr = fn(storage.FileInfo{Path: rel, Size: info.Size()})
		return fnErr
	})
	if err == nil || fnErr != nil || ctx.Err() != nil {
		return err
	}
	return f.d.err(start, err)
}

// Sync makes everything written so far durable.
func (f *files) Sync(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.d.err(".", flush(f.d.root, "."))
}

var _ storage.FileStore = (*Dest)(nil)
var _ storage.Files = (*files)(nil)
var _ storage.Syncer = (*files)(nil)
