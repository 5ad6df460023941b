package engine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestBeneathRefusesLinksAndEscapes(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"sub/file": "x"})
	os.Symlink("sub", filepath.Join(dir, "link"))
	os.Symlink("file", filepath.Join(dir, "sub", "flink"))
	b := newBeneath(dir)
	if b == nil {
		t.Fatal("cannot open the folder")
	}
	defer b.close()
	f, ok, err := b.open("sub/file")
	if !ok {
		t.Skip("no openat2 here")
	}
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, p := range []string{"link/file", "sub/flink", "../" + filepath.Base(dir) + "/sub/file", "/etc/hostname"} {
		if f, _, err := b.open(p); err == nil {
			f.Close()
			t.Errorf("opened %s", p)
		}
	}
}
