package engine

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/avault/avault/backend/engine/area"
	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/rules"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// abortBudget bounds the clean-up of a cancelled run, so that Run returns
// within two seconds of the cancel; what is left is removed by the next
// run. A run that failed for another reason may take longer.
const (
	abortBudget       = time.Second
	failedAbortBudget = 30 * time.Second
)

// Run makes one backup of req.Job from req.Source into req.Dest and
// returns what happened. It never panics on a bad source or destination;
// every problem ends in the Result:
//
//   - a missing or empty source, a destination that refuses the
//     credentials (ErrAuth) or is full (ErrQuota) end FAILED, without a
//     new version and without retention;
//   - files that cannot be read, change while being read, broken links and
//     special files are listed and the run ends PARTIAL_SUCCESS;
//   - a cancelled ctx ends CANCELLED within two seconds, with the pending
//     version aborted (or left for the next run to clean);
//   - otherwise the version is committed, retention runs, and the run ends
//     SUCCESS.
func Run(ctx context.Context, req Request, o Options) Result {
	r := newRunner(req, o)
	return r.run(ctx)
}

// runner is the state of one run.
type runner struct {
	req   Request
	o     Options
	log   *slog.Logger
	owner storage.Owner
	c     counters
	rep   *reporter
	res   Result
	gate  gate
	notes sync.Mutex // guards res.Notes, which transfers add to

	src     *os.Root
	fast    *beneath // opens source files in one call where the kernel can
	rules   *rules.Matcher
	prev    *previous // the job's newest committed version, nil when none
	pending storage.Pending
	copier  storage.Copier
	area    *area.Area // the job's folder, nil when it has none
	arun    *area.Run  // the current+history version being made, else nil
	mw      *manifest.Writer
	scanned time.Duration
}

