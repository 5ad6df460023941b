package s3

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/s3/s3test"
)

// shrinking is a file that was truncated after Put looked at its length:
// it seeks like a file of its full length but reads only limit bytes at
// offsets.
type shrinking struct {
	*bytes.Reader
	limit int64
}

func (s shrinking) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.limit {
		return 0, io.EOF
	}
	if rest := s.limit - off; int64(len(p)) > rest {
		n, _ := s.Reader.ReadAt(p[:rest], off)
		return n, io.EOF
	}
	return s.Reader.ReadAt(p, off)
}

// TestFilesPutShortSource checks that a source shorter than its size, on
// every upload path, fails with ErrInvalid and leaves the old object: a
// body cut short on the wire must never be stored as the file.
func TestFilesPutShortSource(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name string
		r    func(have, size int) io.Reader
		have int
		size int
	}{
		{"seekable one request", seekable, 2 * mib, 3 * mib},
		{"seekable multipart", seekable, 8 * mib, 12 * mib},
		{"stream multipart", stream, 8 * mib, 12 * mib},
		{"truncated one request", truncated, 2 * mib, 3 * mib},
		{"truncated multipart", truncated, 8 * mib, 12 * mib},
	}
	for _, tls := range []bool{false, true} {
		srv := s3test.Start(t, s3test.Options{TLS: tls})
		f := openTest(t, srv, srv.Endpoint, freshPrefix(srv)).Files()
		for _, tt := range tests {
			p := "j/" + tt.name
			if _, err := f.Put(bg, p, bytes.NewReader([]byte("old")), 3, nil); err != nil {
				t.Fatal(err)
			}
			_, err := f.Put(bg, p, tt.r(tt.have, tt.size), int64(tt.size), nil)
			if !errors.Is(err, storage.ErrInvalid) {
				t.Errorf("TLS %v, %s: Put = %v, want ErrInvalid", tls, tt.name, err)
			}
			if got, err := readAll(f, p); err != nil || string(got) != "old" {
				t.Errorf("TLS %v, %s: after the failed Put read %d bytes, %v; want the old content", tls, tt.name, len(got), err)
			}
		}
	}
}

func seekable(have, _ int) io.Reader { return bytes.NewReader(make([]byte, have)) }
func stream(have, _ int) io.Reader   { return struct{ io.Reader }{seekable(have, 0)} }
func truncated(have, size int) io.Reader {
	return shrinking{bytes.NewReader(make([]byte, size)), int64(have)}
}

func readAll(f storage.Files, p string) ([]byte, error) {
	rc, err := f.Open(bg, p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// TestFilesOntoItself checks that a Move or Copy of a file onto itself,
// which S3 refuses as a copy, keeps the file.
func TestFilesOntoItself(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	f := openTest(t, srv, srv.Endpoint, freshPrefix(srv)).Files()
	if _, err := f.Put(bg, "j/a.txt", bytes.NewReader([]byte("alpha")), 5, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Move(bg, "j/a.txt", "j/a.txt"); err != nil {
		t.Errorf("Move onto itself: %v", err)
	}
	if res, err := f.Copy(bg, "j/a.txt", "j/a.txt"); err != nil || res.Size != 5 {
		t.Errorf("Copy onto itself = %+v, %v; want 5 bytes", res, err)
	}
	if got, err := readAll(f, "j/a.txt"); err != nil || string(got) != "alpha" {
		t.Errorf("after: %q, %v; want alpha", got, err)
	}
	if err := f.Move(bg, "j/missing", "j/missing"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Move of a missing file onto itself = %v, want ErrNotFound", err)
	}
}

// TestFilesWalkSkipsFolderMarkers checks that Walk leaves out the empty
// "folder" objects other tools create, whose keys end in a slash. (Keys
// with empty or dot elements, which Walk skips too, cannot be stored on
// versitygw: it cleans keys as file paths.)
func TestFilesWalkSkipsFolderMarkers(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	d := openTest(t, srv, srv.Endpoint, freshPrefix(srv))
	putUserFile(t, d, "j/", nil)
	putUserFile(t, d, "j/sub/", nil)
	putUserFile(t, d, "j/sub/a.txt", []byte("a"))
	var got []string
	err := d.Files().Walk(bg, "j", func(fi storage.FileInfo) error {
		got = append(got, fi.Path)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != "sub/a.txt" {
		t.Errorf("Walk = %q, %v; want [sub/a.txt]", got, err)
	}
}
