package gdrive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

var owner = storage.Owner{JobID: "job", RunID: "run"}

// writeVersion begins name, puts files and commits.
func writeVersion(t *testing.T, d storage.Destination, name string, files map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	p, err := d.Begin(ctx, name, owner)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	for path, data := range files {
		if _, err := p.Put(ctx, path, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatalf("Put(%s): %v", path, err)
		}
	}
	if err := p.Commit(ctx, []byte("manifest"), storage.VersionInfo{Name: name, Owner: owner, Created: time.Now()}); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

// readAll reads a file of a committed version.
func readAll(t *testing.T, d storage.Destination, version, path string) []byte {
	t.Helper()
	rc, err := d.Open(context.Background(), version, path)
	if err != nil {
		t.Fatalf("Open(%s/%s): %v", version, path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// assertOnePerName walks the fake below id and fails on two live items of
// one name in one folder.
func assertOnePerName(t *testing.T, fake *drivefake.Server, id, path string) {
	t.Helper()
	seen := map[string]bool{}
	for _, it := range fake.Children(id) {
		if it.Trashed {
			continue
		}
		if seen[it.Name] {
			t.Errorf("two items %s/%s", path, it.Name)
		}
		seen[it.Name] = true
		if it.MimeType == drivefake.FolderMime {
			assertOnePerName(t, fake, it.ID, path+"/"+it.Name)
		}
	}
}

func TestSurvivesTheFakesFaults(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, func(o *gdrive.Options) { o.CallTimeout = 300 * time.Millisecond })
	files := map[string][]byte{"big.bin": bytes.Repeat([]byte("0123456789abcdef"), 3<<16)} // 3 MiB: resumable
	for i := range 30 {
		files[fmt.Sprintf("d%d/sub/f%02d.txt", i%3, i)] = []byte(strings.Repeat(fmt.Sprint(i), 100+i))
	}
	e.fake.SetFaults(drivefake.FaultPlan{Rate: 0.2, Seed: 4, RetryAfter: time.Second, Stall: time.Second,
		Kinds: []drivefake.Fault{drivefake.RateLimit, drivefake.TooManyRequests, drivefake.InternalError,
			drivefake.Unavailable, drivefake.ResetBefore, drivefake.ResetAfter, drivefake.Stall}})
	d := storage.WithRetry(e.dest, storage.RetryOptions{MaxAttempts: 6, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond})
	writeVersion(t, d, "v1", files)
	e.fake.SetFaults(drivefake.FaultPlan{})
	injected := map[drivefake.Fault]int{}
	for _, k := range []drivefake.Fault{drivefake.RateLimit, drivefake.TooManyRequests, drivefake.InternalError,
		drivefake.Unavailable, drivefake.ResetBefore, drivefake.ResetAfter, drivefake.Stall} {
		if n := e.fake.Injected(k); n > 0 {
			injected[k] = n
		}
	}
	t.Logf("faults injected: %v", injected)
	if injected[drivefake.ResetAfter] == 0 || len(injected) < 5 {
		t.Errorf("too few kinds of fault were injected: %v", injected)
	}
	list, err := e.dest.ListFiles(context.Background(), "v1")
	if err != nil || len(list) != len(files) {
		t.Fatalf("ListFiles = %d files, %v; want %d", len(list), err, len(files))
	}
	for path, want := range files {
		if got := readAll(t, e.dest, "v1", path); !bytes.Equal(got, want) {
			t.Errorf("%s differs after faults", path)
		}
	}
	assertOnePerName(t, e.fake, e.rootID, "")
}

func TestLostRepliesDoNotDuplicate(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	ctx := context.Background()
	e.fake.FailNext(1, drivefake.ResetAfter, "files.create") // the .tmp- folder
	p, err := e.dest.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	e.fake.FailNext(2, drivefake.ResetAfter, "files.create", "files.create.upload")
	if _, err := p.Put(ctx, "dir/a.txt", strings.NewReader("hello"), 5, nil); err != nil {
		t.Fatal(err)
	}
	var tmp []drivefake.Item
	for _, it := range e.fake.Children(e.rootID) {
		if it.Name == ".tmp-v" {
			tmp = append(tmp, it)
		}
	}
	if len(tmp) != 1 {
		t.Fatalf("%d .tmp-v folders after a lost reply, want 1", len(tmp))
	}
	dirs := e.fake.Children(tmp[0].ID)
	if len(dirs) != 2 { // .avault and dir
		t.Fatalf("pending folder holds %+v", dirs)
	}
	for _, it := range dirs {
		if it.Name == "dir" && len(e.fake.Children(it.ID)) != 1 {
			t.Fatalf("dir holds %+v, want one a.txt", e.fake.Children(it.ID))
		}
	}
}

func TestConcurrentPutsCreateEachFolderOnce(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			path := fmt.Sprintf("a/b/c%d/file-%d", i%2, i)
			if _, err := p.Put(ctx, path, strings.NewReader("x"), 1, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	assertOnePerName(t, e.fake, e.rootID, "")
	if n := e.fake.Calls("files.create"); n != 2+4 { // .tmp-v, .avault, a, b, c0, c1
		t.Errorf("%d folder creations, want 6", n)
	}
}

// TestDailyCapPausesInsteadOfFailing reaches the fake's daily upload cap,
// which answers 403 "User rate limit exceeded.", as a creation limit may
// too: the destination backs off for minutes (on a test clock) before it
// takes the refusals for the cap, and then says why.
func TestDailyCapPausesInsteadOfFailing(t *testing.T) {
	clock := newClock(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)) // 08:00 in California
	e := newEnv(t, drivefake.Options{DailyUploadBytes: 2000}, func(o *gdrive.Options) {
		o.Now, o.Sleep = clock.Now, clock.Sleep
	})
	ctx := context.Background()
	// Behind the retry decorator, as the service opens it: a wait of hours
	// is not slept through but returned at once.
	p, err := storage.WithRetry(e.dest, storage.RetryOptions{}).Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	before, start := e.fake.Calls("files.create.upload"), clock.Now()
	_, err = p.Put(ctx, "big", bytes.NewReader(make([]byte, 3000)), 3000, nil)
	var capErr *gdrive.DailyCapError
	if !errors.As(err, &capErr) || !errors.Is(err, gdrive.ErrDailyCap) || !errors.Is(err, storage.ErrRateLimited) {
		t.Fatalf("Put over the cap = %v, want a DailyCapError", err)
	}
	waited := clock.Now().Sub(start)
	tries := e.fake.Calls("files.create.upload") - before
	t.Logf("taken for the cap after %v and %d tries: %v", waited, tries, err)
	if waited < 12*time.Minute || waited > 20*time.Minute || tries < 8 {
		t.Errorf("taken for the cap after %v and %d tries, want 12 to 20 minutes of backing off", waited, tries)
	}
	want := time.Date(2026, 3, 11, 7, 0, 0, 0, time.UTC) // midnight PDT
	if !capErr.ResumeAt.Equal(want) {
		t.Errorf("ResumeAt = %v, want %v", capErr.ResumeAt, want)
	}
	if after, ok := storage.RetryAfter(err); !ok || after != want.Sub(clock.Now()) {
		t.Errorf("RetryAfter = %v %v, want %v", after, ok, want.Sub(clock.Now()))
	}
	for _, words := range []string{"User rate limit exceeded.", "none went through", fmt.Sprint(tries, " times")} {
		if !strings.Contains(err.Error(), words) || !strings.Contains(capErr.Reason, words) {
			t.Errorf("the error does not say %q: %v", words, err)
		}
	}
}

func TestQuotaAndLimitsAreClear(t *testing.T) {
	tests := []struct {
		name  string
		opts  drivefake.Options
		words string
	}{
		{"storage full", drivefake.Options{QuotaBytes: 1000}, "free space"},
		{"folder limit", drivefake.Options{FolderChildLimit: 2}, "500,000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts, nil)
			ctx := context.Background()
			p, err := e.dest.Begin(ctx, "v", owner)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				_, err = p.Put(ctx, fmt.Sprintf("d/f%d", i), bytes.NewReader(make([]byte, 600)), 600, nil)
				if err != nil {
					break
				}
			}
			if !errors.Is(err, storage.ErrQuota) || !strings.Contains(err.Error(), tt.words) {
				t.Fatalf("err = %v, want ErrQuota saying %q", err, tt.words)
			}
			if storage.IsRetryable(err) {
				t.Error("a full destination is retryable")
			}
		})
	}
}

func TestRateLimitsAreRetriedAndHonoured(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	ctx := context.Background()
	e.fake.FailNext(3, drivefake.RateLimit, "files.list")
	if _, err := e.dest.ListVersions(ctx); err != nil {
		t.Fatalf("ListVersions after 3 rate limits: %v", err)
	}
	e.fake.SetFaults(drivefake.FaultPlan{RetryAfter: time.Second})
	e.fake.FailNext(1, drivefake.TooManyRequests, "files.list")
	start := time.Now()
	if _, err := e.dest.ListVersions(ctx); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("retried after %v, before the Retry-After of 1s", el)
	}
	e.fake.FailNext(10, drivefake.Unavailable, "files.list")
	_, err := e.dest.ListVersions(ctx)
	if !errors.Is(err, storage.ErrUnavailable) || !storage.IsRetryable(err) {
		t.Fatalf("after 5 failed attempts: %v, want a retryable ErrUnavailable", err)
	}
}

