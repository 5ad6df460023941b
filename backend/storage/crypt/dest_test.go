package crypt_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
	"github.com/avault/avault/backend/storage/local"
	"github.com/avault/avault/backend/storage/s3"
	"github.com/avault/avault/backend/storage/s3/s3test"
	"github.com/avault/avault/backend/storage/storagetest"
)

const (
	testPassword = "correct horse battery staple"
	testSalt     = "pepper"
)

// testCipher is derived once: scrypt takes a moment, on purpose.
var testCipher = func() *crypt.Cipher {
	c, err := crypt.NewCipher(testPassword, testSalt)
	if err != nil {
		panic(err)
	}
	return c
}()

// dirs maps each encrypted local destination to its folder.
var dirs sync.Map

// localDir is the folder under an encrypted local destination.
func localDir(d storage.Destination) string {
	v, _ := dirs.Load(d)
	return v.(string)
}

func openLocal(t *testing.T, dir string, c *crypt.Cipher) *crypt.Dest {
	t.Helper()
	d, err := local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	w := crypt.Wrap(d, c, "NAS copy")
	dirs.Store(w, dir)
	return w
}

func TestConformanceLocal(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		return openLocal(t, t.TempDir(), testCipher)
	}, storagetest.Options{
		PageSize: 100,
		// A user's own files here are those rclone crypt put with the
		// same password: encrypted names beside Avault's.
		PutUserFile: func(t *testing.T, d storage.Destination, path string, data []byte) {
			name := filepath.Join(localDir(d), filepath.FromSlash(testCipher.EncryptPath(path)))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		ReadUserFile: func(t *testing.T, d storage.Destination, path string) ([]byte, error) {
			return os.ReadFile(filepath.Join(localDir(d), filepath.FromSlash(testCipher.EncryptPath(path))))
		},
		FolderExists: func(t *testing.T, d storage.Destination, path string) bool {
			fi, err := os.Lstat(filepath.Join(localDir(d), filepath.FromSlash(testCipher.EncryptPath(path))))
			return err == nil && fi.IsDir()
		},
	})
}

var s3Prefixes int

func openS3(t *testing.T, srv *s3test.Server, c *crypt.Cipher, prefix string) *crypt.Dest {
	t.Helper()
	if prefix == "" {
		s3Prefixes++
		prefix = "crypt/" + strings.Repeat("p", s3Prefixes%3+1) + string(rune('a'+s3Prefixes%26)) + "-" + t.Name()
		prefix = strings.NewReplacer("/", "-", " ", "-").Replace(prefix)
	}
	o := s3.Options{
		Bucket: srv.Bucket, Prefix: prefix, Endpoint: srv.Endpoint, Region: srv.Region, PathStyle: true,
		AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey, PartSize: 5 << 20, ListPageSize: 7,
	}
	if srv.Cert != nil {
		o.CAPEM = srv.Cert.PEM
	}
	d, err := s3.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return crypt.Wrap(d, c, "S3 copy")
}

func TestConformanceS3(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		return openS3(t, srv, testCipher, "")
	}, storagetest.Options{PartSize: 5 << 20, PageSize: 7})
}

