package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/rules"
)

func walkAll(t *testing.T, dir string, m *rules.Matcher) []Item {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	var items []Item
	if err := Walk(context.Background(), root, m, func(it *Item) error {
		items = append(items, *it)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return items
}

func TestWalkOrderIsManifestOrder(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a", "a.b", "a/b", "a/b.c/d", "a-b/c", "a0", "A", "b/a", "b/ä", "z", "a/b/c/d/e/f"}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if n == "a" || n == "a/b" {
			p += "/file" // "a" and "a/b" are folders here
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(n), 0o640)
	}
	m, _ := rules.New(nil, nil, false)
	items := walkAll(t, dir, m)
	var paths, all []string
	for _, it := range items {
		all = append(all, it.Path)
		if it.Kind == Dir {
			continue
		}
		if it.Kind != File || it.Mode != 0o640 {
			t.Errorf("item %+v", it)
		}
		paths = append(paths, it.Path)
	}
	if !slices.IsSortedFunc(all, manifest.Compare) {
		t.Errorf("walk order %v is not manifest order", all)
	}
	if len(paths) != len(names) {
		t.Errorf("found %d files, want %d", len(paths), len(names))
	}
}

func TestWalkStopsOnCallbackErrorAndCancel(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	root, _ := os.OpenRoot(dir)
	defer root.Close()
	m, _ := rules.New(nil, nil, false)
	stop := errors.New("stop")
	n := 0
	err := Walk(context.Background(), root, m, func(*Item) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("err %v after %d items", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Walk(ctx, root, m, func(*Item) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: %v", err)
	}
}

func TestExcludedFolderIsNotRead(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "#recycle", "deep"), 0o755)
	os.WriteFile(filepath.Join(dir, "#recycle", "deep", "x"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644)
	m, _ := rules.New(nil, nil, true)
	items := walkAll(t, dir, m)
	if len(items) != 2 || items[0].Path != "#recycle" || items[0].Kind != Excluded || !items[0].IsDir {
		t.Errorf("items %+v", items)
	}
}
