package manifest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// DirItem is one thing a version holds directly in a folder: a file, or
// a folder with the files and bytes below it.
type DirItem struct {
	Name  string
	Path  string
	Dir   bool
	Size  int64 // a folder's: every file below it
	Files int64 // a folder's: files below it
	MTime time.Time
	Raw   string // as Entry.Raw, for a file
}

// ReadDir lists the folder dir ("" for the top) of the manifest in data:
// the files directly in it and the folders in it, empty ones included,
// in manifest order (folders as their first file comes, then the empty
// ones). It holds only that folder's items: the entries are read a line
// at a time and only those in dir are decoded, so that a browser opens a
// folder of a version of a million files in well under a second. A
// manifest of another shape is read entry by entry instead.
func ReadDir(data []byte, dir string) (Header, []DirItem, error) {
	h, items, err := readDirLines(data, dir)
	if errors.Is(err, errShape) {
		return readDirSlow(data, dir)
	}
	if err != nil {
		return Header{}, nil, formatErr(err)
	}
	return h, items, nil
}

// errShape says that a manifest is not laid out one entry a line as
// Writer writes it.
var errShape = errors.New("not one entry a line")

// level gathers the items of one folder.
type level struct {
	prefix  string
	items   []DirItem
	folders map[string]int // name -> index in items
}

func newLevel(dir string) *level {
	dir = strings.Trim(dir, "/")
	l := &level{folders: map[string]int{}}
	if dir != "" {
		l.prefix = dir + "/"
	}
	return l
}

// in returns the rest of p below the folder, or false.
func (l *level) in(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, l.prefix)
	return rest, ok && rest != ""
}

// folder returns the item of the sub-folder name, made when new.
func (l *level) folder(name string) *DirItem {
	if i, ok := l.folders[name]; ok {
		return &l.items[i]
	}
	l.folders[name] = len(l.items)
	l.items = append(l.items, DirItem{Name: name, Path: l.prefix + name, Dir: true})
	return &l.items[len(l.items)-1]
}

// below counts a file of size deeper in the sub-folder name.
func (l *level) below(name string, size int64) {
	f := l.folder(name)
	f.Size += size
	f.Files++
}

func (l *level) file(rest string, e *Entry) {
	l.items = append(l.items, DirItem{Name: rest, Path: e.Path, Size: e.Size, MTime: e.MTime, Raw: e.Raw})
}

// readDirLines reads the manifest a line at a time.
func readDirLines(data []byte, dir string) (Header, []DirItem, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return Header{}, nil, err
	}
	br := bufio.NewReaderSize(zr, 256<<10)
	first, err := readLine(br)
	if err != nil {
		return Header{}, nil, err
	}
	const open = `,"entries":[`
	head, ok := bytes.CutSuffix(first, []byte(open))
	if !ok || !bytes.HasPrefix(head, []byte("{")) {
		return Header{}, nil, errShape
	}
	var h Header
	if err := json.Unmarshal(append(head, '}'), &h); err != nil {
		return Header{}, nil, errShape
	}
	if h.FormatVersion < 1 || h.FormatVersion > FormatVersion {
		return Header{}, nil, fmt.Errorf("format version %d is not supported (this Avault reads up to %d)", h.FormatVersion, FormatVersion)
	}
	l := newLevel(dir)
	var n int64
	section := "entries"
	for {
		line, err := readLine(br)
		if err == io.EOF {
			break
		}
		if err != nil {
			return Header{}, nil, err
		}
		line = bytes.TrimSuffix(line, []byte(","))
		switch {
		case len(line) == 0:
			continue
		case line[0] == ']':
			switch rest := string(line[1:]); {
			case strings.HasPrefix(rest, `,"folders":[`):
				section = "folders"
			case strings.HasPrefix(rest, `,"symlinks":[`):
				section = "symlinks"
			case rest == "}":
				section = "end"
			default:
				return Header{}, nil, errShape
			}
			continue
		case line[0] != '{' || section == "end":
			return Header{}, nil, errShape
		}
		switch section {
		case "entries":
			n++
			if err := l.entryLine(line); err != nil {
				return Header{}, nil, err
			}
		case "folders":
			p, ok := quickPath(line)
			if !ok {
				var f Folder
				if err := json.Unmarshal(line, &f); err != nil {
					return Header{}, nil, fmt.Errorf("folder: %w", err)
				}
				p = f.Path
			}
			if rest, ok := l.in(p); ok && !strings.Contains(rest, "/") {
				l.folder(rest)
			}
		}
	}
	if section != "end" {
		return Header{}, nil, errors.New("the manifest ends before its last bracket")
	}
	if n != h.Files {
		return Header{}, nil, fmt.Errorf("has %d entries, its header says %d", n, h.Files)
	}
	return h, l.items, nil
}

