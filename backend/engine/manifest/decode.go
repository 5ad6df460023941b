package manifest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MaxLine is the longest line a manifest may have. Every entry is on a
// line of its own, so a reader never holds more than this of garbage.
const MaxLine = 1 << 20

// ErrFormat is wrapped by every error about a manifest that is not one:
// garbage, truncation, a bad entry, entries out of order, a newer format.
var ErrFormat = errors.New("not a valid manifest")

// Reader reads a manifest one entry at a time, checking each entry and
// their order.
type Reader struct {
	Header Header
	// Folders and Symlinks are the manifest's folders and symbolic links,
	// set once Next has returned io.EOF.
	Folders  []Folder
	Symlinks []Symlink
	zr       *gzip.Reader
	dec      *json.Decoder
	last     string
	n        int64
	done     bool
}

// NewReader reads the header of the gzip-compressed manifest in r.
func NewReader(r io.Reader) (*Reader, error) {
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return nil, formatErr(err)
	}
	mr, err := newPlainReader(zr)
	if err != nil {
		return nil, err
	}
	mr.zr = zr
	return mr, nil
}

// ReadHeader returns the header of the manifest in data.
func ReadHeader(data []byte) (Header, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return Header{}, err
	}
	return r.Header, nil
}

// newPlainReader reads the header of an uncompressed manifest.
func newPlainReader(r io.Reader) (*Reader, error) {
	mr := &Reader{dec: json.NewDecoder(&lineGuard{r: r})}
	if err := mr.readHeader(); err != nil {
		return nil, formatErr(err)
	}
	if mr.Header.FormatVersion < 1 || mr.Header.FormatVersion > FormatVersion {
		return nil, formatErr(fmt.Errorf("format version %d is not supported (this Avault reads up to %d)",
			mr.Header.FormatVersion, FormatVersion))
	}
	return mr, nil
}

// readHeader decodes the object's fields up to the start of "entries".
func (r *Reader) readHeader() error {
	if err := r.expect(json.Delim('{')); err != nil {
		return err
	}
	for r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if key == "entries" {
			return r.expect(json.Delim('['))
		}
		if err := r.decodeField(key); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
	}
	return errors.New(`no "entries"`)
}

// decodeField decodes the value of a header field, skipping unknown ones.
func (r *Reader) decodeField(key string) error {
	h := &r.Header
	fields := map[string]any{
		"formatVersion": &h.FormatVersion, "jobId": &h.JobID, "jobName": &h.JobName,
		"runId": &h.RunID, "version": &h.Version, "created": &h.Created, "source": &h.Source,
		"files": &h.Files, "bytes": &h.Bytes, "filesFailed": &h.FilesFailed,
		"filesSkipped": &h.FilesSkipped, "bytesUploaded": &h.BytesUploaded, "bytesCopied": &h.BytesCopied,
		"layout": &h.Layout, "gen": &h.Gen, "base": &h.Base,
		"folders": &h.Folders, "symlinks": &h.Symlinks,
	}
	if dst, ok := fields[key]; ok {
		return r.dec.Decode(dst)
	}
	var skip json.RawMessage
	return r.dec.Decode(&skip)
}

func (r *Reader) expect(want json.Delim) error {
	tok, err := r.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("found %v where %q was expected", tok, want)
	}
	return nil
}

// Next returns the next entry, or io.EOF after the last one, once the
// rest of the manifest and its checksum have been checked.
func (r *Reader) Next() (Entry, error) {
	if r.done {
		return Entry{}, io.EOF
	}
	if !r.dec.More() {
		r.done = true
		if err := r.finish(); err != nil {
			return Entry{}, formatErr(err)
		}
		if r.n != r.Header.Files {
			return Entry{}, formatErr(fmt.Errorf("has %d entries, its header says %d", r.n, r.Header.Files))
		}
		return Entry{}, io.EOF
	}
	var e Entry
	if err := r.dec.Decode(&e); err != nil {
		r.done = true
		return Entry{}, formatErr(fmt.Errorf("entry %d: %w", r.n+1, err))
	}
	if err := r.check(&e); err != nil {
		r.done = true
		return Entry{}, formatErr(err)
	}
	r.n++
	r.last = e.Path
	return e, nil
}

