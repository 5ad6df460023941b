package s3

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/s3/s3test"
)

// shrinking claims its full length but reads only limit bytes at offsets.
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

func TestZZProbeShort(t *testing.T) {
	for _, tc := range []struct {
		name string
		srv  s3test.Options
	}{{"http", s3test.Options{}}, {"https", s3test.Options{TLS: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := s3test.Start(t, tc.srv)
			d := openTest(t, srv, srv.Endpoint, freshPrefix(srv))
			f := d.Files()
			for _, c := range []struct {
				name       string
				have, want int
				kind       string
			}{
				{"streamed", 2 << 20, 3 << 20, "seek"}, {"sections", 8 << 20, 12 << 20, "seek"},
				{"buffered-multipart", 8 << 20, 12 << 20, "plain"},
				{"shrink-streamed", 2 << 20, 3 << 20, "shrink"}, {"shrink-sections", 8 << 20, 12 << 20, "shrink"},
			} {
				if _, err := f.Put(bg, "x/"+c.name, bytes.NewReader([]byte("old")), 3, nil); err != nil {
					t.Fatal(err)
				}
				var r io.Reader
				switch c.kind {
				case "seek":
					r = bytes.NewReader(make([]byte, c.have))
				case "plain":
					r = struct{ io.Reader }{bytes.NewReader(make([]byte, c.have))}
				case "shrink":
					r = shrinking{bytes.NewReader(make([]byte, c.want)), int64(c.have)}
				}
				_, err := f.Put(bg, "x/"+c.name, r, int64(c.want), nil); lastErr = err
				if !errors.Is(err, storage.ErrInvalid) {
					t.Errorf("%s: err=%v, want ErrInvalid", c.name, err)
				}
				b, err := readPlainFile(f, "x/"+c.name)
				if err != nil || string(b) != "old" {
					t.Errorf("%s: after: %d bytes, %v; want old", c.name, len(b), err)
				}
				t.Logf("%s ok: %v", c.name, err0(f, c.name))
			}
		})
	}
}

func readPlainFile(f storage.Files, p string) ([]byte, error) {
	rc, err := f.Open(bg, p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

var lastErr error

func err0(storage.Files, string) error { return lastErr }
