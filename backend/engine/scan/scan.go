// Package scan walks a job's source folder and classifies what it finds:
// files, folders and symbolic links to back up, what the rules exclude,
// what is skipped on purpose (reserved names) and what cannot be backed up
// (unreadable folders, pipes, sockets, devices).
//
// The walk is depth first, folder entries sorted by the names they are
// stored under (manifest.EscapeName), so items come in manifest.Compare
// order; a folder comes before what it holds. Symbolic links are recorded
// with their target and never followed, so a link loop cannot make a walk
// run forever, and every access goes through an os.Root, so nothing
// outside the source is ever read.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/rules"
	"github.com/avault/avault/backend/storage"
)

// Kind says what a walk found.
type Kind int

// The kinds of items.
const (
	File     Kind = iota // a regular file to back up
	Excluded             // removed by a rule; a folder is not read
	Skipped              // not backed up on purpose, and listed (a reserved name)
	Failed               // cannot be backed up: counts as a failed file
	Dir                  // a folder to record; it comes before what it holds
	Symlink              // a symbolic link to record, never followed
)

// Item is one thing a walk found. Size, ModTime and Mode are set for
// files, ModTime and Mode for folders, ModTime and Target for links;
// Reason says why an item is excluded (the rule), skipped or failed.
type Item struct {
	// Path is slash-separated, relative to the source, and valid UTF-8:
	// the name it is stored under (manifest.EscapeName of Raw).
	Path string
	// Raw is the path as the source names it when that is not valid
	// UTF-8; "" when it is Path.
	Raw     string
	Kind    Kind
	IsDir   bool
	Size    int64
	ModTime time.Time
	Mode    fs.FileMode // permission bits
	Reason  string
	// Target is a symbolic link's text, as the source holds it.
	Target string
	// HardLink, for a file that is a hard link, is the Path of the first
	// file of the walk that is the same file; "" otherwise.
	HardLink string
}

// SourcePath is the path to open the item by in the source.
func (it *Item) SourcePath() string {
	if it.Raw != "" {
		return it.Raw
	}
	return it.Path
}

// Walk calls fn for every item under the source that root opens, in
// manifest order, until fn returns an error, which Walk returns, or ctx
// ends. Plain folders are descended into without an item of their own.
// A folder that cannot be read is a Failed item, except the source itself:
// then Walk fails.
func Walk(ctx context.Context, root *os.Root, m *rules.Matcher, fn func(*Item) error) error {
	w := walker{ctx: ctx, root: root, rules: m, fn: fn, links: map[fileID]string{}}
	entries, err := w.readDir(where{})
	if err != nil {
		return fmt.Errorf("cannot read the source folder: %w", err)
	}
	return w.entries(where{}, entries, false)
}

type walker struct {
	ctx   context.Context
	root  *os.Root
	rules *rules.Matcher
	fn    func(*Item) error
	// links maps a file with more than one link to the first path the
	// walk found it at.
	links map[fileID]string
}

// entry is a folder entry with the name it is stored under.
type dirEntry struct {
	fs.DirEntry
	name string // manifest.EscapeName(Name())
}

// where is the path of a folder, as stored (p) and in the source (raw,
// "" when the same).
type where struct{ p, raw string }

func (d where) child(name, stored string) where {
	if d.p == "" {
		if name == stored {
			return where{p: stored}
		}
		return where{p: stored, raw: name}
	}
	c := where{p: d.p + "/" + stored}
	if d.raw != "" || name != stored {
		c.raw = d.source() + "/" + name
	}
	return c
}

func (d where) source() string {
	if d.raw != "" {
		return d.raw
	}
	return d.p
}

// readDir returns the entries of the folder at ("" for the source),
// sorted by the names they are stored under.
func (w *walker) readDir(at where) ([]dirEntry, error) {
	name := at.source()
	if name == "" {
		name = "."
	}
	f, err := w.root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	list, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	entries := make([]dirEntry, len(list))
	for i, e := range list {
		entries[i] = dirEntry{DirEntry: e, name: manifest.EscapeName(e.Name())}
	}
	slices.SortFunc(entries, func(a, b dirEntry) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.Name(), b.Name()) // two names that escape alike: the same one first each time
	})
	return entries, nil
}

