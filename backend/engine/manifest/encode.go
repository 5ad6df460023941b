package manifest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/avault/avault/backend/storage"
)

// Writer builds a manifest from entries added in Compare order. It is not
// safe for concurrent use.
type Writer struct {
	buf   *Spill // the compressed entries
	gz    *gzip.Writer
	line  []byte
	files int64
	bytes int64
	last  string
	err   error

	folders  part // "folders", added to by another goroutine than entries
	symlinks part
}

// part is an array after "entries", compressed as its own gzip member
// while it is added to.
type part struct {
	mu   sync.Mutex
	name string
	buf  *Spill
	gz   *gzip.Writer
	line []byte
	n    int64
	last string
	err  error
}

// add appends one JSON object (line) for path, after checking its order.
func (p *part) add(path string, check error, line func([]byte) []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	if check != nil {
		p.err = check
		return check
	}
	if p.n > 0 && Compare(p.last, path) >= 0 {
		p.err = fmt.Errorf("manifest %s entry %q comes after %q: not in order", p.name, path, p.last)
		return p.err
	}
	p.line = p.line[:0]
	if p.n == 0 {
		p.gz, _ = gzip.NewWriterLevel(p.buf, gzip.BestSpeed)
		p.line = append(p.line, `,"`+p.name+`":[`+"\n"...)
	} else {
		p.line = append(p.line, ",\n"...)
	}
	p.line = line(p.line)
	if _, err := p.gz.Write(p.line); err != nil {
		p.err = err
		return err
	}
	p.n++
	p.last = path
	return nil
}

// finish closes the array, with tail after it, completing its member
// (none when nothing was added).
func (p *part) finish(tail string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil || p.n == 0 {
		return p.err
	}
	if _, err := p.gz.Write([]byte("\n]" + tail)); err != nil {
		return err
	}
	return p.gz.Close()
}

// AddFolder appends a folder. Folders must come in strictly increasing
// Compare order of their paths; they may be added from another goroutine
// than Add's.
func (w *Writer) AddFolder(f Folder) error {
	return w.folders.add(f.Path, checkFolder(&f), func(b []byte) []byte { return appendFolder(b, &f) })
}

// AddSymlink appends a symbolic link, as AddFolder does a folder.
func (w *Writer) AddSymlink(l Symlink) error {
	return w.symlinks.add(l.Path, checkSymlink(&l), func(b []byte) []byte { return appendSymlink(b, &l) })
}

// Folders returns the number of folders added so far.
func (w *Writer) Folders() int64 {
	w.folders.mu.Lock()
	defer w.folders.mu.Unlock()
	return w.folders.n
}

// Symlinks returns the number of symbolic links added so far.
func (w *Writer) Symlinks() int64 {
	w.symlinks.mu.Lock()
	defer w.symlinks.mu.Unlock()
	return w.symlinks.n
}

// NewWriter returns an empty manifest writer that keeps a big manifest in
// the system's temporary folder while it is written.
func NewWriter() *Writer { return NewWriterIn("") }

// NewWriterIn returns an empty manifest writer that keeps a manifest of
// more than SpillAt compressed bytes in a temporary file in dir ("" for
// the system's temporary folder) until Finish. Close removes it.
func NewWriterIn(dir string) *Writer {
	w := &Writer{buf: NewSpill(dir), folders: part{name: "folders", buf: NewSpill(dir)},
		symlinks: part{name: "symlinks", buf: NewSpill(dir)}}
	w.gz, _ = gzip.NewWriterLevel(w.buf, gzip.BestSpeed) // the level is valid
	return w
}

// Close removes the writer's temporary files. It may be called at any
// time, more than once; the writer cannot be used afterwards.
func (w *Writer) Close() error {
	if w.err == nil {
		w.err = fmt.Errorf("manifest writer closed")
	}
	w.folders.mu.Lock()
	defer w.folders.mu.Unlock()
	w.symlinks.mu.Lock()
	defer w.symlinks.mu.Unlock()
	return errors.Join(w.buf.Close(), w.folders.buf.Close(), w.symlinks.buf.Close())
}

