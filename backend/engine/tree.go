package engine

import (
	"context"
	"errors"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/scan"
	"github.com/avault/avault/backend/storage"
)

// tree records a run's folders and symbolic links in the manifest as the
// scan finds them, and notes the folders that hold no file: at the
// destination those exist only if they are made.
type tree struct {
	mw    *manifest.Writer
	open  []openDir // the folders the walk is in, outermost first
	empty []string  // folders with no file nor folder below them
	// seen, when set (current+history), collects every folder of the
	// version, to remove from current/ the folders the base had and
	// this version does not.
	seen map[string]bool
}

type openDir struct {
	path string
	full bool // holds a file or a folder
}

// item is told every item of the scan, in order.
func (t *tree) item(it *scan.Item) error {
	t.close(it.Path)
	switch it.Kind {
	case scan.Dir:
		if n := len(t.open); n > 0 {
			t.open[n-1].full = true
		}
		t.open = append(t.open, openDir{path: it.Path})
		if t.seen != nil {
			t.seen[it.Path] = true
		}
		return t.mw.AddFolder(manifest.Folder{Path: it.Path, MTime: it.ModTime, Mode: uint32(it.Mode.Perm()),
			Raw: manifest.RawField(it.Raw)})
	case scan.Symlink:
		return t.mw.AddSymlink(manifest.Symlink{Path: it.Path, Target: manifest.EscapeName(it.Target),
			TargetRaw: manifest.RawField(it.Target), MTime: it.ModTime, Raw: manifest.RawField(it.Raw)})
	case scan.File:
		if n := len(t.open); n > 0 {
			t.open[n-1].full = true
		}
	}
	return nil
}

// close ends the folders that p is not inside.
func (t *tree) close(p string) {
	for n := len(t.open); n > 0; n = len(t.open) {
		d := t.open[n-1]
		if strings.HasPrefix(p, d.path+"/") {
			return
		}
		if !d.full {
			t.empty = append(t.empty, d.path)
		}
		t.open = t.open[:n-1]
	}
}

// end closes every folder once the scan is over.
func (t *tree) end() { t.close("") }

// folders makes the version's empty folders at the destination where it
// can hold them, after the files are in place (on a disk, moving a file
// away removes the folder it leaves empty). In a current+history run it
// first removes from current/ the empty folders of the base version that
// this one does not have. A folder that cannot be made is logged: restores
// take folders from the manifest, not from the destination.
func (r *runner) folders(ctx context.Context, t *tree, cur *cursor) error {
	var at any = r.pending
	if r.arun != nil {
		at = r.arun
		if t.seen != nil && cur != nil && cur.r != nil && !cur.damaged {
			gone := cur.r.Folders
			for i := len(gone) - 1; i >= 0; i-- { // deepest first
				if p := gone[i].Path; !t.seen[p] {
					if err := r.arun.RemoveDir(ctx, p); err != nil && !errors.Is(err, errors.ErrUnsupported) {
						if ctx.Err() != nil {
							return ctx.Err()
						}
						r.log.Warn("cannot remove a folder the source no longer has from the current folder", "path", p, "error", err)
					}
				}
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.o.Transfers)
	for _, p := range t.empty {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := storage.MakeDir(gctx, at, p)
			switch {
			case err == nil, errors.Is(err, errors.ErrUnsupported):
				return nil
			case gctx.Err() != nil:
				return gctx.Err()
			}
			r.log.Warn("cannot make an empty folder at the destination; a restore makes it", "path", p, "error", err)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