func TestDamagedUploadIsCaught(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		size   int
		method string
	}{{100, "files.create.upload"}, {3 << 20, "upload.chunk"}} {
		size := tt.size
		e.fake.FailNext(1, drivefake.Corrupt, tt.method)
		_, err = p.Put(ctx, fmt.Sprint(size), bytes.NewReader(make([]byte, size)), int64(size), nil)
		if err == nil || !strings.Contains(err.Error(), "MD5") || !storage.IsRetryable(err) {
			t.Fatalf("Put of %d damaged bytes = %v, want a retryable MD5 error", size, err)
		}
	}
	for _, it := range e.fake.Children(e.fake.Children(e.rootID)[0].ID) {
		if it.Name != storage.MetaDir {
			t.Errorf("the damaged file %s was left behind", it.Name)
		}
	}
}

func TestStalledCallTimesOut(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, func(o *gdrive.Options) { o.CallTimeout = 200 * time.Millisecond })
	e.fake.SetFaults(drivefake.FaultPlan{Stall: 5 * time.Second})
	e.fake.FailNext(1, drivefake.Stall, "files.list")
	start := time.Now()
	if _, err := e.dest.ListVersions(context.Background()); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("a stalled call held ListVersions for %v", el)
	}
}

func TestCheck(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, drivefake.Options{}, func(o *gdrive.Options) { o.FolderPath = "NAS/photos" })
	if err := e.dest.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.folderPath(t, "NAS/photos", false); err != nil {
		t.Fatalf("Check did not create the folder path: %v", err)
	}

	bad := newEnv(t, drivefake.Options{}, func(o *gdrive.Options) { o.FolderID = "no-such-folder" })
	if err := bad.dest.Check(ctx); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Check of a missing root = %v", err)
	}
	wrongToken := newEnv(t, drivefake.Options{}, nil)
	wrongToken.fake = drivefake.New(drivefake.Options{Tokens: []string{"other"}})
	defer wrongToken.fake.Close()
	o := testOptions(wrongToken.fake.URL(), "")
	d, _ := gdrive.New(ctx, o)
	if err := d.Check(ctx); !errors.Is(err, storage.ErrAuth) {
		t.Errorf("Check with a rejected token = %v", err)
	}
}

