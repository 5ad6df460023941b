package area

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// runRecord is the content of run.json: a run or a delete is changing
// current/, which may not equal the newest version until it ends.
type runRecord struct {
	Format  int       `json:"format"`
	RunID   string    `json:"runId,omitempty"`
	Version string    `json:"version,omitempty"`
	Base    string    `json:"base,omitempty"`
	Doing   string    `json:"doing"`
	Started time.Time `json:"started"`
}

// Run is a version being made. Put, Replace, Remove and CopyIn may be
// called concurrently, each path once.
type Run struct {
	a     *Area
	name  string
	owner storage.Owner
	base  *Version
	gen   int64

	mu      sync.Mutex
	added   []string        // put or copied into current/
	moved   []string        // moved from current/ into base's history folder
	gone    map[string]bool // the same, to move each path once
	changed bool            // anything was changed at all
}

// Begin starts the version name on top of the area's newest version. The
// folder is claimed for the job first (refused when it holds anything
// else); then run.json is written, before anything in current/ changes.
// Repair must have run before (a run's prepare does it).
func (a *Area) Begin(ctx context.Context, name string, owner storage.Owner, jobName string) (*Run, error) {
	if err := storage.ValidateName(name); err != nil {
		return nil, err
	}
	if err := a.claim(ctx, jobName); err != nil {
		return nil, err
	}
	st, err := a.State(ctx)
	if err != nil {
		return nil, err
	}
	if st.Find(name) != nil || slices.Contains(st.Orphans, name) {
		return nil, storage.NewError(storage.ErrExists, fmt.Sprintf("version %s already exists in %s", name, a.folder), nil)
	}
	r := &Run{a: a, name: name, owner: owner, gen: 1, gone: map[string]bool{}}
	if b := st.Newest(); b != nil {
		base := *b
		r.base, r.gen = &base, b.Gen+1
	}
	rec := runRecord{Format: format, RunID: owner.RunID, Version: name, Doing: "backup", Started: time.Now().UTC()}
	if r.base != nil {
		rec.Base = r.base.Name
	}
	if err := a.writeJSON(ctx, a.path(runFile), rec); err != nil {
		return nil, err
	}
	return r, nil
}

// Name returns the version's name.
func (r *Run) Name() string { return r.name }

// Base returns the version the run builds on, or nil.
func (r *Run) Base() *Version { return r.base }

// Gen returns the version's generation number.
func (r *Run) Gen() int64 { return r.gen }

// Put stores a file that the base version does not have into current/.
func (r *Run) Put(ctx context.Context, p string, rd io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	r.note(p, &r.added)
	return r.a.f.Put(ctx, r.a.path(CurrentDir, p), rd, size, progress)
}

// Replace moves the base version's copy of p into its history folder,
// then stores the new content in current/.
func (r *Run) Replace(ctx context.Context, p string, rd io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if err := r.Remove(ctx, p); err != nil {
		return storage.PutResult{}, err
	}
	r.note(p, &r.added)
	return r.a.f.Put(ctx, r.a.path(CurrentDir, p), rd, size, progress)
}

// Remove moves the base version's copy of p, which the new version does
// not have, into the base's history folder. A copy that is not there
// (taken away by hand) is logged and passed over.
func (r *Run) Remove(ctx context.Context, p string) error {
	if r.base == nil {
		return nil
	}
	r.mu.Lock()
	again := r.gone[p]
	r.mu.Unlock()
	if again {
		// Tried before (a file that changed while read): the base's copy is
		// in history already, and current/p holds what this run put there.
		return nil
	}
	r.note(p, &r.moved)
	err := r.a.f.Move(ctx, r.a.path(CurrentDir, p), join(r.a.historyDir(r.base.Name), p))
	if err == nil || errors.Is(err, storage.ErrNotFound) {
		r.mu.Lock()
		r.gone[p] = true
		r.mu.Unlock()
	}
	if errors.Is(err, storage.ErrNotFound) {
		r.a.log.Warn("a file of the newest version is missing from current/; it cannot be kept in history", "version", r.base.Name, "path", p)
		return nil
	}
	return err
}

// CopyIn copies a file from elsewhere at the destination (a full-copy
// version's file, root-relative) into current/, where the base version
// does not have it.
func (r *Run) CopyIn(ctx context.Context, from, p string) (storage.PutResult, error) {
	r.note(p, &r.added)
	return r.a.f.Copy(ctx, from, r.a.path(CurrentDir, p))
}

func (r *Run) note(p string, list *[]string) {
	r.mu.Lock()
	*list = append(*list, p)
	r.changed = true
	r.mu.Unlock()
}

// Commit stores the manifest, then the commit record, which makes the
// version exist, then removes run.json. Calling it again after it
// succeeded returns nil.
func (r *Run) Commit(ctx context.Context, data []byte, info storage.VersionInfo) error {
	defer r.a.forget()
	var got record
	if err := r.a.readJSON(ctx, r.a.recordPath(r.name), &got); err == nil {
		if got.Version.Owner == r.owner {
			return nil
		}
		return storage.NewError(storage.ErrExists, fmt.Sprintf("version %s already exists in %s", r.name, r.a.folder), nil)
	}
	if err := r.a.sync(ctx); err != nil {
		return err
	}
	if err := r.a.write(ctx, r.a.manifestPath(r.name), data); err != nil {
		return err
	}
	if err := r.a.sync(ctx); err != nil {
		return err
	}
	info.Name = r.name
	rec := record{Format: format, Layout: manifest.LayoutCurrentHistory, Version: info, Gen: r.gen}
	if r.base != nil {
		rec.Base = r.base.Name
	}
	if err := r.a.writeJSON(ctx, r.a.recordPath(r.name), rec); err != nil {
		return err
	}
	if err := r.a.sync(ctx); err != nil {
		return err
	}
	if err := r.a.deleteIfThere(ctx, r.a.path(runFile)); err != nil {
		r.a.log.Warn("the version is committed but its run mark stays; the next run checks current/", "error", err)
	}
	return nil
}

// Abort undoes what the run changed in current/, so that it holds the base
// version again, and removes run.json. What it cannot undo in time stays
// marked, and the next run repairs it.
func (r *Run) Abort(ctx context.Context) error {
	r.mu.Lock()
	added, moved, changed := r.added, r.moved, r.changed
	r.mu.Unlock()
	if changed {
		if err := r.undo(ctx, added, moved); err != nil {
			return err
		}
	}
	return r.a.deleteIfThere(ctx, r.a.path(runFile))
}

// undo deletes what was added, then moves back what was moved away: the
// deletes come first, so that a destination that is full (S3, where a
// move is a copy for a moment) has room for the moves.
func (r *Run) undo(ctx context.Context, added, moved []string) error {
	for _, p := range added {
		if err := r.a.deleteIfThere(ctx, r.a.path(CurrentDir, p)); err != nil {
			return err
		}
	}
	for _, p := range moved {
		err := r.a.f.Move(ctx, join(r.a.historyDir(r.base.Name), p), r.a.path(CurrentDir, p))
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	return nil
}
