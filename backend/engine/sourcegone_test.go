package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
)

// TestSourceGoneMidRunFailsWithoutRetention takes the source away once
// the upload has begun: the run must fail, keep no version and delete
// none, even though every file it did read was stored.
func TestSourceGoneMidRunFailsWithoutRetention(t *testing.T) {
	for name, takeAway := range map[string]func(src string) error{
		"moved away": func(src string) error { return os.Rename(src, src+"-away") },
		"emptied": func(src string) error {
			entries, err := os.ReadDir(src)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(src, e.Name()))
			}
			return err
		},
		"replaced by another folder": func(src string) error {
			if err := os.Rename(src, src+"-away"); err != nil {
				return err
			}
			writeFiles(t, src, map[string]string{"other.txt": "not the share"})
			return nil
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, sample)
			e.src = filepath.Join(t.TempDir(), "share")
			writeFiles(t, e.src, sample)
			e.job.RetentionCount = 1
			v := e.mustRun(job.StatusSuccess).Version
			res := e.run(Options{OnStatus: func(s job.Status) {
				if s == job.StatusUploading {
					if err := takeAway(e.src); err != nil {
						t.Error(err)
					}
				}
			}})
			if res.Status != job.StatusFailed || res.Version != "" || len(res.Deleted) != 0 ||
				!strings.Contains(res.ErrorMessage, "during the run") {
				t.Errorf("%s %q, version %q, deleted %v", res.Status, res.ErrorMessage, res.Version, res.Deleted)
			}
			if got := e.versionNames(); !slices.Equal(got, []string{v}) {
				t.Errorf("versions %v, want only %s", got, v)
			}
			if left, _ := e.dest.ListLeftovers(context.Background()); len(left) != 0 {
				t.Errorf("leftovers %v", left)
			}
		})
	}
}