func newRunner(req Request, o Options) *runner {
	if o.Transfers <= 0 {
		o.Transfers = DefaultTransfers
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OnProgress == nil {
		o.OnProgress = func(Progress) {}
	}
	if o.OnStatus == nil {
		o.OnStatus = func(job.Status) {}
	}
	if o.OnCommitted == nil {
		o.OnCommitted = func(Result) {}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.PauseFor == nil {
		o.PauseFor = DefaultPauseFor
	}
	if req.Started.IsZero() {
		req.Started = o.Now()
	}
	r := &runner{req: req, o: o, owner: storage.Owner{JobID: req.Job.ID, RunID: req.RunID}, area: area.Of(req.Dest)}
	r.log = o.Logger.With("job", req.Job.ID, "run", req.RunID)
	r.rep = newReporter(o.OnProgress, time.Now, &r.c)
	return r
}

// run goes through the steps and turns the first error into the result.
func (r *runner) run(ctx context.Context) Result {
	start := time.Now()
	r.o.OnStatus(job.StatusRunning)
	r.rep.start()
	defer func() {
		if r.src != nil {
			r.src.Close()
		}
		r.fast.close()
		r.prev.close()
		if r.mw != nil {
			r.mw.Close()
		}
	}()
	err := r.steps(ctx)
	r.res.Timings.Total = time.Since(start)
	return r.finish(ctx, err)
}

// steps runs the backup proper; an error ends it.
func (r *runner) steps(ctx context.Context) error {
	t := time.Now()
	if err := r.prepare(ctx); err != nil {
		return err
	}
	if r.req.Job.OnNoChange == job.NoChangeSkip && r.prev != nil {
		r.rep.set("", PhaseComparing, nil)
		same, err := r.unchanged(ctx)
		if err != nil {
			return err
		}
		if same {
			r.res.Timings.Prepare = time.Since(t)
			r.res.NoChanges = true
			return nil
		}
	}
	r.res.Timings.Prepare = time.Since(t)
	if err := r.begin(ctx); err != nil {
		return err
	}
	r.o.OnStatus(job.StatusUploading)
	r.rep.set(job.StatusUploading, PhaseUploading, nil)
	if err := r.transfer(ctx); err != nil {
		return err
	}
	if err := r.sourceStillThere(); err != nil {
		return err
	}
	if err := r.commit(ctx); err != nil {
		return err
	}
	r.copyCounters()
	committed := r.res
	committed.Status = job.StatusRotating
	r.o.OnCommitted(committed)
	r.o.OnStatus(job.StatusRotating)
	r.rep.set(job.StatusRotating, PhaseRotating, nil)
	r.rotate(ctx)
	return nil
}

// finish sets the final status, aborts an uncommitted version and sends
// the last reports.
func (r *runner) finish(ctx context.Context, err error) Result {
	r.copyCounters()
	switch {
	case err != nil && ctx.Err() != nil:
		r.res.Status, r.res.ErrorMessage = job.StatusCancelled, "cancelled"
	case err != nil:
		r.res.Status, r.res.ErrorMessage = job.StatusFailed, message(err)
	case r.res.FilesFailed > 0:
		r.res.Status = job.StatusPartialSuccess
	default:
		r.res.Status = job.StatusSuccess
	}
	if err != nil {
		r.abort(ctx)
		r.res.Version = ""
		r.log.Warn("backup ended", "status", r.res.Status, "error", err)
	} else {
		r.log.Info("backup ended", "status", r.res.Status, "version", r.res.Version,
			"uploaded", r.res.FilesUploaded, "copied", r.res.FilesCopied, "failed", r.res.FilesFailed)
	}
	r.rep.finish(r.res.Status)
	r.o.OnStatus(r.res.Status)
	return r.res
}

// abort removes the pending version, within a budget.
func (r *runner) abort(ctx context.Context) {
	if r.pending == nil {
		return
	}
	budget := failedAbortBudget
	if ctx.Err() != nil {
		budget = abortBudget
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
	defer cancel()
	if err := r.pending.Abort(actx); err != nil {
		r.log.Warn("could not remove the unfinished version; the next run will", "version", r.pending.Name(), "error", err)
	}
}

func (r *runner) copyCounters() {
	c := &r.c
	r.res.FilesScanned, r.res.BytesScanned = c.filesScanned.Load(), c.bytesScanned.Load()
	r.res.FilesUploaded, r.res.BytesUploaded = c.filesUploaded.Load(), c.bytesUploaded.Load()
	r.res.FilesCopied, r.res.BytesCopied = c.filesCopied.Load(), c.bytesCopied.Load()
	r.res.FilesFailed, r.res.FilesSkipped = c.filesFailed.Load(), c.filesSkipped.Load()
	r.res.FilesExcluded = c.filesExcluded.Load()
	r.res.Timings.Hash = time.Duration(c.hashNanos.Load())
}

// commit writes the manifest and makes the version exist.
func (r *runner) commit(ctx context.Context) error {
	stored := r.mw.Files()
	if stored == 0 {
		if n := r.c.filesFailed.Load(); n > 0 {
			return failf(nil, "none of the %d files could be backed up (see the list of failures)", n)
		}
		return failf(nil, "nothing to back up: every file in the source is excluded by the job's rules")
	}
	r.rep.set("", PhaseCommitting, nil)
	t := time.Now()
	data, err := r.mw.Finish(r.header())
	if err != nil {
		return err
	}
	r.res.Timings.Manifest += time.Since(t)
	t = time.Now()
	info := storage.VersionInfo{Name: r.pending.Name(), Owner: r.owner, Created: r.req.Started,
		Files: stored, Bytes: r.mw.Bytes()}
	if err := r.pending.Commit(ctx, data, info); err != nil {
		return err
	}
	r.res.Timings.Commit = time.Since(t)
	r.res.Version = r.pending.Name()
	r.pending = nil // committed: nothing to abort any more
	return nil
}

func (r *runner) header() manifest.Header {
	c := &r.c
	h := manifest.Header{
		JobID: r.req.Job.ID, JobName: r.req.Job.Name, RunID: r.req.RunID, Version: r.pending.Name(),
		Created: r.req.Started, Source: r.req.Source,
		FilesFailed: c.filesFailed.Load(), FilesSkipped: c.filesSkipped.Load(),
		BytesUploaded: c.bytesUploaded.Load(), BytesCopied: c.bytesCopied.Load(),
	}
	if r.arun != nil {
		h.Layout, h.Gen = manifest.LayoutCurrentHistory, r.arun.Gen()
		if b := r.arun.Base(); b != nil {
			h.Base = b.Name
		}
	}
	return h
}

// isEmptyDir reports whether the folder f has no entries.
func isEmptyDir(f *os.File) (bool, error) {
	_, err := f.ReadDir(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return false, err
}

// open opens a source file for reading, never through a symbolic link nor
// outside the source.
func (r *runner) open(rel string) (*os.File, error) {
	if f, ok, err := r.fast.open(rel); ok {
		return f, err
	}
	return r.src.Open(rel)
}
