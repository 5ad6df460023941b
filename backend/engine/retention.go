package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// rotate applies the job's retention to its committed versions, now that
// the new one exists. It never deletes the version just made, nor the
// newest version without failed files, nor anything that is not a
// committed version of this job. Problems are reported in the result; the
// backup itself stands.
func (r *runner) rotate(ctx context.Context) {
	start := time.Now()
	defer func() { r.res.Timings.Retention = time.Since(start) }()
	versions, err := Versions(ctx, r.req.Dest, r.req.Job.ID)
	if err != nil {
		r.res.RetentionError = "could not list the versions to apply retention: " + err.Error()
		return
	}
	refs := make([]job.VersionRef, len(versions))
	for i, v := range versions {
		refs[i] = job.VersionRef{Name: v.Name, Created: v.Created}
	}
	r.markNewestClean(ctx, refs)
	_, del := job.Select(refs, r.req.Job.Retention(), r.o.Now())
	var problems []string
	for _, v := range del {
		if v.Name == r.res.Version {
			continue
		}
		if err := r.req.Dest.DeleteVersion(ctx, v.Name); err != nil && !errors.Is(err, storage.ErrNotFound) {
			problems = append(problems, v.Name+": "+err.Error())
			continue
		}
		r.res.Deleted = append(r.res.Deleted, v.Name)
		r.log.Info("deleted an old version", "version", v.Name)
	}
	if len(problems) > 0 {
		r.res.RetentionError = "could not delete old versions: " + strings.Join(problems, "; ")
	}
}

// markNewestClean sets Clean on the newest version that had no failed
// files, in job.Select's order, and on no other: Select protects only
// that one. The run's own version is known; an older one's manifest
// header is read, newest first, until a clean one is found.
func (r *runner) markNewestClean(ctx context.Context, refs []job.VersionRef) {
	slices.SortStableFunc(refs, func(a, b job.VersionRef) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(b.Name, a.Name)
	})
	for i := range refs {
		if r.versionClean(ctx, refs[i].Name) {
			refs[i].Clean = true
			return
		}
	}
}

// versionClean reports whether a version was made without failed files.
// A manifest that cannot be read counts as not clean.
func (r *runner) versionClean(ctx context.Context, name string) bool {
	if name == r.res.Version {
		return r.c.filesFailed.Load() == 0
	}
	data, err := r.req.Dest.ReadManifest(ctx, name)
	if err != nil {
		return false
	}
	h, err := manifest.ReadHeader(data)
	return err == nil && h.FilesFailed == 0
}