func TestSharedDriveWithoutDeleteRights(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	driveID := e.fake.AddSharedDrive("Team", false)
	o := testOptions(e.fake.URL(), driveID)
	d, err := gdrive.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"a/b.txt": []byte("shared"), "big": bytes.Repeat([]byte("x"), 3<<20)}
	writeVersion(t, d, "v1", files)
	if got := readAll(t, d, "v1", "a/b.txt"); string(got) != "shared" {
		t.Fatalf("read %q", got)
	}
	if err := d.DeleteVersion(context.Background(), "v1"); err != nil {
		t.Fatalf("DeleteVersion by a contributor: %v", err)
	}
	kids := e.fake.Children(driveID)
	if len(kids) != 1 || !kids[0].Trashed || kids[0].Name != ".tmp-v1" {
		t.Fatalf("after delete the drive holds %+v, want one trashed .tmp-v1", kids)
	}
	if vs, _ := d.ListVersions(context.Background()); len(vs) != 0 {
		t.Fatalf("ListVersions = %+v after delete", vs)
	}
}

func TestSharedDriveItemLimit(t *testing.T) {
	e := newEnv(t, drivefake.Options{SharedDriveItemLimit: 5}, nil)
	driveID := e.fake.AddSharedDrive("Team", true)
	d, _ := gdrive.New(context.Background(), testOptions(e.fake.URL(), driveID))
	p, err := d.Begin(context.Background(), "v", owner)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err = p.Put(context.Background(), fmt.Sprint(i), strings.NewReader("x"), 1, nil); err != nil {
			break
		}
	}
	if !errors.Is(err, storage.ErrQuota) || !strings.Contains(err.Error(), "Shared Drive") {
		t.Fatalf("err = %v, want ErrQuota about the Shared Drive", err)
	}
}

