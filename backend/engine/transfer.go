package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/scan"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// maxChangeAttempts is how often a file that changes while it is read is
// tried before it is listed as failed.
const maxChangeAttempts = 2

// handle sends or copies one file. A returned error ends the run; a
// file's own failure is in the outcome.
func (r *runner) handle(ctx context.Context, t *task) (outcome, error) {
	if t.gone != nil {
		return r.remove(ctx, t)
	}
	r.c.current.Store(&t.item.Path)
	if t.prev != nil && r.prev.base {
		o, done, err := r.keepOrUpload(t)
		if err != nil || done {
			return o, err
		}
		return r.upload(ctx, t)
	}
	if t.prev != nil && (r.copier != nil || r.arun != nil) {
		o, done, err := r.copyUnchanged(ctx, t)
		if err != nil || done {
			return o, err
		}
	}
	return r.upload(ctx, t)
}

// copyUnchanged copies an unchanged file from the previous version
// server-side. done is false when the file must be uploaded instead: its
// hash differs (VerifyUnchangedByHash), or the previous copy is gone or
// damaged.
func (r *runner) copyUnchanged(ctx context.Context, t *task) (o outcome, done bool, err error) {
	if r.req.Job.VerifyUnchangedByHash {
		same, err := r.sameHash(t)
		if err != nil {
			return r.failed(t, err.Error()), true, nil
		}
		if !same {
			return outcome{}, false, nil
		}
	}
	res, copied, err := r.copyFrom(ctx, t)
	if err != nil || !copied {
		return outcome{}, false, err
	}
	if res.Hash.Algo == "sha256" && res.Hash.Value != t.prev.SHA256 {
		r.log.Warn("the previous version's copy is damaged; uploading the file", "path", t.item.Path)
		return outcome{}, false, nil
	}
	e := &manifest.Entry{Path: t.item.Path, Size: t.item.Size, MTime: t.item.ModTime, Mode: uint32(t.item.Mode.Perm()),
		SHA256: t.prev.SHA256, DestHash: t.prev.DestHash, CopiedFrom: r.prev.info.Name}
	if r.arun != nil { // copied into the current folder: this version stored it
		e.CopiedFrom, e.Since = "", r.arun.Name()
	}
	if h := destHash(res.Hash); h != nil {
		e.DestHash = h
	}
	r.c.filesCopied.Add(1)
	r.c.bytesCopied.Add(t.item.Size)
	return outcome{seq: t.seq, entry: e}, true, nil
}

// copyFrom asks the destination to copy the file from the previous
// version, waiting out pauses. copied is false when the copy is not
// possible and the file should be uploaded.
func (r *runner) copyFrom(ctx context.Context, t *task) (res storage.PutResult, copied bool, err error) {
	for {
		if err := r.gate.wait(ctx, r.o.Now); err != nil {
			return res, false, err
		}
		if r.arun != nil {
			res, err = r.copyIn(ctx, t)
		} else {
			res, err = r.copier.CopyFrom(ctx, r.prev.info.Name, t.item.Path, t.item.Path, t.item.Size)
		}
		switch {
		case err == nil:
			return res, true, nil
		case ctx.Err() != nil:
			return res, false, ctx.Err()
		case errors.Is(err, storage.ErrNotFound) || isFileLevel(err):
			r.log.Warn("cannot copy an unchanged file from the previous version; uploading it", "path", t.item.Path, "error", err)
			return res, false, nil
		}
		if paused, perr := r.pause(ctx, err); !paused || perr != nil {
			return res, false, errors.Join(perr, err)
		}
	}
}

// upload sends one file, trying again once when it changed while read.
func (r *runner) upload(ctx context.Context, t *task) (outcome, error) {
	for attempt := 1; ; {
		if err := r.gate.wait(ctx, r.o.Now); err != nil {
			return outcome{}, err
		}
		e, err := r.uploadOnce(ctx, t)
		if err == nil {
			r.c.filesUploaded.Add(1)
			return outcome{seq: t.seq, entry: e}, nil
		}
		var fe *fileError
		if errors.As(err, &fe) {
			if fe.retry && attempt < maxChangeAttempts {
				r.log.Info("trying a file again", "path", t.item.Path, "reason", fe.reason)
				attempt++
				continue
			}
			return r.failed(t, fe.reason), nil
		}
		if ctx.Err() != nil {
			return outcome{}, ctx.Err()
		}
		if paused, perr := r.pause(ctx, err); !paused || perr != nil {
			return outcome{}, errors.Join(perr, err)
		}
	}
}

