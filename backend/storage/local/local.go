// Package local stores versions in a folder on any mounted disk: another
// disk, a USB drive, a second NAS. It is the reference implementation of
// the storage contract.
//
// Layout under the root folder:
//
//	<name>/                      a committed version, browsable as is
//	<name>/.avault/owner.json    which job and run made it
//	<name>/.avault/version.json  the commit record (storage.VersionInfo)
//	<name>/.avault/manifest.json.gz
//	.tmp-<name>/                 a version being written, or a leftover
//	.tmp-<name>/.avault/incoming/  files being received, renamed into place when complete
//
// A folder without .avault/version.json is the user's: it is never listed,
// written or deleted. Every access goes through an os.Root, so no path,
// symlink included, can reach outside the root folder.
package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/avault/avault/backend/storage"
)

const (
	ownerFile   = storage.MetaDir + "/owner.json"
	versionFile = storage.MetaDir + "/version.json"
	manifest    = storage.MetaDir + "/" + storage.ManifestName
	incoming    = storage.MetaDir + "/incoming"
)

// Dest is a destination folder on a mounted disk.
type Dest struct {
	dir  string // the root folder as the user gave it, for messages
	root *os.Root
	// RequireMarker makes Begin refuse a folder without MarkerName and
	// without versions (see MarkerName).
	RequireMarker bool
}

// New opens the destination folder dir, which must be an absolute path to
// an existing folder. A missing folder is ErrNotFound with a hint that the
// disk may not be mounted.
func New(dir string) (*Dest, error) {
	if dir == "" || !filepath.IsAbs(dir) {
		return nil, storage.NewError(storage.ErrInvalid, fmt.Sprintf("destination folder %q must be an absolute path", dir), nil)
	}
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, storage.NewError(storage.ErrNotFound, fmt.Sprintf("destination folder %s does not exist (is the disk mounted?)", dir), nil)
	}
	if err != nil {
		return nil, translate(dir, err)
	}
	if !fi.IsDir() {
		return nil, storage.NewError(storage.ErrInvalid, fmt.Sprintf("destination %s is not a folder", dir), nil)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, translate(dir, err)
	}
	return &Dest{dir: dir, root: root}, nil
}

// Check verifies that the folder still exists and can be written, by
// creating and removing a small file in it.
func (d *Dest) Check(ctx context.Context) error {
	if _, err := d.root.Stat("."); err != nil {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("destination folder %s is gone (is the disk mounted?)", d.dir), err)
	}
	name := ".avault-check-" + randomName()
	f, err := d.root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
	if err != nil {
		return d.err(name, err)
	}
	_, werr := f.Write([]byte("avault"))
	cerr := f.Close()
	rerr := d.root.Remove(name)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return d.err(name, err)
	}
	return ctx.Err()
}

// Begin creates .tmp-<name>/ with its owner record.
func (d *Dest) Begin(ctx context.Context, name string, owner storage.Owner) (storage.Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := storage.ValidateName(name); err != nil {
		return nil, err
	}
	if d.RequireMarker {
		if err := d.checkMarker(ctx); err != nil {
			return nil, err
		}
	}
	if _, err := d.root.Lstat(name); err == nil {
		return nil, storage.NewError(storage.ErrExists, fmt.Sprintf("version %s already exists in %s", name, d.dir), nil)
	}
	tmp := storage.TmpPrefix + name
	p := &pending{d: d, name: name, tmp: tmp, owner: owner}
	if err := d.root.Mkdir(tmp, 0o777); errors.Is(err, fs.ErrExist) {
		if got, rerr := d.readOwner(tmp); rerr == nil && got == owner {
			return p, nil // a retried Begin of the same run
		}
		return nil, storage.NewError(storage.ErrExists, fmt.Sprintf("an unfinished version %s already exists in %s", name, d.dir), nil)
	} else if err != nil {
		return nil, d.err(tmp, err)
	}
	if err := d.root.MkdirAll(tmp+"/"+incoming, 0o777); err != nil {
		return nil, d.err(tmp, err)
	}
	if err := d.writeJSON(tmp+"/"+ownerFile, owner); err != nil {
		return nil, err
	}
	return p, nil
}

// ListVersions returns the folders that hold a commit record, sorted by name.
func (d *Dest) ListVersions(ctx context.Context) ([]storage.VersionInfo, error) {
	names, err := d.dirs(func(n string) bool { return !strings.HasPrefix(n, storage.TmpPrefix) })
	if err != nil {
		return nil, err
	}
	var out []storage.VersionInfo
	for _, n := range names {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var rec versionRecord
		if err := d.readJSON(n+"/"+versionFile, &rec); err != nil {
			continue // not a version: the user's folder, or unreadable
		}
		rec.Info.Name = n
		out = append(out, rec.Info)
	}
	return out, nil
}

// ListLeftovers returns the .tmp- folders, with their owner when its record
// can be read.
func (d *Dest) ListLeftovers(ctx context.Context) ([]storage.Leftover, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	names, err := d.dirs(func(n string) bool { return strings.HasPrefix(n, storage.TmpPrefix) })
	if err != nil {
		return nil, err
	}
	out := make([]storage.Leftover, 0, len(names))
	for _, n := range names {
		owner, _ := d.readOwner(n)
		out = append(out, storage.Leftover{Name: strings.TrimPrefix(n, storage.TmpPrefix), Owner: owner})
	}
	return out, nil
}

