package engine

import (
	"context"
	"slices"
	"strings"

	"github.com/avault/avault/backend/storage"
)

// Versions returns the committed versions that the job jobID made at
// dest, newest first: by the creation time in their commit records, then
// by name. Other jobs' versions and a user's own folders are never listed.
func Versions(ctx context.Context, dest storage.Destination, jobID string) ([]storage.VersionInfo, error) {
	all, err := dest.ListVersions(ctx)
	if err != nil {
		return nil, err
	}
	var mine []storage.VersionInfo
	for _, v := range all {
		if jobID != "" && v.Owner.JobID == jobID {
			mine = append(mine, v)
		}
	}
	slices.SortStableFunc(mine, func(a, b storage.VersionInfo) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(b.Name, a.Name)
	})
	return mine, nil
}
