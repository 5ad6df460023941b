package service

import (
	"time"

	"github.com/avault/avault/backend/job"
)

// The types the window, the web mode and the command line's --json receive
// and send. The window's bindings (frontend/wailsjs) are generated from
// them, so the store's, the engine's and the storage kinds' structs can
// change without changing that contract: a field reaches the frontend only
// when it is added here and to the conversion in contract_convert.go, with
// the same JSON name (TestContractCarriesEveryField says which one is
// missing). Enumerations keep their job types (job.Status, job.Kind...):
// they travel as strings.

// Job is a scheduled backup of one NAS folder to one destination.
//
// SourcePath is relative to the NAS root and slash-separated ("photos/2024";
// a leading "/" is accepted). Schedule is a cron expression (see package
// cron). Includes and Excludes are glob patterns matched against paths
// relative to the source. LastRunAt and NextRunAt are kept by the runner and
// the scheduler; the store does not take them from an edit.
//
// Layout is how versions are kept ("" is LayoutFull, for jobs saved before
// layouts existed). Folder is the folder at the destination that holds a
// current+history job's current copy, history and records; it is set from
// the name when the job gets that layout and kept when the job is renamed,
// so that the versions stay found.
//
// It is the form of job.Job the window, the web mode and --json see
// (JobOf, Internal).
type Job struct {
	ID                    string             `json:"id"`
	Name                  string             `json:"name"`
	Description           string             `json:"description,omitempty"`
	SourcePath            string             `json:"sourcePath"`
	DestinationID         string             `json:"destinationId"`
	Schedule              string             `json:"schedule"`
	RetentionType         job.RetentionType  `json:"retentionType"`
	RetentionCount        int                `json:"retentionCount,omitempty"`
	RetentionDays         int                `json:"retentionDays,omitempty"`
	NamePattern           string             `json:"namePattern"`
	Enabled               bool               `json:"enabled"`
	CatchUp               bool               `json:"catchUp"`
	Incremental           bool               `json:"incremental"`
	VerifyUnchangedByHash bool               `json:"verifyUnchangedByHash"`
	OnNoChange            job.NoChangePolicy `json:"onNoChange"`
	Includes              []string           `json:"includes,omitempty"`
	Excludes              []string           `json:"excludes,omitempty"`
	UseDefaultExcludes    bool               `json:"useDefaultExcludes"`
	Layout                job.Layout         `json:"layout,omitempty"`
	Folder                string             `json:"folder,omitempty"`
	LastRunAt             *time.Time         `json:"lastRunAt,omitempty"`
	NextRunAt             *time.Time         `json:"nextRunAt,omitempty"`
	CreatedAt             time.Time          `json:"createdAt"`
	UpdatedAt             time.Time          `json:"updatedAt"`
}

// Policy is a retention rule. Count is used by VERSION_COUNT and HYBRID,
// Days by DAYS and HYBRID; the other must be zero.
//
// It is the form of job.Policy the window, the web mode and --json see
// (PolicyOf).
type Policy struct {
	Type  job.RetentionType `json:"type"`
	Count int               `json:"count,omitempty"`
	Days  int               `json:"days,omitempty"`
}

