// Package engine runs one backup of a job: it scans the source, uploads
// new and changed files and copies unchanged ones server-side into a
// pending version, writes the manifest, commits the version and applies
// retention. It also plans (dry run), verifies, restores and lists
// versions.
//
// The engine knows nothing of the store, events or the window: it reports
// through callbacks in Options, which default to no-ops, and returns a
// Result that the caller records.
//
// Memory: a run holds the previous manifest's compressed bytes (about 60
// to 90 bytes per file) and the new one's as it grows, which Commit takes
// whole; the scan and the comparison with the previous version are
// streamed. Files are streamed through fixed buffers, never read whole.
package engine

import (
	"log/slog"
	"time"

	"golang.org/x/time/rate"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// DefaultTransfers is how many files a run sends at once when
// Options.Transfers is zero.
const DefaultTransfers = job.DefaultTransfersPerRun

// Options tunes a run and receives its reports. The zero value is usable.
type Options struct {
	// Transfers is how many files are sent or copied in parallel; 0 means
	// DefaultTransfers.
	Transfers int
	// Now returns the current time, for retention ages and pauses; nil
	// means time.Now. Timings and speeds use the real clock.
	Now func() time.Time
	// OnProgress receives snapshots of the run's counters, about ten a
	// second while they change and always a final one. It must return
	// quickly; nil ignores them.
	OnProgress func(Progress)
	// OnStatus is told each status the run enters: RUNNING, UPLOADING,
	// ROTATING, then the final one. nil ignores them.
	OnStatus func(job.Status)
	// OnCommitted is told the result so far (status ROTATING, the
	// version's name, the counters and failures) once the version is
	// committed, before retention, so that a record of the run can say a
	// complete version exists even if the process ends during retention.
	// nil ignores it.
	OnCommitted func(Result)
	// Logger receives what happened in detail; nil discards it.
	Logger *slog.Logger
	// PauseFor, when set, decides whether a destination error means that
	// uploads must wait until a given time (a daily upload cap) and the
	// same file tried again. nil means DefaultPauseFor.
	PauseFor func(err error, now time.Time) (until time.Time, ok bool)
	// UploadLimit, when set, paces the file bytes that uploads give the
	// destination; one limiter shared by several runs caps them together.
	// Server-side copies, manifests and reading for hashes are not paced.
	// nil means no limit.
	UploadLimit *rate.Limiter
}

// Request is one run of a job.
type Request struct {
	Job   job.Job
	RunID string
	// Source is the absolute path of the job's source folder, already
	// confined to the NAS root by the caller. The run reads nothing
	// outside it and follows no symbolic link.
	Source string
	// Dest is the open destination; the run does not close it.
	Dest storage.Destination
	// Started is when the run started: the version's name and creation
	// time come from it.
	Started time.Time
}

// Phase names what a run is doing, for progress displays.
type Phase string

// The phases of a run.
const (
	PhasePreparing  Phase = "preparing"  // cleaning leftovers, reading the previous version
	PhaseComparing  Phase = "comparing"  // looking for changes before writing anything
	PhaseUploading  Phase = "uploading"  // scanning, sending and copying files
	PhasePaused     Phase = "paused"     // waiting for the destination's daily limit to reset
	PhaseCommitting Phase = "committing" // writing the manifest and making the version exist
	PhaseRotating   Phase = "rotating"   // deleting old versions
	PhaseDone       Phase = "done"
)

// Progress is a snapshot of a run's counters.
type Progress struct {
	Status        job.Status `json:"status"`
	Phase         Phase      `json:"phase"`
	FilesScanned  int64      `json:"filesScanned"`
	BytesScanned  int64      `json:"bytesScanned"`
	ScanDone      bool       `json:"scanDone"`
	FilesUploaded int64      `json:"filesUploaded"`
	FilesCopied   int64      `json:"filesCopied"`
	FilesFailed   int64      `json:"filesFailed"`
	FilesSkipped  int64      `json:"filesSkipped"`
	BytesUploaded int64      `json:"bytesUploaded"`
	BytesCopied   int64      `json:"bytesCopied"`
	CurrentFile   string     `json:"currentFile"`
	// UploadSpeed is the smoothed rate of bytes sent, in bytes per second.
	UploadSpeed float64 `json:"uploadSpeed"`
	// EstimatedTimeRemaining is in seconds, -1 while unknown (before the
	// scan ends or before anything was sent).
	EstimatedTimeRemaining int64 `json:"estimatedTimeRemaining"`
	// ResumeAt is when a paused run goes on.
	ResumeAt *time.Time `json:"resumeAt,omitempty"`
}

// Timings are where a run's time went. Scan and Transfer overlap (uploads
// start while the scan goes on); Scan leaves out the time the scan waited
// for transfers to take files from a full queue. Hash is the time spent
// hashing summed over all transfers, so it may exceed the wall time. They
// are measured with the real clock, not Options.Now.
type Timings struct {
	Prepare   time.Duration `json:"prepare"`   // leftovers, previous manifest, no-change check
	Scan      time.Duration `json:"scan"`      // walking the source, without waits for the transfers
	Hash      time.Duration `json:"hash"`      // SHA-256 of the files read
	Transfer  time.Duration `json:"transfer"`  // from the first transfer to the last
	Manifest  time.Duration `json:"manifest"`  // encoding the manifest
	Commit    time.Duration `json:"commit"`    // Commit itself
	Retention time.Duration `json:"retention"` // listing and deleting old versions
	Total     time.Duration `json:"total"`
}

// Result is the outcome of a run.
type Result struct {
	Status job.Status `json:"status"`
	// Version is the committed version's name (the remote path); empty when
	// none was made.
	Version string `json:"version,omitempty"`
	// NoChanges is true when the job skips unchanged runs and nothing had
	// changed since the previous version: no version was made.
	NoChanges     bool  `json:"noChanges"`
	FilesScanned  int64 `json:"filesScanned"`  // files selected for the backup
	FilesUploaded int64 `json:"filesUploaded"` // sent
	FilesCopied   int64 `json:"filesCopied"`   // copied server-side or hard-linked from the previous version
	FilesSkipped  int64 `json:"filesSkipped"`  // skipped and listed (symbolic links), or unchanged in a skipped run
	FilesExcluded int64 `json:"filesExcluded"` // files and folders removed by the rules
	FilesFailed   int64 `json:"filesFailed"`
	BytesScanned  int64 `json:"bytesScanned"`
	BytesUploaded int64 `json:"bytesUploaded"`
	BytesCopied   int64 `json:"bytesCopied"`
	// Failures are the first job.MaxFailures failed files and why.
	Failures []job.FileFailure `json:"failures,omitempty"`
	// Skipped are the first job.MaxFailures skipped items and why.
	Skipped      []job.FileFailure `json:"skipped,omitempty"`
	ErrorMessage string            `json:"errorMessage,omitempty"`
	// Deleted are the versions retention removed, newest first.
	Deleted []string `json:"deleted,omitempty"`
	// RetentionError says why retention could not finish; the backup
	// itself succeeded.
	RetentionError string `json:"retentionError,omitempty"`
	// Notes are what the run decided on its own that the person should
	// know (a pause for the destination's daily limit, and why); at most
	// job.MaxNotes.
	Notes   []string `json:"notes,omitempty"`
	Timings Timings  `json:"timings"`
}

// Apply copies the result into a history record: status, counters,
// remote path, error message and failures. It does not set CompletedAt.
func (r *Result) Apply(run *job.Run) {
	run.Status = r.Status
	run.FilesScanned, run.FilesUploaded, run.FilesCopied = r.FilesScanned, r.FilesUploaded, r.FilesCopied
	run.FilesSkipped, run.FilesFailed = r.FilesSkipped, r.FilesFailed
	run.BytesScanned, run.BytesUploaded, run.BytesCopied = r.BytesScanned, r.BytesUploaded, r.BytesCopied
	run.RemotePath = r.Version
	run.ErrorMessage = r.ErrorMessage
	if run.ErrorMessage == "" && r.RetentionError != "" {
		run.ErrorMessage = "backup complete; retention failed: " + r.RetentionError
	}
	run.Failures = append([]job.FileFailure(nil), r.Failures...)
	run.Notes = append([]string(nil), r.Notes...)
}
