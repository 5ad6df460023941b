package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/storagetest"
)

// TestConformanceMarked runs the conformance suite on a marked folder
// opened with RequireMarker: the marker must not show as a version or a
// leftover, nor get in the way of anything.
func TestConformanceMarked(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		dir := t.TempDir()
		if err := Mark(dir); err != nil {
			t.Fatal(err)
		}
		d, err := New(dir)
		if err != nil {
			t.Fatal(err)
		}
		d.RequireMarker = true
		t.Cleanup(func() { d.Close() })
		return d
	}, storagetest.Options{PageSize: 100})
}

func begin(t *testing.T, dir string, require bool, name string) error {
	t.Helper()
	d, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.RequireMarker = require
	p, err := d.Begin(context.Background(), name, storage.Owner{JobID: "j", RunID: "r-" + name})
	if err != nil {
		return err
	}
	if _, err := p.Put(context.Background(), "a.txt", strings.NewReader("abc"), 3, nil); err != nil {
		t.Fatal(err)
	}
	return p.Commit(context.Background(), []byte("manifest"), storage.VersionInfo{Name: name, Owner: storage.Owner{JobID: "j", RunID: "r-" + name}, Files: 1, Bytes: 3})
}

// TestRequireMarker checks the three cases: a marked folder is written
// to; an empty folder without the marker (an unmounted disk's mount
// point) is refused with nothing written; a folder with versions but no
// marker (used before markers) is marked and written to.
func TestRequireMarker(t *testing.T) {
	marked := t.TempDir()
	if err := Mark(marked); err != nil {
		t.Fatal(err)
	}
	if err := begin(t, marked, true, "v1"); err != nil {
		t.Fatalf("a marked folder: %v", err)
	}

	mountPoint := t.TempDir()
	err := begin(t, mountPoint, true, "v1")
	if !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), "is its disk mounted? Nothing was written") ||
		!strings.Contains(err.Error(), mountPoint) {
		t.Fatalf("an empty folder without the marker: %v; want ErrNotFound asking whether the disk is mounted", err)
	}
	if entries, _ := os.ReadDir(mountPoint); len(entries) != 0 {
		t.Fatalf("the refused folder now holds %d entries", len(entries))
	}

	old := t.TempDir()
	if err := begin(t, old, false, "v1"); err != nil { // written before markers existed
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(old, MarkerName)); err == nil {
		t.Fatal("a run without RequireMarker wrote the marker")
	}
	if err := begin(t, old, true, "v2"); err != nil {
		t.Fatalf("a folder with a version but no marker: %v", err)
	}
	if _, err := os.Stat(filepath.Join(old, MarkerName)); err != nil {
		t.Fatalf("the folder in use was not marked: %v", err)
	}

	// Marking twice keeps the first marker.
	before, _ := os.ReadFile(filepath.Join(marked, MarkerName))
	if err := Mark(marked); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(marked, MarkerName)); string(after) != string(before) {
		t.Error("marking again rewrote the marker")
	}
	if err := Mark(filepath.Join(marked, "missing")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("marking a missing folder: %v", err)
	}
}
