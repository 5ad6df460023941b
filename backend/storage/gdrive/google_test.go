package gdrive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// The tests in this file each turn on one way in which Google Drive is
// less kind than a plain store (drivefake.Strict has them all) and check
// what a person would notice: no file lost, replaced or merged, no pause
// for a daily cap that is not one, clear words for a limit.

// reopen opens a second destination on e's root, as the next process
// would: nothing it knows by id, no cache.
func (e *env) reopen(t *testing.T) *gdrive.Dest {
	t.Helper()
	d, err := gdrive.New(context.Background(), testOptions(e.fake.URL(), e.rootID))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func put(t *testing.T, p storage.Pending, path, data string) {
	t.Helper()
	if _, err := p.Put(context.Background(), path, strings.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatalf("Put(%s): %v", path, err)
	}
}

func listPaths(t *testing.T, d storage.FileLister, version string) []string {
	t.Helper()
	fs, err := d.ListFiles(context.Background(), version)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	return out
}

// named counts the live items called name in folder id, as the fake holds
// them.
func named(fake *drivefake.Server, id, name string) int {
	n := 0
	for _, it := range fake.Children(id) {
		if it.Name == name && !it.Trashed {
			n++
		}
	}
	return n
}

// TestNamesDifferingInCaseStayApart writes a.txt and A.txt, Photos/ and
// photos/ into a version, then reopens it in a new process (where only
// Drive's answers tell what is there) and writes again: Drive's name
// search, which ignores case, must not make one replace or absorb the
// other.
func TestNamesDifferingInCaseStayApart(t *testing.T) {
	e := newEnv(t, drivefake.Options{CaseInsensitiveNames: true}, nil)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, p, "Photos/y.txt", "y")
	put(t, p, "photos/x.txt", "x")
	put(t, p, "a.txt", "lower")
	put(t, p, "A.txt", "upper")
	again := e.reopen(t)
	p2, err := again.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, p2, "a.txt", "lower again")
	put(t, p2, "photos/z.txt", "z")
	if err := p2.Commit(ctx, []byte("manifest"), storage.VersionInfo{Name: "v", Owner: owner, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	want := []string{"A.txt", "Photos/y.txt", "a.txt", "photos/x.txt", "photos/z.txt"}
	if got := listPaths(t, again, "v"); !slices.Equal(got, want) {
		t.Errorf("the version holds %q, want %q", got, want)
	}
	for path, data := range map[string]string{"a.txt": "lower again", "A.txt": "upper", "Photos/y.txt": "y"} {
		if got := readAll(t, again, "v", path); string(got) != data {
			t.Errorf("%s reads %q, want %q", path, got, data)
		}
	}
}

// TestVersionsOfJobsDifferingInCase keeps the versions of two jobs, Photos
// and photos, in one root: neither is read, taken or deleted for the other.
func TestVersionsOfJobsDifferingInCase(t *testing.T) {
	e := newEnv(t, drivefake.Options{CaseInsensitiveNames: true}, nil)
	ctx := context.Background()
	writeVersion(t, e.dest, "Photos-2026-03-01", map[string][]byte{"a.txt": []byte("Photos")})
	writeVersion(t, e.dest, "photos-2026-03-01", map[string][]byte{"a.txt": []byte("photos")})
	d := e.reopen(t)
	if got := readAll(t, d, "photos-2026-03-01", "a.txt"); string(got) != "photos" {
		t.Errorf("photos-2026-03-01/a.txt reads %q", got)
	}
	p, err := d.Begin(ctx, "PHOTOS-2026-03-01", owner)
	if err != nil {
		t.Fatalf("Begin of a third name differing in case: %v", err)
	}
	if err := p.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteVersion(ctx, "photos-2026-03-01"); err != nil {
		t.Fatal(err)
	}
	vs, err := e.reopen(t).ListVersions(ctx)
	if err != nil || len(vs) != 1 || vs[0].Name != "Photos-2026-03-01" {
		t.Fatalf("after deleting photos-2026-03-01: ListVersions = %+v, %v; want Photos-2026-03-01 alone", vs, err)
	}
	if got := readAll(t, e.reopen(t), "Photos-2026-03-01", "a.txt"); string(got) != "Photos" {
		t.Errorf("Photos-2026-03-01/a.txt reads %q", got)
	}
}

// TestFilesNamesDifferingInCase does the same through plain file access,
// as the changes-only layout uses it: two jobs' folders and two files
// whose names differ only in case.
func TestFilesNamesDifferingInCase(t *testing.T) {
	e := newEnv(t, drivefake.Options{CaseInsensitiveNames: true}, nil)
	f := e.dest.Files()
	want := map[string]string{"Photos/current/a.txt": "P a", "Photos/current/A.txt": "P A", "photos/current/a.txt": "p a"}
	for _, p := range []string{"Photos/current/a.txt", "Photos/current/A.txt", "photos/current/a.txt"} {
		putPlain(t, f, p, want[p])
	}
	g := e.reopen(t).Files()
	for p, data := range want {
		if got := readString(t, g, p); got != data {
			t.Errorf("%s reads %q, want %q", p, got, data)
		}
	}
	if err := g.Move(context.Background(), "photos/current/a.txt", "photos/history/v1/a.txt"); err != nil {
		t.Fatal(err)
	}
	if err := g.Delete(context.Background(), "Photos/current/A.txt"); err != nil {
		t.Fatal(err)
	}
	h := e.reopen(t).Files()
	if got := walkPaths(t, h, "Photos"); !slices.Equal(got, []string{"current/a.txt"}) {
		t.Errorf("Photos holds %q, want current/a.txt", got)
	}
	if got := walkPaths(t, h, "photos"); !slices.Equal(got, []string{"history/v1/a.txt"}) {
		t.Errorf("photos holds %q, want history/v1/a.txt", got)
	}
	if got := readString(t, h, "Photos/current/a.txt"); got != "P a" {
		t.Errorf("Photos/current/a.txt reads %q", got)
	}
}

// lagging is a fake whose name search never catches up within a test.
var lagging = drivefake.Options{NameSearchLag: time.Hour}

// TestLostAnswersUnderLaggingSearch loses the answers of creations whose
// effect a name search cannot show yet: the retries find what the first
// attempts made in their folders' listings, and nothing is made twice.
func TestLostAnswersUnderLaggingSearch(t *testing.T) {
	e := newEnv(t, lagging, nil)
	ctx := context.Background()
	e.fake.FailNext(1, drivefake.ResetAfter, "files.create") // the .tmp- folder
	p, err := e.dest.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	e.fake.FailNext(2, drivefake.ResetAfter, "files.create", "files.create.upload") // dir, a.txt
	put(t, p, "dir/a.txt", "hello")
	big := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB: resumable
	e.fake.FailNext(1, drivefake.ResetAfter, "upload.chunk")
	if _, err := p.Put(ctx, "dir/big.bin", bytes.NewReader(big), int64(len(big)), nil); err != nil {
		t.Fatal(err)
	}
	if n := named(e.fake, e.rootID, ".tmp-v"); n != 1 {
		t.Fatalf("%d .tmp-v folders after a lost answer, want 1", n)
	}
	tmp := e.fake.Children(e.rootID)[0].ID
	if n := named(e.fake, tmp, "dir"); n != 1 {
		t.Fatalf("%d dir folders after a lost answer, want 1", n)
	}
	dir := ""
	for _, it := range e.fake.Children(tmp) {
		if it.Name == "dir" {
			dir = it.ID
		}
	}
	if a, b := named(e.fake, dir, "a.txt"), named(e.fake, dir, "big.bin"); a != 1 || b != 1 {
		t.Fatalf("dir holds %d a.txt and %d big.bin after lost answers, want one each", a, b)
	}
}

// TestVersionsUnderLaggingSearch reopens a pending version, commits it and
// deletes it while Drive's name search knows none of the names: versions
// are found in the root's listing.
func TestVersionsUnderLaggingSearch(t *testing.T) {
	e := newEnv(t, lagging, nil)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, p, "a.txt", "a")
	again, err := e.reopen(t).Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	if n := named(e.fake, e.rootID, ".tmp-v"); n != 1 {
		t.Fatalf("Begin by the same run again made %d .tmp-v folders, want 1", n)
	}
	put(t, again, "b.txt", "b")
	if err := again.Commit(ctx, []byte("manifest"), storage.VersionInfo{Name: "v", Owner: owner, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	d := e.reopen(t)
	if got := readAll(t, d, "v", "a.txt"); string(got) != "a" {
		t.Errorf("v/a.txt reads %q", got)
	}
	if _, err := d.Begin(ctx, "v", owner); !errors.Is(err, storage.ErrExists) {
		t.Errorf("Begin of a committed name = %v, want ErrExists", err)
	}
	if err := d.DeleteVersion(ctx, "v"); err != nil {
		t.Fatalf("DeleteVersion just after the commit: %v", err)
	}
	if vs, err := e.reopen(t).ListVersions(ctx); err != nil || len(vs) != 0 {
		t.Errorf("after DeleteVersion: %+v, %v", vs, err)
	}
}

// TestFilesUnderLaggingSearch uses plain file access while Drive's name
// search shows nothing written in the test: what the destination wrote it
// knows, what others wrote it finds in a listing, and a replaced file is
// gone.
func TestFilesUnderLaggingSearch(t *testing.T) {
	e := newEnv(t, lagging, nil)
	ctx := context.Background()
	f := e.dest.Files()
	putPlain(t, f, "j/current/a.txt", "first")
	putPlain(t, f, "j/current/a.txt", "second")
	dir, _ := e.folderPath(t, "j/current", false)
	if n := named(e.fake, dir, "a.txt"); n != 1 {
		t.Errorf("%d a.txt after a replacing Put, want 1", n)
	}
	if got := readString(t, f, "j/current/a.txt"); got != "second" {
		t.Errorf("read %q, want second", got)
	}
	if err := f.Move(ctx, "j/current/a.txt", "j/history/v1/a.txt"); err != nil {
		t.Fatal(err)
	}
	putPlain(t, f, "j/current/a.txt", "third")
	e.putUserFile(t, "j/current/user.txt", []byte("theirs"))
	g := e.reopen(t).Files()
	putPlain(t, g, "j/current/b/c.txt", "c") // into the folders the first one made
	if n := named(e.fake, e.rootID, "j"); n != 1 {
		t.Errorf("%d folders j, want 1", n)
	}
	for p, want := range map[string]string{"j/history/v1/a.txt": "second", "j/current/a.txt": "third", "j/current/user.txt": "theirs"} {
		if got := readString(t, g, p); got != want {
			t.Errorf("%s reads %q, want %q", p, got, want)
		}
	}
	if err := g.Delete(ctx, "j/history/v1/a.txt"); err != nil {
		t.Fatal(err)
	}
	if _, err := readFile(g, "j/history/v1/a.txt"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Open of a deleted file = %v, want ErrNotFound", err)
	}
	if got := walkPaths(t, g, "j"); !slices.Equal(got, []string{"current/a.txt", "current/b/c.txt", "current/user.txt"}) {
		t.Errorf("Walk = %q", got)
	}
}

// TestFirstBackupUnderCreationLimit writes a first backup of 2,000 small
// files into an account that allows 3 creations a second and refuses more
// in the very words of the daily upload cap, as Google does. The fake and
// the destination share a test clock, on which the backup takes 11 minutes
// (at 3 a second), refused again and again all along, about as long as the
// destination waits before it decides that refusals are the cap: it must
// complete, with no pause for a cap.
func TestFirstBackupUnderCreationLimit(t *testing.T) {
	clock := newClock(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
	e := newEnv(t, drivefake.Options{CreatesPerSecond: 3, CreatesRefusedLikeCap: true, Clock: clock.Now},
		func(o *gdrive.Options) {
			o.Now, o.Sleep = clock.Now, clock.Sleep
			o.BaseDelay = 500 * time.Millisecond // a first retry may come too soon, as with many uploads at a time
		})
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "first", owner)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("x"), 100)
	for i := range 2000 {
		path := fmt.Sprintf("dir%d/file-%04d.txt", i%4, i)
		if _, err := p.Put(ctx, path, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatalf("Put(%s) at %v: %v", path, clock.Now().Sub(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)), err)
		}
	}
	if err := p.Commit(ctx, []byte("manifest"), storage.VersionInfo{Name: "first", Owner: owner, Created: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	took := clock.Now().Sub(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC))
	t.Logf("2,000 files in %v of the test clock; %d creations refused", took, e.fake.RefusedCreates())
	if took < 11*time.Minute || e.fake.RefusedCreates() < 1500 {
		t.Errorf("the backup took %v with %d refusals: the limit did not hold it back throughout", took, e.fake.RefusedCreates())
	}
	if n := len(listPaths(t, e.dest, "first")); n != 2000 {
		t.Errorf("the version holds %d files, want 2,000", n)
	}
}

// TestCreationLimitWithConcurrentUploads is the same with 8 uploads at a
// time in real time, the limit and the patience scaled down: 30 creations
// a second, decide after 30 s.
func TestCreationLimitWithConcurrentUploads(t *testing.T) {
	e := newEnv(t, drivefake.Options{CreatesPerSecond: 30, CreatesRefusedLikeCap: true}, func(o *gdrive.Options) {
		o.Patience = 30 * time.Second // room for a loaded machine: one upload may wait out several refusals
	})
	backup(t, e.dest, "v", "", 200)
	t.Logf("%d creations refused", e.fake.RefusedCreates())
	if e.fake.RefusedCreates() == 0 {
		t.Fatal("the fake refused no creation: the test shows nothing")
	}
}

// TestAbusiveFilesDownloadWithAcknowledgement flags files as Drive flags
// malware: restore and verify (Open) still get their bytes, and say so.
func TestAbusiveFilesDownloadWithAcknowledgement(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, drivefake.Options{FlagAbusive: func(name string) bool { return strings.HasSuffix(name, ".exe") }},
		func(o *gdrive.Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	writeVersion(t, e.dest, "v1", map[string][]byte{"tool.exe": []byte("MZ tool"), "doc.txt": []byte("doc")})
	putPlain(t, e.dest.Files(), "j/setup.exe", "MZ setup")
	type noted interface{ Note() string }
	open := map[string]func() (io.ReadCloser, error){
		"v1/tool.exe": func() (io.ReadCloser, error) { return e.dest.Open(context.Background(), "v1", "tool.exe") },
		"j/setup.exe": func() (io.ReadCloser, error) { return e.dest.Files().Open(context.Background(), "j/setup.exe") },
	}
	for name, fn := range open {
		rc, err := fn()
		if err != nil {
			t.Fatalf("Open(%s): %v", name, err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.HasPrefix(string(data), "MZ") {
			t.Errorf("%s reads %q", name, data)
		}
		if n, ok := rc.(noted); !ok || !strings.Contains(n.Note(), "malware") {
			t.Errorf("%s: the reader does not note the acknowledgement", name)
		}
	}
	rc, err := e.dest.Open(context.Background(), "v1", "doc.txt")
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if _, ok := rc.(noted); ok {
		t.Error("a file that was not flagged is noted")
	}
	if !strings.Contains(logs.String(), "acknowledgeAbuse") {
		t.Errorf("the log does not say it: %s", logs.String())
	}
}

// TestAbusiveRefusalCutOff resets the connection halfway through Drive's
// refusal to download a flagged file, so the client reads a 403 whose
// JSON breaks off: it must ask again (and then acknowledge the abuse), not
// take the broken answer for a refusal (as the faults campaign found).
func TestAbusiveRefusalCutOff(t *testing.T) {
	e := newEnv(t, drivefake.Options{FlagAbusive: func(name string) bool { return strings.HasSuffix(name, ".exe") }}, nil)
	writeVersion(t, e.dest, "v1", map[string][]byte{"tool.exe": []byte("MZ tool")})
	e.fake.FailNext(1, drivefake.ResetAfter, "files.get")
	rc, err := e.dest.Open(context.Background(), "v1", "tool.exe")
	if err != nil {
		t.Fatalf("Open after a cut-off refusal: %v", err)
	}
	defer rc.Close()
	if data, _ := io.ReadAll(rc); string(data) != "MZ tool" || storage.NoteOf(rc) == "" {
		t.Errorf("read %q, note %q", data, storage.NoteOf(rc))
	}
	if e.fake.Injected(drivefake.ResetAfter) != 1 {
		t.Fatal("no reset was injected: the test shows nothing")
	}
}

// TestFolderDepthLimitIsNamed writes into folders nested as deep as Google
// allows, and one level deeper: the error is a file's own (the run goes
// on), names the limit and the folder.
func TestFolderDepthLimitIsNamed(t *testing.T) {
	e := newEnv(t, drivefake.Options{MaxFolderDepth: drivefake.GoogleMaxFolderDepth}, nil)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	// Backups lies at level 1 and .tmp-v at 2: the 98th folder inside the
	// version lies at 100.
	put(t, p, strings.Repeat("d/", 98)+"deepest.txt", "ok")
	_, err = p.Put(ctx, strings.Repeat("d/", 99)+"too-deep.txt", strings.NewReader("x"), 1, nil)
	folder := "v/" + strings.TrimSuffix(strings.Repeat("d/", 99), "/")
	if !errors.Is(err, storage.ErrInvalid) || storage.IsRetryable(err) ||
		!strings.Contains(err.Error(), "100 levels") || !strings.Contains(err.Error(), folder+":") {
		t.Fatalf("Put too deep = %v, want ErrInvalid naming 100 levels and %s", err, folder)
	}
	_, err = e.dest.Files().Put(ctx, strings.Repeat("e/", 100)+"x.txt", strings.NewReader("x"), 1, nil)
	if !errors.Is(err, storage.ErrInvalid) || !strings.Contains(err.Error(), "100 levels") {
		t.Fatalf("Files.Put too deep = %v, want ErrInvalid naming 100 levels", err)
	}
}

// TestResumableUploadsFollowTheServer sends large files to sessions that
// take half of every chunk, or expire after the first: every byte arrives
// once, in order, and progress adds up to the size.
func TestResumableUploadsFollowTheServer(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 7<<15) // 3.5 MiB: 4 chunks of 1 MiB
	// putBig puts data through r and reports the progress it added up to
	// and the upload sessions it began.
	putBig := func(t *testing.T, e *env, r io.Reader) (progress, sessions int64, err error) {
		p, err := e.dest.Begin(context.Background(), "v", owner)
		if err != nil {
			t.Fatal(err)
		}
		var progressed atomic.Int64
		before := e.fake.Calls("files.create.upload")
		_, err = p.Put(context.Background(), "big.bin", r, int64(len(data)), func(n int64) { progressed.Add(n) })
		sessions = e.fake.Calls("files.create.upload") - before
		if err == nil {
			writeVersionCommit(t, p)
			if got := readAll(t, e.dest, "v", "big.bin"); !bytes.Equal(got, data) {
				t.Errorf("read back %d bytes that differ", len(got))
			}
		}
		return progressed.Load(), sessions, err
	}
	t.Run("partial chunks", func(t *testing.T) {
		e := newEnv(t, drivefake.Options{PartialChunks: true}, nil)
		progressed, _, err := putBig(t, e, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if progressed != int64(len(data)) || e.fake.Calls("upload.chunk") < 7 {
			t.Errorf("progress %d, %d chunk requests; want %d and 7 or more", progressed, e.fake.Calls("upload.chunk"), len(data))
		}
	})
	t.Run("expired session", func(t *testing.T) {
		e := newEnv(t, drivefake.Options{ExpireSessions: true}, nil)
		progressed, sessions, err := putBig(t, e, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if progressed != int64(len(data)) || sessions != 2 {
			t.Errorf("progress %d, %d sessions; want %d and 2", progressed, sessions, len(data))
		}
	})
	t.Run("expired session, reader that cannot seek", func(t *testing.T) {
		e := newEnv(t, drivefake.Options{ExpireSessions: true}, nil)
		_, _, err := putBig(t, e, struct{ io.Reader }{bytes.NewReader(data)})
		if !storage.IsRetryable(err) || !strings.Contains(err.Error(), "expired") {
			t.Fatalf("Put = %v, want a retryable error saying the session expired", err)
		}
		if _, _, err := putBig(t, e, struct{ io.Reader }{bytes.NewReader(data)}); err != nil {
			t.Fatalf("sent again: %v", err)
		}
	})
}

// writeVersionCommit commits pending version p as v.
func writeVersionCommit(t *testing.T, p storage.Pending) {
	t.Helper()
	if err := p.Commit(context.Background(), []byte("manifest"), storage.VersionInfo{Name: p.Name(), Owner: owner, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
}
