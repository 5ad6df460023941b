//go:build unix

package engine

import (
	"context"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

func TestProblemFilesArePartialSuccess(t *testing.T) {
	e := newEnv(t, map[string]string{"ok.txt": "ok", "dir/inner.txt": "in"})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(syscall.Mkfifo(filepath.Join(e.src, "fifo"), 0o644))
	must(os.Symlink("gone", filepath.Join(e.src, "broken")))
	must(os.Symlink("ok.txt", filepath.Join(e.src, "link")))
	must(os.Symlink("..", filepath.Join(e.src, "dir", "loop"))) // a loop, if it were followed
	must(os.Symlink("/etc/hostname", filepath.Join(e.src, "outside")))
	writeFiles(t, e.src, map[string]string{".avault/reserved": "r"})
	res := e.mustRun(job.StatusPartialSuccess)
	// Symbolic links, broken or not, are recorded, not failed nor skipped.
	if res.FilesUploaded != 2 || res.FilesFailed != 1 || res.FilesSkipped != 1 {
		t.Errorf("uploaded %d, failed %d %v, skipped %d %v", res.FilesUploaded, res.FilesFailed, res.Failures, res.FilesSkipped, res.Skipped)
	}
	if got := reasonOf(res.Failures, "fifo"); !strings.Contains(got, "named pipe") {
		t.Errorf("failure of fifo: %q", got)
	}
	if got := reasonOf(res.Skipped, ".avault"); !strings.Contains(got, "reserved") {
		t.Errorf("skipped .avault: %q", got)
	}
	if res.Version == "" {
		t.Fatal("no version committed")
	}
	data, err := e.dest.ReadManifest(context.Background(), res.Version)
	must(err)
	tr, err := manifest.ReadTree(data)
	must(err)
	links := map[string]string{}
	for _, l := range tr.Symlinks {
		links[l.Path] = l.Target
	}
	want := map[string]string{"broken": "gone", "link": "ok.txt", "dir/loop": "..", "outside": "/etc/hostname"}
	if !maps.Equal(links, want) {
		t.Errorf("links %v, want %v", links, want)
	}
}

// TestUnreadableFile needs a user that permissions apply to: as root it
// runs itself again as nobody.
func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		runAsNobody(t, "TestUnreadableFile")
		return
	}
	e := newEnv(t, map[string]string{"ok.txt": "ok", "secret.txt": "s", "locked/x": "x"})
	os.Chmod(filepath.Join(e.src, "secret.txt"), 0)
	os.Chmod(filepath.Join(e.src, "locked"), 0)
	t.Cleanup(func() { os.Chmod(filepath.Join(e.src, "locked"), 0o755) })
	res := e.mustRun(job.StatusPartialSuccess)
	if got := reasonOf(res.Failures, "secret.txt"); !strings.Contains(got, "permission denied") {
		t.Errorf("secret.txt: %q (failures %v)", got, res.Failures)
	}
	if got := reasonOf(res.Failures, "locked"); !strings.Contains(got, "cannot read the folder") {
		t.Errorf("locked: %q", got)
	}
	if res.FilesUploaded != 1 {
		t.Errorf("uploaded %d", res.FilesUploaded)
	}
}

// runAsNobody runs the named test in a copy of the test binary as user
// nobody, and fails t when it fails.
func runAsNobody(t *testing.T, name string) {
	if os.Getenv("AVAULT_ENGINE_TEST_CHILD") != "" {
		t.Skip("already the child and still root")
	}
	dir, err := os.MkdirTemp("", "engine-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "engine.test")
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(dst, src)
	src.Close()
	if cerr := dst.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	cmd := exec.Command(bin, "-test.run=^"+name+"$", "-test.v")
	cmd.Env = append(os.Environ(), "AVAULT_ENGINE_TEST_CHILD=1", "TMPDIR=/tmp", "HOME=/tmp")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+name) {
		t.Fatalf("as nobody: %v\n%s", err, out)
	}
}