// Destination is a place versions are written to: a local folder, an S3
// bucket or a Google Drive (My Drive or a shared drive).
//
// RemoteID is the bucket name (s3), the drive id (gdrive, "root" for My
// Drive) or an absolute folder path (local). FolderPath is an optional
// slash-separated subfolder under it. Options holds kind-specific settings;
// DestinationOptions declares the accepted keys.
//
// It is the form of job.Destination the window, the web mode and --json see
// (DestinationOf, Internal).
type Destination struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Kind         job.Kind          `json:"kind"`
	CredentialID string            `json:"credentialId,omitempty"`
	RemoteID     string            `json:"remoteId"`
	FolderPath   string            `json:"folderPath,omitempty"`
	Options      map[string]string `json:"options,omitempty"`
	CreatedAt    time.Time         `json:"createdAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
}

// Option declares one option of a destination kind: a key of
// Destination.Options. DestinationOptions holds the one declaration of
// each; the validation of a destination, the command line's help
// (`avault dest add -h`) and the window's destination form (through the
// storage kind's fields) all read it, and the storage kind reads the value.
//
// An empty value means the option is not set, and the kind uses its
// default. Options are never secret: they are stored and shown in the
// clear, and secrets belong to credentials.
//
// It is the form of job.Option the window, the web mode and --json see
// (OptionOf).
type Option struct {
	Key     string         `json:"key"`
	Label   string         `json:"label"`
	Help    string         `json:"help"`
	Type    job.OptionType `json:"type"`
	Default string         `json:"default,omitempty"` // what an empty value means, as a person reads it ("us-east-1", "the bucket's default")
	Example string         `json:"example,omitempty"` // a valid value, for placeholders and help
	// Choices lists the values an OptionChoice accepts.
	Choices []OptionValue `json:"choices,omitempty"`
	// Min and Max bound an OptionInt.
	Min int `json:"min,omitempty"`
	Max int `json:"max,omitempty"`
	// When, if set, is the condition under which the option applies; set
	// otherwise, it is refused, and the form hides it.
	When *OptionWhen `json:"when,omitempty"`
	// Advanced marks an option few people need; the form folds it away.
	Advanced bool `json:"advanced,omitempty"`
}

// OptionWhen names another option of the same kind and the value it must
// have for an option to apply ("sse" = "aws:kms" for a KMS key).
//
// It is the form of job.OptionWhen the window, the web mode and --json see
// (OptionWhenOf).
type OptionWhen struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// OptionValue is one value an OptionChoice accepts, and how a person
// reads it.
//
// It is the form of job.OptionValue the window, the web mode and --json see
// (OptionValueOf).
type OptionValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Credential is what the frontend may see of a stored credential: its
// sealed secret is kept apart by the store and never travels with it.
// Metadata holds non-secret details for display, such as a masked access
// key id ("AKIA…WXYZ") or the account's e-mail address.
//
// It is the form of job.Credential the window, the web mode and --json see
// (CredentialOf).
type Credential struct {
	ID        string               `json:"id"`
	Name      string               `json:"name"`
	Provider  job.Kind             `json:"provider"`
	Metadata  map[string]string    `json:"metadata,omitempty"`
	Status    job.CredentialStatus `json:"status"`
	CreatedAt time.Time            `json:"createdAt"`
	UpdatedAt time.Time            `json:"updatedAt"`
}

// Channel is one place notifications go. Its secrets (the URL of a
// Slack, Discord, ntfy or webhook channel, which carries its token; an SMTP
// password; an ntfy access token) are write-only: they are stored sealed
// with the data key and never returned, and the *Set fields say whether
// one is stored. Saving a channel with a secret left empty keeps the
// stored one.
//
// It is the form of job.Channel the window, the web mode and --json see
// (ChannelOf, Internal).
type Channel struct {
	ID   string          `json:"id"`
	Name string          `json:"name"`
	Kind job.ChannelKind `json:"kind"`
	// Disabled channels are kept but told nothing.
	Disabled bool `json:"disabled"`
	// When lists the occasions to send on; empty means DefaultChannelEvents.
	When []job.ChannelEvent `json:"when"`

	// URL is the webhook or ntfy topic URL (write-only). URLHost shows
	// where it points (scheme and host) without its secret parts.
	URL     string `json:"url,omitempty"`
	URLHost string `json:"urlHost,omitempty"`

	// Email: the server, how the connection is secured, the login, and
	// the addresses. Password is write-only.
	SMTPHost     string   `json:"smtpHost,omitempty"`
	SMTPPort     int      `json:"smtpPort,omitempty"`
	SMTPSecurity string   `json:"smtpSecurity,omitempty"`
	Username     string   `json:"username,omitempty"`
	Password     string   `json:"password,omitempty"`
	PasswordSet  bool     `json:"passwordSet"`
	From         string   `json:"from,omitempty"`
	To           []string `json:"to,omitempty"`

	// Token is an ntfy access token (write-only).
	Token    string `json:"token,omitempty"`
	TokenSet bool   `json:"tokenSet"`

	// The outcome of the last delivery: when one last went through, and
	// the last failure (cleared by a later success).
	LastSentAt  *time.Time `json:"lastSentAt,omitempty"`
	LastError   string     `json:"lastError,omitempty"`
	LastErrorAt *time.Time `json:"lastErrorAt,omitempty"`
}

// Settings are the application-wide choices. A zero field means its
// default; WithDefaults fills them in. New fields must keep that rule so
// that settings saved by an older version read correctly.
//
// It is the form of job.Settings the window, the web mode and --json see
// (SettingsOf, Internal).
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
	KeySource job.KeySource `json:"keySource"`
	// Notifications says when to notify (default failures).
	Notifications job.NotifyOn `json:"notifications"`
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

// Run is one execution of a job, as history shows it. JobName is copied
// from the job when the run starts, so the history of a deleted job
// (JobDeleted) still reads well.
//
// It is the form of job.Run the window, the web mode and --json see
// (RunOf).
type Run struct {
	ID            string        `json:"id"`
	JobID         string        `json:"jobId"`
	JobName       string        `json:"jobName"`
	JobDeleted    bool          `json:"jobDeleted,omitempty"`
	Status        job.Status    `json:"status"`
	Trigger       job.Trigger   `json:"trigger"`
	StartedAt     time.Time     `json:"startedAt"`
	CompletedAt   *time.Time    `json:"completedAt,omitempty"`
	FilesScanned  int64         `json:"filesScanned"`
	FilesUploaded int64         `json:"filesUploaded"`
	FilesCopied   int64         `json:"filesCopied"`
	FilesSkipped  int64         `json:"filesSkipped"`
	FilesFailed   int64         `json:"filesFailed"`
	BytesScanned  int64         `json:"bytesScanned"`
	BytesUploaded int64         `json:"bytesUploaded"`
	BytesCopied   int64         `json:"bytesCopied"`
	RemotePath    string        `json:"remotePath,omitempty"`
	ErrorMessage  string        `json:"errorMessage,omitempty"`
	Failures      []FileFailure `json:"failures,omitempty"`
	// Notes are what the run decided on its own that the person should
	// know, such as a pause for the destination's daily upload limit and
	// why it was taken for that limit; at most MaxNotes.
	Notes  []string      `json:"notes,omitempty"`
	Verify *VerifyResult `json:"verify,omitempty"`
}

// FileFailure is one file a run could not back up, and why.
//
// It is the form of job.FileFailure the window, the web mode and --json see
// (FileFailureOf).
type FileFailure struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// VerifyResult is the outcome of checking a version against its manifest.
// Mode is "quick" (sizes and the destination's own hashes) or "full"
// (every file read back and hashed).
//
// It is the form of job.VerifyResult the window, the web mode and --json see
// (VerifyResultOf).
type VerifyResult struct {
	Mode         string        `json:"mode"`
	CheckedAt    time.Time     `json:"checkedAt"`
	FilesChecked int64         `json:"filesChecked"`
	Missing      int64         `json:"missing"`
	Mismatched   int64         `json:"mismatched"`
	Problems     []FileFailure `json:"problems,omitempty"` // capped at MaxFailures
	ErrorMessage string        `json:"errorMessage,omitempty"`
	// Notes are what the destination said of how it gave files back, with
	// the files concerned (Google Drive: files it flagged as malware or
	// spam, read with acknowledgeAbuse); at most job.MaxNotes.
	Notes []string `json:"notes,omitempty"`
}

// DryRun is what a job would back up now. Counts cover everything; the
// lists hold the first PlanSample paths of each kind, in path order.
//
// It is the form of engine.DryRun the window, the web mode and --json see
// (DryRunOf).
type DryRun struct {
	Files    int64 `json:"files"` // files that would be backed up
	Bytes    int64 `json:"bytes"`
	Excluded int64 `json:"excluded"` // files and folders the rules remove (a folder's content is not counted)
	Skipped  int64 `json:"skipped"`  // reserved names
	Failed   int64 `json:"failed"`   // what a run would list as failed
	Folders  int64 `json:"folders"`  // folders that would be recorded, empty or not
	Symlinks int64 `json:"symlinks"` // symbolic links that would be recorded (never followed)
	// Included are the first files that would be backed up.
	Included      []string      `json:"included,omitempty"`
	ExcludedPaths []Excluded    `json:"excludedPaths,omitempty"`
	SkippedPaths  []FileFailure `json:"skippedPaths,omitempty"`
	FailedPaths   []FileFailure `json:"failedPaths,omitempty"`
	// SymlinkPaths are the first symbolic links, with their targets.
	SymlinkPaths []Symlink `json:"symlinkPaths,omitempty"`
}

// Excluded is a file or folder the rules remove, with the rule that did.
//
// It is the form of engine.Excluded the window, the web mode and --json see
// (ExcludedOf).
type Excluded struct {
	Path  string `json:"path"`
	IsDir bool   `json:"isDir"`
	Rule  string `json:"rule"`
}

// Symlink is a symbolic link a run would record.
//
// It is the form of engine.Symlink the window, the web mode and --json see
// (SymlinkOf).
type Symlink struct {
	Path   string `json:"path"`
	Target string `json:"target"` // as stored: escaped when not valid UTF-8
}

// RestoreResult is what a restore did.
//
// It is the form of engine.RestoreResult the window, the web mode and --json see
// (RestoreResultOf).
type RestoreResult struct {
	Files       int64         `json:"files"` // restored
	Bytes       int64         `json:"bytes"`
	FilesFailed int64         `json:"filesFailed"`
	Failures    []FileFailure `json:"failures,omitempty"` // the first job.MaxFailures
	// Notes are what the destination said of how it gave files back, with
	// the files concerned (Google Drive: files it flagged as malware or
	// spam, downloaded with acknowledgeAbuse); at most job.MaxNotes.
	Notes []string `json:"notes,omitempty"`
}

// RetentionVerdict is retention's decision on one committed version
// (job.Decision), with what its commit record says of it.
//
// It is the form of engine.RetentionVerdict the window, the web mode and --json see
// (RetentionVerdictOf).
type RetentionVerdict struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"` // from the commit record
	Files   int64     `json:"files"`
	Bytes   int64     `json:"bytes"`
	Keep    bool      `json:"keep"`
	Reason  string    `json:"reason"` // "one of the 5 newest", "older than 30 days"...
	// Frees, for a version to delete, is the bytes deleting it frees
	// (RetentionFrees sets it; a run does not).
	Frees int64 `json:"frees,omitempty"`
}