// uploadOnce streams the file to the pending version, hashing it on the
// way, and checks that it did not change meanwhile and that the
// destination's own hash agrees.
func (r *runner) uploadOnce(ctx context.Context, t *task) (*manifest.Entry, error) {
	f, err := r.open(t.item.SourcePath())
	if err != nil {
		return nil, &fileError{reason: "cannot open it: " + scan.Reason(err)}
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil || !before.Mode().IsRegular() {
		return nil, &fileError{reason: "it is no longer a regular file"}
	}
	size := before.Size()
	hr := newHashReader(f, size).throttled(ctx, r.o.UploadLimit)
	var sent atomic.Int64
	res, err := r.put(ctx, t, hr, size, func(n int64) {
		sent.Add(n)
		r.c.bytesUploaded.Add(n)
	})
	changed := false
	if err == nil {
		changed = hr.complete() != nil
	}
	r.c.hashNanos.Add(int64(hr.hashTime))
	after, serr := f.Stat()
	changed = changed || serr != nil || changedFile(before, after)
	switch {
	case hr.readErr != nil:
		return nil, &fileError{reason: "cannot read it: " + scan.Reason(hr.readErr)}
	case changed:
		return nil, &fileError{reason: "it changed while it was being read", retry: true}
	case err != nil && ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil && isFileLevel(err):
		return nil, &fileError{reason: "the destination refused it: " + err.Error()}
	case err != nil:
		return nil, err
	}
	if n := sent.Load(); n < size { // the destination did not report progress
		r.c.bytesUploaded.Add(size - n)
	}
	return r.uploaded(t, before, hr, res.Hash)
}

// uploaded makes the manifest entry of a file sent, after comparing the
// destination's hash with the one computed while reading.
func (r *runner) uploaded(t *task, info fs.FileInfo, hr *hashReader, dh storage.Hash) (*manifest.Entry, error) {
	sha := hr.sum()
	if dh.Algo == "sha256" && dh.Value != sha {
		return nil, &fileError{reason: fmt.Sprintf("the destination's %s of it differs from the file's: it was damaged on the way", dh.Algo), retry: true}
	}
	e := &manifest.Entry{Path: t.item.Path, Size: info.Size(), MTime: info.ModTime(),
		Mode: uint32(info.Mode().Perm()), SHA256: sha, DestHash: destHash(dh)}
	if r.arun != nil {
		e.Since = r.arun.Name()
	}
	return e, nil
}

// sameHash reads the file and reports whether its SHA-256 is still the
// previous version's. A file that changes meanwhile is not the same.
func (r *runner) sameHash(t *task) (bool, error) {
	f, err := r.open(t.item.SourcePath())
	if err != nil {
		return false, &fileError{reason: "cannot open it: " + scan.Reason(err)}
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return false, &fileError{reason: "cannot read it: " + scan.Reason(err)}
	}
	hr := newHashReader(f, before.Size())
	err = hr.complete()
	r.c.hashNanos.Add(int64(hr.hashTime))
	if hr.readErr != nil {
		return false, &fileError{reason: "cannot read it: " + scan.Reason(hr.readErr)}
	}
	after, serr := f.Stat()
	if err != nil || serr != nil || changedFile(before, after) {
		return false, nil
	}
	return hr.sum() == t.prev.SHA256, nil
}

// failed counts a file that could not be backed up.
func (r *runner) failed(t *task, reason string) outcome {
	r.c.filesFailed.Add(1)
	r.c.bytesFailed.Add(t.item.Size)
	r.log.Warn("file not backed up", "path", t.item.Path, "reason", reason)
	return outcome{seq: t.seq, fail: &job.FileFailure{Path: t.item.Path, Reason: reason}}
}

// destHash returns the destination's hash for the manifest, or nil when
// it has none or it is the SHA-256 the manifest already holds.
func destHash(h storage.Hash) *storage.Hash {
	if h.Algo == "" || h.Value == "" || h.Algo == "sha256" {
		return nil
	}
	return &h
}

func changedFile(before, after fs.FileInfo) bool {
	return before.Size() != after.Size() || !before.ModTime().Equal(after.ModTime())
}

// pause makes every transfer wait when err says the destination's daily
// limit is reached, then returns true to try the same file again.
func (r *runner) pause(ctx context.Context, err error) (bool, error) {
	until, ok := r.o.PauseFor(err, r.o.Now())
	if !ok {
		return false, nil
	}
	r.log.Warn("the destination's limit is reached; waiting", "until", until, "error", err)
	if r.gate.set(until) {
		r.note(fmt.Sprintf("Paused at %s until %s: %s", r.o.Now().Local().Format("Mon 15:04"),
			until.Local().Format("Mon 15:04 MST"), message(err)))
	}
	r.rep.set("", PhasePaused, &until)
	werr := r.gate.wait(ctx, r.o.Now)
	r.rep.set("", PhaseUploading, nil)
	return true, werr
}

// note adds a note for the person to the result, once, while fewer than
// job.MaxNotes are kept.
func (r *runner) note(s string) {
	r.notes.Lock()
	defer r.notes.Unlock()
	if len(r.res.Notes) < job.MaxNotes && !slices.Contains(r.res.Notes, s) {
		r.res.Notes = append(r.res.Notes, s)
	}
}

// gate holds every transfer until a time.
type gate struct {
	mu    sync.Mutex
	until time.Time
}

// set moves the gate's time to t if t is later, and reports whether it
// did (the transfers that run into the same limit meanwhile do not).
func (g *gate) set(t time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(g.until) {
		g.until = t
		return true
	}
	return false
}

// wait returns when the gate opens or ctx ends.
func (g *gate) wait(ctx context.Context, now func() time.Time) error {
	g.mu.Lock()
	d := g.until.Sub(now())
	g.mu.Unlock()
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
