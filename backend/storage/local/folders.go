package local

import (
	"context"
	"errors"
	"io/fs"
	"path"
)

// MakeDir makes an empty folder in the version being written.
func (p *pending) MakeDir(ctx context.Context, dir string) error {
	if err := validPath(dir); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := p.d.root.MkdirAll(p.tmp+"/"+dir, 0o777); err != nil {
		return p.d.err(p.tmp+"/"+dir, err)
	}
	return nil
}

// RemoveDir removes an empty folder of the version being written.
func (p *pending) RemoveDir(ctx context.Context, dir string) error {
	if err := validPath(dir); err != nil {
		return err
	}
	return removeEmpty(p.d, p.tmp+"/"+dir)
}

// MakeDir makes the folder p below the root.
func (f *files) MakeDir(ctx context.Context, p string) error {
	if err := valid(p); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := f.guard(ctx); err != nil {
		return err
	}
	if err := f.d.root.MkdirAll(p, 0o777); err != nil {
		return f.d.err(p, err)
	}
	return nil
}

// RemoveDir removes the folder p when it is empty, and the folders above
// it that this leaves empty, as Delete does.
func (f *files) RemoveDir(ctx context.Context, p string) error {
	if err := valid(p); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := removeEmpty(f.d, p); err != nil {
		return err
	}
	f.prune(path.Dir(p))
	return nil
}

// removeEmpty removes the folder name when it is one and empty.
func removeEmpty(d *Dest, name string) error {
	fi, err := d.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.IsDir()) {
		return nil
	}
	if err != nil {
		return d.err(name, err)
	}
	dir, err := d.root.Open(name)
	if err != nil {
		return d.err(name, err)
	}
	_, err = dir.ReadDir(1)
	dir.Close()
	if err == nil { // it holds something
		return nil
	}
	if err := d.root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return d.err(name, err)
	}
	return nil
}
