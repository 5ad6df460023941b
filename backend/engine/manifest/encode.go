package manifest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/avault/avault/backend/storage"
)

// headroom is the room kept in front of the compressed entries for the
// header member, so that Finish rarely has to copy the entries.
const headroom = 8 << 10

// Writer builds a manifest from entries added in Compare order. It is not
// safe for concurrent use.
type Writer struct {
	buf   bytes.Buffer
	gz    *gzip.Writer
	line  []byte
	files int64
	bytes int64
	last  string
	err   error
}

// NewWriter returns an empty manifest writer.
func NewWriter() *Writer {
	w := &Writer{}
	w.buf.Write(make([]byte, headroom))
	w.gz, _ = gzip.NewWriterLevel(&w.buf, gzip.BestSpeed) // the level is valid
	return w
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
// are set from what was added) and returns the compressed bytes. The
// writer cannot be used afterwards.
func (w *Writer) Finish(h Header) ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	w.err = fmt.Errorf("manifest already finished")
	if _, err := w.gz.Write([]byte("\n]}\n")); err != nil {
		return nil, err
	}
	if err := w.gz.Close(); err != nil {
		return nil, err
	}
	h.FormatVersion, h.Files, h.Bytes = FormatVersion, w.files, w.bytes
	head, err := headerMember(h)
	if err != nil {
		return nil, err
	}
	all := w.buf.Bytes()
	if len(head) <= headroom {
		start := headroom - len(head)
		copy(all[start:], head)
		return all[start:], nil
	}
	return append(head, all[headroom:]...), nil
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
