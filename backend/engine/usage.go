package engine

import (
	"context"

	"github.com/avault/avault/backend/engine/area"
	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// VersionUsage is what one version holds at the destination.
type VersionUsage struct {
	Name string `json:"name"`
	// Layout is manifest.LayoutCurrentHistory or "full".
	Layout string `json:"layout"`
	// Only is the bytes no other version shares: what deleting it alone
	// would free.
	Only int64 `json:"only"`
}

// Usage is what a job's versions take at the destination.
type Usage struct {
	Versions []VersionUsage `json:"versions"` // newest first
	// Stored is every byte the job keeps there: full copies, and the
	// current and history folders with their records.
	Stored int64 `json:"stored"`
}

// LayoutFullName is VersionUsage.Layout for a full copy.
const LayoutFullName = "full"

// StorageUsage reports the bytes each of the job's versions holds alone
// and the job's total. linked says that full copies share unchanged files
// (hard links on a disk): a full copy then holds alone what its run
// uploaded; elsewhere each full copy holds all its bytes.
func StorageUsage(ctx context.Context, dest storage.Destination, jobID string, linked bool) (Usage, error) {
	versions, err := Versions(ctx, dest, jobID)
	if err != nil {
		return Usage{}, err
	}
	a := area.Of(dest)
	var st area.State
	if a != nil {
		if st, err = a.State(ctx); err != nil {
			return Usage{}, err
		}
	}
	u := Usage{Versions: make([]VersionUsage, 0, len(versions))}
	for _, v := range versions {
		if w := st.Find(v.Name); w != nil {
			only, err := a.Frees(ctx, v.Name, st.Older(w))
			if err != nil {
				return Usage{}, err
			}
			u.Versions = append(u.Versions, VersionUsage{Name: v.Name, Layout: manifest.LayoutCurrentHistory, Only: only})
			continue
		}
		only := fullOnly(ctx, dest, v, linked)
		u.Versions = append(u.Versions, VersionUsage{Name: v.Name, Layout: LayoutFullName, Only: only})
		u.Stored += only
	}
	if a != nil && len(st.Versions) > 0 {
		n, err := a.Stored(ctx)
		if err != nil {
			return Usage{}, err
		}
		u.Stored += n
	}
	return u, nil
}

// fullOnly is what a full copy holds alone.
func fullOnly(ctx context.Context, dest storage.Destination, v storage.VersionInfo, linked bool) int64 {
	if !linked {
		return v.Bytes
	}
	data, err := dest.ReadManifest(ctx, v.Name)
	if err != nil {
		return v.Bytes
	}
	h, err := manifest.ReadHeader(data)
	if err != nil {
		return v.Bytes
	}
	return h.BytesUploaded
}

// RetentionFrees sets, for each version retention would delete, the bytes
// its deletion frees, judged against the versions kept. linked is as for
// StorageUsage.
func RetentionFrees(ctx context.Context, dest storage.Destination, verdicts []RetentionVerdict, linked bool) error {
	a := area.Of(dest)
	var st area.State
	var err error
	if a != nil {
		if st, err = a.State(ctx); err != nil {
			return err
		}
	}
	kept := map[string]bool{}
	for _, v := range verdicts {
		kept[v.Name] = v.Keep
	}
	for i := range verdicts {
		v := &verdicts[i]
		if v.Keep {
			continue
		}
		w := st.Find(v.Name)
		if w == nil {
			v.Frees = fullOnly(ctx, dest, storage.VersionInfo{Name: v.Name, Bytes: v.Bytes}, linked)
			continue
		}
		if v.Frees, err = a.Frees(ctx, v.Name, olderKept(&st, w, kept)); err != nil {
			return err
		}
	}
	return nil
}

// olderKept returns the newest version made before w that retention keeps,
// or nil.
func olderKept(st *area.State, w *area.Version, kept map[string]bool) *area.Version {
	older := st.Older(w)
	for older != nil && !kept[older.Name] {
		older = st.Older(older)
	}
	return older
}
