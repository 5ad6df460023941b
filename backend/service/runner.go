package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/store"
)

// ErrAlreadyRunning is returned when a job already has a run queued or going.
var ErrAlreadyRunning = errors.New("this job is already queued or running")

// runner is the queue of runs: FIFO, at most WorkerConcurrency at once, one
// run per job at a time. Every run is a task with an id, a status and a
// cancel function, so the window cancels by id.
type runner struct {
	s *Service

	mu        sync.Mutex
	waiting   []*task
	active    map[string]*task // by run id
	byJob     map[string]*task // queued or active, by job id
	completed int
	failed    int
	closed    bool
	wg        sync.WaitGroup
}

// task is one queued or active run.
type task struct {
	run      job.Run
	cancel   context.CancelFunc
	ctx      context.Context
	progress events.Progress
	throttle *events.Throttle
	// sending orders the task's progress events: none is sent after the
	// final one, which finishRun sends once ended is set.
	sending sync.Mutex
	ended   bool
}

func newRunner(s *Service) *runner {
	return &runner{s: s, active: map[string]*task{}, byJob: map[string]*task{}}
}

// RunJob queues a run of a job and returns its history entry (PENDING).
func (s *Service) RunJob(jobID string, trigger job.Trigger) (job.Run, error) {
	j, err := s.store.GetJob(jobID)
	if err != nil {
		return job.Run{}, err
	}
	return s.runs.enqueue(j, trigger)
}

func (r *runner) enqueue(j job.Job, trigger job.Trigger) (job.Run, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return job.Run{}, errors.New("Avault is shutting down")
	}
	if _, busy := r.byJob[j.ID]; busy {
		return job.Run{}, fmt.Errorf("%s: %w", j.Name, ErrAlreadyRunning)
	}
	run, err := r.s.store.CreateRun(job.Run{JobID: j.ID, JobName: j.Name, Status: job.StatusPending, Trigger: trigger, StartedAt: r.s.now()})
	if err != nil {
		return job.Run{}, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &task{run: run, ctx: ctx, cancel: cancel, throttle: events.NewThrottle(250 * time.Millisecond)}
	t.progress = events.Progress{JobID: j.ID, HistoryID: run.ID, Status: string(job.StatusPending), EstimatedTimeRemaining: -1}
	r.waiting = append(r.waiting, t)
	r.byJob[j.ID] = t
	r.s.emitStatus(run, "queued")
	r.startLocked()
	r.statsLocked()
	return run, nil
}

// startLocked starts waiting runs while there is room.
func (r *runner) startLocked() {
	limit := job.DefaultWorkerConcurrency
	if st, err := r.s.Settings(); err == nil {
		limit = st.WorkerConcurrency
	}
	for len(r.waiting) > 0 && len(r.active) < limit && !r.closed {
		t := r.waiting[0]
		r.waiting = r.waiting[1:]
		r.active[t.run.ID] = t
		r.wg.Add(1)
		go r.work(t)
	}
}

func (r *runner) work(t *task) {
	defer r.wg.Done()
	r.s.execute(t)
	t.cancel()
}

// release frees a finished run's place in the queue and its job's slot, and
// starts what waits.
func (r *runner) release(run job.Run) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.active[run.ID]; ok {
		delete(r.active, run.ID)
		r.completed++
		if run.Status == job.StatusFailed {
			r.failed++
		}
	}
	if t, ok := r.byJob[run.JobID]; ok && t.run.ID == run.ID {
		delete(r.byJob, run.JobID)
	}
	r.startLocked()
	r.statsLocked()
}

// CancelRun cancels a queued or running run. A queued run ends CANCELLED at
// once; a running one stops within seconds and ends CANCELLED.
func (s *Service) CancelRun(runID string) error {
	r := s.runs
	r.mu.Lock()
	for i, t := range r.waiting {
		if t.run.ID == runID {
			r.waiting = append(r.waiting[:i], r.waiting[i+1:]...)
			r.mu.Unlock()
			t.cancel()
			t.run.Finish(job.StatusCancelled, s.endOf(t.run), "cancelled before it started")
			s.finishRun(t, t.run)
			return nil
		}
	}
	t, ok := r.active[runID]
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("run %s is not queued or running", runID)
	}
	t.cancel()
	return nil
}

