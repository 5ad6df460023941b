package service

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/store"
)

// withJobDestination opens the destination of a job for f.
func (s *Service) withJobDestination(ctx context.Context, jobID string, f func(j job.Job, d storage.Destination) error) error {
	j, d, err := s.openJobDestination(ctx, jobID)
	if err != nil {
		return err
	}
	defer d.Close()
	return f(j, d)
}

// openJobDestination opens the destination of a job, as the job sees it;
// the caller closes it.
func (s *Service) openJobDestination(ctx context.Context, jobID string) (job.Job, storage.Destination, error) {
	j, err := s.store.GetJob(jobID)
	if err != nil {
		return job.Job{}, nil, err
	}
	rec, err := s.store.GetDestination(j.DestinationID)
	if err != nil {
		return job.Job{}, nil, err
	}
	dest, err := s.openDestination(ctx, rec)
	if err != nil {
		return job.Job{}, nil, err
	}
	return j, engine.JobDestination(dest, j, s.log), nil
}

// ListVersions returns a job's committed versions, newest first.
func (s *Service) ListVersions(ctx context.Context, jobID string) ([]storage.VersionInfo, error) {
	var out []storage.VersionInfo
	err := s.withJobDestination(ctx, jobID, func(_ job.Job, d storage.Destination) error {
		var err error
		out, err = engine.Versions(ctx, d, jobID)
		return err
	})
	return out, err
}

// JobStorage reports what each of a job's versions holds alone at the
// destination and the job's total there.
func (s *Service) JobStorage(ctx context.Context, jobID string) (engine.Usage, error) {
	var out engine.Usage
	err := s.withJobDestination(ctx, jobID, func(j job.Job, d storage.Destination) error {
		linked, err := s.linkedCopies(j)
		if err != nil {
			return err
		}
		out, err = engine.StorageUsage(ctx, d, jobID, linked)
		return err
	})
	return out, err
}

// linkedCopies reports whether j's full copies share unchanged files
// (hard links on a local folder).
func (s *Service) linkedCopies(j job.Job) (bool, error) {
	rec, err := s.store.GetDestination(j.DestinationID)
	if err != nil {
		return false, err
	}
	return rec.Kind == job.KindLocal, nil
}

// TreeEntry is one file or folder of a version, as its manifest lists it.
type TreeEntry struct {
	Name     string    `json:"name"`
	Path     string    `json:"path"`
	Type     string    `json:"type"` // "directory" or "file"
	Size     int64     `json:"size"` // a folder's: everything under it
	Files    int64     `json:"files,omitempty"`
	Modified time.Time `json:"modified,omitempty"`
}

// ListVersionFiles lists the folder dir ("" for the top) of a version from
// its manifest: folders first, then files, each sorted by name.
func (s *Service) ListVersionFiles(ctx context.Context, jobID, version, dir string) ([]TreeEntry, error) {
	dir = strings.Trim(dir, "/")
	var (
		data   []byte
		key    manifestKey
		listed []TreeEntry
		known  bool // listed before, and kept
	)
	err := s.withJobDestination(ctx, jobID, func(j job.Job, d storage.Destination) error {
		if err := s.ownedVersion(ctx, d, jobID, version); err != nil {
			return err
		}
		key = manifestKey{dest: j.DestinationID, job: jobID, version: version}
		if listed, known = s.manifests.level(key, dir); known {
			return nil
		}
		if cached, ok := s.manifests.get(key); ok {
			data = cached
			return nil
		}
		var err error
		data, err = d.ReadManifest(ctx, version)
		if err == nil {
			s.manifests.put(key, data)
		}
		return err
	})
	if err != nil || known {
		return listed, err
	}
	_, items, err := manifest.ReadDir(data, dir) // only this folder's entries are decoded and held
	if err != nil {
		return nil, fmt.Errorf("the manifest of %s cannot be read: %w", version, err)
	}
	listed = levelOf(items)
	s.manifests.putLevel(key, dir, listed)
	return listed, nil
}

