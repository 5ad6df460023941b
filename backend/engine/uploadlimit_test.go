package engine

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/avault/avault/backend/job"
)

// TestUploadLimitPacesUploads checks that a limit slows the bytes sent to
// it (a lower bound, so not a timing race), and that the server-side
// copies of a next version take nothing from it.
func TestUploadLimitPacesUploads(t *testing.T) {
	files := map[string]string{}
	for i := range 8 {
		files[fmt.Sprintf("f%d.bin", i)] = strings.Repeat(string(rune('a'+i)), 64<<10)
	}
	e := newEnv(t, files)
	lim := rate.NewLimiter(rate.Limit(1<<20), 64<<10) // 1 MiB/s for 512 KiB
	at := time.Now()
	res := e.run(Options{UploadLimit: lim})
	took := time.Since(at)
	if res.Status != job.StatusSuccess || res.FilesUploaded != 8 || res.BytesUploaded != 512<<10 {
		t.Fatalf("first run: %s %q, %d files %d bytes uploaded", res.Status, res.ErrorMessage, res.FilesUploaded, res.BytesUploaded)
	}
	// 512 KiB at 1 MiB/s with 64 KiB allowed at once needs 448/1024 s.
	if took < 400*time.Millisecond {
		t.Errorf("512 KiB under a 1 MiB/s limit took %v; the limit did not pace the upload", took)
	}
	for p, want := range files {
		if got := e.readVersionFile(res.Version, p); got != want {
			t.Errorf("%s in %s: %d bytes, want %d", p, res.Version, len(got), len(want))
		}
	}

	lim = rate.NewLimiter(8<<10, 16<<10) // full; 512 KiB would take a minute
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res = e.runCtx(ctx, Options{UploadLimit: lim})
	if res.Status != job.StatusSuccess || res.FilesCopied != 8 || res.FilesUploaded != 0 {
		t.Fatalf("second run: %s %q, %d copied %d uploaded; unchanged files must be copied without waiting for the limit",
			res.Status, res.ErrorMessage, res.FilesCopied, res.FilesUploaded)
	}
	if tokens := lim.Tokens(); tokens < 16<<10-1 {
		t.Errorf("the copies took %.0f bytes from the limit", 16<<10-tokens)
	}
	for p, want := range files {
		if got := e.readVersionFile(res.Version, p); got != want {
			t.Errorf("%s in %s: %d bytes, want %d", p, res.Version, len(got), len(want))
		}
	}
}

// TestUploadLimitCancel checks that a run waiting for the limit stops
// within the cancel budget.
func TestUploadLimitCancel(t *testing.T) {
	e := newEnv(t, map[string]string{"big.bin": strings.Repeat("z", 1<<20)})
	lim := rate.NewLimiter(rate.Limit(8<<10), 16<<10) // two minutes for the file
	ctx, cancel := context.WithCancel(context.Background())
	// Once the first burst has reached the destination, the rest of the
	// file can only wait for the limit: that is when to cancel.
	sending := make(chan struct{})
	var once sync.Once
	onProgress := func(p Progress) {
		if p.BytesUploaded > 0 {
			once.Do(func() { close(sending) })
		}
	}
	done := make(chan Result)
	go func() { done <- e.runCtx(ctx, Options{UploadLimit: lim, OnProgress: onProgress}) }()
	select {
	case <-sending:
	case res := <-done:
		t.Fatalf("the run ended (%s %q) before sending a byte", res.Status, res.ErrorMessage)
	}
	at := time.Now()
	cancel()
	select {
	case res := <-done:
		if d := time.Since(at); d > 2*time.Second {
			t.Errorf("stopped %v after the cancel", d)
		}
		if res.Status != job.StatusCancelled || res.Version != "" {
			t.Errorf("status %s, version %q; want CANCELLED and no version", res.Status, res.Version)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a run waiting for the upload limit did not stop when cancelled")
	}
}
