package storage

import (
	"context"
	"io"

	"github.com/avault/avault/backend/retry"
)

// WithRetry wraps d so that every call is retried on a retryable error
// (IsRetryable) with exponential backoff and full jitter, honouring a
// service's Retry-After, until it succeeds, fails permanently, runs out of
// attempts or its context ends. An error a destination marked with
// retry.GaveUp is not retried: that destination already spent the
// request's attempts (S3 and Google Drive retry their own requests), so a
// request is never tried more than retry.Attempts times in all. The result implements exactly the optional
// interfaces d implements (FileLister, Chooser, and Copier on its Pending).
//
// Put is retried only when its body can be read again: an io.ReadSeeker is
// seeked back to where it stood when Put was called; an io.ReaderAt is read
// again from offset 0 through a fresh io.SectionReader. Any other reader is
// tried once. Progress never counts a byte twice across attempts.
//
// Begin, Commit, CopyFrom and the deletes rely on the contract's idempotency
// (see Destination and Pending); a delete that finds nothing on a later
// attempt succeeds. Open retries opening, and a read that breaks off with a
// retryable error: the file is opened again and what was already read is
// skipped, so the caller sees one unbroken stream. Close is not retried.
func WithRetry(d Destination, o RetryOptions) Destination {
	rd := &retryDest{d: d, r: &retrier{o: o.withDefaults()}}
	fl, isFL := d.(FileLister)
	ch, isCh := d.(Chooser)
	switch {
	case isFL && isCh:
		return struct {
			*retryDest
			retryLister
			retryChooser
		}{rd, retryLister{fl, rd.r}, retryChooser{ch, rd.r}}
	case isFL:
		return struct {
			*retryDest
			retryLister
		}{rd, retryLister{fl, rd.r}}
	case isCh:
		return struct {
			*retryDest
			retryChooser
		}{rd, retryChooser{ch, rd.r}}
	}
	return rd
}

type retryDest struct {
	d Destination
	r *retrier
}

// Unwrap returns the destination WithRetry wrapped.
func (d *retryDest) Unwrap() Destination { return d.d }

func (d *retryDest) Check(ctx context.Context) error {
	return d.r.do(ctx, "check", func(int) error { return d.d.Check(ctx) })
}

func (d *retryDest) Begin(ctx context.Context, name string, owner Owner) (Pending, error) {
	p, err := retry1(ctx, d.r, "begin "+name, func(int) (Pending, error) {
		return d.d.Begin(ctx, name, owner)
	})
	if err != nil {
		return nil, err
	}
	rp := &retryPending{p: p, r: d.r}
	if c, ok := p.(Copier); ok {
		return struct {
			*retryPending
			retryCopier
		}{rp, retryCopier{c, d.r}}, nil
	}
	return rp, nil
}

func (d *retryDest) ListVersions(ctx context.Context) ([]VersionInfo, error) {
	return retry1(ctx, d.r, "list versions", func(int) ([]VersionInfo, error) {
		return d.d.ListVersions(ctx)
	})
}

func (d *retryDest) ListLeftovers(ctx context.Context) ([]Leftover, error) {
	return retry1(ctx, d.r, "list leftovers", func(int) ([]Leftover, error) {
		return d.d.ListLeftovers(ctx)
	})
}

func (d *retryDest) DeleteVersion(ctx context.Context, name string) error {
	return d.r.do(ctx, "delete version "+name, func(attempt int) error {
		return goneIsDone(attempt, d.d.DeleteVersion(ctx, name))
	})
}

func (d *retryDest) DeleteLeftover(ctx context.Context, name string) error {
	return d.r.do(ctx, "delete leftover "+name, func(attempt int) error {
		return goneIsDone(attempt, d.d.DeleteLeftover(ctx, name))
	})
}

func (d *retryDest) Open(ctx context.Context, version, path string) (io.ReadCloser, error) {
	op := "open " + version + "/" + path
	open := func() (io.ReadCloser, error) {
		return retry1(ctx, d.r, op, func(int) (io.ReadCloser, error) {
			return d.d.Open(ctx, version, path)
		})
	}
	rc, err := open()
	if err != nil {
		return nil, err
	}
	return &resumer{ctx: ctx, r: d.r, op: "read " + version + "/" + path, open: open, rc: rc}, nil
}

func (d *retryDest) ReadManifest(ctx context.Context, version string) ([]byte, error) {
	return retry1(ctx, d.r, "read manifest of "+version, func(int) ([]byte, error) {
		return d.d.ReadManifest(ctx, version)
	})
}

func (d *retryDest) Close() error { return d.d.Close() }

type retryLister struct {
	fl FileLister
	r  *retrier
}

func (l retryLister) ListFiles(ctx context.Context, version string) ([]FileInfo, error) {
	return retry1(ctx, l.r, "list files of "+version, func(int) ([]FileInfo, error) {
		return l.fl.ListFiles(ctx, version)
	})
}

