package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

func TestRestoreAllFolderAndFile(t *testing.T) {
	e := newEnv(t, sample)
	mtime := time.Date(2025, 5, 6, 7, 8, 9, 123456789, time.UTC)
	os.Chtimes(filepath.Join(e.src, "a.txt"), mtime, mtime)
	os.Chmod(filepath.Join(e.src, "docs", "report.pdf"), 0o600)
	v := e.mustRun(job.StatusSuccess).Version
	ctx := context.Background()

	all := filepath.Join(t.TempDir(), "new", "folder")
	var last RestoreProgress
	res, err := Restore(ctx, e.dest, v, "", all, RestoreOptions{Source: e.src, OnProgress: func(p RestoreProgress) { last = p }})
	if err != nil || res.Files != 6 || !equalTrees(treeOf(t, all), sample) {
		t.Fatalf("all: %+v, %v", res, err)
	}
	if last.FilesDone != 6 || last.Files != 6 {
		t.Errorf("progress %+v", last)
	}
	if fi, _ := os.Stat(filepath.Join(all, "a.txt")); !fi.ModTime().Equal(mtime) {
		t.Errorf("mtime %v, want %v", fi.ModTime(), mtime)
	}
	if fi, _ := os.Stat(filepath.Join(all, "docs", "report.pdf")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}

	folder := t.TempDir()
	if res, err := Restore(ctx, e.dest, v, "docs", folder, RestoreOptions{}); err != nil || res.Files != 2 {
		t.Errorf("folder: %+v, %v", res, err)
	}
	want := map[string]string{"docs/report.pdf": "pdf bytes", "docs/deep/x/y/z.md": "deep"}
	if got := treeOf(t, folder); !equalTrees(got, want) {
		t.Errorf("folder restored %v", got)
	}
	file := t.TempDir()
	if res, err := Restore(ctx, e.dest, v, "/unicodé ✓/ñ.txt", file, RestoreOptions{}); err != nil || res.Files != 1 {
		t.Errorf("file: %+v, %v", res, err)
	}
	if _, err := Restore(ctx, e.dest, v, "doc", t.TempDir(), RestoreOptions{}); err == nil {
		t.Error("a prefix that is not a folder restored something")
	}
	if entries, _ := os.ReadDir(file); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestRestoreRefusesOverwriteAndSource(t *testing.T) {
	e := newEnv(t, sample)
	v := e.mustRun(job.StatusSuccess).Version
	ctx := context.Background()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "mine"})
	_, err := Restore(ctx, e.dest, v, "", dir, RestoreOptions{})
	if !errors.Is(err, ErrWouldOverwrite) || !strings.Contains(err.Error(), "a.txt") {
		t.Fatalf("err %v", err)
	}
	if got := treeOf(t, dir); len(got) != 1 || got["a.txt"] != "mine" {
		t.Errorf("something was written: %v", got)
	}
	if _, err := Restore(ctx, e.dest, v, "", dir, RestoreOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	if got := treeOf(t, dir); got["a.txt"] != "alpha" {
		t.Errorf("not overwritten: %q", got["a.txt"])
	}
	for _, into := range []string{e.src, filepath.Join(e.src, "docs", "sub")} {
		if _, err := Restore(ctx, e.dest, v, "", into, RestoreOptions{Source: e.src, Overwrite: true}); !errors.Is(err, ErrIntoSource) {
			t.Errorf("into %s: %v", into, err)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	os.Symlink(e.src, link)
	if _, err := Restore(ctx, e.dest, v, "", link, RestoreOptions{Source: e.src}); !errors.Is(err, ErrIntoSource) {
		t.Errorf("through a link: %v", err)
	}
	if _, err := Restore(ctx, e.dest, v, "a.txt", e.src, RestoreOptions{Source: e.src, AllowIntoSource: true, Overwrite: true}); err != nil {
		t.Errorf("allowed into source: %v", err)
	}
	if _, err := Restore(ctx, e.dest, v, "", "relative/dir", RestoreOptions{}); err == nil {
		t.Error("a relative target was accepted")
	}
	if _, err := Restore(ctx, e.dest, v, "../x", t.TempDir(), RestoreOptions{}); err == nil {
		t.Error("a path leaving the version was accepted")
	}
}

func TestRestoreChecksHashes(t *testing.T) {
	e := newEnv(t, sample)
	v := e.mustRun(job.StatusSuccess).Version
	os.WriteFile(filepath.Join(e.destDir, v, "a.txt"), []byte("ALPHA"), 0o644) // same size
	os.WriteFile(filepath.Join(e.destDir, v, "empty.bin"), []byte("x"), 0o644) // longer
	os.Remove(filepath.Join(e.destDir, v, "docs", "report.pdf"))
	dir := t.TempDir()
	res, err := Restore(context.Background(), e.dest, v, "", dir, RestoreOptions{})
	if err == nil || res.FilesFailed != 3 || res.Files != 3 {
		t.Fatalf("%+v, %v", res, err)
	}
	got := treeOf(t, dir)
	for _, p := range []string{"a.txt", "empty.bin", "docs/report.pdf"} {
		if _, ok := got[p]; ok {
			t.Errorf("damaged %s was left behind", p)
		}
	}
	if reason := reasonOf(res.Failures, "a.txt"); !strings.Contains(reason, "damaged") {
		t.Errorf("a.txt: %q", reason)
	}
	if len(got) != 3 {
		t.Errorf("restored %v (and temporary files?)", got)
	}
}

func TestPlan(t *testing.T) {
	e := newEnv(t, map[string]string{"a.txt": "aa", "b.tmp": "b", "sub/c.txt": "ccc", "@eaDir/x": "x", "sub/.DS_Store": "d"})
	os.Symlink("a.txt", filepath.Join(e.src, "link"))
	e.job.Excludes = []string{"*.tmp"}
	d, err := Plan(context.Background(), e.job, e.src, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Files != 2 || d.Bytes != 5 || d.Excluded != 3 || d.Skipped != 0 || len(d.Included) != 2 ||
		d.Folders != 1 || d.Symlinks != 1 || len(d.SymlinkPaths) != 1 || d.SymlinkPaths[0] != (Symlink{Path: "link", Target: "a.txt"}) {
		t.Errorf("%+v", d)
	}
	rules := map[string]string{}
	for _, x := range d.ExcludedPaths {
		rules[x.Path] = x.Rule
	}
	if !strings.Contains(rules["b.tmp"], `exclude "*.tmp"`) || !strings.Contains(rules["@eaDir"], "default exclude") ||
		!strings.Contains(rules["sub/.DS_Store"], ".DS_Store") {
		t.Errorf("rules %v", rules)
	}
	e.job.Includes = []string{"/sub"}
	d, _ = Plan(context.Background(), e.job, e.src, PlanOptions{})
	if d.Files != 1 || d.Included[0] != "sub/c.txt" {
		t.Errorf("with includes: %+v", d)
	}
	if _, err := Plan(context.Background(), e.job, filepath.Join(e.src, "missing"), PlanOptions{}); err == nil {
		t.Error("a missing source planned")
	}
	if len(e.versionNames()) != 0 {
		t.Error("Plan touched the destination")
	}
}

// A restore that chose more entries than it keeps reads them from the
// manifest on each pass and restores the same tree, hard links included.
func TestRestoreOfMoreEntriesThanKeptReadsTheManifestAgain(t *testing.T) {
	e := newEnv(t, sample)
	if err := os.Link(filepath.Join(e.src, "a.txt"), filepath.Join(e.src, "docs", "a-link.txt")); err != nil {
		t.Fatal(err)
	}
	v := e.mustRun(job.StatusSuccess).Version
	want := maps.Clone(sample)
	want["docs/a-link.txt"] = sample["a.txt"]
	for _, keep := range []int{1, 3, 20_000} {
		t.Run(fmt.Sprint(keep), func(t *testing.T) {
			old := keepChosen
			keepChosen = keep
			defer func() { keepChosen = old }()
			to := t.TempDir()
			res, err := Restore(context.Background(), e.dest, v, "", to, RestoreOptions{})
			if err != nil || res.Files != int64(len(want)) || !equalTrees(treeOf(t, to), want) {
				t.Fatalf("%+v, %v: %v", res, err, treeOf(t, to))
			}
			a, _ := os.Stat(filepath.Join(to, "a.txt"))
			l, _ := os.Stat(filepath.Join(to, "docs", "a-link.txt"))
			if !os.SameFile(a, l) {
				t.Error("the hard link was restored as a copy")
			}
		})
	}
}