// Add appends e. Entries must come in strictly increasing Compare order of
// their paths, with valid paths and a SHA-256; otherwise Add fails and the
// writer stays failed.
func (w *Writer) Add(e Entry) error {
	if w.err != nil {
		return w.err
	}
	if err := checkEntry(&e); err != nil {
		w.err = err
		return err
	}
	if w.files > 0 && Compare(w.last, e.Path) >= 0 {
		w.err = fmt.Errorf("manifest entry %q comes after %q: not in order", e.Path, w.last)
		return w.err
	}
	w.line = w.line[:0]
	if w.files > 0 {
		w.line = append(w.line, ",\n"...)
	}
	w.line = appendEntry(w.line, &e)
	if _, err := w.gz.Write(w.line); err != nil {
		w.err = err
		return err
	}
	w.files++
	w.bytes += e.Size
	w.last = e.Path
	return nil
}

// Files returns the number of entries added so far; Bytes their total size.
func (w *Writer) Files() int64 { return w.files }

// Bytes returns the total size of the entries added so far.
func (w *Writer) Bytes() int64 { return w.bytes }

// Finish completes the manifest with h (its FormatVersion, Files and Bytes
// are set from what was added) and returns the compressed bytes, in one
// slice of exactly their size. The writer cannot be used afterwards; its
// temporary files are removed.
func (w *Writer) Finish(h Header) ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	defer w.Close()
	nf, ns := w.Folders(), w.Symlinks()
	tail := func(last bool) string {
		if last {
			return "}\n"
		}
		return ""
	}
	if _, err := w.gz.Write([]byte("\n]" + tail(nf == 0 && ns == 0))); err != nil {
		return nil, err
	}
	if err := w.gz.Close(); err != nil {
		return nil, err
	}
	if err := w.folders.finish(tail(ns == 0)); err != nil {
		return nil, err
	}
	if err := w.symlinks.finish(tail(true)); err != nil {
		return nil, err
	}
	h.FormatVersion, h.Files, h.Bytes = FormatVersion, w.files, w.bytes
	h.Folders, h.Symlinks = nf, ns
	head, err := headerMember(h)
	if err != nil {
		return nil, err
	}
	all := make([]byte, 0, int64(len(head))+w.buf.Len()+w.folders.buf.Len()+w.symlinks.buf.Len())
	all = append(all, head...)
	for _, s := range []*Spill{w.buf, w.folders.buf, w.symlinks.buf} {
		if all, err = s.AppendTo(all); err != nil {
			return nil, err
		}
	}
	return all, nil
}

// headerMember compresses the header's fields and the opening of entries.
func headerMember(h Header) ([]byte, error) {
	h.Created = h.Created.UTC()
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	js = append(js[:len(js)-1], `,"entries":[`+"\n"...)
	var b bytes.Buffer
	gz, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if _, err := gz.Write(js); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// appendEntry writes e as one JSON object, as encoding/json would, but
// without reflection: a run writes one per file.
func appendEntry(b []byte, e *Entry) []byte {
	b = append(b, `{"path":`...)
	b = appendString(b, e.Path)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, e.Size, 10)
	b = append(b, `,"mtime":"`...)
	b = e.MTime.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","mode":`...)
	b = strconv.AppendUint(b, uint64(e.Mode), 10)
	b = append(b, `,"sha256":`...)
	b = appendString(b, e.SHA256)
	if e.DestHash != nil {
		b = append(b, `,"destHash":{"algo":`...)
		b = appendString(b, e.DestHash.Algo)
		b = append(b, `,"value":`...)
		b = appendString(b, e.DestHash.Value)
		b = append(b, '}')
	}
	if e.CopiedFrom != "" {
		b = append(b, `,"copiedFrom":`...)
		b = appendString(b, e.CopiedFrom)
	}
	if e.Since != "" {
		b = append(b, `,"since":`...)
		b = appendString(b, e.Since)
	}
	b = appendOptional(b, `,"raw":`, e.Raw)
	b = appendOptional(b, `,"hardLink":`, e.HardLink)
	return append(b, '}')
}

