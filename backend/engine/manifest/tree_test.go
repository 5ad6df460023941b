package manifest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

func TestEscapeName(t *testing.T) {
	for raw, want := range map[string]string{
		"plain.txt":           "plain.txt",
		"caf\xe9.txt":         "caf‛E9.txt",
		"dir\xff/x\x80\xc3":   "dir‛FF/x‛80‛C3",
		"é ok":                "é ok",
		"mixed é\xe9":         "mixed é‛E9",
		"\xe2\x82":            "‛E2‛82", // a cut-off euro sign
		"already ‛E9 escaped": "already ‛E9 escaped",
	} {
		if got := EscapeName(raw); got != want {
			t.Errorf("EscapeName(%q) = %q, want %q", raw, got, want)
		}
		if f := RawField(raw); (f == "") != (raw == want) || SourcePath(want, f) != raw {
			t.Errorf("%q: raw field %q does not give the bytes back (%q)", raw, f, SourcePath(want, f))
		}
	}
}

func treeManifest(t *testing.T) ([]byte, *Tree) {
	t.Helper()
	mt := time.Date(2026, 3, 1, 12, 0, 0, 5, time.UTC)
	raw := "caf\xe9"
	want := &Tree{
		Entries: []Entry{
			{Path: "a/f", Size: 1, MTime: mt, Mode: 0o644, SHA256: sha("x")},
			{Path: "a/g", Size: 1, MTime: mt, Mode: 0o644, SHA256: sha("x"), HardLink: "a/f"},
			{Path: EscapeName(raw) + "/n", Size: 2, MTime: mt, Mode: 0o600, SHA256: sha("xy"), Raw: RawField(raw + "/n")},
		},
		Folders: []Folder{
			{Path: "a", MTime: mt, Mode: 0o755},
			{Path: "a/empty", MTime: mt, Mode: 0o700},
			{Path: "a/empty/inner", MTime: mt, Mode: 0o755},
			{Path: EscapeName(raw), MTime: mt, Mode: 0o755, Raw: RawField(raw)},
		},
		Symlinks: []Symlink{
			{Path: "a/abs", Target: "/etc/passwd", MTime: mt},
			{Path: "a/dangling", Target: "nowhere", MTime: mt},
			{Path: "a/odd", Target: EscapeName("../caf\xe9"), TargetRaw: RawField("../caf\xe9"), MTime: mt},
		},
	}
	w := NewWriter()
	for _, f := range want.Folders { // folders from another goroutine than entries, as a run does
		if err := w.AddFolder(f); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range want.Entries {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range want.Symlinks {
		if err := w.AddSymlink(l); err != nil {
			t.Fatal(err)
		}
	}
	data, err := w.Finish(header())
	if err != nil {
		t.Fatal(err)
	}
	return data, want
}

func TestTreeRoundTrip(t *testing.T) {
	data, want := treeManifest(t)
	got, err := ReadTree(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header.Files != 3 || got.Header.Folders != 4 || got.Header.Symlinks != 3 {
		t.Errorf("header counts %d %d %d", got.Header.Files, got.Header.Folders, got.Header.Symlinks)
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	if js(got.Entries) != js(want.Entries) || js(got.Folders) != js(want.Folders) || js(got.Symlinks) != js(want.Symlinks) {
		t.Errorf("got\n%s\n%s\n%s\nwant\n%s\n%s\n%s", js(got.Entries), js(got.Folders), js(got.Symlinks),
			js(want.Entries), js(want.Folders), js(want.Symlinks))
	}
	if p := got.Entries[2].SourcePath(); p != "caf\xe9/n" {
		t.Errorf("source path %q", p)
	}
	if p := got.Symlinks[2].SourceTarget(); p != "../caf\xe9" {
		t.Errorf("source target %q", p)
	}
	// One JSON document for any gzip and JSON reader.
	zr, _ := gzip.NewReader(bytes.NewReader(data))
	plain, _ := io.ReadAll(zr)
	var doc map[string]any
	if err := json.Unmarshal(plain, &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, plain)
	}
	if len(doc["folders"].([]any)) != 4 || len(doc["symlinks"].([]any)) != 3 {
		t.Errorf("document: %s", plain)
	}
}

// TestReadsManifestsWrittenBefore: a manifest of format 1 as written
// before folders, links and raw names were kept reads as it did, with
// none of them.
func TestReadsManifestsWrittenBefore(t *testing.T) {
	old := `{"formatVersion":1,"jobId":"j","jobName":"P","runId":"r","version":"P-1","created":"2026-01-01T00:00:00Z",` +
		`"source":"/s","files":2,"bytes":3,"filesFailed":0,"filesSkipped":1,"bytesUploaded":3,"bytesCopied":0,"layout":"current+history","gen":1,"entries":[` + "\n" +
		fmt.Sprintf(`{"path":"a.txt","size":1,"mtime":"2026-01-01T00:00:00Z","mode":420,"sha256":%q,"since":"P-1"},`, sha("a")) + "\n" +
		fmt.Sprintf(`{"path":"b/c.txt","size":2,"mtime":"2026-01-01T00:00:00Z","mode":420,"sha256":%q,"destHash":{"algo":"md5","value":"00"},"since":"P-1"}`, sha("bc")) +
		"\n]}\n"
	tr, err := ReadTree(gz(old))
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Entries) != 2 || len(tr.Folders) != 0 || len(tr.Symlinks) != 0 || tr.Entries[1].Raw != "" {
		t.Errorf("old manifest read as %+v", tr)
	}
	// And a manifest with folders, read the way readers before them did
	// (entries, then skipping what follows), gives its files.
	data, _ := treeManifest(t)
	_, es, err := All(data)
	if err != nil || len(es) != 3 {
		t.Errorf("All = %d entries, %v", len(es), err)
	}
}

func TestTreeRefuses(t *testing.T) {
	mt := time.Now()
	w := NewWriter()
	for name, err := range map[string]error{
		"folder in meta":   w.AddFolder(Folder{Path: ".avault/x", MTime: mt}),
		"folder mode":      NewWriter().AddFolder(Folder{Path: "x", Mode: 0o170000}),
		"raw not matching": NewWriter().AddFolder(Folder{Path: "x", Raw: RawField("y\xff")}),
		"raw valid":        NewWriter().AddFolder(Folder{Path: "x", Raw: "eA=="}),
		"raw not base64":   NewWriter().AddFolder(Folder{Path: "x", Raw: "%%"}),
		"link no target":   NewWriter().AddSymlink(Symlink{Path: "x"}),
		"link NUL":         NewWriter().AddSymlink(Symlink{Path: "x", Target: "a\x00b"}),
		"hard link later":  NewWriter().Add(Entry{Path: "a", SHA256: sha(""), HardLink: "b"}),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	w = NewWriter()
	_ = w.AddFolder(Folder{Path: "b"})
	if err := w.AddFolder(Folder{Path: "a"}); err == nil {
		t.Error("folders out of order accepted")
	}
	h := `{"formatVersion":1,"files":0,"folders":%d,"entries":[` + "\n]"
	for name, doc := range map[string]string{
		"count":    fmt.Sprintf(h, 2) + `,"folders":[{"path":"a","mtime":"2026-01-01T00:00:00Z","mode":493}]}`,
		"order":    fmt.Sprintf(h, 2) + `,"folders":[{"path":"b","mtime":"2026-01-01T00:00:00Z","mode":493},{"path":"a","mtime":"2026-01-01T00:00:00Z","mode":493}]}`,
		"escape":   fmt.Sprintf(h, 1) + `,"folders":[{"path":"../a","mtime":"2026-01-01T00:00:00Z","mode":493}]}`,
		"no array": fmt.Sprintf(h, 0) + `,"folders":{}}`,
		"link":     fmt.Sprintf(h, 0) + `,"symlinks":[{"path":"l","target":""}]}`,
	} {
		if _, err := ReadTree(gz(doc)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: ReadTree = %v, want ErrFormat", name, err)
		}
	}
}
