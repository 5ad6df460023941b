package gdrive_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// putPlain stores data at p through Files.
func putPlain(t *testing.T, f storage.Files, p string, data string) {
	t.Helper()
	if _, err := f.Put(context.Background(), p, strings.NewReader(data), int64(len(data)), nil); err != nil {
		if errors.Is(err, gdrive.ErrDailyCap) {
			t.Fatalf("Put(%s) took the rate limit for the daily cap: %v", p, err)
		}
		t.Fatalf("Put(%s): %v", p, err)
	}
}

// itemID returns the id of the live file at p, as the fake holds it.
func (e *env) itemID(t *testing.T, p string) string {
	t.Helper()
	i := strings.LastIndexByte(p, '/')
	parent, err := e.folderPath(t, p[:i], false)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range e.fake.Children(parent) {
		if it.Name == p[i+1:] && !it.Trashed {
			return it.ID
		}
	}
	t.Fatalf("no file %s", p)
	return ""
}

// TestFilesUnderCreateRateLimit writes through Files into an account that
// refuses more than 3 creations a second, as Google does: every Put ends
// well after waiting, none is taken for the daily upload cap, and a Move
// creates nothing.
func TestFilesUnderCreateRateLimit(t *testing.T) {
	e := newEnv(t, drivefake.Options{CreatesPerSecond: 3}, func(o *gdrive.Options) {
		o.CallsPerSecond, o.MaxAttempts = 10, 10
		o.BaseDelay, o.MaxDelay = 100*time.Millisecond, time.Second
	})
	f := e.dest.Files()
	want := map[string][]byte{}
	for i := range 15 {
		p := fmt.Sprintf("d%d/f%02d.txt", i%3, i)
		want[p] = []byte(strings.Repeat(p, i+1))
		putPlain(t, f, "Photos/current/"+p, string(want[p]))
	}
	if e.fake.RefusedCreates() == 0 {
		t.Fatal("the fake refused no creation: the test shows nothing")
	}
	t.Logf("%d creations, %d refused and retried", e.fake.Creates(), e.fake.RefusedCreates())

	id := e.itemID(t, "Photos/current/d0/f00.txt")
	creates := e.fake.Creates()
	if err := f.Move(context.Background(), "Photos/current/d0/f00.txt", "Photos/current/d1/moved.txt"); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Creates(); got != creates {
		t.Errorf("Move made %d items, want none", got-creates)
	}
	if got := e.itemID(t, "Photos/current/d1/moved.txt"); got != id {
		t.Errorf("Move made a new item %s, want %s moved", got, id)
	}
	want["d1/moved.txt"] = want["d0/f00.txt"]
	delete(want, "d0/f00.txt")
	got := map[string]int64{}
	err := f.Walk(context.Background(), "Photos/current", func(fi storage.FileInfo) error {
		got[fi.Path] = fi.Size
		return nil
	})
	if err != nil || len(got) != len(want) {
		t.Fatalf("Walk = %v, %v; want %d files", got, err, len(want))
	}
	for p, data := range want {
		if got[p] != int64(len(data)) {
			t.Errorf("%s: %d bytes, want %d", p, got[p], len(data))
		}
	}
}

// TestFilesRequestCost counts the requests of each Files call once the
// folders are known: what a run costs in Google's per-user quota.
func TestFilesRequestCost(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	f := e.dest.Files()
	ctx := context.Background()
	putPlain(t, f, "j/current/a.txt", "a")
	putPlain(t, f, "j/history/v1/old.txt", "old")
	steps := []struct {
		name string
		want int64
		do   func() error
	}{
		{"Put into a known folder: upload, look for older", 2, func() error {
			_, err := f.Put(ctx, "j/current/b.txt", strings.NewReader("b"), 1, nil)
			return err
		}},
		{"Put replacing a file: upload, look for older, delete", 3, func() error {
			_, err := f.Put(ctx, "j/current/b.txt", strings.NewReader("B"), 1, nil)
			return err
		}},
		{"Move: look for from, look for to, update", 3, func() error {
			return f.Move(ctx, "j/current/a.txt", "j/history/v1/a.txt")
		}},
		{"Move replacing a file: as Move, and a delete", 4, func() error {
			return f.Move(ctx, "j/current/b.txt", "j/history/v1/old.txt")
		}},
		{"Copy: look for from, copy, look for older", 3, func() error {
			_, err := f.Copy(ctx, "j/history/v1/a.txt", "j/current/a.txt")
			return err
		}},
		{"Open: look, download", 2, func() error {
			rc, err := f.Open(ctx, "j/current/a.txt")
			if err == nil {
				_, err = io.Copy(io.Discard, rc)
				rc.Close()
			}
			return err
		}},
		{"Delete: look, delete", 2, func() error { return f.Delete(ctx, "j/current/a.txt") }},
	}
	for _, s := range steps {
		before := e.fake.Requests()
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := e.fake.Requests() - before; got != s.want {
			t.Errorf("%s: %d requests, want %d", s.name, got, s.want)
		}
	}
	data, err := readFile(f, "j/history/v1/old.txt")
	if err != nil || !bytes.Equal(data, []byte("B")) {
		t.Errorf("the moved file reads %q, %v", data, err)
	}
}

