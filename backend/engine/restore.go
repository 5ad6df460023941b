package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/job/nasroot"
	"github.com/avault/avault/backend/storage"
)

// ErrWouldOverwrite is wrapped by Restore's error when files to restore
// already exist and RestoreOptions.Overwrite is not set; nothing was
// written then.
var ErrWouldOverwrite = errors.New("files already exist")

// ErrIntoSource is wrapped by Restore's error when the target folder is
// the job's source or inside it and AllowIntoSource is not set.
var ErrIntoSource = errors.New("the target folder is inside the job's source")

// RestoreOptions are a restore's safety switches and reports.
type RestoreOptions struct {
	// Overwrite allows replacing files that exist in the target folder.
	Overwrite bool
	// AllowIntoSource allows restoring into the job's source folder.
	AllowIntoSource bool
	// Source is the job's source folder (absolute), to refuse restoring
	// into it; "" skips the check.
	Source string
	// Transfers is how many files are restored at once; 0 means
	// DefaultTransfers.
	Transfers int
	// OnProgress is told as bytes are written and after each file; calls
	// never overlap. nil ignores them.
	OnProgress func(RestoreProgress)
}

// RestoreProgress counts a restore's files and bytes.
type RestoreProgress struct {
	Files       int64  `json:"files"` // to restore
	Bytes       int64  `json:"bytes"`
	FilesDone   int64  `json:"filesDone"` // restored or failed
	BytesDone   int64  `json:"bytesDone"`
	FilesFailed int64  `json:"filesFailed"`
	CurrentFile string `json:"currentFile"`
}

// RestoreResult is what a restore did.
type RestoreResult struct {
	Files       int64             `json:"files"` // restored
	Bytes       int64             `json:"bytes"`
	FilesFailed int64             `json:"filesFailed"`
	Failures    []job.FileFailure `json:"failures,omitempty"` // the first job.MaxFailures
	// Notes are what the destination said of how it gave files back, with
	// the files concerned (Google Drive: files it flagged as malware or
	// spam, downloaded with acknowledgeAbuse); at most job.MaxNotes.
	Notes []string `json:"notes,omitempty"`
}

// Restore copies files of a committed version into the local folder toDir
// (absolute; created when missing). which selects them: "" for all, a
// folder's path for everything in it, or one file's path, as the manifest
// names them; files keep their paths relative to the source under toDir.
//
// It refuses, writing nothing, a target inside opts.Source (unless
// AllowIntoSource) and existing files (unless Overwrite). Each file is
// written to a temporary file beside its target, checked against the
// manifest's size and SHA-256 as it is written, given its mode and
// modification time, and only then renamed into place: a damaged file is
// never left behind, nor is a file cut short when ctx ends. Every write
// goes through an os.Root on toDir and manifest paths are validated, so
// nothing is written outside toDir. When some files fail, the result lists
// them and the error says how many.
//
// Restore is PrepareRestore followed by RestorePlan.Run.
func Restore(ctx context.Context, dest storage.Destination, version, which, toDir string, opts RestoreOptions) (RestoreResult, error) {
	p, err := PrepareRestore(ctx, dest, version, which, toDir, opts)
	if err != nil {
		return RestoreResult{}, err
	}
	return p.Run(ctx)
}

// RestorePlan is a restore PrepareRestore has checked: its files are
// chosen and, when it was prepared, nothing in the target stood in their
// way. Run carries it out.
type RestorePlan struct {
	dest    storage.Destination
	version string
	toDir   string
	opts    RestoreOptions
	chosen  *chosenEntries // the files, read from the manifest when needed
	tree    selection      // the folders and links restored with them
	files   int64
	bytes   int64
}

// chosenEntries are the entries of a manifest that a restore chose, read
// one at a time from the manifest's bytes on each pass, so that a restore
// of a whole version of a million files does not hold a million entries.
// When the first pass finds at most keepChosen of them (a folder or a
// file of a big version), they are kept and later passes do not decode
// the whole manifest again.
type chosenEntries struct {
	data   []byte
	which  string
	kept   []manifest.Entry
	passes int
	many   bool // more than keepChosen: every pass reads the manifest
}

// keepChosen is how many chosen entries a restore keeps in memory rather
// than decoding the manifest on each pass: a few MB.
var keepChosen = 20_000

