package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/rules"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// maxNameTries bounds the numeric suffixes tried for a taken version name.
const maxNameTries = 1000

// previous is the job's newest committed version and its manifest.
type previous struct {
	info storage.VersionInfo
	// manifest is its manifest, in a temporary file when it is big, so
	// that a run's memory does not grow with the previous version's files.
	manifest *manifest.Spill
	// base is set when it is the version the job's current folder holds
	// (a current+history run compares with it and keeps what is unchanged
	// in place); otherwise unchanged files are copied from it.
	base bool
}

// prepare checks the source, compiles the rules, removes this job's
// leftovers and reads the previous version's manifest.
func (r *runner) prepare(ctx context.Context) error {
	if err := r.openSource(); err != nil {
		return err
	}
	m, err := rules.New(r.req.Job.Includes, r.req.Job.Excludes, r.req.Job.UseDefaultExcludes)
	if err != nil {
		return failf(err, "the job's rules are invalid: %v", err)
	}
	r.rules = m
	if err := r.cleanLeftovers(ctx); err != nil {
		return err
	}
	ch, err := r.currentHistory()
	if err != nil {
		return err
	}
	if r.area != nil {
		if _, err := r.area.Repair(ctx); err != nil {
			return err
		}
	}
	if err := r.checkItemLimit(ctx); err != nil {
		return err
	}
	if ch {
		err = r.loadBase(ctx)
	} else {
		err = r.loadPrevious(ctx)
	}
	if r.prev != nil && r.prev.manifest.OnDisk() {
		// The manifest was read whole and is garbage now that it is in a
		// temporary file. Collected now, it does not set the heap's next
		// goal (twice what is live) to twice its size for the whole run.
		runtime.GC()
	}
	return err
}

// openSource opens the source folder and refuses a missing, non-folder or
// empty one: that is what an unmounted NAS share looks like.
func (r *runner) openSource() error {
	root, empty, err := openSource(r.req.Source)
	if err != nil {
		return err
	}
	r.src = root
	r.fast = newBeneath(r.req.Source)
	if empty {
		return failf(nil, "the source folder %s is empty (is the NAS share mounted?); nothing was backed up", r.req.Source)
	}
	return nil
}

// openSource opens the folder src as an os.Root and reports whether it is
// empty. A missing folder or a file is an error.
func openSource(src string) (root *os.Root, empty bool, err error) {
	info, err := os.Stat(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, failf(err, "the source folder %s does not exist (is the NAS share mounted?)", src)
	case err != nil:
		return nil, false, failf(err, "the source folder %s cannot be read: %v", src, err)
	case !info.IsDir():
		return nil, false, failf(nil, "the source %s is not a folder", src)
	}
	root, err = os.OpenRoot(src)
	if err != nil {
		return nil, false, failf(err, "the source folder %s cannot be read: %v", src, err)
	}
	f, err := root.Open(".")
	if err == nil {
		empty, err = isEmptyDir(f)
		f.Close()
	}
	if err != nil {
		root.Close()
		return nil, false, failf(err, "the source folder %s cannot be read: %v", src, err)
	}
	return root, empty, nil
}

// sourceStillThere fails the run when its source was taken away while the
// run read it: the path no longer leads to the folder the run opened (the
// NAS share was unmounted, or the folder moved), or that folder is now
// empty. What was read would otherwise be committed as a complete version,
// and retention would then delete complete older ones.
func (r *runner) sourceStillThere() error {
	now, err := os.Stat(r.req.Source)
	if err == nil {
		var opened fs.FileInfo
		if opened, err = r.src.Stat("."); err == nil && !os.SameFile(now, opened) {
			err = errors.New("the path leads to another folder now")
		}
	}
	if err != nil {
		return failf(err, "the source folder %s went away during the run (was the NAS share unmounted?); no version was kept and no old version deleted", r.req.Source)
	}
	f, err := r.src.Open(".")
	empty := false
	if err == nil {
		empty, err = isEmptyDir(f)
		f.Close()
	}
	if err != nil || empty {
		return failf(err, "the source folder %s was emptied during the run (was the NAS share unmounted?); no version was kept and no old version deleted", r.req.Source)
	}
	return nil
}

