package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/avault/avault/backend/job"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "avault")
	s := openTest(t, dir)
	if s.Dir() != dir || s.Path() != filepath.Join(dir, FileName) {
		t.Errorf("Dir %q Path %q", s.Dir(), s.Path())
	}
	assertMode(t, dir, 0o700)
	assertMode(t, s.Path(), 0o600)
}

func TestOpenTightensLooseModes(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir).Close()
	ok(t, os.Chmod(dir, 0o755))
	ok(t, os.Chmod(filepath.Join(dir, FileName), 0o644))
	openTest(t, dir)
	assertMode(t, dir, 0o700)
	assertMode(t, filepath.Join(dir, FileName), 0o600)
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info := must(os.Stat(path))
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(EnvDataDir, "/srv/avault-data")
	if got := must(DefaultDir()); got != "/srv/avault-data" {
		t.Errorf("with %s set: %q", EnvDataDir, got)
	}
	t.Setenv(EnvDataDir, "")
	t.Setenv("XDG_CONFIG_HOME", "/home/u/.config")
	if got := must(DefaultDir()); got != "/home/u/.config/avault" {
		t.Errorf("default: %q", got)
	}
}

func TestOpenUsesEnvDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDataDir, dir)
	s := must(Open(context.Background(), Options{}))
	defer s.Close()
	if s.Path() != filepath.Join(dir, FileName) {
		t.Errorf("Path = %q", s.Path())
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir).Close()
	db := must(bolt.Open(filepath.Join(dir, FileName), 0o600, nil))
	ok(t, db.Update(func(tx *bolt.Tx) error { return setSchemaVersion(tx, latestVersion+1) }))
	db.Close()
	_, err := Open(context.Background(), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "written by a newer Avault") {
		t.Fatalf("Open = %v", err)
	}
}

func TestOpenHonoursCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, Options{Dir: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Errorf("Open = %v", err)
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if len(id) != 26 || !validID(id) || strings.ToLower(id) != id || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "a/b", "a b", "é", strings.Repeat("a", 65)} {
		if validID(bad) {
			t.Errorf("validID(%q) = true", bad)
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	_, _, j := seed(t, s)
	ok(t, s.SetKeyCheck([]byte{1, 2, 3}))
	s.Close()
	s = openTest(t, dir)
	if got := must(s.GetJob(j.ID)); got.Name != "Photos" {
		t.Errorf("job after reopen: %+v", got)
	}
	if got := must(s.KeyCheck()); !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Errorf("key check after reopen: %v", got)
	}
}

// TestValuesOutliveTransactions reads values, rewrites them, makes the
// file grow (so it is mapped again) and closes the store (so it is
// unmapped); the values read before must be intact. A value that still
// pointed into the map would now read garbage or crash the test.
func TestValuesOutliveTransactions(t *testing.T) {
	s := openTest(t, t.TempDir())
	c, _, _ := seed(t, s)
	for i := range 40 { // enough that the sealed bucket has pages of its own, not inline ones
		must(s.CreateCredential(job.Credential{Name: fmt.Sprint("S3 ", i), Provider: job.KindS3}, bytes.Repeat([]byte{1}, 200)))
	}
	ok(t, s.SetKeyCheck([]byte("check-value")))
	sealed := must(s.SealedCredential(c.ID))
	check := must(s.KeyCheck())
	for i := range 20 {
		c = must(s.UpdateCredential(c, bytes.Repeat([]byte{'A' + byte(i)}, len("sealed-bytes"))))
	}
	big := bytes.Repeat([]byte("x"), 1<<20)
	ok(t, s.db.Update(func(tx *bolt.Tx) error { // 8 MiB: far past the first 32 KiB mapping
		for i := range 8 {
			if err := tx.Bucket(bucketMeta).Put([]byte{'b', byte(i)}, big); err != nil {
				return err
			}
		}
		return nil
	}))
	ok(t, s.Close())
	if string(sealed) != "sealed-bytes" || string(check) != "check-value" {
		t.Errorf("values changed after later writes: %q %q", sealed, check)
	}
}

func TestPeekSettingsReadsWithoutOpeningForWriting(t *testing.T) {
	dir := t.TempDir()
	if st, err := PeekSettings(dir); err != nil || st.StartHidden {
		t.Fatalf("a missing database: %+v, %v; want the defaults", st, err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("peeking created the database: %v", err)
	}
	s, err := Open(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutSettings(job.Settings{StartHidden: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := PeekSettings(dir); err == nil {
		t.Fatal("peeking a database another process holds open succeeded")
	}
	s.Close()
	if st, err := PeekSettings(dir); err != nil || !st.StartHidden {
		t.Fatalf("peeked %+v, %v; want StartHidden", st, err)
	}
}
