package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"
	"syscall"

	"github.com/avault/avault/backend/storage"
)

// pending is a version being written in .tmp-<name>/.
type pending struct {
	d     *Dest
	name  string
	tmp   string // ".tmp-" + name
	owner storage.Owner
}

func (p *pending) Name() string { return p.name }

// Put streams r into a temporary file under .avault/incoming, hashing it
// with SHA-256, then renames it into place, creating parent folders.
func (p *pending) Put(ctx context.Context, name string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if err := validPath(name); err != nil {
		return storage.PutResult{}, err
	}
	tmp, f, err := p.createIncoming()
	if err != nil {
		return storage.PutResult{}, err
	}
	h := sha256.New()
	werr := copyExactly(ctx, io.MultiWriter(f, h), r, size, progress)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = p.moveIn(tmp, name)
	}
	if werr != nil {
		p.d.root.Remove(tmp)
		return storage.PutResult{}, p.d.err(p.tmp+"/"+name, werr)
	}
	return storage.PutResult{Size: size, Hash: sha(h)}, nil
}

// createIncoming creates a new empty file under .avault/incoming.
func (p *pending) createIncoming() (string, *os.File, error) {
	tmp := p.tmp + "/" + incoming + "/" + randomName()
	f, err := p.d.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if err != nil {
		return "", nil, p.d.err(tmp, err)
	}
	return tmp, f, nil
}

// moveIn renames the complete file tmp to name inside the version.
func (p *pending) moveIn(tmp, name string) error {
	dst := p.tmp + "/" + name
	if dir := path.Dir(name); dir != "." {
		if err := p.d.root.MkdirAll(p.tmp+"/"+dir, 0o777); err != nil {
			return err
		}
	}
	return p.d.root.Rename(tmp, dst)
}

// CopyFrom hard-links the file of a committed version into this one, or
// copies it when the disk cannot link (another file system, FAT/exFAT, too
// many links). A link has no hash to report; a copy reports its SHA-256.
func (p *pending) CopyFrom(ctx context.Context, fromVersion, fromPath, toPath string, size int64) (storage.PutResult, error) {
	if err := ctx.Err(); err != nil {
		return storage.PutResult{}, err
	}
	src, err := p.d.filePath(fromVersion, fromPath)
	if err != nil {
		return storage.PutResult{}, err
	}
	if err := validPath(toPath); err != nil {
		return storage.PutResult{}, err
	}
	fi, err := p.d.root.Lstat(src)
	if err != nil {
		return storage.PutResult{}, p.d.err(src, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() != size {
		return storage.PutResult{}, storage.NewError(storage.ErrInvalid,
			fmt.Sprintf("cannot copy %s: not a file of %d bytes", src, size), nil)
	}
	tmp := p.tmp + "/" + incoming + "/" + randomName()
	err = p.d.root.Link(src, tmp)
	if err == nil {
		if err = p.moveIn(tmp, toPath); err != nil {
			p.d.root.Remove(tmp)
			return storage.PutResult{}, p.d.err(p.tmp+"/"+toPath, err)
		}
		return storage.PutResult{Size: size}, nil
	}
	if !cannotLink(err) {
		return storage.PutResult{}, p.d.err(tmp, err)
	}
	f, err := p.d.root.Open(src)
	if err != nil {
		return storage.PutResult{}, p.d.err(src, err)
	}
	defer f.Close()
	return p.Put(ctx, toPath, f, size, nil)
}

// cannotLink reports errors that mean "this file system will not hard-link
// here", after which a copy is the way.
func cannotLink(err error) bool {
	for _, e := range []error{syscall.EXDEV, syscall.EPERM, syscall.EMLINK, syscall.ENOTSUP, syscall.ENOSYS, syscall.EOPNOTSUPP} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Commit writes the manifest and the commit record, flushes everything to
// the disk, renames .tmp-<name> to <name> and flushes the root folder.
func (p *pending) Commit(ctx context.Context, manifestBytes []byte, info storage.VersionInfo) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := p.d.root.Lstat(p.tmp); errors.Is(err, fs.ErrNotExist) {
		return p.committedAlready()
	}
	if _, err := p.d.root.Lstat(p.name); err == nil {
		return storage.NewError(storage.ErrExists, fmt.Sprintf("version %s already exists in %s", p.name, p.d.dir), nil)
	}
	if err := p.d.root.RemoveAll(p.tmp + "/" + incoming); err != nil {
		return p.d.err(p.tmp, err)
	}
	if err := p.d.writeFile(p.tmp+"/"+manifest, manifestBytes); err != nil {
		return err
	}
	info.Name = p.name
	if err := p.d.writeJSON(p.tmp+"/"+versionFile, versionRecord{Format: 1, Info: info}); err != nil {
		return err
	}
	if err := flush(p.d.root, p.tmp); err != nil {
		return p.d.err(p.tmp, err)
	}
	if err := p.d.root.Rename(p.tmp, p.name); err != nil {
		return p.d.err(p.name, err)
	}
	return p.d.err(".", syncDir(p.d.root, "."))
}

// committedAlready answers a second Commit: nil when the version is there
// and ours.
func (p *pending) committedAlready() error {
	var rec versionRecord
	if err := p.d.readJSON(p.name+"/"+versionFile, &rec); err != nil || rec.Info.Owner != p.owner {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("unfinished version %s is gone from %s", p.name, p.d.dir), err)
	}
	return nil
}

// Abort removes .tmp-<name>/, if it is still there.
func (p *pending) Abort(ctx context.Context) error {
	if err := p.d.root.RemoveAll(p.tmp); err != nil {
		return p.d.err(p.tmp, err)
	}
	return nil
}

// syncDir flushes a folder's entries to the disk. Windows cannot and needs
// not: there the error is ignored.
func syncDir(root *os.Root, name string) error {
	f, err := root.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !ignorableSyncError(err) {
		return err
	}
	return nil
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// copyExactly copies size bytes from r to w, reporting progress and
// stopping when ctx ends. A reader that ends early is ErrInvalid.
func copyExactly(ctx context.Context, w io.Writer, r io.Reader, size int64, progress func(int64)) error {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var done int64
	for done < size {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf[:min(int64(len(buf)), size-done)])
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			done += int64(n)
			if progress != nil {
				progress(int64(n))
			}
		}
		if err == io.EOF && done < size {
			return storage.NewError(storage.ErrInvalid, fmt.Sprintf("source ended after %d of %d bytes (did the file change while it was read?)", done, size), nil)
		}
		if err != nil && err != io.EOF {
			return &sourceError{err}
		}
	}
	return nil
}

// sourceError is a failure to read the file being stored: it says nothing
// about the destination and is passed on untranslated.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "reading the source: " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

func sha(h hash.Hash) storage.Hash {
	return storage.Hash{Algo: "sha256", Value: hex.EncodeToString(h.Sum(nil))}
}

var _ storage.Pending = (*pending)(nil)
var _ storage.Copier = (*pending)(nil)
