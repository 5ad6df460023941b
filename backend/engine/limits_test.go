package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/avault/avault/backend/engine/area"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// limitedDest is a local destination that says it holds at most limit
// items, as a Google Shared Drive does, behind the retry wrapper every
// destination of the app has.
type limitedDest struct {
	storage.Destination
	limit int64
}

func (d limitedDest) ItemLimit() (int64, string) { return d.limit, "a Google Shared Drive" }

func TestRunRefusesToGoPastTheDestinationsItemLimit(t *testing.T) {
	files := map[string]string{}
	for i := range 6 {
		files[fmt.Sprintf("d%d/f%d.txt", i%2, i)] = "x"
	}
	e := newEnv(t, files) // 6 files in 2 folders: 8 items
	local := e.dest
	e.dest = storage.WithRetry(limitedDest{Destination: local, limit: 8}, storage.RetryOptions{})
	if limit, where := ItemLimitOf(e.dest); limit != 8 || where != "a Google Shared Drive" {
		t.Fatalf("ItemLimitOf through the retry wrapper = %d, %q", limit, where)
	}
	e.mustRun(job.StatusSuccess) // 8 items: at the limit, allowed

	// One file more would take the Drive past its limit: the run says so
	// with the numbers, before it sends anything.
	writeFiles(t, e.src, map[string]string{"d1/new.txt": "y"})
	// A job's folder (current + history) is seen through a view of the
	// destination: the limit is found through it too.
	if limit, _ := ItemLimitOf(area.NewView(e.dest, nil)); limit != 8 {
		t.Fatalf("ItemLimitOf through the job folder's view = %d, want 8", limit)
	}
	res := e.run(Options{})
	want := "a Google Shared Drive holds at most 8 files and folders, and this backup would bring it to 15 " +
		"(7 files and 2 folders in the new version, 6 files in the full copies already there); nothing was sent"
	if res.Status != job.StatusFailed || !strings.Contains(res.ErrorMessage, want) {
		t.Fatalf("run past the limit = %s %q; want FAILED with %q", res.Status, res.ErrorMessage, want)
	}
	if res.FilesUploaded != 0 || res.FilesCopied != 0 {
		t.Errorf("the refused run sent %d and copied %d files", res.FilesUploaded, res.FilesCopied)
	}
	if got := e.versionNames(); len(got) != 1 {
		t.Errorf("versions after the refused run: %v, want only the first", got)
	}

	// Without a limit (My Drive, S3, a disk) the same source is backed up.
	e.dest = local
	e.mustRun(job.StatusSuccess)
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 400000: "400,000", 1234567: "1,234,567", -5000: "-5,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
