//go:build unix

package engine

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// node is what a tree holds at one path, as a restore must give it back.
type node struct {
	kind    string // "file", "dir", "link"
	content string
	target  string
	mode    fs.FileMode
	mtime   time.Time
}

// snapshot reads every file, folder and link below dir, never following
// a link, with raw names as the file system has them.
func snapshot(t *testing.T, dir string) map[string]node {
	t.Helper()
	out := map[string]node{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		n := node{mode: fi.Mode().Perm(), mtime: fi.ModTime()}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			n.kind, n.mode, n.mtime = "link", 0, time.Time{} // a link's own mode and time are not kept
			n.target, err = os.Readlink(p)
		case fi.IsDir():
			n.kind = "dir"
		default:
			n.kind = "file"
			var b []byte
			b, err = os.ReadFile(p)
			n.content = string(b)
		}
		out[filepath.ToSlash(rel)] = n
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffTrees(t *testing.T, what string, got, want map[string]node) {
	t.Helper()
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: %q (%s) missing", what, p, w.kind)
		case g.kind != w.kind || g.content != w.content || g.target != w.target || g.mode != w.mode || !g.mtime.Equal(w.mtime):
			t.Errorf("%s: %q is %+v, want %+v", what, p, g, w)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %q is there and should not be", what, p)
		}
	}
}

// makeNASTree writes what a NAS share holds besides plain files: empty
// and nested empty folders with their own modes and times, symbolic
// links (relative, absolute, dangling, looping, to a folder), hard links
// and names that are not UTF-8.
func makeNASTree(t *testing.T, dir string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, dir, map[string]string{"photos/a.jpg": "jpeg a", "docs/report.txt": "report", "caf\xe9/men\xfa.txt": "latin-1 names"})
	must(os.MkdirAll(filepath.Join(dir, "empty-dir", "inner"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "gone-later"), 0o755))
	must(os.Mkdir(filepath.Join(dir, "private"), 0o700))
	must(os.Mkdir(filepath.Join(dir, "old\xff"), 0o750))
	must(os.Symlink("../docs/report.txt", filepath.Join(dir, "photos", "rel-link")))
	must(os.Symlink("/etc/hostname", filepath.Join(dir, "abs-link")))
	must(os.Symlink("nowhere/at/all", filepath.Join(dir, "dangling")))
	must(os.Symlink("loop", filepath.Join(dir, "loop")))
	must(os.Symlink("..", filepath.Join(dir, "docs", "up")))
	must(os.Symlink("caf\xe9", filepath.Join(dir, "link-to-\xe9")))
	must(os.Link(filepath.Join(dir, "photos", "a.jpg"), filepath.Join(dir, "photos", "same-as-a.jpg")))
	must(os.Chmod(filepath.Join(dir, "docs", "report.txt"), 0o600))
	old := time.Date(2019, 5, 4, 3, 2, 1, 0, time.UTC)
	for _, p := range []string{"empty-dir/inner", "empty-dir", "private", "old\xff", "caf\xe9", "docs", "photos", "gone-later"} {
		must(os.Chtimes(filepath.Join(dir, filepath.FromSlash(p)), old, old))
		old = old.Add(time.Hour)
	}
}

