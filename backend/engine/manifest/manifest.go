// Package manifest reads and writes a version's manifest: the list of
// files a backup stored, with size, modification time, mode, SHA-256 and
// the destination's own hash, which incremental runs, verify and restore
// trust.
//
// A manifest is one gzip-compressed JSON document: the header's fields,
// then "entries", an array with one file per line, sorted by path in
// Compare's order (the order a depth-first walk of sorted folders visits
// them), so that a run can compare its scan with the previous manifest as
// two streams:
//
//	{"formatVersion":1,"jobId":"j1","jobName":"Photos","runId":"r1",
//	 "version":"Photos-2026-01-12_02-00-00","created":"2026-01-12T02:00:00Z",
//	 "source":"/mnt/nas/photos","files":2,"bytes":7,"filesFailed":0,
//	 "filesSkipped":0,"bytesUploaded":3,"bytesCopied":4,"entries":[
//	{"path":"a.txt","size":3,"mtime":"2026-01-11T10:00:00.123456789Z","mode":420,"sha256":"ba78…"},
//	{"path":"b/c.txt","size":4,"mtime":"…","mode":420,"sha256":"…","destHash":{"algo":"md5","value":"…"},"copiedFrom":"Photos-2026-01-11_02-00-00"}
//	]}
//
// The header is its own gzip member, written last but placed first, so
// that the entries can be compressed while the run goes on. Readers see
// one stream (gzip readers concatenate members, as gunzip does).
//
// After "entries" come, when the version has any, "folders" (every folder,
// empty or not, with its modification time and mode) and "symlinks"
// (every symbolic link with its target text), each sorted the same way.
// Readers written before they existed skip them. A name that is not valid
// UTF-8 is stored as EscapeName of it, with its bytes in a "raw" field.
//
// Memory: the writer compresses as entries come, about 45 to 90 bytes per
// file (the SHA-256 does not compress), and keeps more than SpillAt of
// them in a temporary file (Spill), so that a run of a million files does
// not hold them; Finish returns the manifest in one slice of its exact
// size. The reader holds one entry at a time plus its input, which may be
// a Spill's file too; the folders and links, read at the end, are held
// whole (a tree has far fewer of them than files).
package manifest

import (
	"strings"
	"time"

	"github.com/avault/avault/backend/storage"
)

// FormatVersion is the manifest format this package writes. Readers refuse
// a newer one.
const FormatVersion = 1

// Header describes the version a manifest belongs to.
type Header struct {
	FormatVersion int       `json:"formatVersion"`
	JobID         string    `json:"jobId"`
	JobName       string    `json:"jobName"`
	RunID         string    `json:"runId"`
	Version       string    `json:"version"`
	Created       time.Time `json:"created"`
	Source        string    `json:"source"`
	Files         int64     `json:"files"` // entries in the manifest
	Bytes         int64     `json:"bytes"` // sum of their sizes
	FilesFailed   int64     `json:"filesFailed"`
	FilesSkipped  int64     `json:"filesSkipped"`
	BytesUploaded int64     `json:"bytesUploaded"`
	BytesCopied   int64     `json:"bytesCopied"`
	// Layout is LayoutCurrentHistory for a version of the "current +
	// history" layout, empty for a full copy.
	Layout string `json:"layout,omitempty"`
	// Gen numbers a job's current+history versions in the order they were
	// made (1, 2, ...); Base is the version the run started from (the one
	// the current folder held), empty for the first.
	Gen  int64  `json:"gen,omitempty"`
	Base string `json:"base,omitempty"`
	// Folders and Symlinks count the manifest's "folders" and "symlinks"
	// (zero, and absent, in manifests written before they were kept).
	Folders  int64 `json:"folders,omitempty"`
	Symlinks int64 `json:"symlinks,omitempty"`
}

// LayoutCurrentHistory is Header.Layout for a version kept as one current
// folder plus history folders (see package area).
const LayoutCurrentHistory = "current+history"

// Entry is one stored file.
type Entry struct {
	Path       string        `json:"path"` // slash-separated, relative to the source and the version
	Size       int64         `json:"size"`
	MTime      time.Time     `json:"mtime"` // RFC 3339 with nanoseconds, UTC
	Mode       uint32        `json:"mode"`  // permission bits (fs.FileMode.Perm)
	SHA256     string        `json:"sha256"`
	DestHash   *storage.Hash `json:"destHash,omitempty"`   // the destination's own hash, when it differs from sha256
	CopiedFrom string        `json:"copiedFrom,omitempty"` // the version it was copied from server-side
	// Since, in a current+history version, is the version whose run
	// stored these bytes; later versions that kept the file unchanged
	// name the same one.
	Since string `json:"since,omitempty"`
	// Raw, when the source's name is not valid UTF-8, is the original
	// bytes of the path in base64; Path is then EscapeName of them.
	Raw string `json:"raw,omitempty"`
	// HardLink names an earlier entry of the same version that is the
	// same file on the source (a hard link): a restore links the two
	// again where the target folder allows.
	HardLink string `json:"hardLink,omitempty"`
}

// Folder is one folder of the source, empty or not.
type Folder struct {
	Path  string    `json:"path"`
	MTime time.Time `json:"mtime"`
	Mode  uint32    `json:"mode"`          // permission bits
	Raw   string    `json:"raw,omitempty"` // as Entry.Raw
}

// Symlink is one symbolic link of the source, recorded and never
// followed.
type Symlink struct {
	Path   string    `json:"path"`
	Target string    `json:"target"` // the link's text; EscapeName of it when not valid UTF-8
	MTime  time.Time `json:"mtime"`
	Raw    string    `json:"raw,omitempty"` // as Entry.Raw
	// TargetRaw is the target's bytes in base64 when they are not valid
	// UTF-8.
	TargetRaw string `json:"targetRaw,omitempty"`
}

// SourcePath is the entry's path as the source names it (its raw bytes).
func (e *Entry) SourcePath() string { return SourcePath(e.Path, e.Raw) }

// SourcePath is the folder's path as the source names it.
func (f *Folder) SourcePath() string { return SourcePath(f.Path, f.Raw) }

// SourcePath is the link's path as the source names it.
func (l *Symlink) SourcePath() string { return SourcePath(l.Path, l.Raw) }

// SourceTarget is the link's target as the source holds it.
func (l *Symlink) SourceTarget() string { return SourcePath(l.Target, l.TargetRaw) }

// Same reports whether e and o describe the same file content as a scan
// sees it: same path, size, modification time and mode.
func (e *Entry) Same(o *Entry) bool {
	return e.Path == o.Path && e.Size == o.Size && e.MTime.Equal(o.MTime) && e.Mode == o.Mode
}

// Compare orders paths the way a depth-first walk of folders whose entries
// are sorted by name visits them: byte by byte, except that "/" sorts
// before every other byte, so that "a/b" comes before "a.b". It returns
// -1, 0 or +1.
func Compare(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		switch {
		case ca == '/':
			return -1
		case cb == '/':
			return 1
		case ca < cb:
			return -1
		}
		return 1
	}
	return strings.Compare(a[n:], b[n:])
}