// check validates e and its place after the previous entry.
func (r *Reader) check(e *Entry) error {
	if err := checkEntry(e); err != nil {
		return err
	}
	if r.n > 0 && Compare(r.last, e.Path) >= 0 {
		return fmt.Errorf("entry %q comes after %q: not in order", e.Path, r.last)
	}
	return nil
}

// finish reads the end of the document and, for a compressed manifest,
// the rest of the stream, so that gzip checks its checksum.
func (r *Reader) finish() error {
	if err := r.expect(json.Delim(']')); err != nil {
		return err
	}
	for r.dec.More() { // folders, symlinks, and fields of a newer writer
		tok, err := r.dec.Token()
		if err != nil {
			return err
		}
		switch key, _ := tok.(string); key {
		case "folders":
			err = readArray(r.dec, &r.Folders, func(f *Folder) (string, error) { return f.Path, checkFolder(f) })
		case "symlinks":
			err = readArray(r.dec, &r.Symlinks, func(l *Symlink) (string, error) { return l.Path, checkSymlink(l) })
		default:
			var skip json.RawMessage
			err = r.dec.Decode(&skip)
		}
		if err != nil {
			return fmt.Errorf("%v: %w", tok, err)
		}
	}
	if err := r.expect(json.Delim('}')); err != nil {
		return err
	}
	if n := int64(len(r.Folders)); n != r.Header.Folders {
		return fmt.Errorf("has %d folders, its header says %d", n, r.Header.Folders)
	}
	if n := int64(len(r.Symlinks)); n != r.Header.Symlinks {
		return fmt.Errorf("has %d symbolic links, its header says %d", n, r.Header.Symlinks)
	}
	if r.zr != nil {
		if _, err := io.Copy(io.Discard, r.zr); err != nil {
			return err
		}
	}
	return nil
}

// readArray decodes a JSON array of items into out, checking each and
// their order.
func readArray[T any](dec *json.Decoder, out *[]T, check func(*T) (string, error)) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("found %v where an array was expected", tok)
	}
	last := ""
	for n := 0; dec.More(); n++ {
		var v T
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("item %d: %w", n+1, err)
		}
		p, err := check(&v)
		if err != nil {
			return err
		}
		if n > 0 && Compare(last, p) >= 0 {
			return fmt.Errorf("%q comes after %q: not in order", p, last)
		}
		last = p
		*out = append(*out, v)
	}
	_, err = dec.Token() // the closing bracket: More said there is no item
	return err
}

// Tree is a whole manifest: its header, files, folders and links.
type Tree struct {
	Header   Header
	Entries  []Entry
	Folders  []Folder
	Symlinks []Symlink
}

// ReadTree reads the whole manifest in data. It holds it all in memory.
func ReadTree(data []byte) (*Tree, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	t := &Tree{}
	for {
		e, err := r.Next()
		if err == io.EOF {
			t.Header, t.Folders, t.Symlinks = r.Header, r.Folders, r.Symlinks
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		t.Entries = append(t.Entries, e)
	}
}

// All reads every entry of the manifest in data, for callers that need
// them together (verify, restore). It holds them all in memory.
func All(data []byte) (Header, []Entry, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return Header{}, nil, err
	}
	var out []Entry
	for {
		e, err := r.Next()
		if err == io.EOF {
			return r.Header, out, nil
		}
		if err != nil {
			return Header{}, nil, err
		}
		out = append(out, e)
	}
}

func formatErr(err error) error {
	if errors.Is(err, ErrFormat) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrFormat, err)
}

// lineGuard fails a read once more than MaxLine bytes came without a line
// break, so that garbage cannot make the JSON decoder buffer without bound.
type lineGuard struct {
	r   io.Reader
	run int
}

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			g.run = 0
		} else if g.run++; g.run > MaxLine {
			return 0, fmt.Errorf("a line longer than %d bytes", MaxLine)
		}
	}
	return n, err
}
