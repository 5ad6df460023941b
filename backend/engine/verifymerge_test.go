package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// listedDest answers ReadManifest and ListFiles from memory.
type listedDest struct {
	storage.Destination
	manifest []byte
	files    []storage.FileInfo
}

func (d listedDest) ReadManifest(context.Context, string) ([]byte, error) { return d.manifest, nil }
func (d listedDest) ListFiles(context.Context, string) ([]storage.FileInfo, error) {
	return d.files, nil
}

// Quick verify matches the listing with the manifest as two sorted lists:
// whatever order the destination lists in ("a.b" before "a/c" in byte
// order, the reverse in the manifest's), a path listed twice, files only
// the destination has and files it lacks are all found.
func TestQuickVerifyMergesTheListing(t *testing.T) {
	mt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := manifest.NewWriter()
	for _, p := range []string{"a/c", "a.b", "b", "missing", "z"} {
		if err := w.Add(manifest.Entry{Path: p, Size: 1, MTime: mt, SHA256: strings.Repeat("0", 64)}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := w.Finish(manifest.Header{JobID: "j", Version: "v", Created: mt})
	if err != nil {
		t.Fatal(err)
	}
	d := listedDest{manifest: data, files: []storage.FileInfo{
		{Path: "0-extra", Size: 1}, {Path: "a.b", Size: 1}, {Path: "a/c", Size: 1}, {Path: "b", Size: 2},
		{Path: "b", Size: 1}, {Path: "m-extra", Size: 1}, {Path: "z", Size: 1}, {Path: "zz-extra", Size: 1},
	}}
	rep, err := Verify(context.Background(), d, "v", VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.FilesChecked != 5 || rep.Missing != 1 || rep.Mismatched != 0 || rep.Extra != 3 {
		t.Errorf("checked %d, missing %d, mismatched %d, extra %d; want 5, 1, 0, 3 (%+v)",
			rep.FilesChecked, rep.Missing, rep.Mismatched, rep.Extra, rep.Problems)
	}
}
