// Package service holds Avault's use cases. The window (app.go), the tray,
// the command line and the headless web mode all call this one layer, so a
// feature is written once. It is the one place where unsealed credentials
// meet a destination.
package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/job/nasroot"
	"github.com/avault/avault/backend/notify"
	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/schedule"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/store"
)

// Options configure a Service. Zero values mean defaults.
type Options struct {
	// DataDir holds the database and the instance lock; DataDir() by default.
	DataDir string
	// Version is the build's version string, shown in Status.
	Version string
	// TrayHost says whether a tray host was found at start.
	TrayHost bool
	// Emitter receives events for the window; dropped when nil.
	Emitter events.Emitter
	// Logger receives the service's log; slog.Default() when nil.
	Logger *slog.Logger
	// OnRunFinished, when set, is told of every run that reached a final
	// status (notifications, the tray).
	OnRunFinished func(job.Run)
	// NotifyGrace bounds how long Shutdown waits for notifications already
	// being sent (default 5 s, the desktop notifier's own call timeout).
	NotifyGrace time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// GoogleOAuth overrides Google's OAuth endpoints (tests); the client id
	// and secret come from Settings or GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET.
	GoogleOAuth oauth.Config
	// DriveBase holds options every Drive destination starts from (tests
	// point its endpoint at a local fake).
	DriveBase gdrive.Options
	// OpenURL shows an address to the person (the browser for Google
	// sign-in): Wails' BrowserOpenURL in the app, printing it in the CLI.
	OpenURL func(url string) error
	// Schedules starts the scheduler and the stale-backup watch: the app and
	// the web mode run backups unattended, the command line does not.
	Schedules bool
	// Notifier shows desktop notifications; nil shows none (the webhook in
	// Settings is still called).
	Notifier notify.Notifier
	// Channels tune how notification channels deliver (tests).
	Channels ChannelOptions
	// KeyFile makes the service keep its data key in a 0600 file in the data
	// folder instead of the OS keyring (the CLI's --key-file).
	KeyFile bool
}

// Service is the application core.
type Service struct {
	opts  Options
	store *store.Store
	emit  events.Emitter
	log   *slog.Logger
	kinds *storage.Registry
	runs  *runner
	tasks *taskList
	sched *schedule.Scheduler
	now   func() time.Time
	stop  context.CancelFunc
	// upload paces the file bytes of every run together (the upload limit
	// setting).
	upload *rate.Limiter
	// notes are the notifications being sent; bg the stale-backup watch.
	notes *notifications
	bg    sync.WaitGroup

	keyMu sync.Mutex
	key   keyState

	// usage is what jobs store at their destinations, for metrics;
	// metricsSrv serves them on loopback when Settings ask.
	usage      usageCache
	metricsSrv metricsServer
	// manifests are the restore browser's recently read manifests.
	manifests *manifestCache

	shutMu   sync.Mutex
	stopOnce sync.Once
	closed   bool // the database is closed
}

// Status describes this copy of Avault for the Status view.
type Status struct {
	Version   string `json:"version"`
	DataDir   string `json:"dataDir"`
	TrayHost  bool   `json:"trayHost"`
	Platform  string `json:"platform"`
	KeySource string `json:"keySource"`          // "keyring", "environment", "file", or "" when unavailable
	KeyError  string `json:"keyError,omitempty"` // why the data key cannot be used, in words a person can act on
}

// DataDir returns the data folder: $AVAULT_DATA_DIR, or "avault" in the
// user's config folder (~/.config/avault, ~/Library/Application Support/avault,
// %AppData%\avault).
func DataDir() (string, error) { return store.DefaultDir() }

