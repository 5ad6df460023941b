package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// A manifest bigger than SpillAt is written through a temporary file,
// reads back whole, and leaves no file behind.
func TestWriterSpillsBigManifests(t *testing.T) {
	dir := t.TempDir()
	w := NewWriterIn(dir)
	mt := time.Date(2026, 1, 11, 10, 0, 0, 0, time.UTC)
	const n = 40000 // about 2 MB compressed: the SHA-256 do not compress
	for i := range n {
		sum := sha256.Sum256(fmt.Appendf(nil, "%d", i))
		p := fmt.Sprintf("d%02d/f%06d", i/1000, i)
		if err := w.Add(Entry{Path: p, Size: int64(i), MTime: mt, Mode: 0o644, SHA256: hex.EncodeToString(sum[:])}); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			if err := w.AddFolder(Folder{Path: fmt.Sprintf("d%02d", i/1000), MTime: mt, Mode: 0o755}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !w.buf.OnDisk() {
		t.Fatalf("%d compressed bytes stayed in memory; want them on disk past %d", w.buf.Len(), SpillAt)
	}
	data, err := w.Finish(header())
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) < SpillAt || len(data) != cap(data) {
		t.Errorf("manifest of %d bytes in a slice of %d: want one slice of exactly its size, over %d", len(data), cap(data), SpillAt)
	}
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var got int
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("d%02d/f%06d", got/1000, got); e.Path != want || e.Size != int64(got) {
			t.Fatalf("entry %d = %s (%d bytes), want %s", got, e.Path, e.Size, want)
		}
		got++
	}
	if got != n || len(r.Folders) != n/1000 {
		t.Errorf("read %d entries and %d folders, want %d and %d", got, len(r.Folders), n, n/1000)
	}
	left, _ := os.ReadDir(dir)
	for _, f := range left {
		t.Errorf("temporary file %s left behind", f.Name())
	}
}

// A writer closed without Finish (a failed run) leaves no file behind.
func TestWriterCloseRemovesItsFile(t *testing.T) {
	dir := t.TempDir()
	s := NewSpill(dir)
	chunk := bytes.Repeat([]byte{7}, 64<<10)
	for s.Len() <= SpillAt {
		if _, err := s.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if !s.OnDisk() {
		t.Fatal("a buffer over SpillAt stayed in memory")
	}
	r, err := s.Reader()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil || int64(len(b)) != s.Len() || !bytes.Equal(b[:len(chunk)], chunk) {
		t.Fatalf("read back %d bytes, %v; want %d", len(b), err, s.Len())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("%d temporary files left after Close", len(left))
	}
	if _, err := s.Write(chunk); err == nil {
		t.Error("Write after Close succeeded")
	}
}

// A temporary folder that cannot take the file is named in the error.
func TestSpillSaysWhereItCouldNotWrite(t *testing.T) {
	dir := t.TempDir() + "/missing"
	s := NewSpill(dir)
	defer s.Close()
	if _, err := s.Write(make([]byte, 100)); err != nil {
		t.Fatalf("a small write needs no file: %v", err)
	}
	_, err := s.Write(make([]byte, SpillAt))
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "temporary file") {
		t.Fatalf("err = %v, want one naming %s", err, dir)
	}
	if _, again := s.Write([]byte{1}); again == nil {
		t.Error("the buffer took more after failing")
	}
}