func TestFileChangingWhileReadIsRetriedThenFailed(t *testing.T) {
	e := newEnv(t, map[string]string{"stable.txt": "s", "growing.log": "line\n"})
	var puts atomic.Int32
	e.dest = &hookDest{Destination: e.dest, beforePut: func(_ context.Context, p string) error {
		if p == "growing.log" {
			puts.Add(1)
			f, _ := os.OpenFile(filepath.Join(e.src, p), os.O_APPEND|os.O_WRONLY, 0)
			defer f.Close()
			_, err := f.WriteString("another line\n")
			return err
		}
		return nil
	}}
	res := e.mustRun(job.StatusPartialSuccess)
	if puts.Load() != 2 {
		t.Errorf("growing.log put %d times, want 2", puts.Load())
	}
	if got := reasonOf(res.Failures, "growing.log"); !strings.Contains(got, "changed while") {
		t.Errorf("failure %q", got)
	}
	_, es := e.manifestOf(res.Version)
	if len(es) != 1 || es[0].Path != "stable.txt" {
		t.Errorf("manifest %v", es)
	}
}

func TestFileChangingOnceIsRetried(t *testing.T) {
	e := newEnv(t, map[string]string{"f.txt": "one"})
	var n atomic.Int32
	e.dest = &hookDest{Destination: e.dest, beforePut: func(_ context.Context, p string) error {
		if n.Add(1) == 1 {
			writeFiles(t, e.src, map[string]string{"f.txt": "one two"})
		}
		return nil
	}}
	res := e.mustRun(job.StatusSuccess)
	if got := e.readVersionFile(res.Version, "f.txt"); got != "one two" {
		t.Errorf("stored %q", got)
	}
	_, es := e.manifestOf(res.Version)
	if es[0].Size != 7 || es[0].SHA256 != shaHex("one two") {
		t.Errorf("entry %+v", es[0])
	}
}

func TestDestinationHashMismatchFails(t *testing.T) {
	e := newEnv(t, map[string]string{"f.txt": "content", "g.txt": "fine"})
	e.dest = &hookDest{Destination: e.dest, putResult: func(p string, res storage.PutResult) storage.PutResult {
		if p == "f.txt" {
			res.Hash.Value = strings.Repeat("0", 64)
		}
		return res
	}}
	res := e.mustRun(job.StatusPartialSuccess)
	if got := reasonOf(res.Failures, "f.txt"); !strings.Contains(got, "damaged on the way") {
		t.Errorf("failure %q", got)
	}
}

func TestCancelStopsQuickly(t *testing.T) {
	files := map[string]string{}
	for i := range 50 {
		files["f"+string(rune('a'+i%26))+string(rune('a'+i/26))] = strings.Repeat("x", 1000)
	}
	e := newEnv(t, files)
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{}, 100)
	e.dest = &hookDest{Destination: e.dest, beforePut: func(ctx context.Context, _ string) error {
		started <- struct{}{}
		<-ctx.Done() // a transfer that hangs until the run is cancelled
		return ctx.Err()
	}}
	done := make(chan Result)
	go func() { done <- e.runCtx(ctx, Options{}) }()
	<-started
	at := time.Now()
	cancel()
	var res Result
	select {
	case res = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the run did not stop")
	}
	if d := time.Since(at); d > 2*time.Second {
		t.Errorf("stopped after %v", d)
	}
	if res.Status != job.StatusCancelled || res.Version != "" {
		t.Errorf("status %s, version %q", res.Status, res.Version)
	}
	if names := e.versionNames(); len(names) != 0 {
		t.Errorf("versions %v", names)
	}
	if left, _ := e.dest.ListLeftovers(context.Background()); len(left) != 0 {
		t.Errorf("leftovers %v", left)
	}
}

