package crypt

import (
	"context"
	"io"

	"github.com/avault/avault/backend/storage"
)

// Files returns the wrapped destination's plain files with every name and
// content encrypted, or nil when it has none.
func (d *Dest) Files() storage.Files {
	f := storage.FilesOf(d.d)
	if f == nil {
		return nil
	}
	return &files{f: f, d: d}
}

type files struct {
	f storage.Files
	d *Dest
}

func (f *files) enc(p string) (string, error) {
	if err := storage.ValidateFilePath(p); err != nil {
		return "", err
	}
	if err := CheckNames(p); err != nil {
		return "", storage.NewError(storage.ErrInvalid, err.Error(), nil)
	}
	return f.d.c.EncryptPath(p), nil
}

// Put encrypts size bytes of r into p.
func (f *files) Put(ctx context.Context, p string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	ep, err := f.enc(p)
	if err != nil {
		return storage.PutResult{}, err
	}
	if size < 0 {
		return storage.PutResult{}, storage.NewError(storage.ErrInvalid, p+": negative size", nil)
	}
	if err := f.d.checkKey(ctx); err != nil {
		return storage.PutResult{}, err
	}
	body, n, inner, err := f.d.encryptBody(r, size, progress)
	if err != nil {
		return storage.PutResult{}, err
	}
	res, err := f.f.Put(ctx, ep, body, n, inner)
	if err != nil {
		return storage.PutResult{}, err
	}
	return plainResult(res, size), nil
}

func (f *files) Move(ctx context.Context, from, to string) error {
	ef, err := f.enc(from)
	if err != nil {
		return err
	}
	et, err := f.enc(to)
	if err != nil {
		return err
	}
	if err := f.d.checkKey(ctx); err != nil {
		return err
	}
	return f.f.Move(ctx, ef, et)
}

func (f *files) Copy(ctx context.Context, from, to string) (storage.PutResult, error) {
	ef, err := f.enc(from)
	if err != nil {
		return storage.PutResult{}, err
	}
	et, err := f.enc(to)
	if err != nil {
		return storage.PutResult{}, err
	}
	if err := f.d.checkKey(ctx); err != nil {
		return storage.PutResult{}, err
	}
	res, err := f.f.Copy(ctx, ef, et)
	if err != nil {
		return storage.PutResult{}, err
	}
	if n, err := DecryptedSize(res.Size); err == nil {
		res.Size = n
	}
	res.Hash = cipherHash(res.Hash)
	return res, nil
}

func (f *files) Delete(ctx context.Context, p string) error {
	ep, err := f.enc(p)
	if err != nil {
		return err
	}
	if err := f.d.checkKey(ctx); err != nil {
		return err
	}
	return f.f.Delete(ctx, ep)
}

func (f *files) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	ep, err := f.enc(p)
	if err != nil {
		return nil, err
	}
	rc, err := f.f.Open(ctx, ep)
	if err != nil {
		return nil, err
	}
	return f.d.decrypt(rc, p)
}

// Walk lists the files below dir whose names decrypt, in clear, with
// their plaintext sizes. Files whose names do not decrypt are not
// Avault's (or not this password's) and are left out.
func (f *files) Walk(ctx context.Context, dir string, fn func(storage.FileInfo) error) error {
	if err := storage.ValidateDirPath(dir); err != nil {
		return err
	}
	ed := ""
	if dir != "" {
		ed = f.d.c.EncryptPath(dir)
	}
	return f.f.Walk(ctx, ed, func(fi storage.FileInfo) error {
		p, c := f.d.decryptName(fi.Path)
		if c != nameGood {
			return nil
		}
		n, err := DecryptedSize(fi.Size)
		if err != nil {
			return nil // not a file this layer wrote
		}
		return fn(storage.FileInfo{Path: p, Size: n, Hash: cipherHash(fi.Hash)})
	})
}

// Sync passes through to a buffering destination (a disk).
func (f *files) Sync(ctx context.Context) error {
	if s, ok := f.f.(storage.Syncer); ok {
		return s.Sync(ctx)
	}
	return nil
}

func (f *files) MakeDir(ctx context.Context, p string) error {
	ep, err := f.enc(p)
	if err != nil {
		return err
	}
	if err := f.d.checkKey(ctx); err != nil {
		return err
	}
	return storage.MakeDir(ctx, f.f, ep)
}

func (f *files) RemoveDir(ctx context.Context, p string) error {
	ep, err := f.enc(p)
	if err != nil {
		return err
	}
	if err := f.d.checkKey(ctx); err != nil {
		return err
	}
	return storage.RemoveDir(ctx, f.f, ep)
}

var (
	_ storage.Files   = (*files)(nil)
	_ storage.Syncer  = (*files)(nil)
	_ storage.Folders = (*files)(nil)
)