// DeleteVersion first renames the version to its .tmp- name, which undoes
// the commit in one step, then removes it.
func (d *Dest) DeleteVersion(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	if _, err := d.root.Lstat(name + "/" + versionFile); err != nil {
		if err = d.err(name, err); errors.Is(err, storage.ErrNotFound) {
			return storage.NewError(storage.ErrNotFound, fmt.Sprintf("no version %s in %s", name, d.dir), nil)
		}
		return err
	}
	tmp := storage.TmpPrefix + name
	if err := d.root.Rename(name, tmp); err != nil {
		// .tmp-<name> is taken (it cannot be by Avault): uncommit in place.
		if rerr := d.root.Remove(name + "/" + versionFile); rerr != nil {
			return d.err(name, rerr)
		}
		tmp = name
	}
	if err := d.root.RemoveAll(tmp); err != nil {
		return d.err(tmp, err)
	}
	return nil
}

// DeleteLeftover removes .tmp-<name>/.
func (d *Dest) DeleteLeftover(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	tmp := storage.TmpPrefix + name
	fi, err := d.root.Lstat(tmp)
	if err != nil || !fi.IsDir() {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("no unfinished version %s in %s", name, d.dir), err)
	}
	if err := d.root.RemoveAll(tmp); err != nil {
		return d.err(tmp, err)
	}
	return nil
}

// Open opens a file of a committed version for reading.
func (d *Dest) Open(ctx context.Context, version, p string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	name, err := d.filePath(version, p)
	if err != nil {
		return nil, err
	}
	f, err := d.root.Open(name)
	if err != nil {
		return nil, d.err(name, err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, storage.NewError(storage.ErrNotFound, fmt.Sprintf("%s is not a file", path.Join(d.dir, name)), err)
	}
	return f, nil
}

// ReadManifest reads <version>/.avault/manifest.json.gz.
func (d *Dest) ReadManifest(ctx context.Context, version string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := storage.ValidateName(version); err != nil {
		return nil, err
	}
	b, err := d.root.ReadFile(version + "/" + manifest)
	if err != nil {
		return nil, d.err(version+"/"+manifest, err)
	}
	return b, nil
}

// ListFiles lists the regular files of a committed version with their
// sizes, sorted by path. Hashes are zero: the folder keeps none without
// reading the files.
func (d *Dest) ListFiles(ctx context.Context, version string) ([]storage.FileInfo, error) {
	var out []storage.FileInfo
	if err := d.WalkFiles(ctx, version, func(f storage.FileInfo) error { out = append(out, f); return nil }); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b storage.FileInfo) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// WalkFiles hands fn the regular files of a committed version one at a
// time, as the folder's walk finds them.
func (d *Dest) WalkFiles(ctx context.Context, version string, fn func(storage.FileInfo) error) error {
	if err := storage.ValidateName(version); err != nil {
		return err
	}
	var fnErr error
	err := fs.WalkDir(d.root.FS(), version, func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(name, version), "/")
		if e.IsDir() && rel == storage.MetaDir {
			return fs.SkipDir
		}
		if !e.Type().IsRegular() {
			return nil
		}
		fi, err := e.Info()
		if err != nil {
			return err
		}
		// A copy of rel, so that the walk's name is not kept with it.
		if fnErr = fn(storage.FileInfo{Path: strings.Clone(rel), Size: fi.Size()}); fnErr != nil {
			return fnErr
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return d.err(version, err)
	}
	return nil
}

// Close releases the folder.
func (d *Dest) Close() error { return d.root.Close() }

// filePath checks version and p and returns the root-relative name.
func (d *Dest) filePath(version, p string) (string, error) {
	if err := storage.ValidateName(version); err != nil {
		return "", err
	}
	if err := validPath(p); err != nil {
		return "", err
	}
	return version + "/" + p, nil
}

// validPath is storage.ValidatePath plus this system's own rules (on
// Windows a backslash separates folders and some names are reserved).
func validPath(p string) error {
	if err := storage.ValidatePath(p); err != nil {
		return err
	}
	if !filepath.IsLocal(filepath.FromSlash(p)) {
		return storage.NewError(storage.ErrInvalid, fmt.Sprintf("invalid file path %q on this system", p), nil)
	}
	return nil
}

// dirs returns the names of the root's sub-folders that keep says to,
// sorted. Symlinks are not followed: a version is a real folder.
func (d *Dest) dirs(keep func(string) bool) ([]string, error) {
	f, err := d.root.Open(".")
	if err != nil {
		return nil, d.err(".", err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, d.err(".", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && keep(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// versionRecord is the content of .avault/version.json.
type versionRecord struct {
	Format int                 `json:"format"`
	Info   storage.VersionInfo `json:"version"`
}

func (d *Dest) readOwner(dir string) (storage.Owner, error) {
	var o storage.Owner
	err := d.readJSON(dir+"/"+ownerFile, &o)
	return o, err
}

func (d *Dest) readJSON(name string, v any) error {
	b, err := d.root.ReadFile(name)
	if err != nil {
		return d.err(name, err)
	}
	return json.Unmarshal(b, v)
}

// writeJSON writes v to name through a temporary file, so name is either
// absent or complete.
func (d *Dest) writeJSON(name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return d.writeFile(name, b)
}

func (d *Dest) writeFile(name string, b []byte) error {
	tmp := name + ".part-" + randomName()
	if err := d.root.WriteFile(tmp, b, 0o666); err != nil {
		d.root.Remove(tmp)
		return d.err(name, err)
	}
	if err := d.root.Rename(tmp, name); err != nil {
		d.root.Remove(tmp)
		return d.err(name, err)
	}
	return nil
}

// err translates a file system error on the root-relative name.
func (d *Dest) err(name string, err error) error {
	return translate(filepath.Join(d.dir, filepath.FromSlash(name)), err)
}

var _ storage.Destination = (*Dest)(nil)
var _ storage.FileWalker = (*Dest)(nil)