// keep keeps e, a chosen entry of the first pass, unless there are too
// many to keep.
func (c *chosenEntries) keep(e manifest.Entry) {
	switch {
	case c.many:
	case len(c.kept) < keepChosen:
		c.kept = append(c.kept, e)
	default:
		c.kept, c.many = nil, true
	}
}

// each calls fn with every chosen entry, in manifest order.
func (c *chosenEntries) each(fn func(*manifest.Entry) error) error {
	if c.passes > 0 && !c.many {
		for _, e := range c.kept {
			if err := fn(&e); err != nil { // a copy: fn may change it
				return err
			}
		}
		return nil
	}
	first := c.passes == 0
	r, err := manifest.NewReader(bytes.NewReader(c.data))
	if err != nil {
		return err
	}
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			c.kept = nil
			return err
		}
		if inside(e.Path, c.which) {
			if first {
				c.keep(e)
			}
			if err := fn(&e); err != nil {
				c.kept, c.many = nil, true // a pass cut short has not kept them all
				return err
			}
		}
	}
	c.passes++
	return nil
}

// inside reports whether p is which or below it ("" is everything).
func inside(p, which string) bool {
	return which == "" || p == which || strings.HasPrefix(p, which+"/")
}

// selection is what of a version's folders and links a restore makes.
type selection struct {
	folders  []manifest.Folder
	symlinks []manifest.Symlink
}

