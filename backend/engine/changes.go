package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/avault/avault/backend/engine/area"
	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// JobDestination returns dest as job j sees it: with j's folder when j
// has one (it keeps or kept versions as current + history) and dest
// offers plain file access, so that those versions are listed, read,
// verified, restored and rotated with the full copies; otherwise dest
// itself.
func JobDestination(dest storage.Destination, j job.Job, log *slog.Logger) storage.Destination {
	f := storage.FilesOf(dest)
	if j.Folder == "" || j.ID == "" || f == nil {
		return dest
	}
	a, err := area.New(f, j.Folder, j.ID, log)
	if err != nil {
		return dest // Validate refuses such a folder; the run says why
	}
	return area.NewView(dest, a)
}

// currentHistory reports whether the run keeps its version as current +
// history, and fails when the destination cannot.
func (r *runner) currentHistory() (bool, error) {
	if r.req.Job.VersionLayout() != job.LayoutCurrentHistory {
		return false, nil
	}
	if r.area == nil {
		if r.req.Job.Folder == "" {
			return false, failf(nil, "the job keeps current + history but has no folder at the destination; save the job again")
		}
		return false, failf(nil, "this destination cannot keep a current copy plus history; choose full copies for the job")
	}
	return true, nil
}

// loadBase reads the version the job's current folder holds, which a
// current+history run compares the source with. Without one, the newest
// full copy (if any) is where unchanged files are copied from.
func (r *runner) loadBase(ctx context.Context) error {
	st, err := r.area.State(ctx)
	if err != nil {
		return err
	}
	b := st.Newest()
	if b == nil {
		return r.loadPrevious(ctx)
	}
	data, err := r.area.ReadManifest(ctx, b.Name)
	if err == nil {
		_, err = manifest.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return failf(err, "the manifest of %s, which the current folder holds, cannot be read: %v", b.Name, err)
	}
	spilled, err := spill(data)
	if err != nil {
		return err
	}
	r.prev = &previous{info: b.VersionInfo, manifest: spilled, base: true}
	return nil
}

// beginRun starts the version name in the job's folder.
func (r *runner) beginRun(ctx context.Context, name string) error {
	run, err := r.area.Begin(ctx, name, r.owner, r.req.Job.Name)
	if err != nil {
		return err
	}
	r.arun = run
	r.pending, r.mw = runPending{run}, manifest.NewWriter()
	return nil
}

// runPending lets the run's commit and abort go through storage.Pending.
type runPending struct{ r *area.Run }

func (p runPending) Name() string { return p.r.Name() }
func (p runPending) Put(ctx context.Context, path string, rd io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	return p.r.Put(ctx, path, rd, size, progress)
}
func (p runPending) Commit(ctx context.Context, m []byte, info storage.VersionInfo) error {
	return p.r.Commit(ctx, m, info)
}
func (p runPending) Abort(ctx context.Context) error { return p.r.Abort(ctx) }

// put stores a file being uploaded: into the pending version, or into
// the current folder, moving the base version's copy into history first.
func (r *runner) put(ctx context.Context, t *task, rd io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	switch {
	case r.arun == nil:
		return r.pending.Put(ctx, t.item.Path, rd, size, progress)
	case t.inBase:
		return r.arun.Replace(ctx, t.item.Path, rd, size, progress)
	}
	return r.arun.Put(ctx, t.item.Path, rd, size, progress)
}

// keepUnchanged records a file that is the same as in the base version:
// its bytes stay where they are, at no cost.
func (r *runner) keepUnchanged(t *task) outcome {
	e := *t.prev
	e.CopiedFrom = ""
	if e.Since == "" {
		e.Since = r.prev.info.Name
	}
	e.MTime, e.Mode = t.item.ModTime, uint32(t.item.Mode.Perm())
	r.c.filesCopied.Add(1)
	r.c.bytesCopied.Add(t.item.Size)
	return outcome{seq: t.seq, entry: &e}
}

// remove moves the base version's copy of a file the new version does not
// have into history.
func (r *runner) remove(ctx context.Context, t *task) (outcome, error) {
	for {
		if err := r.gate.wait(ctx, r.o.Now); err != nil {
			return outcome{}, err
		}
		err := r.arun.Remove(ctx, t.gone.Path)
		if err == nil {
			r.c.filesRemoved.Add(1)
			return outcome{seq: t.seq}, nil
		}
		if ctx.Err() != nil {
			return outcome{}, ctx.Err()
		}
		if paused, perr := r.pause(ctx, err); !paused || perr != nil {
			return outcome{}, errors.Join(perr, err)
		}
	}
}

// copyIn copies an unchanged file from the newest full copy into the
// current folder (the first current+history run after a switch).
func (r *runner) copyIn(ctx context.Context, t *task) (storage.PutResult, error) {
	return r.arun.CopyIn(ctx, r.prev.info.Name+"/"+t.item.Path, t.item.Path)
}

// keepOrUpload keeps a file unchanged since the base version where it is.
// done is false when it must be uploaded after all: its content differs
// (VerifyUnchangedByHash).
func (r *runner) keepOrUpload(t *task) (outcome, bool, error) {
	if r.req.Job.VerifyUnchangedByHash {
		same, err := r.sameHash(t)
		if err != nil {
			return r.failed(t, err.Error()), true, nil
		}
		if !same {
			return outcome{}, false, nil
		}
	}
	return r.keepUnchanged(t), true, nil
}