// Open opens the database in the data folder. The data key is loaded when
// first needed; a key that cannot be read does not stop the service: it
// reports why in Status and refuses only what needs the key, so nothing is
// lost.
func Open(ctx context.Context, o Options) (*Service, error) {
	if o.DataDir == "" {
		d, err := DataDir()
		if err != nil {
			return nil, err
		}
		o.DataDir = d
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.Emitter == nil {
		o.Emitter = events.Discard{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	st, err := store.Open(ctx, store.Options{Dir: o.DataDir})
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.NotifyGrace <= 0 {
		o.NotifyGrace = 5 * time.Second
	}
	var s *Service
	told := o.OnRunFinished
	o.OnRunFinished = func(run job.Run) {
		s.noticeRun(run)
		s.remeasureUsage(run.JobID)
		if told != nil {
			told(run)
		}
	}
	s = &Service{opts: o, store: st, emit: o.Emitter, log: o.Logger, now: o.Now, upload: newUploadLimiter(), notes: newNotifications()}
	s.manifests = newManifestCache(s.now)
	if cur, err := st.GetSettings(); err == nil {
		setUploadLimit(s.upload, cur.UploadLimit)
	}
	s.kinds = s.newRegistry()
	s.runs = newRunner(s)
	s.tasks = newTaskList(s)
	if o.Schedules {
		if err := s.startSchedules(); err != nil {
			st.Close()
			return nil, err
		}
		ctx, cancel := context.WithCancel(context.Background())
		s.stop = cancel
		s.bg.Add(1)
		go func() {
			defer s.bg.Done()
			s.watchStale(ctx, 10*time.Minute)
		}()
		if cur, err := st.GetSettings(); err == nil && cur.MetricsPort != 0 {
			if ln, err := s.listenMetrics(cur.MetricsPort); err != nil {
				s.log.Warn("metrics listener", "err", err)
			} else {
				s.serveMetrics(cur.MetricsPort, ln)
			}
		}
	}
	return s, nil
}

// Status reports the version, the data folder, the tray host and the key.
func (s *Service) Status() Status {
	k := s.keyInfo(context.Background())
	return Status{
		Version:   s.opts.Version,
		DataDir:   s.opts.DataDir,
		TrayHost:  s.opts.TrayHost,
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
		KeySource: k.source,
		KeyError:  k.errText(),
	}
}

// StartHidden reports whether the desktop app starts with its window
// hidden in the tray: when asked to (--hidden, which launch at login
// passes) or when Settings say so (StartHidden), and never without a tray
// host, where a hidden window could not be brought back.
func (s *Service) StartHidden(asked bool) bool {
	if !s.opts.TrayHost {
		return false
	}
	if asked {
		return true
	}
	st, err := s.Settings()
	return err == nil && st.StartHidden
}

// Close is Shutdown without a deadline.
func (s *Service) Close() error { return s.Shutdown(context.Background()) }

// Shutdown stops the schedules, cancels queued and running runs and the
// running tasks (restores, verifications, previews), waits until each run
// has reached a safe point and written its final history row (CANCELLED,
// or how it ended if it ended first) and each task has ended, waits for
// notifications already being sent (at most Options.NotifyGrace, then
// they are cancelled), and closes the database.
//
// When ctx ends before every run and task has stopped, Shutdown returns an
// error and leaves the database open, so that the runs and verifications
// still going can record their end should the process live on; a later
// call waits again. Should the process end instead, a run that never
// recorded its end is marked interrupted at the next start. Calls after
// the database closed return nil.
func (s *Service) Shutdown(ctx context.Context) error {
	s.shutMu.Lock()
	defer s.shutMu.Unlock()
	if s.closed {
		return nil
	}
	s.stopOnce.Do(func() {
		s.manifests.stop()
		s.serveMetrics(0, nil)
		if s.sched != nil {
			s.sched.Stop()
			s.stop()
		}
		s.bg.Wait()
	})
	s.tasks.stopAll()
	if err := s.runs.stop(ctx); err != nil {
		return err
	}
	if err := s.tasks.wait(ctx); err != nil {
		return err
	}
	if !s.notes.wait(ctx, s.opts.NotifyGrace) {
		s.log.Warn("notifications still being sent at shutdown were given up", "after", s.opts.NotifyGrace)
	}
	s.closed = true
	return s.store.Close()
}

// noticeRun tells the window of a run that failed or ended with files
// missing (events.RunNotice), in the desktop notification's words. It
// does so whatever Settings choose for desktop notifications: a notice in
// the window interrupts nobody, and is the only one where the desktop has
// no notifications.
func (s *Service) noticeRun(run job.Run) {
	m, ok := notify.ForRun(run, job.NotifyFailures)
	if !ok || (m.Event != notify.EventFailed && m.Event != notify.EventPartial) {
		return
	}
	s.emit.Emit(events.RunNotice, events.Notice{
		JobID: run.JobID, HistoryID: run.ID, Status: string(run.Status),
		Title: m.Title, Body: m.Body, Timestamp: s.now().UnixMilli(),
	})
}

// notifications are the notifications being sent in the background, so
// that shutdown can wait for them.
type notifications struct {
	ctx    context.Context // ends when shutdown stops waiting
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool // shutdown has begun waiting: nothing new starts
	wg     sync.WaitGroup
}

func newNotifications() *notifications {
	ctx, cancel := context.WithCancel(context.Background())
	return &notifications{ctx: ctx, cancel: cancel}
}

// goSend runs send in the background with a context that ends after
// timeout, or when shutdown stops waiting. Once shutdown has begun waiting
// it sends nothing new, and reports false.
func (n *notifications) goSend(timeout time.Duration, send func(ctx context.Context)) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return false
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		ctx, cancel := context.WithTimeout(n.ctx, timeout)
		defer cancel()
		send(ctx)
	}()
	return true
}

// wait waits for the notifications being sent, at most grace or until ctx
// ends, then cancels those still going; it reports whether all finished.
func (n *notifications) wait(ctx context.Context, grace time.Duration) bool {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	n.cancel()
	return false
}

// sourceDir resolves a job's source under the NAS root.
func (s *Service) sourceDir(st job.Settings, rel string) (string, error) {
	if st.NASRoot == "" {
		return "", errors.New("the NAS root is not set (Settings)")
	}
	root, err := nasroot.Open(st.NASRoot)
	if err != nil {
		return "", err
	}
	return root.Resolve(rel)
}

func checkNASRoot(dir string) error {
	_, err := nasroot.Open(dir)
	return err
}

// seal encrypts a credential's secret values for record id.
func (s *Service) seal(id string, values map[string]string) ([]byte, error) {
	plain, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	return s.sealBytes(id, plain)
}

// unseal opens credential id's secret values.
func (s *Service) unseal(id string) (storage.Secret, error) {
	blob, err := s.store.SealedCredential(id)
	if err != nil {
		return storage.Secret{}, err
	}
	plain, err := s.openBytes(id, blob)
	if err != nil {
		return storage.Secret{}, err
	}
	var values map[string]string
	if err := json.Unmarshal(plain, &values); err != nil {
		return storage.Secret{}, fmt.Errorf("credential %s: stored secret is not readable", id)
	}
	return storage.NewSecret(values), nil
}
