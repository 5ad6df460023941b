package manifest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"
)

// tree builds a manifest of files in folders of width files, two levels
// deep, with a few names that need escapes and an empty folder.
func dirTree(t testing.TB, n, width int) []byte {
	t.Helper()
	w := NewWriterIn(t.TempDir())
	mt := time.Date(2026, 1, 11, 10, 0, 0, 0, time.UTC)
	var paths []string
	for i := range n {
		paths = append(paths, fmt.Sprintf("d%02d/e%02d/f%06d.txt", i/(width*10), (i/width)%10, i))
	}
	paths = append(paths, `d00/q"uote\dir/x.txt`, "d00/caf‛E9.txt", "top.txt", "é/ü.txt")
	slices.SortFunc(paths, Compare)
	for i, p := range paths {
		sum := sha256.Sum256([]byte(p))
		e := Entry{Path: p, Size: int64(i + 1), MTime: mt.Add(time.Duration(i) * time.Second), Mode: 0o644, SHA256: hex.EncodeToString(sum[:])}
		if p == "d00/caf‛E9.txt" {
			e.Raw = "ZDAwL2NhZukudHh0"
		}
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"d00", "d00/e00", "d00/empty", "d00/empty/inner", "zz-empty"} {
		if err := w.AddFolder(Folder{Path: f, MTime: mt, Mode: 0o755}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := w.Finish(header())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReadDirListsOneFolder(t *testing.T) {
	data := dirTree(t, 3000, 100)
	for _, dir := range []string{"", "d00", "d00/e00", "/d01/e03/", "d00/empty", `d00/q"uote\dir`, "é", "nope"} {
		h, fast, err := ReadDir(data, dir)
		if err != nil {
			t.Fatalf("ReadDir(%q): %v", dir, err)
		}
		_, slow, err := readDirSlow(data, dir)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, slow) || h.Files != 3004 {
			t.Errorf("ReadDir(%q) = %+v (%d files in the header)\nwant %+v", dir, fast, h.Files, slow)
		}
	}
	_, top, _ := ReadDir(data, "")
	want := []DirItem{
		{Name: "d00", Path: "d00", Dir: true, Files: 1002},
		{Name: "d01", Path: "d01", Dir: true, Files: 1000},
		{Name: "d02", Path: "d02", Dir: true, Files: 1000},
		{Name: "top.txt", Path: "top.txt"},
		{Name: "é", Path: "é", Dir: true, Files: 1},
		{Name: "zz-empty", Path: "zz-empty", Dir: true},
	}
	if len(top) != len(want) {
		t.Fatalf("top level = %+v", top)
	}
	for i, w := range want {
		if g := top[i]; g.Name != w.Name || g.Path != w.Path || g.Dir != w.Dir || g.Files != w.Files {
			t.Errorf("top level item %d = %+v, want %+v", i, g, w)
		}
	}
	_, d00, _ := ReadDir(data, "d00")
	var raw string
	for _, it := range d00 {
		if it.Name == "caf‛E9.txt" {
			raw = it.Raw
		}
	}
	if raw != "ZDAwL2NhZukudHh0" {
		t.Errorf("the file with a name that is not UTF-8 lost its raw bytes: %q", raw)
	}
}

// A manifest that is valid but not one entry a line (another writer,
// pretty-printed) is listed all the same.
func TestReadDirOtherLayout(t *testing.T) {
	js := []byte(`{
  "formatVersion": 1, "jobId": "j1", "version": "v", "created": "2026-01-12T02:00:00Z", "files": 2, "bytes": 3,
  "entries": [
    {"size": 1, "path": "a/b.txt", "mtime": "2026-01-11T10:00:00Z", "mode": 420, "sha256": "` + sha("x") + `"},
    {"path": "c.txt", "size": 2, "mtime": "2026-01-11T10:00:00Z", "mode": 420, "sha256": "` + sha("y") + `"}
  ]
}`)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(js)
	zw.Close()
	_, items, err := ReadDir(buf.Bytes(), "")
	if err != nil || len(items) != 2 || items[0].Name != "a" || !items[0].Dir || items[1].Name != "c.txt" {
		t.Fatalf("ReadDir of a pretty-printed manifest = %+v, %v", items, err)
	}
}

func TestReadDirRefusesDamage(t *testing.T) {
	data := dirTree(t, 500, 100)
	cut := data[:len(data)-10]
	if _, _, err := ReadDir(cut, "d00"); err == nil {
		t.Error("a truncated manifest was listed")
	}
	if _, _, err := ReadDir([]byte("not gzip"), ""); err == nil {
		t.Error("garbage was listed")
	}
}

// BenchmarkReadDirMillion lists one folder of a version of a million
// files (go test -bench ReadDirMillion -benchtime 3x).
func BenchmarkReadDirMillion(b *testing.B) {
	data := dirTree(b, 1_000_000, 100)
	b.ReportMetric(float64(len(data))/1e6, "MB-manifest")
	b.ResetTimer()
	for range b.N {
		if _, items, err := ReadDir(data, "d42/e07"); err != nil || len(items) != 100 {
			b.Fatalf("%d items, %v", len(items), err)
		}
	}
}
