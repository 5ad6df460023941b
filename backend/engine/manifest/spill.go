package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// SpillAt is how many bytes a Spill keeps in memory before it moves them
// to a temporary file. A manifest takes about 45 to 90 bytes a file
// compressed, so one of more than about 15,000 files is kept on disk
// while a run writes it or reads it, and the memory a run needs does not
// grow with the number of files.
const SpillAt = 1 << 20

// Spill is a buffer that is written to once, then read: in memory while
// small, in a temporary file (removed as soon as it is made where the
// system allows, else when the Spill is closed) once it holds more than
// SpillAt bytes. It is not safe for concurrent writes.
type Spill struct {
	dir  string
	mem  []byte
	f    *os.File
	bw   *bufio.Writer
	name string // the file's name while it still has one
	n    int64
	err  error
}

// NewSpill returns an empty buffer whose file, when it needs one, goes in
// dir ("" for the system's temporary folder).
func NewSpill(dir string) *Spill { return &Spill{dir: dir} }

// Write appends p.
func (s *Spill) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.f == nil && len(s.mem)+len(p) > SpillAt {
		if err := s.toFile(); err != nil {
			dir := s.dir
			if dir == "" {
				dir = os.TempDir()
			}
			s.err = fmt.Errorf("cannot keep a big manifest in a temporary file in %s (is it full? $TMPDIR chooses another folder): %w", dir, err)
			return 0, s.err
		}
	}
	if s.f == nil {
		s.mem = append(s.mem, p...)
		s.n += int64(len(p))
		return len(p), nil
	}
	n, err := s.bw.Write(p)
	s.n += int64(n)
	if err != nil {
		s.err = fmt.Errorf("cannot write a big manifest to its temporary file (is %s full?): %w", filepath.Dir(s.f.Name()), err)
	}
	return n, s.err
}

// toFile moves what is in memory to a new temporary file.
func (s *Spill) toFile() error {
	f, err := os.CreateTemp(s.dir, "avault-manifest-*")
	if err != nil {
		return err
	}
	if os.Remove(f.Name()) != nil {
		s.name = f.Name() // Windows: removed when closed
	}
	s.f, s.bw = f, bufio.NewWriterSize(f, 64<<10)
	if _, err := s.bw.Write(s.mem); err != nil {
		return err
	}
	s.mem = nil
	return nil
}

// Len returns the number of bytes written.
func (s *Spill) Len() int64 { return s.n }

// OnDisk reports whether the bytes went to a temporary file.
func (s *Spill) OnDisk() bool { return s.f != nil }

// Reader returns a reader of everything written so far. Readers made
// before later writes do not see them; several may be read at once.
func (s *Spill) Reader() (io.Reader, error) {
	if s.err != nil {
		return nil, s.err
	}
	if s.f == nil {
		return bytes.NewReader(s.mem), nil
	}
	if err := s.bw.Flush(); err != nil {
		s.err = err
		return nil, err
	}
	return io.NewSectionReader(s.f, 0, s.n), nil
}

// AppendTo appends everything written to b.
func (s *Spill) AppendTo(b []byte) ([]byte, error) {
	r, err := s.Reader()
	if err != nil {
		return b, err
	}
	if s.f == nil {
		return append(b, s.mem...), nil
	}
	start := len(b)
	b = append(b, make([]byte, s.n)...)
	if _, err := io.ReadFull(r, b[start:]); err != nil {
		return b[:start], err
	}
	return b, nil
}

// Close removes the temporary file, if any. The Spill cannot be used
// afterwards.
func (s *Spill) Close() error {
	if s.err == nil {
		s.err = errors.New("manifest buffer closed")
	}
	s.mem = nil
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	if s.name != "" {
		err = errors.Join(err, os.Remove(s.name))
	}
	s.f = nil
	return err
}
