package engine

import (
	"context"
	"errors"

	"github.com/avault/avault/backend/engine/scan"
)

// errChanged stops the no-change comparison at the first difference.
var errChanged = errors.New("changed")

// unchanged reports whether the source holds exactly the files of the
// previous version, unchanged (same paths, sizes, mtimes and modes), and
// nothing that failed. It stops at the first difference, before anything
// is written; when nothing changed, the counters describe the scan.
func (r *runner) unchanged(ctx context.Context) (bool, error) {
	cur := newCursor(r.prev.manifest, r.log)
	var files, bytes, skipped, excluded int64
	err := scan.Walk(ctx, r.src, r.rules, func(it *scan.Item) error {
		switch it.Kind {
		case scan.File:
			if cur.match(it) == nil {
				return errChanged
			}
			files, bytes = files+1, bytes+it.Size
		case scan.Excluded:
			excluded++
		case scan.Skipped:
			skipped++
		default:
			return errChanged
		}
		return nil
	})
	if errors.Is(err, errChanged) || (err == nil && (cur.rest() > 0 || cur.damaged)) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	c := &r.c
	c.filesScanned.Store(files)
	c.bytesScanned.Store(bytes)
	c.filesSkipped.Store(files + skipped)
	c.filesExcluded.Store(excluded)
	c.scanDone.Store(true)
	r.log.Info("nothing changed since the previous version; no new version", "previous", r.prev.info.Name)
	return true, nil
}