// entryLine counts one entry line: decoded whole only when the file lies
// directly in the folder.
func (l *level) entryLine(line []byte) error {
	p, ok := quickPath(line)
	if ok {
		rest, in := l.in(p)
		if !in {
			return nil
		}
		if name, _, deeper := strings.Cut(rest, "/"); deeper {
			if size, ok := quickSize(line, len(p)); ok {
				l.below(name, size)
				return nil
			}
		}
	}
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return fmt.Errorf("entry: %w", err)
	}
	if err := checkEntry(&e); err != nil {
		return err
	}
	rest, in := l.in(e.Path)
	if !in {
		return nil
	}
	if name, _, deeper := strings.Cut(rest, "/"); deeper {
		l.below(name, e.Size)
	} else {
		l.file(rest, &e)
	}
	return nil
}

// quickPath returns the path of a line that starts {"path":"…" with no
// escape in it.
func quickPath(line []byte) (string, bool) {
	const key = `{"path":"`
	if !bytes.HasPrefix(line, []byte(key)) {
		return "", false
	}
	end := bytes.IndexByte(line[len(key):], '"')
	if end < 0 || bytes.IndexByte(line[len(key):len(key)+end], '\\') >= 0 {
		return "", false
	}
	return string(line[len(key) : len(key)+end]), true
}

// quickSize reads the "size" that follows a path of n bytes.
func quickSize(line []byte, n int) (int64, bool) {
	const key = `","size":`
	rest := line[len(`{"path":"`)+n:]
	if !bytes.HasPrefix(rest, []byte(key)) {
		return 0, false
	}
	rest = rest[len(key):]
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	v, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	return v, err == nil && end > 0
}

// readLine returns the next line without its line break, refusing lines
// longer than MaxLine.
func readLine(br *bufio.Reader) ([]byte, error) {
	var long []byte
	for {
		part, err := br.ReadSlice('\n')
		switch {
		case err == bufio.ErrBufferFull:
			long = append(long, part...)
			if len(long) > MaxLine {
				return nil, fmt.Errorf("a line longer than %d bytes", MaxLine)
			}
			continue
		case err == io.EOF && len(part)+len(long) > 0:
			err = nil
		case err != nil:
			return nil, err
		}
		if long != nil {
			part = append(long, part...)
		}
		return bytes.TrimSuffix(part, []byte("\n")), nil
	}
}

// readDirSlow lists the folder with the checking reader.
func readDirSlow(data []byte, dir string) (Header, []DirItem, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return Header{}, nil, err
	}
	l := newLevel(dir)
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Header{}, nil, err
		}
		rest, in := l.in(e.Path)
		if !in {
			continue
		}
		if name, _, deeper := strings.Cut(rest, "/"); deeper {
			l.below(name, e.Size)
		} else {
			l.file(rest, &e)
		}
	}
	for _, f := range r.Folders {
		if rest, ok := l.in(f.Path); ok && !strings.Contains(rest, "/") {
			l.folder(rest)
		}
	}
	return r.Header, l.items, nil
}
