package engine

import (
	"context"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/rules"
	"github.com/avault/avault/backend/engine/scan"
	"github.com/avault/avault/backend/job"
)

// PlanSample is how many paths of each kind a DryRun lists.
const PlanSample = 100

// Excluded is a file or folder the rules remove, with the rule that did.
type Excluded struct {
	Path  string `json:"path"`
	IsDir bool   `json:"isDir"`
	Rule  string `json:"rule"`
}

// DryRun is what a job would back up now. Counts cover everything; the
// lists hold the first PlanSample paths of each kind, in path order.
type DryRun struct {
	Files    int64 `json:"files"` // files that would be backed up
	Bytes    int64 `json:"bytes"`
	Excluded int64 `json:"excluded"` // files and folders the rules remove (a folder's content is not counted)
	Skipped  int64 `json:"skipped"`  // reserved names
	Failed   int64 `json:"failed"`   // what a run would list as failed
	Folders  int64 `json:"folders"`  // folders that would be recorded, empty or not
	Symlinks int64 `json:"symlinks"` // symbolic links that would be recorded (never followed)
	// Included are the first files that would be backed up.
	Included      []string          `json:"included,omitempty"`
	ExcludedPaths []Excluded        `json:"excludedPaths,omitempty"`
	SkippedPaths  []job.FileFailure `json:"skippedPaths,omitempty"`
	FailedPaths   []job.FileFailure `json:"failedPaths,omitempty"`
	// SymlinkPaths are the first symbolic links, with their targets.
	SymlinkPaths []Symlink `json:"symlinkPaths,omitempty"`
}

// Symlink is a symbolic link a run would record.
type Symlink struct {
	Path   string `json:"path"`
	Target string `json:"target"` // as stored: escaped when not valid UTF-8
}

// PlanOptions are a dry run's reports.
type PlanOptions struct {
	// OnProgress is told, after each item the walk finds, how many files
	// and bytes would be backed up so far and the path at hand; calls
	// never overlap. nil ignores them.
	OnProgress func(PlanProgress)
}

// PlanProgress is how far a dry run has walked. The walk is the count, so
// there is no total to compare it with.
type PlanProgress struct {
	Files       int64  `json:"files"` // would be backed up, so far
	Bytes       int64  `json:"bytes"`
	CurrentPath string `json:"currentPath"`
}

// Plan walks source (an absolute folder the caller confined to the NAS
// root) with j's rules and reports what a run would back up, without
// touching any destination or reading any file's content. A missing
// source is an error; an empty one plans nothing.
func Plan(ctx context.Context, j job.Job, source string, opts PlanOptions) (DryRun, error) {
	var d DryRun
	m, err := rules.New(j.Includes, j.Excludes, j.UseDefaultExcludes)
	if err != nil {
		return d, err
	}
	root, _, err := openSource(source)
	if err != nil {
		return d, err
	}
	defer root.Close()
	err = scan.Walk(ctx, root, m, func(it *scan.Item) error {
		d.add(it)
		if opts.OnProgress != nil {
			opts.OnProgress(PlanProgress{Files: d.Files, Bytes: d.Bytes, CurrentPath: it.Path})
		}
		return nil
	})
	return d, err
}

// CheckPlan makes the checks Plan makes before it walks: j's rules are
// valid and source is a folder that can be read. It reads no file.
func CheckPlan(j job.Job, source string) error {
	if _, err := rules.New(j.Includes, j.Excludes, j.UseDefaultExcludes); err != nil {
		return err
	}
	root, _, err := openSource(source)
	if err != nil {
		return err
	}
	return root.Close()
}

func (d *DryRun) add(it *scan.Item) {
	switch it.Kind {
	case scan.Dir:
		d.Folders++
	case scan.Symlink:
		d.Symlinks++
		if len(d.SymlinkPaths) < PlanSample {
			d.SymlinkPaths = append(d.SymlinkPaths, Symlink{Path: it.Path, Target: manifest.EscapeName(it.Target)})
		}
	case scan.File:
		d.Files++
		d.Bytes += it.Size
		if len(d.Included) < PlanSample {
			d.Included = append(d.Included, it.Path)
		}
	case scan.Excluded:
		d.Excluded++
		if len(d.ExcludedPaths) < PlanSample {
			d.ExcludedPaths = append(d.ExcludedPaths, Excluded{Path: it.Path, IsDir: it.IsDir, Rule: it.Reason})
		}
	case scan.Skipped:
		d.Skipped++
		if len(d.SkippedPaths) < PlanSample {
			d.SkippedPaths = append(d.SkippedPaths, job.FileFailure{Path: it.Path, Reason: it.Reason})
		}
	default:
		d.Failed++
		if len(d.FailedPaths) < PlanSample {
			d.FailedPaths = append(d.FailedPaths, job.FileFailure{Path: it.Path, Reason: it.Reason})
		}
	}
}
