// Package scan walks a job's source folder and classifies what it finds:
// files to back up, what the rules exclude, what is skipped on purpose
// (symbolic links, reserved names) and what cannot be backed up (unreadable
// folders, broken links, pipes, sockets, devices).
//
// The walk is depth first, folder entries sorted by name, so items come in
// manifest.Compare order. Symbolic links are never followed, so a link
// loop cannot make a walk run forever, and every access goes through an
// os.Root, so nothing outside the source is ever read.
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
	"unicode/utf8"

	"github.com/avault/avault/backend/engine/rules"
	"github.com/avault/avault/backend/storage"
)

// Kind says what a walk found.
type Kind int

// The kinds of items.
const (
	File     Kind = iota // a regular file to back up
	Excluded             // removed by a rule; a folder is not read
	Skipped              // not backed up on purpose, and listed (a symbolic link)
	Failed               // cannot be backed up: counts as a failed file
)

// Item is one thing a walk found. Size, ModTime and Mode are set for
// files; Reason says why an item is excluded (the rule), skipped or failed.
type Item struct {
	Path    string // slash-separated, relative to the source
	Kind    Kind
	IsDir   bool
	Size    int64
	ModTime time.Time
	Mode    fs.FileMode // permission bits
	Reason  string
}

// Walk calls fn for every item under the source that root opens, in
// manifest order, until fn returns an error, which Walk returns, or ctx
// ends. Plain folders are descended into without an item of their own.
// A folder that cannot be read is a Failed item, except the source itself:
// then Walk fails.
func Walk(ctx context.Context, root *os.Root, m *rules.Matcher, fn func(*Item) error) error {
	w := walker{ctx: ctx, root: root, rules: m, fn: fn}
	entries, err := w.readDir("")
	if err != nil {
		return fmt.Errorf("cannot read the source folder: %w", err)
	}
	return w.entries("", entries, false)
}

type walker struct {
	ctx   context.Context
	root  *os.Root
	rules *rules.Matcher
	fn    func(*Item) error
}

// readDir returns the entries of the folder rel ("" for the source),
// sorted by name.
func (w *walker) readDir(rel string) ([]fs.DirEntry, error) {
	name := rel
	if name == "" {
		name = "."
	}
	f, err := w.root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// entries visits the entries of the folder rel. inherited says that an
// include pattern selected the folder or one above it.
func (w *walker) entries(rel string, entries []fs.DirEntry, inherited bool) error {
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		p := e.Name()
		if rel != "" {
			p = rel + "/" + p
		}
		if err := w.entry(p, e, inherited); err != nil {
			return err
		}
	}
	return nil
}

// entry classifies one folder entry and descends into a folder.
func (w *walker) entry(p string, e fs.DirEntry, inherited bool) error {
	isDir := e.IsDir()
	switch {
	case !utf8.ValidString(e.Name()):
		return w.emit(Item{Path: strings.ToValidUTF8(p, "\uFFFD"), IsDir: isDir, Kind: Failed,
			Reason: "its name is not valid UTF-8 text, which destinations cannot store; rename it"})
	case p == storage.MetaDir:
		return w.emit(Item{Path: p, IsDir: isDir, Kind: Skipped,
			Reason: storage.MetaDir + " at the top of the source is reserved for Avault's own files"})
	}
	if out, rule := w.rules.Excluded(p, isDir); out {
		return w.emit(Item{Path: p, IsDir: isDir, Kind: Excluded, Reason: rule})
	}
	if isDir {
		return w.dir(p, inherited || w.rules.Included(p, true, inherited))
	}
	if !w.rules.Included(p, false, inherited) {
		return w.emit(Item{Path: p, Kind: Excluded, Reason: rules.NotIncluded})
	}
	switch t := e.Type(); {
	case t.IsRegular():
		return w.file(p, e)
	case t&fs.ModeSymlink != 0:
		return w.emit(w.symlink(p))
	default:
		return w.emit(Item{Path: p, Kind: Failed, Reason: special(t)})
	}
}

func (w *walker) dir(p string, inherited bool) error {
	entries, err := w.readDir(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since its parent was read
		}
		return w.emit(Item{Path: p, IsDir: true, Kind: Failed, Reason: "cannot read the folder: " + reason(err)})
	}
	return w.entries(p, entries, inherited)
}

func (w *walker) file(p string, e fs.DirEntry) error {
	info, err := e.Info()
	if errors.Is(err, fs.ErrNotExist) {
		return nil // removed since its folder was read
	}
	if err != nil {
		return w.emit(Item{Path: p, Kind: Failed, Reason: "cannot read it: " + reason(err)})
	}
	if !info.Mode().IsRegular() { // replaced since its folder was read
		return w.emit(Item{Path: p, Kind: Failed, Reason: special(info.Mode().Type())})
	}
	return w.emit(Item{Path: p, Kind: File, Size: info.Size(), ModTime: info.ModTime(), Mode: info.Mode().Perm()})
}

// symlink classifies a symbolic link without following it for the backup:
// a working link is skipped, a broken one failed.
func (w *walker) symlink(p string) Item {
	target, _ := w.root.Readlink(p)
	_, err := w.root.Stat(p)
	switch {
	case err == nil:
		return Item{Path: p, Kind: Skipped, Reason: fmt.Sprintf("symbolic link to %s (links are not followed)", target)}
	case errors.Is(err, fs.ErrNotExist):
		return Item{Path: p, Kind: Failed, Reason: fmt.Sprintf("broken symbolic link: its target %s does not exist", target)}
	}
	return Item{Path: p, Kind: Skipped, Reason: fmt.Sprintf("symbolic link to %s, outside the source (links are not followed)", target)}
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
