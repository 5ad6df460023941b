package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"

	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
)

// forEachOf calls fn for every entry produce yields, n at a time, until
// one fails or ctx ends; produce runs on the caller's goroutine.
func forEachOf(ctx context.Context, n int, produce func(yield func(*manifest.Entry) error) error, fn func(context.Context, *manifest.Entry) error) error {
	if n <= 0 {
		n = DefaultTransfers
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	perr := produce(func(e *manifest.Entry) error {
		if err := gctx.Err(); err != nil {
			return err
		}
		c := *e
		g.Go(func() error { return fn(gctx, &c) })
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	if perr != nil {
		return perr
	}
	return ctx.Err()
}

// restoreAll restores a selection in an order that never writes through
// a link it made and leaves every folder as the source had it:
//
//  1. the folders, writable for now;
//  2. the files, Transfers at a time;
//  3. the files that were hard links of a file restored in step 2, as
//     links to it where the folder allows, else as copies;
//  4. the symbolic links, each made beside its place and renamed into it
//     (never followed);
//  5. the folders' modes and modification times, deepest first, so that
//     making what is inside does not change them again.
func (rs *restorer) restoreAll(ctx context.Context, entries *chosenEntries, sel selection) error {
	for _, f := range sel.folders {
		if err := rs.root.MkdirAll(filepath.FromSlash(f.SourcePath()), 0o700); err != nil {
			rs.fail(f.Path, "cannot create the folder: "+err.Error())
		}
	}
	first := map[string]bool{} // files other files are hard links of
	if err := entries.each(func(e *manifest.Entry) error {
		if e.HardLink != "" {
			first[e.HardLink] = true
		}
		return nil
	}); err != nil {
		return err
	}
	var linked []manifest.Entry
	byPath := map[string]*manifest.Entry{}
	err := forEachOf(ctx, rs.opts.Transfers, func(yield func(*manifest.Entry) error) error {
		return entries.each(func(e *manifest.Entry) error {
			if first[e.Path] {
				c := *e
				byPath[e.Path] = &c
			}
			if e.HardLink != "" && byPath[e.HardLink] != nil {
				linked = append(linked, *e)
				return nil
			}
			return yield(e)
		})
	}, rs.restoreOne)
	if err != nil {
		return err
	}
	for i := range linked {
		if err := ctx.Err(); err != nil {
			return err
		}
		e := &linked[i]
		if err := rs.link(e, byPath[e.HardLink]); err != nil {
			if err := rs.restoreOne(ctx, e); err != nil { // a copy where a link cannot be made
				return err
			}
		}
	}
	for _, l := range sel.symlinks {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := rs.symlink(&l); err != nil {
			rs.fail(l.Path, err.Error())
		}
	}
	for i := len(sel.folders) - 1; i >= 0; i-- {
		f := &sel.folders[i]
		p := filepath.FromSlash(f.SourcePath())
		if err := rs.root.Chmod(p, fs.FileMode(f.Mode).Perm()); err != nil {
			rs.fail(f.Path, "cannot set the folder's mode: "+err.Error())
			continue
		}
		if err := rs.root.Chtimes(p, f.MTime, f.MTime); err != nil {
			rs.fail(f.Path, "cannot set the folder's modification time: "+err.Error())
		}
	}
	return ctx.Err()
}

// link makes e a hard link of the file first restored before it, when
// that file was restored and is still what the manifest says.
func (rs *restorer) link(e, first *manifest.Entry) error {
	if first.SHA256 != e.SHA256 || first.Size != e.Size {
		return errors.New("not the same content")
	}
	src := filepath.FromSlash(first.SourcePath())
	fi, err := rs.root.Lstat(src)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != first.Size {
		return errors.New("the first file was not restored")
	}
	target := filepath.FromSlash(e.SourcePath())
	if dir := path.Dir(e.SourcePath()); dir != "." {
		if err := rs.root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return err
		}
	}
	tmp := filepath.Join(filepath.Dir(target), ".avault-restore-"+randomHex())
	if err := rs.root.Link(src, tmp); err != nil {
		return err
	}
	if err := rs.root.Rename(tmp, target); err != nil {
		rs.root.Remove(tmp)
		return err
	}
	rs.done(e)
	return nil
}

// symlink makes the link l beside its place and renames it there, so that
// an existing file (when overwriting) is replaced, never written through.
func (rs *restorer) symlink(l *manifest.Symlink) error {
	target := filepath.FromSlash(l.SourcePath())
	if dir := path.Dir(l.SourcePath()); dir != "." {
		if err := rs.root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return fmt.Errorf("cannot create its folder: %w", err)
		}
	}
	tmp := filepath.Join(filepath.Dir(target), ".avault-restore-"+randomHex())
	if err := rs.root.Symlink(l.SourceTarget(), tmp); err != nil {
		return fmt.Errorf("cannot make the symbolic link: %w", err)
	}
	if err := rs.root.Rename(tmp, target); err != nil {
		rs.root.Remove(tmp)
		return fmt.Errorf("cannot put the symbolic link in place: %w", err)
	}
	return nil
}

// done counts a file restored other than by restoreOne.
func (rs *restorer) done(e *manifest.Entry) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.prog.FilesDone++
	rs.prog.BytesDone += e.Size
	rs.prog.CurrentFile = e.Path
	rs.res.Files++
	rs.res.Bytes += e.Size
	rs.reportLocked()
}

// fail lists a folder or link that could not be restored.
func (rs *restorer) fail(p, reason string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.res.FilesFailed++
	if len(rs.res.Failures) < job.MaxFailures {
		rs.res.Failures = append(rs.res.Failures, job.FileFailure{Path: p, Reason: reason})
	}
}
