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
	sched *schedule.Scheduler
	now   func() time.Time
	stop  context.CancelFunc
	// upload paces the file bytes of every run together (the upload limit
	// setting).
	upload *rate.Limiter

	keyMu sync.Mutex
	key   keyState
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
	s := &Service{opts: o, store: st, emit: o.Emitter, log: o.Logger, now: o.Now, upload: newUploadLimiter()}
	if cur, err := st.GetSettings(); err == nil {
		setUploadLimit(s.upload, cur.UploadLimit)
	}
	s.kinds = s.newRegistry()
	s.runs = newRunner(s)
	if o.Schedules {
		if err := s.startSchedules(); err != nil {
			st.Close()
			return nil, err
		}
		ctx, cancel := context.WithCancel(context.Background())
		s.stop = cancel
		go s.watchStale(ctx, 10*time.Minute)
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

// Close cancels queued and running runs (they are recorded CANCELLED),
// waits a few seconds for them, and closes the database.
func (s *Service) Close() error {
	if s.sched != nil {
		s.sched.Stop()
		s.stop()
	}
	s.runs.stop(10 * time.Second)
	return s.store.Close()
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