// Usage is what a job's versions take at the destination.
//
// It is the form of engine.Usage the window, the web mode and --json see
// (UsageOf).
type Usage struct {
	Versions []VersionUsage `json:"versions"` // newest first
	// Stored is every byte the job keeps there: full copies, and the
	// current and history folders with their records.
	Stored int64 `json:"stored"`
}

// VersionUsage is what one version holds at the destination.
//
// It is the form of engine.VersionUsage the window, the web mode and --json see
// (VersionUsageOf).
type VersionUsage struct {
	Name string `json:"name"`
	// Layout is manifest.LayoutCurrentHistory or "full".
	Layout string `json:"layout"`
	// Only is the bytes no other version shares: what deleting it alone
	// would free.
	Only int64 `json:"only"`
}

// VerifyReport is a verification's outcome: job.VerifyResult, plus the
// files in the version that its manifest does not list (Extra), which are
// also listed among the problems.
//
// It is the form of engine.VerifyReport the window, the web mode and --json see
// (VerifyReportOf).
type VerifyReport struct {
	Mode         string        `json:"mode"`
	CheckedAt    time.Time     `json:"checkedAt"`
	FilesChecked int64         `json:"filesChecked"`
	Missing      int64         `json:"missing"`
	Mismatched   int64         `json:"mismatched"`
	Problems     []FileFailure `json:"problems,omitempty"` // capped at MaxFailures
	ErrorMessage string        `json:"errorMessage,omitempty"`
	// Notes are what the destination said of how it gave files back, with
	// the files concerned (Google Drive: files it flagged as malware or
	// spam, read with acknowledgeAbuse); at most job.MaxNotes.
	Notes []string `json:"notes,omitempty"`
	Extra int64    `json:"extra"`
}