func appendOptional(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendString(append(b, key...), v)
}

func appendFolder(b []byte, f *Folder) []byte {
	b = append(b, `{"path":`...)
	b = appendString(b, f.Path)
	b = append(b, `,"mtime":"`...)
	b = f.MTime.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","mode":`...)
	b = strconv.AppendUint(b, uint64(f.Mode), 10)
	b = appendOptional(b, `,"raw":`, f.Raw)
	return append(b, '}')
}

func appendSymlink(b []byte, l *Symlink) []byte {
	b = append(b, `{"path":`...)
	b = appendString(b, l.Path)
	b = append(b, `,"target":`...)
	b = appendString(b, l.Target)
	b = append(b, `,"mtime":"`...)
	b = l.MTime.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	b = appendOptional(b, `,"raw":`, l.Raw)
	b = appendOptional(b, `,"targetRaw":`, l.TargetRaw)
	return append(b, '}')
}

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as
// with encoding/json; checkEntry refuses such paths before they get here.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, `\n`...)
			case '\t':
				b = append(b, `\t`...)
			case '\r':
				b = append(b, `\r`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// checkEntry reports what makes e unfit for a manifest.
func checkEntry(e *Entry) error {
	if err := storage.ValidatePath(e.Path); err != nil {
		return err
	}
	switch {
	case !utf8.ValidString(e.Path):
		return fmt.Errorf("manifest entry %q: path is not valid UTF-8", e.Path)
	case e.Size < 0:
		return fmt.Errorf("manifest entry %q: negative size", e.Path)
	case e.Mode > 0o7777:
		return fmt.Errorf("manifest entry %q: mode %o is not permission bits", e.Path, e.Mode)
	case !isSHA256(e.SHA256):
		return fmt.Errorf("manifest entry %q: sha256 %q is not 64 lower-case hex digits", e.Path, e.SHA256)
	case e.DestHash != nil && (e.DestHash.Algo == "" || e.DestHash.Value == ""):
		return fmt.Errorf("manifest entry %q: destination hash without algorithm or value", e.Path)
	case e.HardLink != "" && (storage.ValidatePath(e.HardLink) != nil || Compare(e.HardLink, e.Path) >= 0):
		return fmt.Errorf("manifest entry %q: hard link to %q, which is not an earlier path", e.Path, e.HardLink)
	}
	if err := checkRaw(e.Path, e.Raw); err != nil {
		return fmt.Errorf("manifest entry %w", err)
	}
	return nil
}

// checkPath checks the path and raw name of a folder or link.
func checkPath(what, p, raw string) error {
	if err := storage.ValidatePath(p); err != nil {
		return err
	}
	if !utf8.ValidString(p) {
		return fmt.Errorf("manifest %s %q: path is not valid UTF-8", what, p)
	}
	if err := checkRaw(p, raw); err != nil {
		return fmt.Errorf("manifest %s %w", what, err)
	}
	return nil
}

// checkFolder reports what makes f unfit for a manifest.
func checkFolder(f *Folder) error {
	if err := checkPath("folder", f.Path, f.Raw); err != nil {
		return err
	}
	if f.Mode > 0o7777 {
		return fmt.Errorf("manifest folder %q: mode %o is not permission bits", f.Path, f.Mode)
	}
	return nil
}

// checkSymlink reports what makes l unfit for a manifest.
func checkSymlink(l *Symlink) error {
	if err := checkPath("symbolic link", l.Path, l.Raw); err != nil {
		return err
	}
	switch {
	case l.Target == "" || strings.ContainsRune(l.Target, 0):
		return fmt.Errorf("manifest symbolic link %q: empty target or a NUL in it", l.Path)
	case !utf8.ValidString(l.Target):
		return fmt.Errorf("manifest symbolic link %q: target is not valid UTF-8", l.Path)
	}
	if err := checkRaw(l.Target, l.TargetRaw); err != nil {
		return fmt.Errorf("manifest symbolic link %q: target %w", l.Path, err)
	}
	return nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