func readFile(f storage.Files, p string) ([]byte, error) {
	rc, err := f.Open(context.Background(), p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// readString reads the file at p through Files, failing the test on error.
func readString(t *testing.T, f storage.Files, p string) string {
	t.Helper()
	data, err := readFile(f, p)
	if err != nil {
		t.Fatalf("Open(%s): %v", p, err)
	}
	return string(data)
}

// walkPaths lists the paths Walk reports below dir.
func walkPaths(t *testing.T, f storage.Files, dir string) []string {
	t.Helper()
	var out []string
	if err := f.Walk(context.Background(), dir, func(fi storage.FileInfo) error {
		out = append(out, fi.Path)
		return nil
	}); err != nil {
		t.Fatalf("Walk(%q): %v", dir, err)
	}
	return out
}

// TestFilesNeverReachIntoVersions puts a plain file at a path that names a
// committed version: it goes into a plain folder beside the version, which
// stays as it was, and outlives the version's deletion.
func TestFilesNeverReachIntoVersions(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	f := e.dest.Files()
	writeVersion(t, e.dest, "v1", map[string][]byte{"a.txt": []byte("in a version")})
	if got := walkPaths(t, f, ""); len(got) != 0 {
		t.Errorf("Walk of the root lists a version's files: %q", got)
	}
	if _, err := readFile(f, "v1/a.txt"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Open of a version's file through Files = %v, want ErrNotFound", err)
	}
	putPlain(t, f, "v1/a.txt", "plain")
	if got := readAll(t, e.dest, "v1", "a.txt"); string(got) != "in a version" {
		t.Errorf("the version's file reads %q after a plain Put", got)
	}
	if err := e.dest.DeleteVersion(context.Background(), "v1"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, f, "v1/a.txt"); got != "plain" {
		t.Errorf("the plain file reads %q after DeleteVersion", got)
	}
}

// TestFilesTrashOnlyForDeletes checks that with Options.Trash a Delete goes
// to the trash, while a file a Put replaces is deleted for good.
func TestFilesTrashOnlyForDeletes(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, func(o *gdrive.Options) { o.Trash = true })
	f := e.dest.Files()
	putPlain(t, f, "j/a.txt", "first")
	putPlain(t, f, "j/a.txt", "second")
	if used := e.fake.Usage(); used != int64(len("second")) {
		t.Errorf("after a replacing Put %d bytes count against the quota, want %d", used, len("second"))
	}
	if err := f.Delete(context.Background(), "j/a.txt"); err != nil {
		t.Fatal(err)
	}
	dir, _ := e.folderPath(t, "j", false)
	if kids := e.fake.Children(dir); len(kids) != 1 || !kids[0].Trashed {
		t.Errorf("after Delete the folder holds %+v, want one trashed file", kids)
	}
}

// TestFilesDuplicateNames gives a path a second, younger file, as a
// repeated create would: the newest is read and listed once, a Put leaves
// one file, and a Move leaves nothing behind.
func TestFilesDuplicateNames(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	f := e.dest.Files()
	putPlain(t, f, "j/a.txt", "older")
	putPlain(t, f, "j/b.txt", "b older")
	dir, _ := e.folderPath(t, "j", false)
	// The fake makes each item younger than the one made before it.
	e.fake.Create(dir, "a.txt", "text/plain", []byte("newer"), nil)
	e.fake.Create(dir, "b.txt", "text/plain", []byte("b newer"), nil)
	if got := readString(t, f, "j/a.txt"); got != "newer" {
		t.Errorf("read %q, want the newest", got)
	}
	if got := walkPaths(t, f, "j"); len(got) != 2 {
		t.Errorf("Walk = %q, want a.txt and b.txt once each", got)
	}
	putPlain(t, f, "j/a.txt", "newest")
	if err := f.Move(context.Background(), "j/b.txt", "k/b.txt"); err != nil {
		t.Fatal(err)
	}
	if kids := e.fake.Children(dir); len(kids) != 1 || kids[0].Name != "a.txt" {
		t.Errorf("the folder holds %+v, want a.txt once", kids)
	}
	if got := readString(t, f, "j/a.txt") + ", " + readString(t, f, "k/b.txt"); got != "newest, b newer" {
		t.Errorf("read %q", got)
	}
}

// TestFilesStaleFolderIDs removes folders behind the destination's back,
// as another client would: Open looks them up again, and a Put into a
// folder that vanished fails with an error worth retrying, which works.
func TestFilesStaleFolderIDs(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	f := e.dest.Files()
	ctx := context.Background()
	svc, err := drive.NewService(ctx, option.WithEndpoint(e.fake.URL()+"/drive/v3/"),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})))
	if err != nil {
		t.Fatal(err)
	}
	removeA := func() {
		id, err := e.folderPath(t, "a", false)
		if err == nil {
			err = svc.Files.Delete(id).Do()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	putPlain(t, f, "a/b/x.txt", "mine")
	removeA()
	e.putUserFile(t, "a/b/x.txt", []byte("theirs"))
	if got := readString(t, f, "a/b/x.txt"); got != "theirs" {
		t.Errorf("read %q through a replaced folder, want theirs", got)
	}
	removeA()
	_, err = f.Put(ctx, "a/b/y.txt", strings.NewReader("y"), 1, nil)
	if !storage.IsRetryable(err) {
		t.Fatalf("Put into a vanished folder = %v, want a retryable error", err)
	}
	putPlain(t, f, "a/b/y.txt", "y")
	if got := walkPaths(t, f, "a"); len(got) != 1 || got[0] != "b/y.txt" {
		t.Errorf("Walk = %q, want b/y.txt", got)
	}
}
