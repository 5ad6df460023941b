package area

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/avault/avault/backend/storage"
)

// View is a job's destination seen with its area: its versions are the
// full-copy versions at the destination and those in the job's folder,
// listed, read, verified and deleted through the one storage.Destination
// contract. New versions made with Begin are full copies; a
// current+history run uses Area.Begin.
type View struct {
	storage.Destination
	area *Area

	mu     sync.Mutex
	locate map[string]*Locator // by version, for Open during a restore
}

// NewView returns dest seen with area a.
func NewView(dest storage.Destination, a *Area) *View {
	return &View{Destination: dest, area: a, locate: map[string]*Locator{}}
}

// Area returns the job's area.
func (v *View) Area() *Area { return v.area }

// Of returns the area of dest when it is a View, or nil.
func Of(dest storage.Destination) *Area {
	if v, ok := dest.(*View); ok {
		return v.area
	}
	return nil
}

// Files returns the destination's plain file access.
func (v *View) Files() storage.Files { return v.area.f }

// ListVersions lists the destination's versions and the area's, sorted by
// name.
func (v *View) ListVersions(ctx context.Context) ([]storage.VersionInfo, error) {
	out, err := v.Destination.ListVersions(ctx)
	if err != nil {
		return nil, err
	}
	st, err := v.area.State(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range st.Versions {
		if !slices.ContainsFunc(out, func(x storage.VersionInfo) bool { return x.Name == w.Name }) {
			out = append(out, w.VersionInfo)
		}
	}
	slices.SortFunc(out, func(x, y storage.VersionInfo) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// ListLeftovers adds the area's unfinished versions to the destination's.
func (v *View) ListLeftovers(ctx context.Context) ([]storage.Leftover, error) {
	out, err := v.Destination.ListLeftovers(ctx)
	if err != nil {
		return nil, err
	}
	st, err := v.area.State(ctx)
	if err != nil {
		return nil, err
	}
	for _, name := range st.Orphans {
		out = append(out, storage.Leftover{Name: name, Owner: storage.Owner{JobID: v.area.jobID}})
	}
	slices.SortFunc(out, func(x, y storage.Leftover) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// has reports whether name is one of the area's committed versions.
func (v *View) has(ctx context.Context, name string) (bool, error) {
	st, err := v.area.State(ctx)
	if err != nil {
		return false, err
	}
	return st.Find(name) != nil, nil
}

// DeleteVersion deletes a version of either kind.
func (v *View) DeleteVersion(ctx context.Context, name string) error {
	ok, err := v.has(ctx, name)
	if err != nil {
		return err
	}
	if !ok {
		return v.Destination.DeleteVersion(ctx, name)
	}
	v.mu.Lock()
	clear(v.locate)
	v.mu.Unlock()
	return v.area.Delete(ctx, name)
}

// DeleteLeftover deletes an unfinished version of either kind.
func (v *View) DeleteLeftover(ctx context.Context, name string) error {
	err := v.area.DeleteOrphan(ctx, name)
	if errors.Is(err, storage.ErrNotFound) {
		return v.Destination.DeleteLeftover(ctx, name)
	}
	return err
}

// ReadManifest reads the manifest of a version of either kind.
func (v *View) ReadManifest(ctx context.Context, name string) ([]byte, error) {
	ok, err := v.has(ctx, name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return v.Destination.ReadManifest(ctx, name)
	}
	return v.area.ReadManifest(ctx, name)
}

// locator returns the cached Locator of an area version, or nil for a
// full-copy version.
func (v *View) locator(ctx context.Context, name string) (*Locator, error) {
	v.mu.Lock()
	l, ok := v.locate[name]
	v.mu.Unlock()
	if ok {
		return l, nil
	}
	if has, err := v.has(ctx, name); err != nil || !has {
		return nil, err
	}
	l, err := v.area.Locate(ctx, name)
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.locate[name] = l
	v.mu.Unlock()
	return l, nil
}

// Open reads a file of a version of either kind.
func (v *View) Open(ctx context.Context, name, p string) (io.ReadCloser, error) {
	l, err := v.locator(ctx, name)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return v.Destination.Open(ctx, name, p)
	}
	return l.Open(ctx, p)
}

// ListFiles lists a version's files with the destination's sizes and
// hashes. An area version is listed where its files are, by its manifest.
func (v *View) ListFiles(ctx context.Context, name string) ([]storage.FileInfo, error) {
	l, err := v.locator(ctx, name)
	if err != nil {
		return nil, err
	}
	if l != nil {
		return l.Files(ctx)
	}
	fl, ok := v.Destination.(storage.FileLister)
	if !ok {
		return nil, errors.ErrUnsupported
	}
	return fl.ListFiles(ctx, name)
}

// WalkFiles hands fn a version's files one at a time (see ListFiles).
func (v *View) WalkFiles(ctx context.Context, name string, fn func(storage.FileInfo) error) error {
	l, err := v.locator(ctx, name)
	if err != nil {
		return err
	}
	if l != nil {
		files, err := l.Files(ctx)
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := fn(f); err != nil {
				return err
			}
		}
		return nil
	}
	return storage.WalkFiles(ctx, v.Destination, name, fn)
}

var _ storage.Destination = (*View)(nil)
var _ storage.FileWalker = (*View)(nil)
var _ storage.FileStore = (*View)(nil)