// entries visits the entries of the folder at. inherited says that an
// include pattern selected the folder or one above it.
func (w *walker) entries(at where, entries []dirEntry, inherited bool) error {
	for i, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		c := at.child(e.Name(), e.name)
		if i > 0 && entries[i-1].name == e.name { // only names that are not UTF-8 can meet here
			if err := w.emit(Item{Path: c.p, Raw: c.raw, IsDir: e.IsDir(), Kind: Failed,
				Reason: "its name, stored as " + e.name + ", is the same as another name's in its folder; rename one of them"}); err != nil {
				return err
			}
			continue
		}
		if err := w.entry(c, e, inherited); err != nil {
			return err
		}
	}
	return nil
}

// entry classifies one folder entry and descends into a folder.
func (w *walker) entry(at where, e dirEntry, inherited bool) error {
	p := at.p
	isDir := e.IsDir()
	switch {
	case p == storage.MetaDir:
		return w.emit(Item{Path: p, IsDir: isDir, Kind: Skipped,
			Reason: storage.MetaDir + " at the top of the source is reserved for Avault's own files"})
	}
	if out, rule := w.rules.Excluded(p, isDir); out {
		return w.emit(Item{Path: p, Raw: at.raw, IsDir: isDir, Kind: Excluded, Reason: rule})
	}
	if isDir {
		return w.dir(at, e, inherited || w.rules.Included(p, true, inherited))
	}
	if !w.rules.Included(p, false, inherited) {
		return w.emit(Item{Path: p, Raw: at.raw, Kind: Excluded, Reason: rules.NotIncluded})
	}
	switch t := e.Type(); {
	case t.IsRegular():
		return w.file(at, e)
	case t&fs.ModeSymlink != 0:
		return w.symlink(at, e)
	default:
		return w.emit(Item{Path: p, Raw: at.raw, Kind: Failed, Reason: special(t)})
	}
}

// dir records a folder the rules select, then visits what it holds.
func (w *walker) dir(at where, e dirEntry, selected bool) error {
	if selected {
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since its parent was read
		}
		if err == nil && info.IsDir() {
			if err := w.emit(Item{Path: at.p, Raw: at.raw, Kind: Dir, IsDir: true, ModTime: info.ModTime(), Mode: info.Mode().Perm()}); err != nil {
				return err
			}
		}
	}
	entries, err := w.readDir(at)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since its parent was read
		}
		return w.emit(Item{Path: at.p, Raw: at.raw, IsDir: true, Kind: Failed, Reason: "cannot read the folder: " + reason(err)})
	}
	return w.entries(at, entries, selected)
}

func (w *walker) file(at where, e dirEntry) error {
	p := at.p
	info, err := e.Info()
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed since its folder was read
	}
	if err != nil {
		return w.emit(Item{Path: p, Raw: at.raw, Kind: Failed, Reason: "cannot read it: " + reason(err)})
	}
	if !info.Mode().IsRegular() { // replaced since its folder was read
		return w.emit(Item{Path: p, Raw: at.raw, Kind: Failed, Reason: special(info.Mode().Type())})
	}
	it := Item{Path: p, Raw: at.raw, Kind: File, Size: info.Size(), ModTime: info.ModTime(), Mode: info.Mode().Perm()}
	if id, ok := linkID(info); ok {
		if first, seen := w.links[id]; seen {
			it.HardLink = first
		} else {
			w.links[id] = p
		}
	}
	return w.emit(it)
}

// symlink records a symbolic link: its text, never what it points to.
func (w *walker) symlink(at where, e dirEntry) error {
	target, err := w.root.Readlink(at.source())
	var info fs.FileInfo
	if err == nil {
		info, err = e.Info()
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // removed since its folder was read
	case err != nil:
		return w.emit(Item{Path: at.p, Raw: at.raw, Kind: Failed, Reason: "cannot read the symbolic link: " + reason(err)})
	case target == "" || strings.ContainsRune(target, 0):
		return w.emit(Item{Path: at.p, Raw: at.raw, Kind: Failed, Reason: "a symbolic link without a target"})
	}
	return w.emit(Item{Path: at.p, Raw: at.raw, Kind: Symlink, ModTime: info.ModTime(), Target: target})
}

func (w *walker) emit(it Item) error { return w.fn(&it) }

// special names a file type that cannot be backed up.
func special(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO), not a regular file"
	case t&fs.ModeSocket != 0:
		return "a socket, not a regular file"
	case t&fs.ModeCharDevice != 0:
		return "a character device, not a regular file"
	case t&fs.ModeDevice != 0:
		return "a device, not a regular file"
	}
	return "not a regular file"
}

// reason turns a file system error into words, without the path the item
// already shows.
func reason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, fs.ErrNotExist):
		return "it no longer exists"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Reason turns an error from reading a source file into words for a
// failure list.
func Reason(err error) string { return reason(err) }