// Progress is the payload of backup:progress.
//
// It is the form of events.Progress the window, the web mode and --json see
// (ProgressOf).
type Progress struct {
	JobID                  string  `json:"jobId"`
	HistoryID              string  `json:"historyId"`
	Status                 string  `json:"status"`
	FilesScanned           int64   `json:"filesScanned"`
	BytesScanned           int64   `json:"bytesScanned"`
	ScanDone               bool    `json:"scanDone"`
	FilesUploaded          int64   `json:"filesUploaded"`
	FilesCopied            int64   `json:"filesCopied"`
	FilesFailed            int64   `json:"filesFailed"`
	BytesUploaded          int64   `json:"bytesUploaded"`
	BytesDone              int64   `json:"bytesDone"`
	CurrentFile            string  `json:"currentFile"`
	UploadSpeed            float64 `json:"uploadSpeed"`            // bytes per second
	EstimatedTimeRemaining float64 `json:"estimatedTimeRemaining"` // seconds; -1 while unknown
	Timestamp              int64   `json:"timestamp"`              // Unix milliseconds
}

// Queue is the payload of queue:stats.
//
// It is the form of events.Queue the window, the web mode and --json see
// (QueueOf).
type Queue struct {
	Waiting   int   `json:"waiting"`
	Active    int   `json:"active"`
	Completed int   `json:"completed"`
	Failed    int   `json:"failed"`
	Timestamp int64 `json:"timestamp"`
}

// MetricsSnapshot is the state metrics are made of.
//
// It is the form of metrics.Snapshot the window, the web mode and --json see
// (MetricsSnapshotOf).
type MetricsSnapshot struct {
	Version string       `json:"version"`
	Jobs    []MetricsJob `json:"jobs"`
	Running int          `json:"running"`
	Waiting int          `json:"waiting"`
	// Now is when the snapshot was taken; ages are counted from it.
	Now time.Time `json:"now"`
}