// treeLevel lists the folder dir from a manifest's files and folders (a
// folder with no file below it is listed too, with no size).
func treeLevel(entries []manifest.Entry, dirs []manifest.Folder, dir string) []TreeEntry {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	folders := map[string]*TreeEntry{}
	for _, d := range dirs {
		if rest, ok := strings.CutPrefix(d.Path, prefix); ok && rest != "" && !strings.Contains(rest, "/") {
			folders[rest] = &TreeEntry{Name: rest, Path: d.Path, Type: "directory"}
		}
	}
	var files []TreeEntry
	for _, e := range entries {
		if !strings.HasPrefix(e.Path, prefix) {
			continue
		}
		rest := e.Path[len(prefix):]
		if name, _, isDir := strings.Cut(rest, "/"); isDir {
			f := folders[name]
			if f == nil {
				f = &TreeEntry{Name: name, Path: prefix + name, Type: "directory"}
				folders[name] = f
			}
			f.Size += e.Size
			f.Files++
			continue
		}
		files = append(files, TreeEntry{Name: rest, Path: e.Path, Type: "file", Size: e.Size, Modified: e.MTime})
	}
	out := make([]TreeEntry, 0, len(folders)+len(files))
	for _, f := range folders {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return naturalLess(out[i].Name, out[j].Name) })
	sort.Slice(files, func(i, j int) bool { return naturalLess(files[i].Name, files[j].Name) })
	return append(out, files...)
}

// ownedVersion checks that version is a committed version of jobID.
func (s *Service) ownedVersion(ctx context.Context, d storage.Destination, jobID, version string) error {
	versions, err := engine.Versions(ctx, d, jobID)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if v.Name == version {
			return nil
		}
	}
	return fmt.Errorf("%q is not a version of this job", version)
}

// VerifyVersion checks a version against its manifest (quick: listing and
// hashes the destination keeps; deep: downloads sample files, 0 = all)
// and records the result in the history of the run that made it.
func (s *Service) VerifyVersion(ctx context.Context, jobID, version string, deep bool, sample int) (engine.VerifyReport, error) {
	var rep engine.VerifyReport
	err := s.withJobDestination(ctx, jobID, func(_ job.Job, d storage.Destination) error {
		if err := s.ownedVersion(ctx, d, jobID, version); err != nil {
			return err
		}
		st, _ := s.Settings()
		var err error
		rep, err = engine.Verify(ctx, d, version, engine.VerifyOptions{Deep: deep, Sample: sample, Transfers: st.TransfersPerRun, Now: s.now})
		return err
	})
	if err != nil {
		return rep, err
	}
	s.recordVerify(jobID, version, rep)
	return rep, nil
}

// recordVerify records a verification's result in the history of the run
// that made the version.
func (s *Service) recordVerify(jobID, version string, rep engine.VerifyReport) {
	run, ok := s.runOfVersion(jobID, version)
	if !ok {
		return
	}
	v := rep.VerifyResult
	run.Verify = &v
	if err := s.store.UpdateRun(run); err != nil {
		s.log.Warn("record verify result", "run", run.ID, "err", err)
	}
	s.changed("history")
}

// runOfVersion finds the history entry of the run that made a version.
func (s *Service) runOfVersion(jobID, version string) (job.Run, bool) {
	for off := 0; off < 10000; off += store.MaxHistoryLimit {
		page, err := s.store.ListRuns(store.HistoryFilter{JobID: jobID, Limit: store.MaxHistoryLimit, Offset: off})
		if err != nil || len(page.Items) == 0 {
			return job.Run{}, false
		}
		for _, r := range page.Items {
			if r.RemotePath == version {
				return r, true
			}
		}
	}
	return job.Run{}, false
}

// RestoreRequest says what to restore and where.
type RestoreRequest struct {
	JobID   string `json:"jobId"`
	Version string `json:"version"`
	// Path is a file or folder of the version; "" restores everything.
	Path string `json:"path"`
	// ToDir is an absolute local folder; created when missing.
	ToDir string `json:"toDir"`
	// Overwrite replaces existing files; without it they are refused.
	Overwrite bool `json:"overwrite"`
	// IntoSource allows restoring into the job's own source folder.
	IntoSource bool `json:"intoSource"`
}