// ActiveRuns returns the latest progress of every queued or running run.
func (s *Service) ActiveRuns() []events.Progress {
	r := s.runs
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]events.Progress, 0, len(r.active)+len(r.waiting))
	for _, t := range r.active {
		out = append(out, t.progress)
	}
	for _, t := range r.waiting {
		out = append(out, t.progress)
	}
	return out
}

// QueueStats counts waiting, active, completed and failed runs since start.
func (s *Service) QueueStats() events.Queue {
	r := s.runs
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.statsValue()
}

func (r *runner) statsValue() events.Queue {
	return events.Queue{Waiting: len(r.waiting), Active: len(r.active), Completed: r.completed, Failed: r.failed, Timestamp: time.Now().UnixMilli()}
}

func (r *runner) statsLocked() { r.s.emit.Emit(events.QueueStats, r.statsValue()) }

// stop cancels every queued and running run and waits until each has
// written its final history row (CANCELLED, unless it ended first). When
// ctx ends first it returns an error; the runs still going keep going.
func (r *runner) stop(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	waiting := r.waiting
	r.waiting = nil
	for _, t := range r.active {
		t.cancel()
	}
	r.mu.Unlock()
	for _, t := range waiting {
		t.cancel()
		t.run.Finish(job.StatusCancelled, r.s.endOf(t.run), "cancelled: Avault was quitting")
		r.s.finishRun(t, t.run)
	}
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("runs still going after they were cancelled; if Avault ends now they are marked interrupted at the next start: %w", ctx.Err())
	}
}

// execute carries one run from RUNNING to its final status and records it.
func (s *Service) execute(t *task) {
	run := t.run
	run.Status = job.StatusRunning
	s.saveStatus(t, &run, "")
	res, err := s.runEngine(t, &run)
	if err != nil {
		run.Finish(statusOf(t.ctx, err), s.endOf(run), err.Error())
	} else {
		res.Apply(&run)
		run.Finish(res.Status, s.endOf(run), res.ErrorMessage)
	}
	s.finishRun(t, run)
}

// endOf is when a run ends: now, but never before it started, should the
// clock have gone back during it (as recovery does for an interrupted run).
func (s *Service) endOf(run job.Run) time.Time {
	now := s.now()
	if now.Before(run.StartedAt) {
		return run.StartedAt
	}
	return now
}

// runClock is the clock a run's engine reads: the service's clock now,
// but never ahead of where it stood when the run began plus the time that
// has really passed since, on the monotonic clock. A wall clock set ahead
// during a run (by hand, or by a bad time server) would otherwise make
// retention think every older version that much older, and a days policy
// delete the versions made last. A clock set back is taken as it is:
// retention then keeps more, never less. Time asleep may not count on the
// monotonic clock (it does not on Linux), so retention after a run that
// slept may keep a version or two more, until the next run.
func runClock(now func() time.Time) func() time.Time {
	began, wall := time.Now(), now().Round(0) // Round(0): compare wall times, not monotonic readings
	return func() time.Time {
		t := now()
		if bound := wall.Add(time.Since(began)); t.Round(0).After(bound) {
			return bound
		}
		return t
	}
}

func statusOf(ctx context.Context, err error) job.Status {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return job.StatusCancelled
	}
	return job.StatusFailed
}

// runEngine prepares what a run needs (job, source, destination) and runs it.
func (s *Service) runEngine(t *task, run *job.Run) (engine.Result, error) {
	j, err := s.store.GetJob(run.JobID)
	if err != nil {
		return engine.Result{}, err
	}
	st, err := s.Settings()
	if err != nil {
		return engine.Result{}, err
	}
	src, err := s.sourceDir(st, j.SourcePath)
	if err != nil {
		return engine.Result{}, fmt.Errorf("the source cannot be read (is the NAS mounted?): %w", err)
	}
	d, err := s.store.GetDestination(j.DestinationID)
	if err != nil {
		return engine.Result{}, err
	}
	dest, err := s.openDestination(t.ctx, d)
	if err != nil {
		return engine.Result{}, err
	}
	defer dest.Close()
	req := engine.Request{Job: j, RunID: run.ID, Source: src, Dest: engine.JobDestination(dest, j, s.log), Started: run.StartedAt}
	opts := engine.Options{
		Transfers:   st.TransfersPerRun,
		UploadLimit: s.upload,
		Now:         runClock(s.now),
		Logger:      s.log.With("job", j.Name, "run", run.ID),
		OnProgress:  func(p engine.Progress) { s.progress(t, p) },
		OnStatus: func(status job.Status) {
			// The final status is recorded with the result, ROTATING with
			// what was committed.
			if !status.IsFinal() && status != job.StatusRotating {
				run.Status = status
				s.saveStatus(t, run, "")
			}
		},
		OnCommitted: func(res engine.Result) {
			res.Apply(run)
			s.saveStatus(t, run, "")
		},
	}
	res := engine.Run(t.ctx, req, opts)
	return res, nil
}

