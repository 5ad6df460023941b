package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// RetentionVerdict is retention's decision on one committed version
// (job.Decision), with what its commit record says of it.
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

// DecideRetention judges the committed versions that job jobID made at
// dest under policy p at now, newest first, with job.Decide: it is what a
// run's rotation acts on and what a preview shows. Only this job's
// committed versions are judged, by the creation time in their commit
// records. The newest version without failed files is found by reading
// manifest headers, newest first, until one is clean; clean, when not nil,
// answers first for versions it knows (the run's own, not yet read back).
// A manifest that cannot be read counts as not clean.
func DecideRetention(ctx context.Context, dest storage.Destination, jobID string, p job.Policy, now time.Time, clean map[string]bool) ([]RetentionVerdict, error) {
	versions, err := Versions(ctx, dest, jobID) // newest first, the order Decide uses
	if err != nil {
		return nil, err
	}
	refs := make([]job.VersionRef, len(versions))
	info := make(map[string]storage.VersionInfo, len(versions))
	found := false
	for i, v := range versions {
		refs[i] = job.VersionRef{Name: v.Name, Created: v.Created}
		info[v.Name] = v
		if !found {
			refs[i].Clean = versionClean(ctx, dest, v.Name, clean)
			found = refs[i].Clean
		}
	}
	ds := job.Decide(refs, p, now)
	out := make([]RetentionVerdict, len(ds))
	for i, d := range ds {
		v := info[d.Name]
		out[i] = RetentionVerdict{Name: d.Name, Created: d.Created, Files: v.Files, Bytes: v.Bytes, Keep: d.Keep, Reason: d.Reason}
	}
	return out, nil
}

// versionClean reports whether a version was made without failed files:
// from known when it has the version, else from its manifest's header.
func versionClean(ctx context.Context, dest storage.Destination, name string, known map[string]bool) bool {
	if c, ok := known[name]; ok {
		return c
	}
	data, err := dest.ReadManifest(ctx, name)
	if err != nil {
		return false
	}
	h, err := manifest.ReadHeader(data)
	return err == nil && h.FilesFailed == 0
}

// rotate applies the job's retention to its committed versions, now that
// the new one exists. It never deletes the version just made, nor the
// newest version without failed files, nor anything that is not a
// committed version of this job. Problems are reported in the result; the
// backup itself stands.
func (r *runner) rotate(ctx context.Context) {
	start := time.Now()
	defer func() { r.res.Timings.Retention = time.Since(start) }()
	own := map[string]bool{r.res.Version: r.c.filesFailed.Load() == 0}
	verdicts, err := DecideRetention(ctx, r.req.Dest, r.req.Job.ID, r.req.Job.Retention(), r.o.Now(), own)
	if err != nil {
		r.res.RetentionError = "could not list the versions to apply retention: " + err.Error()
		return
	}
	var problems []string
	// Oldest first: in the current+history layout, deleting a version
	// hands the history files an older kept version needs to that version,
	// so going from old to new moves nothing twice.
	for i := len(verdicts) - 1; i >= 0; i-- {
		v := verdicts[i]
		if v.Keep || v.Name == r.res.Version {
			continue
		}
		if err := r.req.Dest.DeleteVersion(ctx, v.Name); err != nil && !errors.Is(err, storage.ErrNotFound) {
			problems = append(problems, v.Name+": "+err.Error())
			continue
		}
		r.res.Deleted = append([]string{v.Name}, r.res.Deleted...)
		r.log.Info("deleted an old version", "version", v.Name)
	}
	if len(problems) > 0 {
		r.res.RetentionError = "could not delete old versions: " + strings.Join(problems, "; ")
	}
}
