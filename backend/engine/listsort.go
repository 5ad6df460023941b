package engine

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// listRun is how many files a listingSorter sorts in memory before it
// writes them to a temporary file as a sorted run: about 10 MB of a
// listing at a time, whatever the number of files.
const listRun = 50_000

// listingSorter puts a destination's listing, handed over one file at a
// time in any order, into manifest order (manifest.Compare) in bounded
// memory: runs of listRun files are sorted and written to temporary files,
// then merged. Files of the same path keep the order they were added in.
type listingSorter struct {
	dir  string // for the temporary files; "" is the system's
	run  int    // files per run; listRun when 0
	buf  []storage.FileInfo
	runs []*os.File
}

func (s *listingSorter) add(f storage.FileInfo) error {
	s.buf = append(s.buf, f)
	if s.run == 0 {
		s.run = listRun
	}
	if len(s.buf) >= s.run {
		return s.spill()
	}
	return nil
}

func (s *listingSorter) sortBuf() {
	slices.SortStableFunc(s.buf, func(a, b storage.FileInfo) int { return manifest.Compare(a.Path, b.Path) })
}

// spill writes the sorted buffer to a new temporary file.
func (s *listingSorter) spill() error {
	s.sortBuf()
	f, err := os.CreateTemp(s.dir, "avault-listing-*")
	if err != nil {
		return fmt.Errorf("cannot keep a big listing in a temporary file (is %s full? $TMPDIR chooses another folder): %w", tempDir(s.dir), err)
	}
	_ = os.Remove(f.Name()) // fails on Windows: removed in close
	s.runs = append(s.runs, f)
	w := bufio.NewWriterSize(f, 64<<10)
	var b []byte
	for _, fi := range s.buf {
		b = b[:0]
		b = binary.AppendUvarint(b, uint64(len(fi.Path)))
		b = append(b, fi.Path...)
		b = binary.AppendVarint(b, fi.Size)
		b = binary.AppendUvarint(b, uint64(len(fi.Hash.Algo)))
		b = append(b, fi.Hash.Algo...)
		b = binary.AppendUvarint(b, uint64(len(fi.Hash.Value)))
		b = append(b, fi.Hash.Value...)
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("cannot write a big listing to its temporary file (is %s full?): %w", tempDir(s.dir), err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("cannot write a big listing to its temporary file (is %s full?): %w", tempDir(s.dir), err)
	}
	clear(s.buf)
	s.buf = s.buf[:0]
	return nil
}

func tempDir(dir string) string {
	if dir == "" {
		return os.TempDir()
	}
	return dir
}

// sorted returns the files in manifest order, one per call of next, which
// reports false after the last. close removes the temporary files.
func (s *listingSorter) sorted() (next func() (storage.FileInfo, bool, error), err error) {
	if len(s.runs) == 0 {
		s.sortBuf()
		i := 0
		return func() (storage.FileInfo, bool, error) {
			if i == len(s.buf) {
				return storage.FileInfo{}, false, nil
			}
			i++
			return s.buf[i-1], true, nil
		}, nil
	}
	if len(s.buf) > 0 {
		if err := s.spill(); err != nil {
			return nil, err
		}
	}
	s.buf = nil
	h := &runHeap{}
	for i, f := range s.runs {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		r := &runReader{r: bufio.NewReaderSize(f, 32<<10), order: i}
		ok, err := r.advance()
		if err != nil {
			return nil, err
		}
		if ok {
			h.items = append(h.items, r)
		}
	}
	heap.Init(h)
	return func() (storage.FileInfo, bool, error) {
		if h.Len() == 0 {
			return storage.FileInfo{}, false, nil
		}
		r := h.items[0]
		f := r.cur
		ok, err := r.advance()
		if err != nil {
			return storage.FileInfo{}, false, err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
		return f, true, nil
	}, nil
}

func (s *listingSorter) close() {
	for _, f := range s.runs {
		name := f.Name()
		f.Close()
		_ = os.Remove(name) // where the early remove failed
	}
	s.runs, s.buf = nil, nil
}

// runReader reads one sorted run back.
type runReader struct {
	r     *bufio.Reader
	order int // the run's place: equal paths come out in the order added
	cur   storage.FileInfo
}

var errRunDamaged = errors.New("a temporary listing file was cut short")

func (r *runReader) advance() (bool, error) {
	n, err := binary.ReadUvarint(r.r)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	str := func(n uint64) (string, error) {
		b := make([]byte, n)
		if _, err := io.ReadFull(r.r, b); err != nil {
			return "", errRunDamaged
		}
		return string(b), nil
	}
	var f storage.FileInfo
	if f.Path, err = str(n); err != nil {
		return false, err
	}
	if f.Size, err = binary.ReadVarint(r.r); err != nil {
		return false, errRunDamaged
	}
	for _, dst := range []*string{&f.Hash.Algo, &f.Hash.Value} {
		n, err := binary.ReadUvarint(r.r)
		if err != nil {
			return false, errRunDamaged
		}
		if *dst, err = str(n); err != nil {
			return false, err
		}
	}
	r.cur = f
	return true, nil
}

type runHeap struct{ items []*runReader }

func (h *runHeap) Len() int { return len(h.items) }
func (h *runHeap) Less(i, j int) bool {
	if c := manifest.Compare(h.items[i].cur.Path, h.items[j].cur.Path); c != 0 {
		return c < 0
	}
	return h.items[i].order < h.items[j].order
}
func (h *runHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *runHeap) Push(x any)    { h.items = append(h.items, x.(*runReader)) }
func (h *runHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
