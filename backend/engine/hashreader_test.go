package engine

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHashReaderHashesEachByteOnceInOrder(t *testing.T) {
	content := strings.Repeat("0123456789", 100000)
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte(content), 0o644)
	for name, consume := range map[string]func(h *hashReader){
		"read all": func(h *hashReader) { io.ReadAll(h) },
		"read twice after a seek": func(h *hashReader) {
			io.CopyN(io.Discard, h, 5000)
			h.Seek(0, io.SeekStart)
			io.ReadAll(h)
		},
		"length by seeking to the end": func(h *hashReader) {
			if n, _ := h.Seek(0, io.SeekEnd); n != int64(len(content)) {
				t.Errorf("end at %d", n)
			}
			h.Seek(0, io.SeekStart)
			io.ReadAll(h)
		},
		"parts out of order": func(h *hashReader) {
			io.ReadAll(io.NewSectionReader(h, 500000, 500000))
			io.ReadAll(io.NewSectionReader(h, 0, 500000))
		},
		"nothing read": func(h *hashReader) {},
	} {
		f, _ := os.Open(p)
		h := newHashReader(f, int64(len(content)))
		consume(h)
		if err := h.complete(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sha := h.sum(); sha != shaHex(content) {
			t.Errorf("%s: sha %s", name, sha)
		}
		f.Close()
	}
}

func TestHashReaderStopsAtSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("0123456789"), 0o644)
	f, _ := os.Open(p)
	defer f.Close()
	h := newHashReader(f, 4)
	b, _ := io.ReadAll(h)
	if string(b) != "0123" {
		t.Errorf("read %q", b)
	}
	short := newHashReader(f, 20) // the file shrank since it was sized
	io.ReadAll(short)
	if err := short.complete(); err == nil {
		t.Error("a short file completed")
	}
}
