package manifest

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/storage"
)

func sha(s string) string {
	return strings.Repeat(fmt.Sprintf("%02x", len(s)%256), 32)
}

func entries() []Entry {
	t := time.Date(2026, 1, 11, 10, 0, 0, 123456789, time.UTC)
	return []Entry{
		{Path: "a", Size: 1, MTime: t, Mode: 0o644, SHA256: sha("a")},
		{Path: "a/b", Size: 2, MTime: t, Mode: 0o600, SHA256: sha("ab"),
			DestHash: &storage.Hash{Algo: "md5", Value: "00112233445566778899aabbccddeeff"}},
		{Path: "a.b", Size: 0, MTime: t.Add(time.Second), Mode: 0o755, SHA256: sha("")},
		{Path: "é \"quoted\"\\ tab\t/ctl\x01", Size: 3, MTime: t, Mode: 0o644, SHA256: sha("abc"),
			CopiedFrom: "Job-2026-01-10"},
	}
}

func header() Header {
	return Header{JobID: "j1", JobName: "Photos", RunID: "r1", Version: "Photos-2026-01-12",
		Created: time.Date(2026, 1, 12, 2, 0, 0, 0, time.FixedZone("CET", 3600)), Source: "/mnt/nas/photos",
		FilesFailed: 1, FilesSkipped: 2, BytesUploaded: 3, BytesCopied: 3}
}

func build(t *testing.T, h Header, es []Entry) []byte {
	t.Helper()
	w := NewWriter()
	for _, e := range es {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	b, err := w.Finish(h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	es := entries()
	slices.SortFunc(es, func(a, b Entry) int { return Compare(a.Path, b.Path) })
	b := build(t, header(), es)
	h, got, err := All(b)
	if err != nil {
		t.Fatal(err)
	}
	want := header()
	want.FormatVersion, want.Files, want.Bytes, want.Created = 1, 4, 6, want.Created.UTC()
	if h != want {
		t.Errorf("header = %+v\nwant %+v", h, want)
	}
	if len(got) != len(es) {
		t.Fatalf("got %d entries, want %d", len(got), len(es))
	}
	for i := range es {
		g, w := got[i], es[i]
		if g.Path != w.Path || g.Size != w.Size || !g.MTime.Equal(w.MTime) || g.Mode != w.Mode ||
			g.SHA256 != w.SHA256 || g.CopiedFrom != w.CopiedFrom || (g.DestHash == nil) != (w.DestHash == nil) {
			t.Errorf("entry %d = %+v, want %+v", i, g, w)
		}
	}
	// A standard gunzip reads it as one JSON document.
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.HasPrefix(plain, []byte(`{"formatVersion":1,"jobId":"j1"`)) || !bytes.HasSuffix(plain, []byte("\n]}\n")) {
		t.Errorf("document = %s", plain)
	}
}

func TestEmptyAndLargeHeader(t *testing.T) {
	h := header()
	big := make([]byte, 12<<10) // incompressible: the header member outgrows the headroom
	rand.Read(big)
	h.Source = hex.EncodeToString(big)
	for _, hd := range []Header{header(), h} {
		got, es, err := All(build(t, hd, nil))
		if err != nil || len(es) != 0 || got.Source != hd.Source {
			t.Errorf("empty manifest: %v, %d entries, source ok %v", err, len(es), got.Source == hd.Source)
		}
	}
}

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"a", "a", 0}, {"a", "b", -1}, {"b", "a", 1}, {"a", "a/b", -1},
		{"a/b", "a.b", -1}, {"a.b", "a/b", 1}, {"a/z", "a0", -1}, {"ab", "a/b", 1},
		{"a b/c", "a/b", 1}, {"é", "z", 1},
	} {
		if got := Compare(tc.a, tc.b); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestWriterRefuses(t *testing.T) {
	ok := entries()[0]
	for name, e := range map[string]Entry{
		"dotdot":   {Path: "../x", SHA256: ok.SHA256},
		"absolute": {Path: "/x", SHA256: ok.SHA256},
		"meta":     {Path: ".avault/x", SHA256: ok.SHA256},
		"bad utf8": {Path: "a\xff", SHA256: ok.SHA256},
		"no hash":  {Path: "x"},
		"upper":    {Path: "x", SHA256: strings.Repeat("AB", 32)},
		"negative": {Path: "x", Size: -1, SHA256: ok.SHA256},
		"mode":     {Path: "x", Mode: 0o170000, SHA256: ok.SHA256},
	} {
		if err := NewWriter().Add(e); err == nil {
			t.Errorf("%s: Add(%q) succeeded", name, e.Path)
		}
	}
	w := NewWriter()
	_ = w.Add(Entry{Path: "b", SHA256: ok.SHA256})
	if err := w.Add(Entry{Path: "a", SHA256: ok.SHA256}); err == nil {
		t.Error("out of order Add succeeded")
	}
	if _, err := w.Finish(header()); err == nil {
		t.Error("Finish after a failed Add succeeded")
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestReaderRefusesGarbage(t *testing.T) {
	h := `{"formatVersion":1,"files":%d,"entries":[` + "\n"
	e := func(p string) string {
		return fmt.Sprintf(`{"path":%q,"size":1,"mtime":"2026-01-01T00:00:00Z","mode":420,"sha256":"%s"}`, p, sha(""))
	}
	valid := build(t, header(), entries()[:2])
	truncated := valid[:len(valid)-5]
	flipped := bytes.Clone(valid)
	flipped[len(flipped)-6] ^= 0xff // inside the compressed entries or their checksum
	for name, data := range map[string][]byte{
		"not gzip":      []byte("hello"),
		"empty":         nil,
		"truncated":     truncated,
		"corrupted":     flipped,
		"not an object": gz(`[1,2]`),
		"no entries":    gz(`{"formatVersion":1}`),
		"newer format":  gz(`{"formatVersion":99,"entries":[]}`),
		"no format":     gz(`{"entries":[]}`),
		"unsorted":      gz(fmt.Sprintf(h, 2) + e("b") + ",\n" + e("a") + "\n]}"),
		"duplicate":     gz(fmt.Sprintf(h, 2) + e("a") + ",\n" + e("a") + "\n]}"),
		"escape":        gz(fmt.Sprintf(h, 1) + e("../etc/passwd") + "\n]}"),
		"count differs": gz(fmt.Sprintf(h, 5) + e("a") + "\n]}"),
		"wrong type":    gz(fmt.Sprintf(h, 1) + `{"path":1}` + "\n]}"),
		"unclosed":      gz(fmt.Sprintf(h, 1) + e("a")),
		"long line":     gz(`{"formatVersion":1,"jobName":"` + strings.Repeat("x", MaxLine+10) + `","entries":[]}`),
	} {
		_, _, err := All(data)
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: All = %v, want ErrFormat", name, err)
		}
	}
}

func TestReadHeaderOnly(t *testing.T) {
	h, err := ReadHeader(build(t, header(), entries()[:1]))
	if err != nil || h.FilesFailed != 1 || h.Files != 1 || h.JobID != "j1" {
		t.Errorf("ReadHeader = %+v, %v", h, err)
	}
}

func BenchmarkWrite(b *testing.B) {
	e := entries()[0]
	for b.Loop() {
		w := NewWriter()
		for i := range 10000 {
			e.Path = fmt.Sprintf("dir%03d/file%06d.jpg", i/100, i)
			_ = w.Add(e)
		}
		if _, err := w.Finish(header()); err != nil {
			b.Fatal(err)
		}
	}
}
