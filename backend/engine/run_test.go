package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

var sample = map[string]string{
	"a.txt":              "alpha",
	"docs/report.pdf":    "pdf bytes",
	"docs/deep/x/y/z.md": "deep",
	"empty.bin":          "",
	"photos/IMG_1.jpg":   strings.Repeat("jpeg", 100000),
	"unicodé ✓/ñ.txt":    "unicode",
}

func TestFirstRunUploadsEverything(t *testing.T) {
	e := newEnv(t, sample)
	var statuses []job.Status
	var last Progress
	var mu sync.Mutex
	res := e.run(Options{
		OnStatus:   func(s job.Status) { statuses = append(statuses, s) },
		OnProgress: func(p Progress) { mu.Lock(); last = p; mu.Unlock() },
	})
	if res.Status != job.StatusSuccess || res.ErrorMessage != "" {
		t.Fatalf("status %s: %s", res.Status, res.ErrorMessage)
	}
	if res.Version != "Photos-2026-03-01_02-00-00" {
		t.Errorf("version %q", res.Version)
	}
	var bytes int64
	for _, c := range sample {
		bytes += int64(len(c))
	}
	if res.FilesScanned != 6 || res.FilesUploaded != 6 || res.FilesCopied != 0 || res.BytesUploaded != bytes || res.BytesScanned != bytes {
		t.Errorf("counters %+v", res)
	}
	if got := treeOf(t, filepath.Join(e.destDir, res.Version)); !equalTrees(got, sample) {
		t.Errorf("version holds %v", got)
	}
	want := []job.Status{job.StatusRunning, job.StatusUploading, job.StatusRotating, job.StatusSuccess}
	if !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if last.Phase != PhaseDone || last.Status != job.StatusSuccess || last.FilesUploaded != 6 || !last.ScanDone {
		t.Errorf("final progress %+v", last)
	}
	h, es := e.manifestOf(res.Version)
	if h.JobID != "job1" || h.RunID != "run1" || h.Files != 6 || h.Bytes != bytes || h.Source != e.src || !h.Created.Equal(day0) {
		t.Errorf("manifest header %+v", h)
	}
	for _, en := range es {
		if en.SHA256 != shaHex(sample[en.Path]) || en.Mode != 0o644 || en.CopiedFrom != "" {
			t.Errorf("entry %+v", en)
		}
	}
}

func TestIncrementalCopiesUnchangedAndUploadsChanged(t *testing.T) {
	e := newEnv(t, sample)
	first := e.mustRun(job.StatusSuccess)
	second := e.mustRun(job.StatusSuccess)
	if second.FilesCopied != 6 || second.FilesUploaded != 0 || second.BytesUploaded != 0 {
		t.Fatalf("second run: copied %d, uploaded %d files, %d bytes", second.FilesCopied, second.FilesUploaded, second.BytesUploaded)
	}
	p := "photos/IMG_1.jpg"
	if inode(t, filepath.Join(e.destDir, first.Version, p)) != inode(t, filepath.Join(e.destDir, second.Version, p)) {
		t.Error("an unchanged file is not a hard link of the previous version's")
	}
	_, es := e.manifestOf(second.Version)
	for _, en := range es {
		if en.CopiedFrom != first.Version || en.SHA256 != shaHex(sample[en.Path]) {
			t.Errorf("copied entry %+v", en)
		}
	}
	// One file changes (new content, new mtime), one is added, one removed.
	writeFiles(t, e.src, map[string]string{"a.txt": "ALPHA!", "new.txt": "new"})
	os.Remove(filepath.Join(e.src, "empty.bin"))
	third := e.mustRun(job.StatusSuccess)
	if third.FilesUploaded != 2 || third.FilesCopied != 4 || third.BytesUploaded != int64(len("ALPHA!new")) {
		t.Errorf("third run: uploaded %d (%d bytes), copied %d", third.FilesUploaded, third.BytesUploaded, third.FilesCopied)
	}
	if got := e.readVersionFile(third.Version, "a.txt"); got != "ALPHA!" {
		t.Errorf("a.txt = %q", got)
	}
	if got := e.readVersionFile(second.Version, "a.txt"); got != "alpha" {
		t.Errorf("the older version changed: a.txt = %q", got)
	}
}

func TestIncrementalOffUploadsEverything(t *testing.T) {
	e := newEnv(t, sample)
	e.job.Incremental = false
	e.mustRun(job.StatusSuccess)
	res := e.mustRun(job.StatusSuccess)
	if res.FilesUploaded != 6 || res.FilesCopied != 0 {
		t.Errorf("uploaded %d, copied %d", res.FilesUploaded, res.FilesCopied)
	}
}