// MetricsJob is one job's figures. Pointers are nil when not known (a job that
// never ran, or whose destination has not been measured yet).
//
// It is the form of metrics.Job the window, the web mode and --json see
// (MetricsJobOf).
type MetricsJob struct {
	ID      string          `json:"id"`
	Name    string          `json:"name"`
	Enabled bool            `json:"enabled"`
	LastRun *MetricsLastRun `json:"lastRun,omitempty"`
	// LastSuccess is when the newest successful run started.
	LastSuccess *time.Time `json:"lastSuccess,omitempty"`
	// StoredBytes and Versions are measured at the destination after each
	// run (and once after start), not at every scrape.
	StoredBytes *int64 `json:"storedBytes,omitempty"`
	Versions    *int   `json:"versions,omitempty"`
}

// MetricsLastRun is the newest finished run of a job.
//
// It is the form of metrics.LastRun the window, the web mode and --json see
// (MetricsLastRunOf).
type MetricsLastRun struct {
	Status        string    `json:"status"`
	StartedAt     time.Time `json:"startedAt"`
	Seconds       float64   `json:"seconds"`
	FilesScanned  int64     `json:"filesScanned"`
	FilesUploaded int64     `json:"filesUploaded"`
	FilesCopied   int64     `json:"filesCopied"`
	FilesSkipped  int64     `json:"filesSkipped"`
	FilesFailed   int64     `json:"filesFailed"`
	BytesScanned  int64     `json:"bytesScanned"`
	BytesUploaded int64     `json:"bytesUploaded"`
	BytesCopied   int64     `json:"bytesCopied"`
}

// DestinationKind is a kind of destination ("local", "s3", "gdrive").
//
// It is the form of storage.Kind the window, the web mode and --json see
// (DestinationKindOf).
type DestinationKind struct {
	Name        string             `json:"name"`
	Title       string             `json:"title"`
	Description string             `json:"description"`
	Fields      []DestinationField `json:"fields"`
}

// DestinationField describes one setting of a destination kind, for forms and for
// checking a Config before opening it. Key is "root", "bucket" or "prefix"
// for those Config fields, otherwise a key of Options, or of Secret when
// Secret is true.
//
// It is the form of storage.Field the window, the web mode and --json see
// (DestinationFieldOf).
type DestinationField struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Help     string `json:"help,omitempty"`
	Required bool   `json:"required"`
	Secret   bool   `json:"secret"`
	// Option, when set, is the declaration of the option this field is: a
	// key of Options a person sets on a destination (see OptionFields).
	Option *Option `json:"option,omitempty"`
}

// Choice is something a person can pick as (part of) a destination: a
// bucket, a drive, a folder.
//
// It is the form of storage.Choice the window, the web mode and --json see
// (ChoiceOf).
type Choice struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Kind   string `json:"kind"` // "bucket", "drive", "folder"
	HasSub bool   `json:"hasSub"`
}

// VersionInfo describes a committed version.
//
// It is the form of storage.VersionInfo the window, the web mode and --json see
// (VersionInfoOf).
type VersionInfo struct {
	Name    string       `json:"name"`
	Owner   VersionOwner `json:"owner"`
	Created time.Time    `json:"created"` // when the run that made it started, from the commit record
	Files   int64        `json:"files"`
	Bytes   int64        `json:"bytes"`
}

// VersionOwner says which job and run a version or a pending place belongs to.
//
// It is the form of storage.Owner the window, the web mode and --json see
// (VersionOwnerOf).
type VersionOwner struct {
	JobID string `json:"jobId"`
	RunID string `json:"runId"`
}

// HistoryFilter selects runs for ListRuns, as GET /api/history does.
//
// It is the form of store.HistoryFilter the window, the web mode and --json see
// (HistoryFilterOf, Internal).
type HistoryFilter struct {
	JobID  string     `json:"jobId,omitempty"`  // only this job's runs
	Status job.Status `json:"status,omitempty"` // only runs in this status
	Limit  int        `json:"limit,omitempty"`  // page size: default 20, at most 100
	Offset int        `json:"offset,omitempty"` // runs to skip, newest first
}

// HistoryPage is one page of runs, newest first, with the number of runs
// that match the filter in all.
//
// It is the form of store.HistoryPage the window, the web mode and --json see
// (HistoryPageOf).
type HistoryPage struct {
	Items  []Run `json:"items"`
	Total  int   `json:"total"`
	Limit  int   `json:"limit"`
	Offset int   `json:"offset"`
}
