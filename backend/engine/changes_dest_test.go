package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
	"github.com/avault/avault/backend/storage/local"
)

// layoutDests opens a fresh destination of each kind, behind the retry
// decorator as the service wires them: a local folder, a real S3 server
// and the Drive fake.
var layoutDests = []struct {
	name string
	open func(t *testing.T) storage.Destination
}{
	{"local", func(t *testing.T) storage.Destination {
		d, err := local.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return storage.WithRetry(d, storage.RetryOptions{})
	}},
	{"s3", func(t *testing.T) storage.Destination {
		e, _ := newS3Env(t, nil)
		return e.dest
	}},
	{"gdrive", openDriveFake},
	{"gdrive-encrypted", func(t *testing.T) storage.Destination {
		d := openDriveFake(t).(interface{ Unwrap() storage.Destination }).Unwrap()
		return storage.WithRetry(crypt.Wrap(d, testCipher(t), "Drive copy"), storage.RetryOptions{BaseDelay: 5 * time.Millisecond})
	}},
	{"local-encrypted", func(t *testing.T) storage.Destination {
		d, err := local.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return storage.WithRetry(crypt.Wrap(d, testCipher(t), "NAS copy"), storage.RetryOptions{})
	}},
	{"s3-encrypted", func(t *testing.T) storage.Destination {
		e, _ := newS3Env(t, nil)
		return storage.WithRetry(crypt.Wrap(e.dest.(interface{ Unwrap() storage.Destination }).Unwrap(), testCipher(t), "S3 copy"), storage.RetryOptions{})
	}},
}

// openDriveFake opens the Drive fake behind the retry decorator.
func openDriveFake(t *testing.T) storage.Destination {
	const token = "ya29.layout-test"
	fake := drivefake.New(drivefake.Options{Tokens: []string{token}})
	t.Cleanup(fake.Close)
	root := fake.Create("root", "Backups", drivefake.FolderMime, nil, nil)
	d, err := gdrive.New(context.Background(), gdrive.Options{
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}),
		Endpoint:    fake.URL(), FolderID: root, ChunkSize: 1 << 20, CallsPerSecond: -1,
		BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return storage.WithRetry(d, storage.RetryOptions{BaseDelay: 5 * time.Millisecond})
}

// TestCurrentHistoryOnEveryDestination runs the layout's life on each
// kind: versions with changes, deletions and additions, retention that
// hands files to an older version, deleting the newest, and a run stopped
// after each of its writes; every committed version restores exactly
// throughout, and the current folder ends as the newest version.
func TestCurrentHistoryOnEveryDestination(t *testing.T) {
	for _, d := range layoutDests {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			raw := d.open(t)
			if storage.FilesOf(raw) == nil {
				t.Fatalf("%s offers no plain file access", d.name)
			}
			c := newCHEnvOn(t, map[string]string{"a.txt": "a1", "b/b.txt": "b1", "c/deep/c.txt": "c1", "d.txt": "d1", "ü ñ.txt": "u1"}, raw)
			c.job.RetentionType, c.job.RetentionCount = job.RetentionVersionCount, 10
			c.reopen(nil)
			var names []string
			for i := 2; i <= 4; i++ {
				names = append(names, c.backup(job.StatusSuccess).Version)
				writeFiles(t, c.src, map[string]string{"a.txt": fmt.Sprintf("a%d", i), fmt.Sprintf("new%d.txt", i): "n"})
				if i == 3 {
					os.Remove(filepath.Join(c.src, "d.txt"))
					writeFiles(t, c.src, map[string]string{"b/b.txt": "b3"})
				}
			}
			names = append(names, c.backup(job.StatusSuccess).Version)
			c.checkAll()
			for _, n := range []string{names[1], names[3]} { // a middle one, then the newest
				if err := c.dest.DeleteVersion(context.Background(), n); err != nil {
					t.Fatalf("delete %s: %v", n, err)
				}
				delete(c.want, n)
				c.checkAll()
			}
			before := treeOf(t, c.src)
			writeFiles(t, c.src, map[string]string{"a.txt": "a9", "e.txt": "e9"})
			os.Remove(filepath.Join(c.src, "c", "deep", "c.txt"))
			after := treeOf(t, c.src)
			for stopAfter := 1; stopAfter < 40; stopAfter++ {
				c.reopen(&faultyFiles{stopAfter: stopAfter})
				res := c.run(Options{Transfers: 2})
				c.reopen(nil)
				if res.Status == job.StatusSuccess {
					c.want[res.Version] = after
					c.checkAll()
					return
				}
				c.checkAllButCurrent()
				if t.Failed() {
					t.Fatalf("after stopping at write %d (source before: %v)", stopAfter, before)
				}
			}
			t.Fatal("the run never got through")
		})
	}
}