// cleanLeftovers removes the pending places of this job's interrupted
// runs, and no one else's. A failure to delete one is logged; a failure to
// list them means the destination cannot be used.
func (r *runner) cleanLeftovers(ctx context.Context) error {
	left, err := r.req.Dest.ListLeftovers(ctx)
	if err != nil {
		return err
	}
	for _, l := range left {
		if l.Owner.JobID != r.req.Job.ID || l.Owner.JobID == "" {
			continue
		}
		if err := r.req.Dest.DeleteLeftover(ctx, l.Name); err != nil && !errors.Is(err, storage.ErrNotFound) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.log.Warn("could not remove an unfinished version of an earlier run", "version", l.Name, "error", err)
			continue
		}
		r.log.Info("removed an unfinished version of an earlier run", "version", l.Name, "run", l.Owner.RunID)
	}
	return nil
}

// loadPrevious finds the job's newest committed version, by its commit
// record's creation time, and reads its manifest when the run needs it. An
// unreadable manifest only makes the run upload everything.
func (r *runner) loadPrevious(ctx context.Context) error {
	j := &r.req.Job
	if !j.Incremental && j.OnNoChange != job.NoChangeSkip {
		return nil
	}
	versions, err := Versions(ctx, r.req.Dest, j.ID)
	if err != nil || len(versions) == 0 {
		return err
	}
	newest := versions[0]
	data, err := r.req.Dest.ReadManifest(ctx, newest.Name)
	if err == nil {
		_, err = manifest.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errors.Is(err, storage.ErrNotFound) && !errors.Is(err, manifest.ErrFormat) {
			return err
		}
		r.log.Warn("the previous version's manifest cannot be read; every file is uploaded", "version", newest.Name, "error", err)
		return nil
	}
	spilled, err := spill(data)
	if err != nil {
		return err
	}
	r.prev = &previous{info: newest, manifest: spilled}
	return nil
}

// spill moves a manifest read whole into a Spill: into a temporary file
// when it is big, so that it does not stay in memory for the whole run.
func spill(data []byte) (*manifest.Spill, error) {
	s := manifest.NewSpill("")
	if _, err := s.Write(data); err != nil {
		s.Close()
		return nil, fmt.Errorf("cannot keep the previous version's manifest in a temporary file: %w", err)
	}
	return s, nil
}

// close removes the previous manifest's temporary file.
func (p *previous) close() {
	if p != nil && p.manifest != nil {
		p.manifest.Close()
	}
}

// begin creates the pending place under the job's rendered name, or the
// first free name with a numeric suffix ("-2", "-3"...): an existing
// version is never overwritten.
func (r *runner) begin(ctx context.Context) error {
	j := &r.req.Job
	base, err := job.Render(j.NamePattern, j.Name, r.req.Started)
	if err != nil {
		return failf(err, "the job's name pattern is invalid: %v", err)
	}
	taken, err := r.takenNames(ctx)
	if err != nil {
		return err
	}
	for i := 1; i <= maxNameTries; i++ {
		name := base
		if i > 1 {
			name = base + "-" + strconv.Itoa(i)
		}
		if taken[name] {
			continue
		}
		var err error
		if ch, _ := r.currentHistory(); ch {
			err = r.beginRun(ctx, name)
		} else {
			err = r.beginFull(ctx, name)
		}
		if errors.Is(err, storage.ErrExists) {
			continue
		}
		return err
	}
	return failf(nil, "no free version name: %s and %d numbered variants are taken", base, maxNameTries-1)
}

// beginFull creates the pending place of a full-copy version.
func (r *runner) beginFull(ctx context.Context, name string) error {
	p, err := r.req.Dest.Begin(ctx, name, r.owner)
	if err != nil {
		return err
	}
	r.pending, r.mw = p, manifest.NewWriter()
	r.copier, _ = p.(storage.Copier)
	return nil
}

// takenNames returns the names of every version and leftover, of every
// owner, at the destination.
func (r *runner) takenNames(ctx context.Context) (map[string]bool, error) {
	versions, err := r.req.Dest.ListVersions(ctx)
	if err != nil {
		return nil, err
	}
	left, err := r.req.Dest.ListLeftovers(ctx)
	if err != nil {
		return nil, err
	}
	taken := make(map[string]bool, len(versions)+len(left))
	for _, v := range versions {
		taken[v.Name] = true
	}
	for _, l := range left {
		taken[l.Name] = true
	}
	return taken, nil
}
