package job

// KeySource is where the user chose to keep the data key. The environment
// variable AVAULT_ENCRYPTION_KEY, when set, is used whatever this says.
type KeySource string

// The key sources a user can choose.
const (
	KeySourceKeyring KeySource = "keyring" // the OS keyring (default)
	KeySourceFile    KeySource = "file"    // a 0600 file in the data directory, for machines without a keyring
)

// NotifyOn says which finished runs raise a desktop notification.
type NotifyOn string

// The notification choices.
const (
	NotifyFailures NotifyOn = "failures" // FAILED and PARTIAL_SUCCESS (default)
	NotifyAll      NotifyOn = "all"      // every finished run
	NotifyNever    NotifyOn = "never"
)

// Settings are the application-wide choices. A zero field means its
// default; WithDefaults fills them in. New fields must keep that rule so
// that settings saved by an older version read correctly.
type Settings struct {
	// NASRoot is the absolute path where the NAS share is mounted. Every
	// source path and every browse request is confined to it. Empty until
	// the user picks it.
	NASRoot string `json:"nasRoot"`
	// WorkerConcurrency is how many runs may go at once (default 2).
	WorkerConcurrency int `json:"workerConcurrency"`
	// TransfersPerRun is how many files one run sends in parallel (default 4).
	TransfersPerRun int `json:"transfersPerRun"`
	// UploadLimit caps the bytes per second that all runs together send
	// (0: no limit), so that a backup leaves room on a home uplink.
	// Server-side copies of unchanged files are not counted: they send no
	// file bytes.
	UploadLimit int64 `json:"uploadLimit"`
	// KeySource is where the data key is kept (default keyring).
	KeySource KeySource `json:"keySource"`
	// Notifications says when to notify (default failures).
	Notifications NotifyOn `json:"notifications"`
	// StartHidden starts Avault in the tray without opening its window.
	StartHidden bool `json:"startHidden"`
	// GoogleClientID is the person's own "Desktop app" OAuth client id.
	// GOOGLE_CLIENT_ID, when set, is used instead.
	GoogleClientID string `json:"googleClientId,omitempty"`
	// GoogleClientSecret is write-only: the service stores it sealed and
	// never returns it (GoogleClientSecretSet says whether one is stored).
	// GOOGLE_CLIENT_SECRET, when set, is used instead.
	GoogleClientSecret    string `json:"googleClientSecret,omitempty"`
	GoogleClientSecretSet bool   `json:"googleClientSecretSet"`
	// WebhookURL is the single webhook of older versions: the service
	// turns it into a webhook channel (sealed) and never returns it.
	WebhookURL string `json:"webhookUrl,omitempty"`
	// Channels are where notifications go besides the desktop: email,
	// Slack, Discord, ntfy and webhooks, each with its own occasions.
	// UpdateSettings leaves them alone; the service's channel methods
	// change them.
	Channels []Channel `json:"channels,omitempty"`
	// MetricsPort, when not 0, makes the background process serve
	// Prometheus metrics at http://127.0.0.1:MetricsPort/metrics (loopback
	// only, for a Prometheus on the same machine).
	MetricsPort int `json:"metricsPort,omitempty"`
	// SchedulesPaused stops every schedule until resumed (runs started by
	// hand still go).
	SchedulesPaused bool `json:"schedulesPaused"`
	// LaunchAtLogin mirrors the autostart entry (the entry itself is the truth).
	LaunchAtLogin bool `json:"launchAtLogin"`
}

// The defaults and bounds of Settings.
const (
	DefaultWorkerConcurrency = 2
	DefaultTransfersPerRun   = 4
	MaxWorkerConcurrency     = 16
	MaxTransfersPerRun       = 64
	// MinUploadLimit and MaxUploadLimit bound a set UploadLimit, in bytes
	// per second: 8 KiB/s (64 kbit/s) to 10 GiB/s.
	MinUploadLimit int64 = 8 << 10
	MaxUploadLimit int64 = 10 << 30
)

// WithDefaults returns s with every zero field set to its default.
func (s Settings) WithDefaults() Settings {
	if s.WorkerConcurrency == 0 {
		s.WorkerConcurrency = DefaultWorkerConcurrency
	}
	if s.TransfersPerRun == 0 {
		s.TransfersPerRun = DefaultTransfersPerRun
	}
	if s.KeySource == "" {
		s.KeySource = KeySourceKeyring
	}
	if s.Notifications == "" {
		s.Notifications = NotifyFailures
	}
	return s
}
