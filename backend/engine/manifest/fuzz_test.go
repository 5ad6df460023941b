package manifest

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
	"time"
)

// FuzzDecodeManifest feeds arbitrary bytes to the reader, both as a
// compressed manifest and as the document inside one. It must never panic
// or hang, and whatever it accepts must be a valid, ordered manifest.
func FuzzDecodeManifest(f *testing.F) {
	w := NewWriter()
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range []string{"a", "a/b", "a.b"} {
		_ = w.Add(Entry{Path: p, Size: 1, MTime: t, Mode: 0o644, SHA256: sha(p)})
	}
	valid, _ := w.Finish(Header{JobID: "j", Version: "v"})
	f.Add(valid)
	zr, _ := gzip.NewReader(bytes.NewReader(valid))
	plain, _ := io.ReadAll(zr)
	f.Add(plain)
	f.Add([]byte(`{"formatVersion":1,"files":0,"entries":[]}`))
	f.Add([]byte(`{"formatVersion":1,"entries":[{"path":"x","size":-1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(r *Reader, err error) {
			if err != nil {
				return
			}
			last := ""
			for n := 0; ; n++ {
				e, err := r.Next()
				if err != nil {
					return
				}
				if n > 0 && Compare(last, e.Path) >= 0 {
					t.Fatalf("accepted %q after %q", e.Path, last)
				}
				if checkEntry(&e) != nil {
					t.Fatalf("accepted a bad entry %+v", e)
				}
				last = e.Path
			}
		}
		check(NewReader(bytes.NewReader(data)))
		check(newPlainReader(bytes.NewReader(data)))
	})
}
