package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// haltingDest is a destination whose reads, once after files were opened,
// give one byte of each further file and then wait until their context
// ends: every file being restored at that moment is cut short.
type haltingDest struct {
	storage.Destination
	after  int64
	opened atomic.Int64
	halted chan struct{} // closed when the first read waits
	once   sync.Once
}

func newHaltingDest(d storage.Destination, after int64) *haltingDest {
	return &haltingDest{Destination: d, after: after, halted: make(chan struct{})}
}

func (d *haltingDest) Open(ctx context.Context, version, p string) (io.ReadCloser, error) {
	rc, err := d.Destination.Open(ctx, version, p)
	if err != nil || d.opened.Add(1) <= d.after {
		return rc, err
	}
	return &haltingReader{ReadCloser: rc, ctx: ctx, d: d}, nil
}

type haltingReader struct {
	io.ReadCloser
	ctx  context.Context
	d    *haltingDest
	gave bool
}

func (r *haltingReader) Read(b []byte) (int, error) {
	if !r.gave && len(b) > 0 {
		r.gave = true
		return r.ReadCloser.Read(b[:1])
	}
	r.d.once.Do(func() { close(r.d.halted) })
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

// manyFiles is a source of n files in ten folders, of different sizes.
func manyFiles(n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("d%d/f%04d.txt", i%10, i)] = strings.Repeat(fmt.Sprintf("%d,", i), 1+i%97)
	}
	return files
}