// RestoreVersion restores a version, a folder or a file into a local
// folder, checking every file's SHA-256 as it is written.
func (s *Service) RestoreVersion(ctx context.Context, req RestoreRequest) (engine.RestoreResult, error) {
	if !pathIsAbs(req.ToDir) {
		return engine.RestoreResult{}, fmt.Errorf("restore needs an absolute target folder, not %q", req.ToDir)
	}
	var res engine.RestoreResult
	err := s.withJobDestination(ctx, req.JobID, func(j job.Job, d storage.Destination) error {
		if err := s.ownedVersion(ctx, d, req.JobID, req.Version); err != nil {
			return err
		}
		st, _ := s.Settings()
		src, _ := s.sourceDir(st, j.SourcePath) // "" when the NAS is not there: nothing to protect then
		var err error
		res, err = engine.Restore(ctx, d, req.Version, path.Clean("/" + req.Path)[1:], req.ToDir, engine.RestoreOptions{
			Overwrite: req.Overwrite, AllowIntoSource: req.IntoSource, Source: src, Transfers: st.TransfersPerRun,
		})
		return err
	})
	return res, err
}

// PreviewJob reports what a job (saved or a draft) would back up now: a dry
// run that reads no file's content and touches no destination.
func (s *Service) PreviewJob(ctx context.Context, j job.Job) (engine.DryRun, error) {
	st, err := s.Settings()
	if err != nil {
		return engine.DryRun{}, err
	}
	src, err := s.sourceDir(st, j.SourcePath)
	if err != nil {
		return engine.DryRun{}, err
	}
	return engine.Plan(ctx, j, src, engine.PlanOptions{})
}

// RetentionPreview says which of a job's committed versions a retention
// policy would keep and which it would delete, were it applied now.
type RetentionPreview struct {
	Policy   Policy             `json:"policy"`
	Now      time.Time          `json:"now"`
	Versions []RetentionVerdict `json:"versions"` // newest first
	Kept     int                `json:"kept"`
	Deleted  int                `json:"deleted"`
	Frees    int64              `json:"frees"` // bytes the deletions free
}

// PreviewRetention applies the retention policy of j (saved or a draft
// being edited) to the versions j has made at its destination, without
// deleting anything: the same decision a run makes after its commit. A job
// not saved yet has no versions.
func (s *Service) PreviewRetention(ctx context.Context, j job.Job) (RetentionPreview, error) {
	p := j.Retention()
	out := RetentionPreview{Policy: PolicyOf(p), Now: s.now(), Versions: []RetentionVerdict{}}
	if err := p.Validate(); err != nil {
		return RetentionPreview{}, err
	}
	if j.ID == "" || j.DestinationID == "" {
		return out, nil
	}
	rec, err := s.store.GetDestination(j.DestinationID)
	if err != nil {
		return RetentionPreview{}, err
	}
	raw, err := s.openDestination(ctx, rec)
	if err != nil {
		return RetentionPreview{}, err
	}
	defer raw.Close()
	if j.Folder == "" { // a draft: the saved job's folder
		if saved, err := s.store.GetJob(j.ID); err == nil {
			j.Folder = saved.Folder
		}
	}
	dest := engine.JobDestination(raw, j, s.log)
	vs, err := engine.DecideRetention(ctx, dest, j.ID, p, out.Now, nil)
	if err != nil {
		return RetentionPreview{}, err
	}
	if err := engine.RetentionFrees(ctx, dest, vs, rec.Kind == job.KindLocal); err != nil {
		return RetentionPreview{}, err
	}
	out.Versions = ListOf(vs, RetentionVerdictOf)
	for _, v := range vs {
		if v.Keep {
			out.Kept++
		} else {
			out.Deleted++
			out.Frees += v.Frees
		}
	}
	return out, nil
}
