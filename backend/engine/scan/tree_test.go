package scan

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/rules"
)

func TestFoldersLinksAndHardLinks(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "empty", "inner"), 0o755))
	must(os.Mkdir(filepath.Join(dir, "d"), 0o700))
	must(os.WriteFile(filepath.Join(dir, "d", "f"), []byte("x"), 0o644))
	must(os.Link(filepath.Join(dir, "d", "f"), filepath.Join(dir, "d", "g")))
	must(os.Symlink("f", filepath.Join(dir, "d", "rel")))
	must(os.Symlink("/etc/passwd", filepath.Join(dir, "abs")))
	must(os.Symlink("nowhere", filepath.Join(dir, "dangling")))
	must(os.Symlink("loop", filepath.Join(dir, "loop")))
	must(os.Symlink("..", filepath.Join(dir, "d", "up"))) // a folder link: never descended into
	m, _ := rules.New(nil, nil, false)
	items := walkAll(t, dir, m)
	got := map[string]Item{}
	var order []string
	for _, it := range items {
		got[it.Path] = it
		order = append(order, it.Path)
	}
	if !slices.IsSortedFunc(order, manifest.Compare) {
		t.Errorf("order %v", order)
	}
	want := map[string]Kind{"empty": Dir, "empty/inner": Dir, "d": Dir, "d/f": File, "d/g": File,
		"d/rel": Symlink, "abs": Symlink, "dangling": Symlink, "loop": Symlink, "d/up": Symlink}
	if len(items) != len(want) {
		t.Errorf("items %v", order)
	}
	for p, k := range want {
		if got[p].Kind != k {
			t.Errorf("%s: kind %d, want %d", p, got[p].Kind, k)
		}
	}
	if got["d"].Mode != 0o700 || got["d"].ModTime.IsZero() {
		t.Errorf("folder d: %+v", got["d"])
	}
	for p, target := range map[string]string{"d/rel": "f", "abs": "/etc/passwd", "dangling": "nowhere", "loop": "loop", "d/up": ".."} {
		if got[p].Target != target {
			t.Errorf("%s: target %q, want %q", p, got[p].Target, target)
		}
	}
	if got["d/g"].HardLink != "d/f" || got["d/f"].HardLink != "" {
		t.Errorf("hard links: f %q, g %q", got["d/f"].HardLink, got["d/g"].HardLink)
	}
}

func TestNamesNotUTF8AreEscaped(t *testing.T) {
	dir := t.TempDir()
	// Sorted by the names as stored: "caf~" before "caf‛E9" (U+201B).
	for _, n := range []string{"caf\xe9", "caf~", "caf‛E9", "x\xff"} {
		if err := os.MkdirAll(filepath.Join(dir, n), 0o755); err != nil {
			t.Fatalf("this file system refuses the name %q: %v", n, err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "caf\xe9", "n\xe9e"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, _ := rules.New(nil, nil, false)
	items := walkAll(t, dir, m)
	var paths []string
	for _, it := range items {
		paths = append(paths, it.Path)
	}
	want := []string{"caf~", "caf‛E9", "caf‛E9", "x‛FF"}
	if !slices.Equal(paths, want) {
		t.Fatalf("paths %q, want %q", paths, want)
	}
	// A folder really named "caf‛E9" and "caf\xe9" escaped meet: the first
	// by its bytes (the real one) is kept, the other fails with a reason.
	if items[1].Kind != Dir || items[1].Raw != "" || items[2].Kind != Failed || items[2].Raw != "caf\xe9" || items[2].Reason == "" {
		t.Errorf("collision %+v %+v", items[1], items[2])
	}
	if items[3].Kind != Dir || items[3].SourcePath() != "x\xff" {
		t.Errorf("escaped folder %+v", items[3])
	}
	os.Rename(filepath.Join(dir, "caf‛E9"), filepath.Join(dir, "other"))
	items = walkAll(t, dir, m)
	if len(items) < 3 || items[1].Path != "caf‛E9" || items[2].Path != "caf‛E9/n‛E9e" || items[2].SourcePath() != "caf\xe9/n\xe9e" || items[1].Raw != "caf\xe9" {
		t.Errorf("escaped items %+v", items)
	}
}