// PrepareRestore makes every check Restore makes before it writes: the
// target is absolute and not inside opts.Source (unless AllowIntoSource),
// which names files of the version's manifest, and none of them exists in
// toDir (unless Overwrite). It reads the manifest and writes nothing, so a
// caller can refuse a restore at once and carry it out later.
func PrepareRestore(ctx context.Context, dest storage.Destination, version, which, toDir string, opts RestoreOptions) (*RestorePlan, error) {
	if err := checkTarget(toDir, opts); err != nil {
		return nil, err
	}
	chosen, sel, err := selectEntries(ctx, dest, version, which)
	if err != nil {
		return nil, err
	}
	if !opts.Overwrite {
		root, err := os.OpenRoot(toDir)
		if err == nil {
			err = refuseExisting(root, toDir, chosen, sel.symlinks)
			root.Close()
			if err != nil {
				return nil, err
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot open the folder %s: %w", toDir, err)
		}
	}
	p := &RestorePlan{dest: dest, version: version, toDir: toDir, opts: opts, chosen: chosen, tree: sel}
	err = chosen.each(func(e *manifest.Entry) error {
		p.files++
		p.bytes += e.Size
		return nil
	})
	return p, err
}

// Files is how many files the plan restores.
func (p *RestorePlan) Files() int64 { return p.files }

// Bytes is how many bytes the plan restores.
func (p *RestorePlan) Bytes() int64 { return p.bytes }

// Run restores the plan's files, as Restore describes. Existing files are
// looked for again (unless Overwrite), since the folder may have changed
// since the plan was made.
func (p *RestorePlan) Run(ctx context.Context) (RestoreResult, error) {
	var res RestoreResult
	if err := os.MkdirAll(p.toDir, 0o755); err != nil {
		return res, fmt.Errorf("cannot create the folder %s: %w", p.toDir, err)
	}
	root, err := os.OpenRoot(p.toDir)
	if err != nil {
		return res, fmt.Errorf("cannot open the folder %s: %w", p.toDir, err)
	}
	defer root.Close()
	if !p.opts.Overwrite {
		if err := refuseExisting(root, p.toDir, p.chosen, p.tree.symlinks); err != nil {
			return res, err
		}
	}
	rs := &restorer{dest: p.dest, version: p.version, root: root, opts: p.opts}
	rs.prog.Files, rs.prog.Bytes = p.Files(), p.bytes
	err = rs.restoreAll(ctx, p.chosen, p.tree)
	res = rs.res
	res.Notes = rs.notes.lines()
	if err == nil && res.FilesFailed > 0 {
		f := res.Failures[0]
		err = fmt.Errorf("%d of %d files could not be restored; the first: %s: %s", res.FilesFailed, p.files, f.Path, f.Reason)
	}
	return res, err
}

// checkTarget refuses a relative target, and one inside the source.
func checkTarget(toDir string, opts RestoreOptions) error {
	if !filepath.IsAbs(toDir) {
		return fmt.Errorf("the target folder %q must be an absolute path", toDir)
	}
	if opts.Source == "" || opts.AllowIntoSource {
		return nil
	}
	src, err := realPath(opts.Source)
	if err != nil {
		return err
	}
	dst, err := realPath(toDir)
	if err != nil {
		return err
	}
	if nasroot.Within(src, dst) {
		return fmt.Errorf("%w: restoring into %s would overwrite what is being backed up; choose another folder", ErrIntoSource, toDir)
	}
	return nil
}

// realPath resolves the symbolic links of the longest existing part of p.
func realPath(p string) (string, error) {
	p = filepath.Clean(p)
	var rest []string
	for {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("cannot resolve %s: %w", p, err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p, nil
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
}

// selectEntries returns the manifest's entries that which names (read
// again from the manifest's bytes when needed), and its folders and links,
// after checking that every path stays inside the version and that no
// link stands where anything else is to be written.
func selectEntries(ctx context.Context, dest storage.Destination, version, which string) (*chosenEntries, selection, error) {
	var sel selection
	which = strings.Trim(which, "/")
	if which != "" && storage.ValidatePath(which) != nil {
		return nil, sel, fmt.Errorf("%q is not a path inside a version", which)
	}
	data, err := dest.ReadManifest(ctx, version)
	if err != nil {
		return nil, sel, fmt.Errorf("cannot read the manifest of %s: %w", version, err)
	}
	r, err := manifest.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, sel, err
	}
	chosen := func(p, raw string) (bool, error) {
		if !inside(p, which) {
			return false, nil
		}
		if !filepath.IsLocal(filepath.FromSlash(manifest.SourcePath(p, raw))) {
			return false, fmt.Errorf("the manifest of %s names %q, which this system cannot restore safely", version, p)
		}
		return true, nil
	}
	c := &chosenEntries{data: data, which: which}
	files := 0
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, sel, err
		}
		if ok, err := chosen(e.Path, e.Raw); err != nil {
			return nil, sel, err
		} else if ok {
			files++
			c.keep(e)
		}
	}
	c.passes = 1 // the passes after this one use what was kept, if it is all
	for _, f := range r.Folders {
		if ok, err := chosen(f.Path, f.Raw); err != nil {
			return nil, sel, err
		} else if ok {
			sel.folders = append(sel.folders, f)
		}
	}
	links := map[string]bool{}
	for _, l := range r.Symlinks {
		if ok, err := chosen(l.Path, l.Raw); err != nil {
			return nil, sel, err
		} else if ok {
			sel.symlinks = append(sel.symlinks, l)
			links[l.Path] = true
		}
	}
	if files+len(sel.folders)+len(sel.symlinks) == 0 {
		return nil, sel, fmt.Errorf("%s has no file or folder %q", version, which)
	}
	// A scan never records anything inside a link, nor a link twice: a
	// manifest that does would have a restore write through a link.
	under := func(p string) bool {
		for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
			if links[p[:i]] {
				return true
			}
		}
		return false
	}
	bad := func(p string) error {
		return fmt.Errorf("the manifest of %s names %q inside or at a symbolic link; it cannot be restored safely", version, p)
	}
	if len(links) > 0 {
		if err := c.each(func(e *manifest.Entry) error {
			if links[e.Path] || under(e.Path) {
				return bad(e.Path)
			}
			return nil
		}); err != nil {
			return nil, sel, err
		}
	}
	for _, f := range sel.folders {
		if links[f.Path] || under(f.Path) {
			return nil, sel, bad(f.Path)
		}
	}
	for _, l := range sel.symlinks {
		if under(l.Path) {
			return nil, sel, bad(l.Path)
		}
	}
	return c, sel, nil
}

// refuseExisting fails when any target file exists, naming a few.
func refuseExisting(root *os.Root, toDir string, entries *chosenEntries, links []manifest.Symlink) error {
	var found []string
	n := 0
	exists := func(p, raw string) {
		if _, err := root.Lstat(filepath.FromSlash(manifest.SourcePath(p, raw))); err == nil {
			n++
			if len(found) < 3 {
				found = append(found, p)
			}
		}
	}
	if err := entries.each(func(e *manifest.Entry) error {
		exists(e.Path, e.Raw)
		return nil
	}); err != nil {
		return err
	}
	for _, l := range links {
		exists(l.Path, l.Raw)
	}
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d of the files to restore already exist in %s (%s); choose to overwrite them or restore into an empty folder",
		ErrWouldOverwrite, n, toDir, strings.Join(found, ", "))
}