// TestNASTreeRoundTrips backs a NAS-like tree up to each destination
// kind in both layouts, twice with changes between, and restores every
// version: files, folders (empty ones too) with modes and times, links
// with their targets, hard links as links, names byte for byte.
func TestNASTreeRoundTrips(t *testing.T) {
	for _, d := range layoutDests {
		for _, layout := range []job.Layout{job.LayoutFull, job.LayoutCurrentHistory} {
			t.Run(d.name+"/"+string(layout), func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, nil)
				makeNASTree(t, e.src)
				e.dest = d.open(t)
				e.job.Layout = layout
				if layout == job.LayoutCurrentHistory {
					e.job.Folder = "Photos"
					e.dest = JobDestination(e.dest, e.job, nil)
				}
				e.job.OnNoChange = job.NoChangeSkip
				want := map[string]map[string]node{}
				v1 := e.mustRun(job.StatusSuccess).Version
				want[v1] = snapshot(t, e.src)
				if res := e.mustRun(job.StatusSuccess); !res.NoChanges {
					t.Errorf("a run with nothing changed made a version")
				}
				// Changes only folders and links can show.
				must := func(err error) {
					t.Helper()
					if err != nil {
						t.Fatal(err)
					}
				}
				must(os.Remove(filepath.Join(e.src, "gone-later")))
				must(os.Remove(filepath.Join(e.src, "dangling")))
				must(os.Symlink("somewhere/else", filepath.Join(e.src, "dangling")))
				must(os.Mkdir(filepath.Join(e.src, "empty-dir", "inner", "deeper"), 0o755))
				writeFiles(t, e.src, map[string]string{"private/now-full.txt": "x"})
				res := e.mustRun(job.StatusSuccess)
				if res.NoChanges || res.Version == "" {
					t.Fatalf("second version: %+v", res)
				}
				want[res.Version] = snapshot(t, e.src)
				for v, w := range want {
					to := filepath.Join(t.TempDir(), "restore")
					if _, err := Restore(context.Background(), e.dest, v, "", to, RestoreOptions{}); err != nil {
						t.Fatalf("restore %s: %v", v, err)
					}
					diffTrees(t, "restore of "+v, snapshot(t, to), w)
					a, _ := os.Stat(filepath.Join(to, "photos", "a.jpg"))
					b, _ := os.Stat(filepath.Join(to, "photos", "same-as-a.jpg"))
					if a == nil || b == nil || !os.SameFile(a, b) {
						t.Errorf("restore of %s: the hard link is two files", v)
					}
					if _, err := Verify(context.Background(), e.dest, v, VerifyOptions{Deep: true}); err != nil {
						t.Errorf("verify %s: %v", v, err)
					}
				}
				// One folder of the newest version, by its stored name.
				to := filepath.Join(t.TempDir(), "one")
				if _, err := Restore(context.Background(), e.dest, res.Version, "caf‛E9", to, RestoreOptions{}); err != nil {
					t.Fatal(err)
				}
				got := snapshot(t, to)
				sub := map[string]node{}
				for p, n := range want[res.Version] {
					if p == "caf\xe9" || strings.HasPrefix(p, "caf\xe9/") {
						sub[p] = n
					}
				}
				diffTrees(t, "restore of one folder", got, sub)
				// Restoring again over it refuses the link it would replace.
				if _, err := Restore(context.Background(), e.dest, res.Version, "", to, RestoreOptions{}); err == nil {
					t.Error("a restore over existing files went ahead")
				}
			})
		}
	}
}

// TestEmptyFoldersAtTheDestination: the browsable copy on a disk holds
// the empty folders, under their stored names, in both layouts; a folder
// removed from the source leaves the current folder with the next run.
func TestEmptyFoldersAtTheDestination(t *testing.T) {
	for _, layout := range []job.Layout{job.LayoutFull, job.LayoutCurrentHistory} {
		e := newEnv(t, nil)
		makeNASTree(t, e.src)
		e.job.Layout = layout
		at := func(v string) string { return filepath.Join(e.destDir, v) }
		if layout == job.LayoutCurrentHistory {
			e.job.Folder = "Photos"
			e.dest = JobDestination(e.dest, e.job, nil)
			at = func(string) string { return filepath.Join(e.destDir, "Photos", "current") }
		}
		v := e.mustRun(job.StatusSuccess).Version
		for _, p := range []string{"empty-dir/inner", "gone-later", "old‛FF", "private"} {
			if fi, err := os.Stat(filepath.Join(at(v), p)); err != nil || !fi.IsDir() {
				t.Errorf("%s: folder %s not at the destination: %v", layout, p, err)
			}
		}
		if err := os.Remove(filepath.Join(e.src, "gone-later")); err != nil {
			t.Fatal(err)
		}
		v = e.mustRun(job.StatusSuccess).Version
		if _, err := os.Stat(filepath.Join(at(v), "gone-later")); err == nil {
			t.Errorf("%s: a folder the source no longer has is in the newest copy", layout)
		}
		if fi, err := os.Stat(filepath.Join(at(v), "empty-dir", "inner")); err != nil || !fi.IsDir() {
			t.Errorf("%s: empty-dir/inner gone from the newest copy: %v", layout, err)
		}
	}
}
