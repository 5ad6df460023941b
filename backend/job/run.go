package job

import "time"

// Status is the state of a run. A run moves PENDING → RUNNING → UPLOADING →
// ROTATING and ends in one of the final statuses.
type Status string

// The run statuses.
const (
	StatusPending        Status = "PENDING"
	StatusRunning        Status = "RUNNING"
	StatusUploading      Status = "UPLOADING"
	StatusRotating       Status = "ROTATING"
	StatusSuccess        Status = "SUCCESS"
	StatusPartialSuccess Status = "PARTIAL_SUCCESS"
	StatusFailed         Status = "FAILED"
	StatusCancelled      Status = "CANCELLED"
)

// Statuses lists every status, the active ones first.
var Statuses = []Status{
	StatusPending, StatusRunning, StatusUploading, StatusRotating,
	StatusSuccess, StatusPartialSuccess, StatusFailed, StatusCancelled,
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, known := range Statuses {
		if s == known {
			return true
		}
	}
	return false
}

// IsFinal reports whether a run in status s has ended and will not change
// status again.
func (s Status) IsFinal() bool {
	switch s {
	case StatusSuccess, StatusPartialSuccess, StatusFailed, StatusCancelled:
		return true
	}
	return false
}

// Trigger says what started a run.
type Trigger string

// The triggers.
const (
	TriggerSchedule Trigger = "schedule"
	TriggerCatchUp  Trigger = "catchup" // a scheduled time missed while the machine slept or Avault was closed
	TriggerManual   Trigger = "manual"  // the Run button in the window
	TriggerTray     Trigger = "tray"
	TriggerCLI      Trigger = "cli"
)

// Triggers lists every trigger.
var Triggers = []Trigger{TriggerSchedule, TriggerCatchUp, TriggerManual, TriggerTray, TriggerCLI}

// Valid reports whether t is one of Triggers.
func (t Trigger) Valid() bool {
	for _, known := range Triggers {
		if t == known {
			return true
		}
	}
	return false
}

// MaxFailures is how many file failures a run keeps in Failures; FilesFailed
// counts them all.
const MaxFailures = 100

// MaxNotes is how many notes a run keeps.
const MaxNotes = 20

// FileFailure is one file a run could not back up, and why.
type FileFailure struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// VerifyResult is the outcome of checking a version against its manifest.
// Mode is "quick" (sizes and the destination's own hashes) or "full"
// (every file read back and hashed).
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
	// spam, read with acknowledgeAbuse); at most MaxNotes.
	Notes []string `json:"notes,omitempty"`
}

// OK reports whether the verification found every file intact.
func (v *VerifyResult) OK() bool {
	return v.ErrorMessage == "" && v.Missing == 0 && v.Mismatched == 0
}

// Run is one execution of a job, as history shows it. JobName is copied
// from the job when the run starts, so the history of a deleted job
// (JobDeleted) still reads well.
type Run struct {
	ID            string        `json:"id"`
	JobID         string        `json:"jobId"`
	JobName       string        `json:"jobName"`
	JobDeleted    bool          `json:"jobDeleted,omitempty"`
	Status        Status        `json:"status"`
	Trigger       Trigger       `json:"trigger"`
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

// HistoryEntry is the name the reference design gives a run in history.
type HistoryEntry = Run

// AddFailure counts a file that could not be backed up and keeps its path
// and reason while fewer than MaxFailures are kept.
func (r *Run) AddFailure(path, reason string) {
	r.FilesFailed++
	if len(r.Failures) < MaxFailures {
		r.Failures = append(r.Failures, FileFailure{Path: path, Reason: reason})
	}
}

// Finish sets a final status and the completion time. A run that ended
// with some failed files but no error is PARTIAL_SUCCESS when status is
// SUCCESS.
func (r *Run) Finish(status Status, at time.Time, errMsg string) {
	if status == StatusSuccess && r.FilesFailed > 0 {
		status = StatusPartialSuccess
	}
	r.Status = status
	r.ErrorMessage = errMsg
	r.CompletedAt = &at
}
