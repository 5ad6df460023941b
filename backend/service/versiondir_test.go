package service

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
)

// The browser's listing of a folder from manifest.ReadDir is the one
// treeLevel makes from the whole manifest.
func TestLevelOfMatchesTreeLevel(t *testing.T) {
	mt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := manifest.NewWriterIn(t.TempDir())
	var paths []string
	for i := range 250 {
		paths = append(paths, fmt.Sprintf("photos/%d/img%d.jpg", i%7, i))
	}
	paths = append(paths, "a/f.txt", "photos/readme.txt", "photos/10/x.jpg", "photos/9/y.jpg", "top.txt")
	slices.SortFunc(paths, manifest.Compare)
	for i, p := range paths {
		if err := w.Add(manifest.Entry{Path: p, Size: int64(i), MTime: mt, Mode: 0o644, SHA256: strings.Repeat("ab", 32)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"a", "a/empty", "empty", "empty/inner", "photos", "photos/0"} {
		if err := w.AddFolder(manifest.Folder{Path: f, MTime: mt, Mode: 0o755}); err != nil {
			t.Fatal(err)
		}
	}
	data, err := w.Finish(manifest.Header{JobID: "j", Version: "v", Created: mt})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := manifest.ReadTree(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"", "a", "photos", "photos/3", "empty", "empty/inner", "none"} {
		_, items, err := manifest.ReadDir(data, dir)
		if err != nil {
			t.Fatal(err)
		}
		got, want := levelOf(items), treeLevel(tree.Entries, tree.Folders, dir)
		if len(got) == 0 && len(want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("folder %q:\n got %+v\nwant %+v", dir, got, want)
		}
	}
}