// TestWrongPassword: a destination holding versions under one password,
// opened with another, refuses every write with ErrAuth naming it, and
// nothing at the destination changes.
func TestWrongPassword(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := openLocal(t, dir, testCipher)
	p, err := d.Begin(ctx, "v1", storage.Owner{JobID: "j", RunID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Put(ctx, "a/b.txt", strings.NewReader("secret"), 6, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(ctx, []byte("manifest"), storage.VersionInfo{Name: "v1", Owner: storage.Owner{JobID: "j", RunID: "r"}, Files: 1, Bytes: 6}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Files().Put(ctx, "job/current/x.txt", strings.NewReader("x"), 1, nil); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)

	other, _ := crypt.NewCipher("wrong", testSalt)
	w := openLocal(t, dir, other)
	wantAuth := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, storage.ErrAuth) || !strings.Contains(err.Error(), "NAS copy") || !strings.Contains(err.Error(), "password") {
			t.Errorf("%s: %v, want ErrAuth naming the destination and the password", what, err)
		}
	}
	wantAuth("Check", w.Check(ctx))
	_, err = w.Begin(ctx, "v2", storage.Owner{JobID: "j", RunID: "r2"})
	wantAuth("Begin", err)
	_, err = w.ListVersions(ctx)
	wantAuth("ListVersions", err)
	wantAuth("DeleteVersion", w.DeleteVersion(ctx, "v1"))
	_, err = w.Files().Put(ctx, "job/current/y.txt", strings.NewReader("y"), 1, nil)
	wantAuth("Files.Put", err)
	wantAuth("Files.Delete", w.Files().Delete(ctx, "job/current/x.txt"))
	_, err = w.ReadManifest(ctx, "v1")
	if err == nil {
		t.Error("ReadManifest with a wrong password succeeded")
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("the destination changed:\nbefore %s\nafter  %s", before, after)
	}

	// The right password reads everything back.
	if err := d.Check(ctx); err != nil {
		t.Fatal(err)
	}
	vs, err := d.ListVersions(ctx)
	if err != nil || len(vs) != 1 || vs[0].Name != "v1" || vs[0].Files != 1 {
		t.Fatalf("ListVersions = %+v, %v", vs, err)
	}
	m, err := d.ReadManifest(ctx, "v1")
	if err != nil || string(m) != "manifest" {
		t.Fatalf("ReadManifest = %q, %v", m, err)
	}
	if raw, _ := os.ReadFile(filepath.Join(dir, testCipher.EncryptSegment("v1"), ".avault", "manifest.json.gz")); bytes.Contains(raw, []byte("manifest")) || !bytes.HasPrefix(raw, []byte("RCLONE\x00\x00")) {
		t.Errorf("the stored manifest is not encrypted: %q", raw)
	}
}

// TestPlainVersionsLeftAlone: versions written without encryption are not
// listed, so retention never deletes them, and do not count as a wrong
// password.
func TestPlainVersionsLeftAlone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	plain, err := local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	p, _ := plain.Begin(ctx, "2026-01-01_0000", storage.Owner{JobID: "j", RunID: "r"})
	if err := p.Commit(ctx, []byte("m"), storage.VersionInfo{Name: "2026-01-01_0000"}); err != nil {
		t.Fatal(err)
	}
	d := openLocal(t, dir, testCipher)
	if err := d.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if vs, err := d.ListVersions(ctx); err != nil || len(vs) != 0 {
		t.Errorf("ListVersions = %+v, %v; want none", vs, err)
	}
	if err := d.DeleteVersion(ctx, "2026-01-01_0000"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("DeleteVersion of the plain version: %v", err)
	}
	if vs, _ := plain.ListVersions(ctx); len(vs) != 1 {
		t.Errorf("the plain version is gone: %+v", vs)
	}
}

// TestStoredForm: what lands on the disk has encrypted names and
// contents, sizes as rclone computes them, and reads back.
func TestStoredForm(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d := openLocal(t, dir, testCipher)
	p, err := d.Begin(ctx, "v1", storage.Owner{JobID: "j", RunID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("passport scan "), 10000)
	var progressed int64
	res, err := p.Put(ctx, "Papers/passport.pdf", bytes.NewReader(data), int64(len(data)), func(n int64) { progressed += n })
	if err != nil {
		t.Fatal(err)
	}
	if res.Size != int64(len(data)) || progressed != int64(len(data)) {
		t.Errorf("Put size %d, progress %d, want %d", res.Size, progressed, len(data))
	}
	raw := filepath.Join(dir, ".tmp-"+testCipher.EncryptSegment("v1"), filepath.FromSlash(testCipher.EncryptPath("Papers/passport.pdf")))
	fi, err := os.Stat(raw)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != crypt.EncryptedSize(int64(len(data))) {
		t.Errorf("stored %d bytes, want %d", fi.Size(), crypt.EncryptedSize(int64(len(data))))
	}
	if err := p.Commit(ctx, []byte("m"), storage.VersionInfo{Name: "v1"}); err != nil {
		t.Fatal(err)
	}
	snap := snapshot(t, dir)
	for _, clear := range []string{"Papers", "passport", "v1"} {
		if strings.Contains(snap, clear) {
			t.Errorf("%q is readable at the destination: %s", clear, snap)
		}
	}
	rc, err := d.Open(ctx, "v1", "Papers/passport.pdf")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("read back %d bytes, %v", len(got), err)
	}
	fs, err := d.ListFiles(ctx, "v1")
	if err != nil || len(fs) != 1 || fs[0].Path != "Papers/passport.pdf" || fs[0].Size != int64(len(data)) {
		t.Errorf("ListFiles = %+v, %v", fs, err)
	}
}

// snapshot lists every path and size under dir.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b.WriteString(rel)
		if !fi.IsDir() {
			b.WriteString("=" + string(rune('0'+fi.Size()%10)))
		}
		b.WriteString(" ")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