func TestDestinationErrorsFailTheRun(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{storage.NewError(storage.ErrQuota, "the bucket is full", nil), "destination full"},
		{storage.NewError(storage.ErrAuth, "token expired", nil), "sign in again"},
		{storage.NewError(storage.ErrPermission, "no write access", nil), "does not allow"},
	} {
		e := newEnv(t, sample)
		e.dest = &hookDest{Destination: e.dest, beforePut: func(context.Context, string) error { return tc.err }}
		res := e.run(Options{})
		if res.Status != job.StatusFailed || !strings.Contains(res.ErrorMessage, tc.want) || res.Version != "" {
			t.Errorf("%v: %s %q %q", tc.err, res.Status, res.ErrorMessage, res.Version)
		}
		if left, _ := e.dest.ListLeftovers(context.Background()); len(left) != 0 {
			t.Errorf("%v: leftovers %v", tc.err, left)
		}
	}
}

// capError is a daily cap that says when it resets.
type capError struct{ at time.Time }

func (c capError) Error() string       { return "daily upload limit reached" }
func (c capError) ResumeAt() time.Time { return c.at }

func TestDailyCapPausesAndResumes(t *testing.T) {
	e := newEnv(t, sample)
	var hit atomic.Bool
	e.dest = &hookDest{Destination: e.dest, beforePut: func(context.Context, string) error {
		if hit.CompareAndSwap(false, true) {
			return storage.NewError(storage.ErrRateLimited, "limit", capError{time.Now().Add(300 * time.Millisecond)})
		}
		return nil
	}}
	var paused atomic.Bool
	start := time.Now()
	res := e.run(Options{Now: time.Now, OnProgress: func(p Progress) {
		if p.Phase == PhasePaused && p.ResumeAt != nil {
			paused.Store(true)
		}
	}})
	if res.Status != job.StatusSuccess || res.FilesUploaded != 6 {
		t.Fatalf("%s %q, uploaded %d", res.Status, res.ErrorMessage, res.FilesUploaded)
	}
	if !paused.Load() || time.Since(start) < 300*time.Millisecond {
		t.Errorf("paused %v after %v", paused.Load(), time.Since(start))
	}
	// The pause and its reason reach the run's history, once.
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "Paused at") || !strings.Contains(res.Notes[0], "daily upload limit reached") {
		t.Errorf("notes %q", res.Notes)
	}
	var run job.Run
	res.Apply(&run)
	if !slices.Equal(run.Notes, res.Notes) {
		t.Errorf("history notes %q, result notes %q", run.Notes, res.Notes)
	}
}

func TestPauseIsCancellable(t *testing.T) {
	e := newEnv(t, sample)
	e.dest = &hookDest{Destination: e.dest, beforePut: func(context.Context, string) error {
		return capError{time.Now().Add(time.Hour)}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res := e.runCtx(ctx, Options{Now: time.Now})
	if res.Status != job.StatusCancelled {
		t.Errorf("%s %q", res.Status, res.ErrorMessage)
	}
}

func TestRetentionKeepsNewestCleanVersion(t *testing.T) {
	e := newEnv(t, map[string]string{"a": "a"})
	e.job.RetentionCount = 1
	clean := e.mustRun(job.StatusSuccess).Version
	if err := syscall.Mkfifo(filepath.Join(e.src, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	p1 := e.mustRun(job.StatusPartialSuccess)
	p2 := e.mustRun(job.StatusPartialSuccess)
	if got := e.versionNames(); !slices.Equal(got, []string{clean, p2.Version}) {
		t.Errorf("versions %v, want the clean %s and the newest %s", got, clean, p2.Version)
	}
	if !slices.Equal(p2.Deleted, []string{p1.Version}) {
		t.Errorf("deleted %v", p2.Deleted)
	}
	os.Remove(filepath.Join(e.src, "pipe"))
	ok := e.mustRun(job.StatusSuccess)
	if got := e.versionNames(); !slices.Equal(got, []string{ok.Version}) {
		t.Errorf("after a clean run: versions %v", got)
	}
}
