package area

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// Repair puts current/ back to the newest version when a run or a delete
// did not finish (run.json is there), and removes the remains of
// unfinished runs and deletes (manifests without a commit record, with
// their history folders). It reports whether anything needed repair.
func (a *Area) Repair(ctx context.Context) (bool, error) {
	st, err := a.State(ctx)
	if err != nil {
		return false, err
	}
	repaired := false
	if len(st.Orphans) > 0 {
		defer a.forget()
	}
	for _, name := range st.Orphans {
		if err := a.dropOrphan(ctx, name); err != nil {
			return repaired, err
		}
		a.log.Info("removed the remains of an unfinished version", "version", name)
		repaired = true
	}
	var rec runRecord
	switch err := a.readJSON(ctx, a.path(runFile), &rec); {
	case errors.Is(err, storage.ErrNotFound):
		return repaired, nil
	case err != nil:
		a.log.Warn("the run mark cannot be read; checking current/", "error", err)
	}
	a.log.Info("an earlier run or delete did not finish; putting current/ back to the newest version", "run", rec.RunID, "doing", rec.Doing)
	if err := a.reconcile(ctx, st.Newest()); err != nil {
		return true, fmt.Errorf("putting the current folder back to the newest version: %w", err)
	}
	return true, a.deleteIfThere(ctx, a.path(runFile))
}

// dropOrphan removes the history folder and then the manifest of a
// version that has no commit record.
func (a *Area) dropOrphan(ctx context.Context, name string) error {
	if err := a.deleteAll(ctx, a.historyDir(name)); err != nil {
		return err
	}
	return a.deleteIfThere(ctx, a.manifestPath(name))
}

// deleteAll deletes every file below dir.
func (a *Area) deleteAll(ctx context.Context, dir string) error {
	files, err := a.list(ctx, dir)
	if err != nil {
		return err
	}
	for p := range files {
		if err := a.deleteIfThere(ctx, join(dir, p)); err != nil {
			return err
		}
	}
	return nil
}

// reconcile makes current/ hold exactly the version v (nothing when v is
// nil): what v's history folder holds goes back into current/, replacing
// what a later, unfinished run put there, and files v does not have are
// deleted. The deletes come first, so that a full destination has room for
// the moves (on S3 a move is a copy for a moment). Files of v missing from
// both places are logged: nothing can bring them back.
func (a *Area) reconcile(ctx context.Context, v *Version) error {
	if v == nil {
		return a.deleteAll(ctx, a.currentDir())
	}
	moved, err := a.list(ctx, a.historyDir(v.Name))
	if err != nil {
		return err
	}
	cur, err := a.list(ctx, a.currentDir())
	if err != nil {
		return err
	}
	extra, missing, err := a.compare(ctx, v.Name, cur, moved)
	if err != nil {
		return err
	}
	for p := range moved {
		if _, ok := cur[p]; ok {
			extra = append(extra, p) // a later run's bytes where v's come back
		}
	}
	for _, p := range extra {
		if err := a.deleteIfThere(ctx, a.path(CurrentDir, p)); err != nil {
			return err
		}
	}
	for p := range moved {
		if err := a.f.Move(ctx, join(a.historyDir(v.Name), p), a.path(CurrentDir, p)); err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
	}
	if len(missing) > 0 {
		a.log.Warn("files of the newest version are missing at the destination", "version", v.Name, "count", len(missing), "first", missing[0])
	}
	return nil
}

// compare walks v's manifest alongside the paths in cur and back (what
// comes back from history): extra are in cur but not in v, missing in v
// but in neither.
func (a *Area) compare(ctx context.Context, name string, cur, back map[string]storage.FileInfo) (extra, missing []string, err error) {
	data, err := a.ReadManifest(ctx, name)
	if err != nil {
		return nil, nil, fmt.Errorf("the manifest of %s: %w", name, err)
	}
	mr, err := manifest.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	seen := make(map[string]bool, len(cur))
	for {
		e, err := mr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		_, inCur := cur[e.Path]
		_, inBack := back[e.Path]
		switch {
		case inCur:
			seen[e.Path] = true
		case !inBack:
			missing = append(missing, e.Path)
		}
	}
	for p := range cur {
		if !seen[p] {
			extra = append(extra, p)
		}
	}
	slices.Sort(extra)
	return extra, missing, nil
}

// mark writes run.json for something other than a backup.
func (a *Area) mark(ctx context.Context, doing string) error {
	return a.writeJSON(ctx, a.path(runFile), runRecord{Format: format, Doing: doing, Started: time.Now().UTC()})
}