func TestVerifyUnchangedByHash(t *testing.T) {
	for _, byHash := range []bool{false, true} {
		e := newEnv(t, map[string]string{"f.txt": "version one"})
		e.job.VerifyUnchangedByHash = byHash
		e.mustRun(job.StatusSuccess)
		// Same size and mtime, different content: only hashing notices.
		p := filepath.Join(e.src, "f.txt")
		fi, _ := os.Stat(p)
		writeFiles(t, e.src, map[string]string{"f.txt": "version two"})
		os.Chtimes(p, fi.ModTime(), fi.ModTime())
		res := e.mustRun(job.StatusSuccess)
		got := e.readVersionFile(res.Version, "f.txt")
		if byHash && (got != "version two" || res.FilesUploaded != 1) {
			t.Errorf("by hash: stored %q, uploaded %d", got, res.FilesUploaded)
		}
		if !byHash && (got != "version one" || res.FilesCopied != 1) {
			t.Errorf("by size and mtime: stored %q, copied %d", got, res.FilesCopied)
		}
	}
}

func TestNameCollisionGetsSuffix(t *testing.T) {
	e := newEnv(t, sample)
	first := e.mustRun(job.StatusSuccess)
	e.now = day0 // the same minute again
	second := e.mustRun(job.StatusSuccess)
	// A user's own folder that has the next rendered name.
	e.now = day0.Add(time.Hour)
	os.Mkdir(filepath.Join(e.destDir, "Photos-2026-03-01_03-00-00"), 0o755)
	third := e.mustRun(job.StatusSuccess)
	if first.Version != "Photos-2026-03-01_02-00-00" || second.Version != first.Version+"-2" ||
		third.Version != "Photos-2026-03-01_03-00-00-2" {
		t.Errorf("versions %q, %q, %q", first.Version, second.Version, third.Version)
	}
	if entries, _ := os.ReadDir(filepath.Join(e.destDir, "Photos-2026-03-01_03-00-00")); len(entries) != 0 {
		t.Errorf("the user's folder was written into: %v", entries)
	}
}

func TestMissingOrEmptySourceFailsWithoutRetention(t *testing.T) {
	e := newEnv(t, sample)
	e.job.RetentionCount = 1
	v := e.mustRun(job.StatusSuccess).Version
	for name, setup := range map[string]func(){
		"missing": func() { e.src = filepath.Join(t.TempDir(), "not-mounted") },
		"empty":   func() { e.src = t.TempDir() },
		"a file":  func() { e.src = filepath.Join(e.destDir, v, "a.txt") },
	} {
		setup()
		res := e.run(Options{})
		if res.Status != job.StatusFailed || res.Version != "" || len(res.Deleted) != 0 {
			t.Errorf("%s: %s %q, deleted %v", name, res.Status, res.Version, res.Deleted)
		}
		if name != "a file" && !strings.Contains(res.ErrorMessage, "mounted") {
			t.Errorf("%s: message %q does not hint at the mount", name, res.ErrorMessage)
		}
	}
	if got := e.versionNames(); !slices.Equal(got, []string{v}) {
		t.Errorf("versions %v, want only %s", got, v)
	}
	if left, _ := e.dest.ListLeftovers(context.Background()); len(left) != 0 {
		t.Errorf("leftovers %v", left)
	}
}

func TestEverythingExcludedFails(t *testing.T) {
	e := newEnv(t, map[string]string{".DS_Store": "x", "a.tmp": "y"})
	e.job.Excludes = []string{"*.tmp"}
	res := e.run(Options{})
	if res.Status != job.StatusFailed || !strings.Contains(res.ErrorMessage, "excluded") || res.FilesExcluded != 2 {
		t.Errorf("%s: %q, excluded %d", res.Status, res.ErrorMessage, res.FilesExcluded)
	}
	if len(e.versionNames()) != 0 {
		t.Error("a version was made")
	}
}

func TestRulesApply(t *testing.T) {
	e := newEnv(t, map[string]string{
		"keep.txt": "k", "x.tmp": "t", "cache/big.bin": "c", "sub/cache/y": "c",
		"@eaDir/thumb.jpg": "s", "sub/.DS_Store": "d", "top-only": "1", "sub/top-only": "2",
		"logs/a.log": "a", "logs/keep.log": "k",
	})
	e.job.Excludes = []string{"*.tmp", "**/cache/**", "/top-only", "*.log", "!keep.log"}
	res := e.mustRun(job.StatusSuccess)
	got := treeOf(t, filepath.Join(e.destDir, res.Version))
	want := map[string]string{"keep.txt": "k", "sub/top-only": "2", "logs/keep.log": "k"}
	if !equalTrees(got, want) {
		t.Errorf("stored %v, want %v", got, want)
	}
}
