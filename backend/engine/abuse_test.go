package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// TestAbusiveFilesRestoreAndVerifyWithANote backs up to the Drive fake,
// which flags every .exe as Drive flags malware (a download is refused
// unless it acknowledges the abuse), in both layouts: a restore and a deep
// verify get the file's bytes back and say in their results which files
// Drive flagged; a file not flagged is not named.
func TestAbusiveFilesRestoreAndVerifyWithANote(t *testing.T) {
	for _, layout := range []job.Layout{job.LayoutFull, job.LayoutCurrentHistory} {
		t.Run(string(layout), func(t *testing.T) {
			const token = "ya29.abuse-test"
			fake := drivefake.New(drivefake.Options{Tokens: []string{token},
				FlagAbusive: func(name string) bool { return strings.HasSuffix(name, ".exe") }})
			t.Cleanup(fake.Close)
			root := fake.Create("root", "Backups", drivefake.FolderMime, nil, nil)
			d, err := gdrive.New(context.Background(), gdrive.Options{
				TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}),
				Endpoint:    fake.URL(), FolderID: root, CallsPerSecond: -1,
				BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			e := newEnv(t, map[string]string{"tools/setup.exe": "MZ setup", "doc.txt": "a document"})
			e.job.Layout, e.job.Folder = layout, "Photos"
			e.dest = JobDestination(storage.WithRetry(d, storage.RetryOptions{BaseDelay: 5 * time.Millisecond}), e.job, nil)
			version := e.mustRun(job.StatusSuccess).Version
			ctx := context.Background()

			to := t.TempDir()
			res, err := Restore(ctx, e.dest, version, "", to, RestoreOptions{})
			if err != nil {
				t.Fatalf("Restore: %v (%+v)", err, res)
			}
			if got, _ := os.ReadFile(filepath.Join(to, "tools", "setup.exe")); string(got) != "MZ setup" {
				t.Errorf("the flagged file restores as %q", got)
			}
			checkAbuseNotes(t, "restore", res.Notes)

			rep, err := Verify(ctx, e.dest, version, VerifyOptions{Deep: true})
			if err != nil || !rep.OK() {
				t.Fatalf("deep Verify: %+v, %v", rep, err)
			}
			checkAbuseNotes(t, "deep verify", rep.Notes)
		})
	}
}

// checkAbuseNotes wants one note that names the flagged file and says
// what Drive did, and no mention of the file Drive did not flag.
func checkAbuseNotes(t *testing.T, what string, notes []string) {
	t.Helper()
	if len(notes) != 1 || !strings.Contains(notes[0], "tools/setup.exe") || !strings.Contains(notes[0], "malware") ||
		!strings.Contains(notes[0], "acknowledgeAbuse") || strings.Contains(notes[0], "doc.txt") {
		t.Errorf("%s notes %q; want one naming tools/setup.exe, flagged as malware and read with acknowledgeAbuse", what, notes)
	}
}