// TestRestoreCancelledMidwayLeavesNoPartialFile cancels a restore of 1,000
// files while several are half written: every file under its own name is
// whole (the same bytes as the source), and no temporary file is left.
func TestRestoreCancelledMidwayLeavesNoPartialFile(t *testing.T) {
	files := manyFiles(1000)
	e := newEnv(t, files)
	v := e.mustRun(job.StatusSuccess).Version
	dest := newHaltingDest(e.dest, 400)
	to := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var last RestoreProgress
	done := make(chan error, 1)
	go func() {
		_, err := Restore(ctx, dest, v, "", to, RestoreOptions{Transfers: 4, OnProgress: func(p RestoreProgress) { last = p }})
		done <- err
	}()
	select {
	case <-dest.halted:
	case <-time.After(30 * time.Second):
		t.Fatal("the restore never got halfway")
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the restore did not stop after it was cancelled")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled restore returned %v, want context.Canceled", err)
	}

	restored, temps := 0, 0
	err = filepath.WalkDir(to, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(to, p)
		if strings.HasPrefix(d.Name(), ".avault-restore-") {
			temps++
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if want, ok := files[filepath.ToSlash(rel)]; !ok || string(b) != want {
			t.Errorf("%s is %d bytes under its own name, want the source's %d", rel, len(b), len(want))
		}
		restored++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if temps != 0 {
		t.Errorf("%d temporary files left behind", temps)
	}
	if restored == 0 || restored >= len(files) {
		t.Errorf("%d of %d files restored; want the restore stopped midway", restored, len(files))
	}
	if last.FilesDone != int64(restored) || last.Files != int64(len(files)) {
		t.Errorf("last progress %d of %d files, want %d of %d", last.FilesDone, last.Files, restored, len(files))
	}
}

// TestRestoreReportsBytesAsTheyAreWritten restores a version with a file
// larger than one copy buffer: progress counts its bytes while it is
// written, never goes back, and ends at the totals.
func TestRestoreReportsBytesAsTheyAreWritten(t *testing.T) {
	files := map[string]string{"big.bin": strings.Repeat("0123456789abcdef", 64<<10), "small.txt": "small"} // 1 MiB
	e := newEnv(t, files)
	v := e.mustRun(job.StatusSuccess).Version
	var seen []RestoreProgress
	res, err := Restore(context.Background(), e.dest, v, "", t.TempDir(), RestoreOptions{OnProgress: func(p RestoreProgress) { seen = append(seen, p) }})
	if err != nil || res.Files != 2 {
		t.Fatalf("%+v, %v", res, err)
	}
	partway := false
	for i, p := range seen {
		if p.Files != 2 || p.Bytes != 1<<20+5 {
			t.Fatalf("progress %d: totals %d files %d bytes", i, p.Files, p.Bytes)
		}
		if i > 0 && (p.BytesDone < seen[i-1].BytesDone || p.FilesDone < seen[i-1].FilesDone) {
			t.Fatalf("progress went back: %+v after %+v", p, seen[i-1])
		}
		if p.CurrentFile == "big.bin" && p.BytesDone > 5 && p.BytesDone < 1<<20 {
			partway = true
		}
	}
	if !partway {
		t.Error("no progress while big.bin was being written")
	}
	if end := seen[len(seen)-1]; end.FilesDone != 2 || end.BytesDone != 1<<20+5 {
		t.Errorf("last progress %+v", end)
	}
}

// TestPrepareRestoreRefusesBeforeWriting: the checks a restore makes come
// from PrepareRestore, which writes nothing, not even the target folder.
func TestPrepareRestoreRefusesBeforeWriting(t *testing.T) {
	e := newEnv(t, sample)
	v := e.mustRun(job.StatusSuccess).Version
	ctx := context.Background()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.txt": "mine"})
	if _, err := PrepareRestore(ctx, e.dest, v, "", dir, RestoreOptions{}); !errors.Is(err, ErrWouldOverwrite) {
		t.Errorf("existing file: %v", err)
	}
	if _, err := PrepareRestore(ctx, e.dest, v, "", filepath.Join(e.src, "in"), RestoreOptions{Source: e.src}); !errors.Is(err, ErrIntoSource) {
		t.Errorf("into the source: %v", err)
	}
	if _, err := PrepareRestore(ctx, e.dest, v, "nothing/here", dir, RestoreOptions{}); err == nil {
		t.Error("a path the version lacks was accepted")
	}
	fresh := filepath.Join(t.TempDir(), "new")
	p, err := PrepareRestore(ctx, e.dest, v, "docs", fresh, RestoreOptions{})
	if err != nil || p.Files() != 2 || p.Bytes() != int64(len("pdf bytes")+len("deep")) {
		t.Fatalf("plan: %v", err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("preparing made the target folder: %v", err)
	}
	writeFiles(t, fresh, map[string]string{"docs/report.pdf": "appeared since"})
	if _, err := p.Run(ctx); !errors.Is(err, ErrWouldOverwrite) {
		t.Errorf("a file that appeared after the plan was made: %v", err)
	}
}

func TestVerifyReportsProgress(t *testing.T) {
	e := newEnv(t, sample)
	v := e.mustRun(job.StatusSuccess).Version
	var total int64
	for _, c := range sample {
		total += int64(len(c))
	}
	for _, deep := range []bool{false, true} {
		var seen []VerifyProgress
		rep, err := Verify(context.Background(), e.dest, v, VerifyOptions{Deep: deep, OnProgress: func(p VerifyProgress) { seen = append(seen, p) }})
		if err != nil || !rep.OK() || len(seen) == 0 {
			t.Fatalf("deep %v: %+v, %v, %d reports", deep, rep, err, len(seen))
		}
		for i, p := range seen {
			if p.Files != 6 || p.Bytes != total || (i > 0 && p.BytesDone < seen[i-1].BytesDone) {
				t.Fatalf("deep %v: progress %d: %+v", deep, i, p)
			}
		}
		if end := seen[len(seen)-1]; end.FilesDone != 6 || end.BytesDone != total {
			t.Errorf("deep %v: last progress %+v, want 6 files, %d bytes", deep, end, total)
		}
	}
}

func TestDeepVerifyStopsWhenCancelled(t *testing.T) {
	e := newEnv(t, manyFiles(50))
	v := e.mustRun(job.StatusSuccess).Version
	dest := newHaltingDest(e.dest, 10)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-dest.halted
		cancel()
	}()
	if _, err := Verify(ctx, dest, v, VerifyOptions{Deep: true}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled verify returned %v", err)
	}
}

func TestPlanReportsProgress(t *testing.T) {
	e := newEnv(t, map[string]string{"a.txt": "aa", "b.tmp": "b", "sub/c.txt": "ccc"})
	e.job.Excludes = []string{"*.tmp"}
	var seen []PlanProgress
	d, err := Plan(context.Background(), e.job, e.src, PlanOptions{OnProgress: func(p PlanProgress) { seen = append(seen, p) }})
	if err != nil || d.Files != 2 {
		t.Fatalf("%+v, %v", d, err)
	}
	if len(seen) != 4 || seen[0].Files != 1 || seen[2].CurrentPath != "sub" || seen[3].Files != 2 || seen[3].Bytes != 5 || seen[3].CurrentPath != "sub/c.txt" {
		t.Errorf("progress %+v", seen)
	}
}