// WalkFiles is retried while it has handed fn nothing; a listing that
// breaks off after that is not started again, which would hand fn the
// same files twice.
func (l retryLister) WalkFiles(ctx context.Context, version string, fn func(FileInfo) error) error {
	handed := false
	return l.r.do(ctx, "list files of "+version, func(int) error {
		err := WalkFiles(ctx, l.fl, version, func(f FileInfo) error {
			handed = true
			return fn(f)
		})
		if err != nil && handed {
			return retry.GaveUp(err)
		}
		return err
	})
}

type retryChooser struct {
	ch Chooser
	r  *retrier
}

func (c retryChooser) ListChoices(ctx context.Context, parent string) ([]Choice, error) {
	return retry1(ctx, c.r, "list choices", func(int) ([]Choice, error) {
		return c.ch.ListChoices(ctx, parent)
	})
}

type retryPending struct {
	p Pending
	r *retrier
}

// Unwrap returns the pending version WithRetry wrapped.
func (p *retryPending) Unwrap() Pending { return p.p }

func (p *retryPending) Name() string { return p.p.Name() }

func (p *retryPending) Put(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (PutResult, error) {
	body := rewinder(r, size)
	if body == nil {
		return p.p.Put(ctx, path, r, size, progress)
	}
	hw := &highWater{fn: progress}
	return retry1(ctx, p.r, "put "+path, func(int) (PutResult, error) {
		b, err := body()
		if err != nil {
			return PutResult{}, err
		}
		hw.restart()
		return p.p.Put(ctx, path, b, size, hw.add)
	})
}

func (p *retryPending) Commit(ctx context.Context, manifest []byte, info VersionInfo) error {
	return p.r.do(ctx, "commit "+p.p.Name(), func(int) error {
		return p.p.Commit(ctx, manifest, info)
	})
}

func (p *retryPending) Abort(ctx context.Context) error {
	return p.r.do(ctx, "abort "+p.p.Name(), func(attempt int) error {
		return goneIsDone(attempt, p.p.Abort(ctx))
	})
}

type retryCopier struct {
	c Copier
	r *retrier
}

func (c retryCopier) CopyFrom(ctx context.Context, fromVersion, fromPath, toPath string, size int64) (PutResult, error) {
	return retry1(ctx, c.r, "copy "+toPath, func(int) (PutResult, error) {
		return c.c.CopyFrom(ctx, fromVersion, fromPath, toPath, size)
	})
}

// Files returns d's Files behind the same retries, or nil when d has none.
func (d *retryDest) Files() Files {
	f := FilesOf(d.d)
	if f == nil {
		return nil
	}
	return &retryFiles{f: f, r: d.r}
}

// retryFiles retries each Files call. A Move or Delete whose first answer
// was lost finds nothing to act on when tried again: that counts as done.
type retryFiles struct {
	f Files
	r *retrier
}

func (f *retryFiles) Put(ctx context.Context, p string, r io.Reader, size int64, progress func(int64)) (PutResult, error) {
	body := rewinder(r, size)
	if body == nil {
		return f.f.Put(ctx, p, r, size, progress)
	}
	hw := &highWater{fn: progress}
	return retry1(ctx, f.r, "put "+p, func(int) (PutResult, error) {
		b, err := body()
		if err != nil {
			return PutResult{}, err
		}
		hw.restart()
		return f.f.Put(ctx, p, b, size, hw.add)
	})
}

func (f *retryFiles) Move(ctx context.Context, from, to string) error {
	return f.r.do(ctx, "move "+from, func(attempt int) error {
		return goneIsDone(attempt, f.f.Move(ctx, from, to))
	})
}

func (f *retryFiles) Copy(ctx context.Context, from, to string) (PutResult, error) {
	return retry1(ctx, f.r, "copy "+from, func(int) (PutResult, error) {
		return f.f.Copy(ctx, from, to)
	})
}

func (f *retryFiles) Delete(ctx context.Context, p string) error {
	return f.r.do(ctx, "delete "+p, func(attempt int) error {
		return goneIsDone(attempt, f.f.Delete(ctx, p))
	})
}

func (f *retryFiles) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	open := func() (io.ReadCloser, error) {
		return retry1(ctx, f.r, "open "+p, func(int) (io.ReadCloser, error) {
			return f.f.Open(ctx, p)
		})
	}
	rc, err := open()
	if err != nil {
		return nil, err
	}
	return &resumer{ctx: ctx, r: f.r, op: "read " + p, open: open, rc: rc}, nil
}

// Walk is retried from the start; fn may see a file twice then, so the
// caller's fn must tolerate that (it collects into a map).
func (f *retryFiles) Walk(ctx context.Context, dir string, fn func(FileInfo) error) error {
	var fnErr error
	err := f.r.do(ctx, "list "+dir, func(int) error {
		err := f.f.Walk(ctx, dir, func(fi FileInfo) error {
			if err := fn(fi); err != nil {
				fnErr = err
				return err
			}
			return nil
		})
		if fnErr != nil {
			return nil // the caller's own error: not retried
		}
		return err
	})
	if fnErr != nil {
		return fnErr
	}
	return err
}

// Sync passes on to Files that buffer writes; others have nothing to do.
func (f *retryFiles) Sync(ctx context.Context) error {
	if s, ok := f.f.(Syncer); ok {
		return s.Sync(ctx)
	}
	return nil
}
