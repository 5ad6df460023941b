package engine

import (
	"context"
	"errors"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/scan"
)

// sameTree reports whether the folders and links a scan found are the
// previous version's.
func sameTree(folders []manifest.Folder, links []manifest.Symlink, pf []manifest.Folder, pl []manifest.Symlink) bool {
	if len(folders) != len(pf) || len(links) != len(pl) {
		return false
	}
	for i, f := range folders {
		if f.Path != pf[i].Path || f.Mode != pf[i].Mode || !f.MTime.Equal(pf[i].MTime) {
			return false
		}
	}
	for i, l := range links {
		if l.Path != pl[i].Path || l.Target != pl[i].Target || l.TargetRaw != pl[i].TargetRaw {
			return false
		}
	}
	return true
}

// errChanged stops the no-change comparison at the first difference.
var errChanged = errors.New("changed")

// unchanged reports whether the source holds exactly the files, folders
// and symbolic links of the previous version, unchanged (same paths,
// sizes, mtimes and modes; same link targets; same hard links), and
// nothing that failed. It stops at the first difference, before anything
// is written; when nothing changed, the counters describe the scan.
func (r *runner) unchanged(ctx context.Context) (bool, error) {
	cur := newCursor(r.prev.manifest, r.log)
	var files, bytes, skipped, excluded int64
	var folders []manifest.Folder
	var links []manifest.Symlink
	err := scan.Walk(ctx, r.src, r.rules, func(it *scan.Item) error {
		switch it.Kind {
		case scan.Dir:
			folders = append(folders, manifest.Folder{Path: it.Path, MTime: it.ModTime, Mode: uint32(it.Mode.Perm())})
		case scan.Symlink:
			links = append(links, manifest.Symlink{Path: it.Path, Target: manifest.EscapeName(it.Target),
				TargetRaw: manifest.RawField(it.Target)})
		case scan.File:
			if e := cur.match(it); e == nil || e.HardLink != it.HardLink {
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
	if err == nil && !sameTree(folders, links, cur.r.Folders, cur.r.Symlinks) {
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
