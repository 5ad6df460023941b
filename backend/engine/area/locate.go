package area

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// Locator finds where the files of one version are: in the first history
// folder, among the version's and those of the versions made after it,
// that holds the path, or else in current/.
type Locator struct {
	a       *Area
	v       Version
	newest  string
	folders []string                      // history folders to look in, oldest first
	held    []map[string]storage.FileInfo // what each holds
	current map[string]storage.FileInfo   // current/, once listed
}

// Locate lists the history folders that version name's files may be in.
func (a *Area) Locate(ctx context.Context, name string) (*Locator, error) {
	st, err := a.State(ctx)
	if err != nil {
		return nil, err
	}
	v := st.Find(name)
	if v == nil {
		return nil, storage.NewError(storage.ErrNotFound, fmt.Sprintf("no version %s in %s", name, a.folder), nil)
	}
	l := &Locator{a: a, v: *v, newest: st.Newest().Name}
	for _, w := range st.Versions {
		if w.Gen < v.Gen {
			continue
		}
		files, err := a.list(ctx, a.historyDir(w.Name))
		if err != nil {
			return nil, err
		}
		l.folders = append(l.folders, w.Name)
		l.held = append(l.held, files)
	}
	return l, nil
}

// Path returns the root-relative path of the version's file p, and what
// the listing said of it when it was found in a history folder.
func (l *Locator) Path(p string) (string, storage.FileInfo, bool) {
	for i, name := range l.folders {
		if fi, ok := l.held[i][p]; ok {
			return join(l.a.historyDir(name), p), fi, true
		}
	}
	return l.a.path(CurrentDir, p), storage.FileInfo{}, false
}

// Open reads the version's file p. When it is not where the listing said,
// because a run that began meanwhile moved it into the newest version's
// history folder, it is looked for there.
func (l *Locator) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	if err := storage.ValidatePath(p); err != nil {
		return nil, err
	}
	at, _, inHistory := l.Path(p)
	rc, err := l.a.f.Open(ctx, at)
	if err == nil || inHistory || !errors.Is(err, storage.ErrNotFound) {
		return rc, err
	}
	return l.a.f.Open(ctx, join(l.a.historyDir(l.newest), p))
}

// Files lists the version's files as the destination holds them, by its
// manifest: each at the place Path gives, with the size and hash found
// there. Files found nowhere are left out; sorted by path.
func (l *Locator) Files(ctx context.Context) ([]storage.FileInfo, error) {
	if l.current == nil {
		cur, err := l.a.list(ctx, l.a.currentDir())
		if err != nil {
			return nil, err
		}
		l.current = cur
	}
	var out []storage.FileInfo
	err := l.a.entries(ctx, l.v.Name, func(e manifest.Entry) {
		fi, _, inHistory := l.lookup(e.Path)
		if inHistory || fi.Path != "" {
			fi.Path = e.Path
			out = append(out, fi)
		}
	})
	slices.SortFunc(out, func(x, y storage.FileInfo) int { return strings.Compare(x.Path, y.Path) })
	return out, err
}

// lookup is Path with current/'s listing.
func (l *Locator) lookup(p string) (storage.FileInfo, string, bool) {
	at, fi, inHistory := l.Path(p)
	if inHistory {
		return fi, at, true
	}
	return l.current[p], at, false
}