// progress records and emits (throttled) a run's progress.
func (s *Service) progress(t *task, p engine.Progress) {
	ev := events.Progress{
		JobID: t.run.JobID, HistoryID: t.run.ID, Status: string(p.Status),
		FilesScanned: p.FilesScanned, BytesScanned: p.BytesScanned, ScanDone: p.ScanDone,
		FilesUploaded: p.FilesUploaded, FilesCopied: p.FilesCopied, FilesFailed: p.FilesFailed,
		BytesUploaded: p.BytesUploaded, BytesDone: p.BytesUploaded + p.BytesCopied,
		CurrentFile: p.CurrentFile, UploadSpeed: p.UploadSpeed,
		EstimatedTimeRemaining: float64(p.EstimatedTimeRemaining), Timestamp: s.now().UnixMilli(),
	}
	s.runs.mu.Lock()
	t.progress = ev
	s.runs.mu.Unlock()
	t.sending.Lock()
	defer t.sending.Unlock()
	if !t.ended {
		t.throttle.Do(func() { s.emit.Emit(events.BackupProgress, ev) })
	}
}

// saveStatus writes a run's status to history and tells the window.
func (s *Service) saveStatus(t *task, run *job.Run, msg string) {
	if err := s.store.UpdateRun(*run); err != nil {
		s.log.Error("record run status", "run", run.ID, "err", err)
	}
	s.runs.mu.Lock()
	t.progress.Status = string(run.Status)
	s.runs.mu.Unlock()
	s.emitStatus(*run, msg)
}

// finishRun records a final status, sends the last progress and status
// events, and tells whoever listens for finished runs.
//
// The history row is written last, so a final row means every effect of
// the run (last run time, a credential marked "sign in again") is recorded.
func (s *Service) finishRun(t *task, run job.Run) {
	if err := s.store.SetJobLastRun(run.JobID, run.StartedAt); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("record last run", "job", run.JobID, "err", err)
	}
	s.markReauth(run)
	s.runs.release(run) // the job can run again once its history row says it ended
	if err := s.store.UpdateRun(run); err != nil {
		s.log.Error("record finished run", "run", run.ID, "err", err)
	}
	t.sending.Lock()
	t.ended = true
	t.throttle.Flush()
	s.runs.mu.Lock()
	final := t.progress
	s.runs.mu.Unlock()
	final.Status = string(run.Status)
	s.emit.Emit(events.BackupProgress, final)
	t.sending.Unlock()
	s.emitStatus(run, finalMessage(run))
	s.notifyRun(run)
	if f := s.opts.OnRunFinished; f != nil {
		f(run)
	}
}

func (s *Service) emitStatus(run job.Run, msg string) {
	s.emit.Emit(events.BackupStatus, events.Status{JobID: run.JobID, HistoryID: run.ID, Status: string(run.Status), Message: msg, Timestamp: s.now().UnixMilli()})
}

// finalMessage is the one-line summary of a finished run.
func finalMessage(run job.Run) string {
	switch run.Status {
	case job.StatusSuccess:
		return fmt.Sprintf("Backup completed: %d files uploaded, %d unchanged copied", run.FilesUploaded, run.FilesCopied)
	case job.StatusPartialSuccess:
		return fmt.Sprintf("Backup completed with %d failed files", run.FilesFailed)
	case job.StatusCancelled:
		return "Backup cancelled"
	}
	if run.ErrorMessage != "" {
		return "Backup failed: " + run.ErrorMessage
	}
	return "Backup failed"
}