func TestTrashOption(t *testing.T) {
	for _, trash := range []bool{false, true} {
		e := newEnv(t, drivefake.Options{}, func(o *gdrive.Options) { o.Trash = trash })
		writeVersion(t, e.dest, "v1", map[string][]byte{"f": make([]byte, 1000)})
		if err := e.dest.DeleteVersion(context.Background(), "v1"); err != nil {
			t.Fatal(err)
		}
		if used := e.fake.Usage(); (used > 0) != trash {
			t.Errorf("trash=%v: %d bytes still count against the quota", trash, used)
		}
	}
}

func TestDuplicateNamesResolveTheSameWay(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	ctx := context.Background()
	writeVersion(t, e.dest, "v1", map[string][]byte{"f.txt": []byte("first")})
	// Another client makes a second v1 version folder, younger.
	// (The fake makes each item younger than the one made before it.)
	props := map[string]string{"avault": "version", "avaultJob": "job", "avaultRun": "other"}
	dup := e.fake.Create(e.rootID, "v1", drivefake.FolderMime, nil, props)
	e.fake.Create(dup, "f.txt", "text/plain", []byte("second"), nil)
	// And a second f.txt, younger, in the first one.
	first := e.fake.Children(e.rootID)[0]
	e.fake.Create(first.ID, "f.txt", "text/plain", []byte("newer"), nil)

	fresh, _ := gdrive.New(ctx, testOptions(e.fake.URL(), e.rootID))
	vs, err := fresh.ListVersions(ctx)
	if err != nil || len(vs) != 1 || vs[0].Owner.RunID != "run" {
		t.Fatalf("ListVersions = %+v, %v; want the older v1 once", vs, err)
	}
	if got := readAll(t, fresh, "v1", "f.txt"); string(got) != "newer" {
		t.Errorf("read %q, want the newest f.txt of the oldest v1", got)
	}
	if err := fresh.DeleteVersion(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	if vs, _ := fresh.ListVersions(ctx); len(vs) != 0 {
		t.Errorf("a v1 survived DeleteVersion: %+v", vs)
	}
}

func TestChooser(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	ctx := context.Background()
	e.fake.AddSharedDrive("Team", true)
	top, err := e.dest.ListChoices(ctx, "")
	if err != nil || len(top) != 2 || top[0].ID != gdrive.MyDrive || top[1].Name != "Team" || top[1].Kind != "drive" {
		t.Fatalf("top level = %+v, %v", top, err)
	}
	sub := e.fake.Create(e.rootID, "sub", drivefake.FolderMime, nil, nil)
	e.fake.Create(sub, "deeper", drivefake.FolderMime, nil, nil)
	e.fake.Create(e.rootID, "a-leaf", drivefake.FolderMime, nil, nil)
	e.fake.Create(e.rootID, "file.txt", "text/plain", []byte("x"), nil)
	got, err := e.dest.ListChoices(ctx, e.rootID)
	want := []storage.Choice{{ID: got[0].ID, Name: "a-leaf", Kind: "folder"}, {ID: sub, Name: "sub", Kind: "folder", HasSub: true}}
	if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("ListChoices(root folder) = %+v, %v; want %+v", got, err, want)
	}

	narrow := newEnv(t, drivefake.Options{FileScopeOnly: true}, nil)
	top, err = narrow.dest.ListChoices(ctx, "")
	if err != nil || len(top) != 1 || top[0].Name != "My Drive" {
		t.Fatalf("with drive.file only: %+v, %v", top, err)
	}
}

func TestAbout(t *testing.T) {
	e := newEnv(t, drivefake.Options{QuotaBytes: 1 << 30, User: drivefake.User{DisplayName: "Ann", EmailAddress: "ann@example.com"}},
		func(o *gdrive.Options) { o.Trash = true })
	writeVersion(t, e.dest, "v1", map[string][]byte{"f": make([]byte, 1000)})
	if err := e.dest.DeleteVersion(context.Background(), "v1"); err != nil {
		t.Fatal(err)
	}
	a, err := e.dest.About(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a.Email != "ann@example.com" || a.Name != "Ann" || a.Limit != 1<<30 || a.Used < 1000 || a.InTrash < 1000 {
		t.Fatalf("About = %+v", a)
	}
}
