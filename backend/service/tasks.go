package service

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/store"
)

// Kinds of task.
const (
	TaskRestore = "restore"
	TaskVerify  = "verify"
	TaskPreview = "preview"
	TaskSignIn  = "signin"
)

// Statuses of a task.
const (
	TaskRunning   = "RUNNING"
	TaskSuccess   = "SUCCESS"
	TaskFailed    = "FAILED"
	TaskCancelled = "CANCELLED"
)

// keepFinished is how many finished tasks ListTasks still shows.
const keepFinished = 20

// taskEvery is the least time between two task:update events of one task
// while it works (at most 5 a second); its final state is always sent.
const taskEvery = 200 * time.Millisecond

// Task is a long operation the window started and may cancel: a restore,
// a verification or a job's preview. Its progress travels as the
// events.TaskUpdate event, whose payload is the whole Task.
type Task struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`  // TaskRestore, TaskVerify, TaskPreview or TaskSignIn
	Title string `json:"title"` // what it does, in words: "Restore Photos 2026-12-01T10-00-00Z to /home/ana/out"
	JobID string `json:"jobId"` // "" for the preview of a job not saved yet
	// Status is TaskRunning until it ends TaskSuccess, TaskFailed or
	// TaskCancelled.
	Status     string `json:"status"`
	FilesDone  int64  `json:"filesDone"`
	FilesTotal int64  `json:"filesTotal"` // 0 when not known: a preview counts as it walks
	BytesDone  int64  `json:"bytesDone"`
	BytesTotal int64  `json:"bytesTotal"`
	// ETASeconds is how long it may still take; -1 while that is not known.
	ETASeconds  int64      `json:"etaSeconds"`
	CurrentFile string     `json:"currentFile,omitempty"`
	Error       string     `json:"error,omitempty"` // why it failed
	StartedAt   time.Time  `json:"startedAt"`
	EndedAt     *time.Time `json:"endedAt,omitempty"`
	// The result of the task's kind, once it ended (a restore that failed
	// or was cancelled also says how far it got).
	Restore *RestoreResult `json:"restore,omitempty"`
	Verify  *VerifyReport  `json:"verify,omitempty"`
	Preview *DryRun        `json:"preview,omitempty"`
	// Credential is the account a Google sign-in connected.
	Credential *Credential `json:"credential,omitempty"`
}

// Final reports whether the task has ended.
func (t Task) Final() bool { return t.Status != TaskRunning }

// taskList holds the tasks running and the last ones that finished.
type taskList struct {
	s *Service
	// ctx is the service's lifetime: every task's context derives from it,
	// and Shutdown ends it.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	running  map[string]*activeTask
	finished []Task // newest first, at most keepFinished
	closed   bool
	wg       sync.WaitGroup
}

// activeTask is a task that has not ended, with its cancel function.
type activeTask struct {
	task     Task // guarded by taskList.mu
	ctx      context.Context
	cancel   context.CancelFunc
	began    time.Time // on the monotonic clock, for the ETA
	throttle *events.Throttle
}

func newTaskList(s *Service) *taskList {
	ctx, cancel := context.WithCancel(context.Background())
	return &taskList{s: s, ctx: ctx, cancel: cancel, running: map[string]*activeTask{}}
}

// prepare makes a task that has not started: its context is live, so
// Start* can check what it needs with it, but nobody sees it yet.
func (l *taskList) prepare(kind, jobID, title string) (*activeTask, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errors.New("Avault is shutting down")
	}
	ctx, cancel := context.WithCancel(l.ctx)
	return &activeTask{
		task:     Task{ID: store.NewID(), Kind: kind, Title: title, JobID: jobID, Status: TaskRunning, ETASeconds: -1},
		ctx:      ctx,
		cancel:   cancel,
		throttle: events.NewThrottle(taskEvery),
	}, nil
}

// start makes a prepared task visible and runs work in the background;
// work's error (nil for success) decides how the task ends.
func (l *taskList) start(at *activeTask, work func(ctx context.Context) error) (Task, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		at.cancel()
		return Task{}, errors.New("Avault is shutting down")
	}
	at.task.StartedAt = l.s.now()
	at.began = time.Now()
	l.running[at.task.ID] = at
	l.wg.Add(1)
	t := at.task
	l.mu.Unlock()
	l.s.emit.Emit(events.TaskUpdate, t)
	go func() {
		defer l.wg.Done()
		l.finish(at, work(at.ctx))
	}()
	return t, nil
}

// progress records how far a task got and tells the window, at most every
// taskEvery.
func (l *taskList) progress(at *activeTask, filesDone, filesTotal, bytesDone, bytesTotal int64, current string) {
	l.mu.Lock()
	t := &at.task
	t.FilesDone, t.FilesTotal, t.BytesDone, t.BytesTotal, t.CurrentFile = filesDone, filesTotal, bytesDone, bytesTotal, current
	t.ETASeconds = eta(time.Since(at.began), bytesDone, bytesTotal)
	l.mu.Unlock()
	at.throttle.Do(func() {
		if t, ok := l.snapshot(at); ok {
			l.s.emit.Emit(events.TaskUpdate, t)
		}
	})
}

// snapshot copies a task that is still running; a task that ended sends
// its final state itself.
func (l *taskList) snapshot(at *activeTask) (Task, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return at.task, !at.task.Final()
}

// eta is how long the rest of a task's bytes take at the pace so far, in
// whole seconds, or -1 while that pace is not known yet.
func eta(elapsed time.Duration, done, total int64) int64 {
	if done <= 0 || total <= 0 || elapsed < 500*time.Millisecond {
		return -1
	}
	if done >= total {
		return 0
	}
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	return int64((left + time.Second - 1) / time.Second)
}

// finish records how a task ended, keeps it among the finished ones and
// sends its final state.
func (l *taskList) finish(at *activeTask, err error) {
	now := l.s.now()
	l.mu.Lock()
	t := &at.task
	t.EndedAt = &now
	t.ETASeconds = -1
	switch {
	case err == nil:
		t.Status, t.ETASeconds = TaskSuccess, 0
	case at.ctx.Err() != nil || errors.Is(err, context.Canceled):
		t.Status = TaskCancelled
	default:
		t.Status, t.Error = TaskFailed, err.Error()
	}
	delete(l.running, t.ID)
	l.finished = append([]Task{*t}, l.finished...)
	if len(l.finished) > keepFinished {
		l.finished = l.finished[:keepFinished]
	}
	final := *t
	l.mu.Unlock()
	at.cancel()
	at.throttle.Flush() // a progress held back sees the task ended, and is dropped
	l.s.emit.Emit(events.TaskUpdate, final)
}

// setResult stores a task's result under the lock, by f.
func (l *taskList) setResult(at *activeTask, f func(t *Task)) {
	l.mu.Lock()
	f(&at.task)
	l.mu.Unlock()
}

// stopAll refuses new tasks and cancels those running.
func (l *taskList) stopAll() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.cancel()
}

// wait waits until every task has ended and recorded what it must, or ctx
// ends.
func (l *taskList) wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("restores or verifications still going after they were cancelled: %w", ctx.Err())
	}
}

// ListTasks returns the tasks running, newest first, then the last
// keepFinished that finished, the newest first.
func (s *Service) ListTasks() []Task {
	l := s.tasks
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Task, 0, len(l.running)+len(l.finished))
	for _, at := range l.running {
		out = append(out, at.task)
	}
	slices.SortFunc(out, func(a, b Task) int { return b.StartedAt.Compare(a.StartedAt) })
	return append(out, l.finished...)
}

// GetTask returns a task running or among the last finished.
func (s *Service) GetTask(id string) (Task, error) {
	l := s.tasks
	l.mu.Lock()
	defer l.mu.Unlock()
	if at, ok := l.running[id]; ok {
		return at.task, nil
	}
	for _, t := range l.finished {
		if t.ID == id {
			return t, nil
		}
	}
	return Task{}, fmt.Errorf("task %s is not known: it never ran, or ended long ago", id)
}

// CancelTask cancels a running task: it stops within moments and ends
// CANCELLED. Cancelling a task that already ended does nothing.
func (s *Service) CancelTask(id string) error {
	l := s.tasks
	l.mu.Lock()
	at, ok := l.running[id]
	l.mu.Unlock()
	if ok {
		at.cancel()
		return nil
	}
	if _, err := s.GetTask(id); err != nil {
		return err
	}
	return nil
}

// StartRestore checks a restore as RestoreVersion does (target folder,
// version, files in the way) and, when nothing stands in its way, runs it
// as a task. What the checks find is returned here, before any task
// exists. A cancelled restore leaves every file it had not finished
// unwritten (engine.Restore).
func (s *Service) StartRestore(req RestoreRequest) (Task, error) {
	if !pathIsAbs(req.ToDir) {
		return Task{}, fmt.Errorf("restore needs an absolute target folder, not %q", req.ToDir)
	}
	which := path.Clean("/" + req.Path)[1:]
	at, err := s.tasks.prepare(TaskRestore, req.JobID, "")
	if err != nil {
		return Task{}, err
	}
	j, d, err := s.openJobDestination(at.ctx, req.JobID)
	if err != nil {
		at.cancel()
		return Task{}, err
	}
	plan, err := s.prepareRestore(at, j, d, req, which)
	if err != nil {
		d.Close()
		at.cancel()
		return Task{}, err
	}
	at.task.Title = restoreTitle(j.Name, req.Version, which, req.ToDir)
	at.task.FilesTotal, at.task.BytesTotal = plan.Files(), plan.Bytes()
	return s.tasks.start(at, func(ctx context.Context) error {
		defer d.Close()
		res, err := plan.Run(ctx)
		s.tasks.setResult(at, func(t *Task) { t.Restore = convertPtr(&res, RestoreResultOf) })
		return err
	})
}

// prepareRestore checks that the version is the job's and prepares the
// restore, reporting its progress to at.
func (s *Service) prepareRestore(at *activeTask, j job.Job, d storage.Destination, req RestoreRequest, which string) (*engine.RestorePlan, error) {
	if err := s.ownedVersion(at.ctx, d, req.JobID, req.Version); err != nil {
		return nil, err
	}
	st, _ := s.Settings()
	src, _ := s.sourceDir(st, j.SourcePath) // "" when the NAS is not there: nothing to protect then
	return engine.PrepareRestore(at.ctx, d, req.Version, which, req.ToDir, engine.RestoreOptions{
		Overwrite: req.Overwrite, AllowIntoSource: req.IntoSource, Source: src, Transfers: st.TransfersPerRun,
		OnProgress: func(p engine.RestoreProgress) {
			s.tasks.progress(at, p.FilesDone, p.Files, p.BytesDone, p.Bytes, p.CurrentFile)
		},
	})
}

func restoreTitle(jobName, version, which, toDir string) string {
	if which == "" {
		return fmt.Sprintf("Restore %s %s to %s", jobName, version, toDir)
	}
	return fmt.Sprintf("Restore %s from %s %s to %s", which, jobName, version, toDir)
}

// StartVerify checks that version is a committed version of the job (and,
// for a quick check, that its destination can list files) and verifies it
// as a task, as VerifyVersion does: the result is recorded in the history
// of the run that made the version, and is the task's Verify.
func (s *Service) StartVerify(jobID, version string, deep bool, sample int) (Task, error) {
	at, err := s.tasks.prepare(TaskVerify, jobID, "")
	if err != nil {
		return Task{}, err
	}
	j, d, err := s.openJobDestination(at.ctx, jobID)
	if err == nil {
		err = s.checkVerify(at.ctx, d, jobID, version, deep)
		if err != nil {
			d.Close()
		}
	}
	if err != nil {
		at.cancel()
		return Task{}, err
	}
	how := "Quick check of"
	if deep {
		how = "Full check of"
	}
	at.task.Title = fmt.Sprintf("%s %s %s", how, j.Name, version)
	st, _ := s.Settings()
	opts := engine.VerifyOptions{Deep: deep, Sample: sample, Transfers: st.TransfersPerRun, Now: s.now,
		OnProgress: func(p engine.VerifyProgress) {
			s.tasks.progress(at, p.FilesDone, p.Files, p.BytesDone, p.Bytes, p.CurrentFile)
		},
	}
	return s.tasks.start(at, func(ctx context.Context) error {
		defer d.Close()
		rep, err := engine.Verify(ctx, d, version, opts)
		if err != nil {
			return err
		}
		s.recordVerify(jobID, version, rep)
		s.tasks.setResult(at, func(t *Task) { t.Verify = convertPtr(&rep, VerifyReportOf) })
		return nil
	})
}

// checkVerify refuses a verification that cannot run.
func (s *Service) checkVerify(ctx context.Context, d storage.Destination, jobID, version string, deep bool) error {
	if err := s.ownedVersion(ctx, d, jobID, version); err != nil {
		return err
	}
	if _, ok := d.(storage.FileLister); !ok && !deep {
		return engine.ErrQuickVerifyUnsupported
	}
	return nil
}

// StartPreview checks a job's (saved or a draft) source and rules and
// runs its preview (PreviewJob) as a task, whose Preview is the result.
func (s *Service) StartPreview(j job.Job) (Task, error) {
	st, err := s.Settings()
	if err != nil {
		return Task{}, err
	}
	src, err := s.sourceDir(st, j.SourcePath)
	if err != nil {
		return Task{}, err
	}
	if err := engine.CheckPlan(j, src); err != nil {
		return Task{}, err
	}
	title := "Preview of a new job"
	if j.Name != "" {
		title = "Preview of " + j.Name
	}
	at, err := s.tasks.prepare(TaskPreview, j.ID, title)
	if err != nil {
		return Task{}, err
	}
	opts := engine.PlanOptions{OnProgress: func(p engine.PlanProgress) {
		s.tasks.progress(at, p.Files, 0, p.Bytes, 0, p.CurrentPath)
	}}
	return s.tasks.start(at, func(ctx context.Context) error {
		d, err := engine.Plan(ctx, j, src, opts)
		if err != nil {
			return err
		}
		s.tasks.setResult(at, func(t *Task) { t.Preview = convertPtr(&d, DryRunOf) })
		return nil
	})
}
