// Package job holds Avault's domain types (credentials, destinations, jobs,
// runs, settings) with their validation, the version name pattern and the
// retention rule. It uses the standard library only, so every other package
// may import it.
//
// Validation here checks one value at a time. Uniqueness of names and
// references between records are checked by the store.
package job

import "time"

// Kind names a destination type. A credential's provider uses the same values.
type Kind string

// The destination kinds.
const (
	KindLocal  Kind = "local"
	KindS3     Kind = "s3"
	KindGDrive Kind = "gdrive"
)

// Kinds lists every destination kind, in the order a person picks them.
var Kinds = []Kind{KindLocal, KindS3, KindGDrive}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// Label returns the kind as a person reads it ("S3", "Google Drive",
// "local folder").
func (k Kind) Label() string {
	switch k {
	case KindLocal:
		return "local folder"
	case KindS3:
		return "S3"
	case KindGDrive:
		return "Google Drive"
	}
	return string(k)
}

// CredentialStatus tells whether a credential still works.
type CredentialStatus string

// The credential statuses.
const (
	CredentialOK     CredentialStatus = "ok"     // last use succeeded, or never used
	CredentialReauth CredentialStatus = "reauth" // the provider refused it; the user must sign in again
)

// Credential is what the frontend may see of a stored credential: its
// sealed secret is kept apart by the store and never travels with it.
// Metadata holds non-secret details for display, such as a masked access
// key id ("AKIA…WXYZ") or the account's e-mail address.
type Credential struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Provider  Kind              `json:"provider"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	Status    CredentialStatus  `json:"status"`
	CreatedAt time.Time         `json:"createdAt"`
	UpdatedAt time.Time         `json:"updatedAt"`
}

// Destination is a place versions are written to: a local folder, an S3
// bucket or a Google Drive (My Drive or a shared drive).
//
// RemoteID is the bucket name (s3), the drive id (gdrive, "root" for My
// Drive) or an absolute folder path (local). FolderPath is an optional
// slash-separated subfolder under it. Options holds kind-specific settings;
// DestinationOptions declares the accepted keys.
type Destination struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Kind         Kind              `json:"kind"`
	CredentialID string            `json:"credentialId,omitempty"`
	RemoteID     string            `json:"remoteId"`
	FolderPath   string            `json:"folderPath,omitempty"`
	Options      map[string]string `json:"options,omitempty"`
	CreatedAt    time.Time         `json:"createdAt"`
	UpdatedAt    time.Time         `json:"updatedAt"`
}

// NoChangePolicy says what a run does when nothing changed since the
// previous complete version.
type NoChangePolicy string

// The no-change policies.
const (
	NoChangeNewVersion NoChangePolicy = "newVersion" // write a new version anyway (server-side copies)
	NoChangeSkip       NoChangePolicy = "skip"       // write nothing; the run ends SUCCESS with filesSkipped
)

// Layout says how a job keeps its versions at the destination.
type Layout string

// The version layouts.
const (
	// LayoutFull makes every version a complete folder of its own; unchanged
	// files are hard links on a disk and server-side copies elsewhere. The
	// default for local folders, where a link costs nothing.
	LayoutFull Layout = "FULL"
	// LayoutCurrentHistory keeps one folder with the newest version and
	// dated history folders with what later runs replaced or deleted: a run
	// costs only what changed. The default for S3 and Google Drive.
	LayoutCurrentHistory Layout = "CURRENT_HISTORY"
)

// Layouts lists the layouts, in the order a person picks them.
var Layouts = []Layout{LayoutCurrentHistory, LayoutFull}

// Label returns the layout as a person reads it.
func (l Layout) Label() string {
	switch l {
	case LayoutFull:
		return "Full copies"
	case LayoutCurrentHistory:
		return "Current + history (changes only)"
	}
	return string(l)
}

// DefaultLayout is the layout a new job on a destination of kind k gets.
func DefaultLayout(k Kind) Layout {
	if k == KindLocal {
		return LayoutFull
	}
	return LayoutCurrentHistory
}

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
type Job struct {
	ID                    string         `json:"id"`
	Name                  string         `json:"name"`
	Description           string         `json:"description,omitempty"`
	SourcePath            string         `json:"sourcePath"`
	DestinationID         string         `json:"destinationId"`
	Schedule              string         `json:"schedule"`
	RetentionType         RetentionType  `json:"retentionType"`
	RetentionCount        int            `json:"retentionCount,omitempty"`
	RetentionDays         int            `json:"retentionDays,omitempty"`
	NamePattern           string         `json:"namePattern"`
	Enabled               bool           `json:"enabled"`
	CatchUp               bool           `json:"catchUp"`
	Incremental           bool           `json:"incremental"`
	VerifyUnchangedByHash bool           `json:"verifyUnchangedByHash"`
	OnNoChange            NoChangePolicy `json:"onNoChange"`
	Includes              []string       `json:"includes,omitempty"`
	Excludes              []string       `json:"excludes,omitempty"`
	UseDefaultExcludes    bool           `json:"useDefaultExcludes"`
	Layout                Layout         `json:"layout,omitempty"`
	Folder                string         `json:"folder,omitempty"`
	LastRunAt             *time.Time     `json:"lastRunAt,omitempty"`
	NextRunAt             *time.Time     `json:"nextRunAt,omitempty"`
	CreatedAt             time.Time      `json:"createdAt"`
	UpdatedAt             time.Time      `json:"updatedAt"`
}

// DefaultNamePattern is the version name a new job gets.
const DefaultNamePattern = "{job}-{datetime}"

// NewJob returns a job with the defaults a new job starts from: enabled,
// daily at 02:00, keeping the newest 7 versions, incremental (unchanged
// files are copied server-side, not uploaded), a new version even when
// nothing changed, and the default excludes (OS clutter such as .DS_Store,
// Thumbs.db, #recycle).
func NewJob() Job {
	return Job{
		Schedule:           "0 2 * * *",
		RetentionType:      RetentionVersionCount,
		RetentionCount:     7,
		NamePattern:        DefaultNamePattern,
		Enabled:            true,
		CatchUp:            true,
		Incremental:        true,
		OnNoChange:         NoChangeNewVersion,
		UseDefaultExcludes: true,
	}
}

// VersionLayout returns the job's layout, LayoutFull when none is set.
func (j *Job) VersionLayout() Layout {
	if j.Layout == "" {
		return LayoutFull
	}
	return j.Layout
}

// Retention returns the job's retention policy.
func (j *Job) Retention() Policy {
	return Policy{Type: j.RetentionType, Count: j.RetentionCount, Days: j.RetentionDays}
}