// restorer holds one restore's shared state.
type restorer struct {
	dest    storage.Destination
	version string
	root    *os.Root
	opts    RestoreOptions
	mu      sync.Mutex
	prog    RestoreProgress
	res     RestoreResult
	notes   fileNotes
}

// restoreOne restores e; an error other than this file's own ends the
// restore.
func (rs *restorer) restoreOne(ctx context.Context, e *manifest.Entry) error {
	w := &restoreCounter{ctx: ctx, rs: rs, path: e.Path}
	reason, err := rs.write(ctx, e, w)
	if err != nil {
		return err
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.prog.FilesDone++
	rs.prog.BytesDone += e.Size - w.n // a finished file counts its size, however much was written
	rs.prog.CurrentFile = e.Path
	if reason == "" {
		rs.res.Files++
		rs.res.Bytes += e.Size
	} else {
		rs.prog.FilesFailed++
		rs.res.FilesFailed++
		if len(rs.res.Failures) < job.MaxFailures {
			rs.res.Failures = append(rs.res.Failures, job.FileFailure{Path: e.Path, Reason: reason})
		}
	}
	rs.reportLocked()
	return nil
}

func (rs *restorer) reportLocked() {
	if rs.opts.OnProgress != nil {
		rs.opts.OnProgress(rs.prog)
	}
}

// restoreCounter counts the bytes of one file as they are written and
// reports them, and stops the copy as soon as ctx ends, so that a large
// file does not hold up a cancel.
type restoreCounter struct {
	ctx  context.Context
	rs   *restorer
	path string
	n    int64
}

func (w *restoreCounter) Write(b []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	w.n += int64(len(b))
	w.rs.mu.Lock()
	w.rs.prog.BytesDone += int64(len(b))
	w.rs.prog.CurrentFile = w.path
	w.rs.reportLocked()
	w.rs.mu.Unlock()
	return len(b), nil
}

// write restores one file through a temporary file, counting its bytes
// in w. It returns why the file failed, or an error that ends the restore.
func (rs *restorer) write(ctx context.Context, e *manifest.Entry, w io.Writer) (string, error) {
	target := filepath.FromSlash(e.SourcePath())
	if dir := path.Dir(e.SourcePath()); dir != "." {
		if err := rs.root.MkdirAll(filepath.FromSlash(dir), 0o755); err != nil {
			return "cannot create its folder: " + err.Error(), nil
		}
	}
	rc, err := rs.dest.Open(ctx, rs.version, e.Path)
	if errors.Is(err, storage.ErrNotFound) {
		return "missing from the destination", nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read %s from %s: %w", e.Path, rs.version, err)
	}
	defer rc.Close()
	tmp := filepath.Join(filepath.Dir(target), ".avault-restore-"+randomHex())
	reason, err := rs.fill(ctx, tmp, rc, e, w)
	if reason == "" && err == nil {
		if rerr := rs.root.Rename(tmp, target); rerr != nil {
			reason = "cannot put it in place: " + rerr.Error()
		}
	}
	if reason == "" && err == nil {
		rs.notes.add(storage.NoteOf(rc), e.Path)
	}
	if reason != "" || err != nil {
		rs.root.Remove(tmp)
	}
	return reason, err
}

// fill writes r into the new file tmp, checking size and SHA-256, then
// sets its mode and modification time.
func (rs *restorer) fill(ctx context.Context, tmp string, r io.Reader, e *manifest.Entry, count io.Writer) (string, error) {
	f, err := rs.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "cannot create it: " + err.Error(), nil
	}
	h := sha256.New()
	bp := copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(io.MultiWriter(count, f, h), io.LimitReader(r, e.Size+1), *bp)
	copyBufs.Put(bp)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case ctx.Err() != nil:
		return "", ctx.Err()
	case err != nil:
		return "", fmt.Errorf("cannot restore %s: %w", e.Path, err)
	case n != e.Size:
		return fmt.Sprintf("the stored file has a different size than the manifest says (%d bytes, not %d): it is damaged", n, e.Size), nil
	case hex.EncodeToString(h.Sum(nil)) != e.SHA256:
		return "the stored file's SHA-256 differs from the manifest's: it is damaged", nil
	}
	if err := rs.root.Chmod(tmp, fs.FileMode(e.Mode).Perm()); err != nil {
		return "cannot set its mode: " + err.Error(), nil
	}
	if err := rs.root.Chtimes(tmp, e.MTime, e.MTime); err != nil {
		return "cannot set its modification time: " + err.Error(), nil
	}
	return "", nil
}

func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
