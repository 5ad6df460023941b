package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
	"github.com/avault/avault/backend/storage/local"
)

var (
	cipherOnce sync.Once
	cipherVal  *crypt.Cipher
	cipherErr  error
)

// testCipher derives the encrypted destinations' keys once (scrypt is
// slow on purpose).
func testCipher(t *testing.T) *crypt.Cipher {
	t.Helper()
	cipherOnce.Do(func() { cipherVal, cipherErr = crypt.NewCipher("family photos", "and passports") })
	if cipherErr != nil {
		t.Fatal(cipherErr)
	}
	return cipherVal
}

// TestEncryptedIncrementalVerifyRestore runs full copies on an encrypted
// local folder: unchanged files are copied as ciphertext, verify quick
// and deep pass, a damaged file is caught by both, retention deletes the
// oldest, restore gives back the source.
func TestEncryptedIncrementalVerifyRestore(t *testing.T) {
	e := newEnv(t, sample)
	raw := e.dest
	e.dest = storage.WithRetry(crypt.Wrap(raw, testCipher(t), "NAS copy"), storage.RetryOptions{})
	e.job.RetentionCount = 2

	first := e.mustRun(job.StatusSuccess)
	if first.FilesUploaded != int64(len(sample)) {
		t.Errorf("first: %+v", first)
	}
	second := e.mustRun(job.StatusSuccess)
	if second.FilesCopied != int64(len(sample)) || second.BytesUploaded != 0 {
		t.Errorf("second: copied %d, uploaded %d bytes", second.FilesCopied, second.BytesUploaded)
	}
	writeFiles(t, e.src, map[string]string{"a.txt": "changed"})
	third := e.mustRun(job.StatusSuccess)
	if third.FilesUploaded != 1 || !slices.Equal(third.Deleted, []string{first.Version}) {
		t.Errorf("third: uploaded %d, deleted %v", third.FilesUploaded, third.Deleted)
	}
	if got := e.versionNames(); !slices.Equal(got, []string{second.Version, third.Version}) {
		t.Errorf("versions %v", got)
	}
	// Nothing at the destination is readable: no name, no content.
	c := testCipher(t)
	err := filepath.WalkDir(e.destDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, clear := range []string{"a.txt", "sub", third.Version} {
			if strings.Contains(filepath.Base(p), clear) {
				t.Errorf("%s is readable at the destination", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	for _, o := range []VerifyOptions{{}, {Deep: true}} {
		rep, err := Verify(ctx, e.dest, third.Version, o)
		if err != nil || !rep.OK() || rep.FilesChecked != int64(len(sample)) || rep.Extra != 0 {
			t.Errorf("verify %+v: %+v, %v", o, rep, err)
		}
	}
	dir := t.TempDir()
	want := map[string]string{}
	for k, v := range sample {
		want[k] = v
	}
	want["a.txt"] = "changed"
	res, err := Restore(ctx, e.dest, third.Version, "", dir, RestoreOptions{Source: e.src})
	if err != nil || res.Files != int64(len(sample)) || !equalTrees(treeOf(t, dir), want) {
		t.Errorf("restore: %+v, %v", res, err)
	}

	// A flipped byte in a stored file: deep verify reports it (the block
	// does not authenticate); a truncated one, quick verify too.
	stored := filepath.Join(e.destDir, c.EncryptSegment(third.Version), filepath.FromSlash(c.EncryptPath("a.txt")))
	b, err := os.ReadFile(stored)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 1
	if err := os.WriteFile(stored, b, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(ctx, e.dest, third.Version, VerifyOptions{Deep: true})
	if err != nil || rep.OK() {
		t.Errorf("deep verify of a damaged file: %+v, %v", rep, err)
	}
	if err := os.WriteFile(stored, b[:len(b)-2], 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = Verify(ctx, e.dest, third.Version, VerifyOptions{})
	if err != nil || rep.OK() || rep.Mismatched != 1 {
		t.Errorf("quick verify of a truncated file: %+v, %v", rep, err)
	}
}

// TestEncryptedWrongPassword: a run with another password fails naming
// the destination, and writes and deletes nothing.
func TestEncryptedWrongPassword(t *testing.T) {
	e := newEnv(t, sample)
	raw := e.dest
	e.dest = storage.WithRetry(crypt.Wrap(raw, testCipher(t), "NAS copy"), storage.RetryOptions{})
	e.job.RetentionCount = 1
	e.mustRun(job.StatusSuccess)
	before := treeOf(t, e.destDir)

	wrong, err := crypt.NewCipher("not the password", "and passports")
	if err != nil {
		t.Fatal(err)
	}
	d2, err := local.New(e.destDir)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	e.dest = storage.WithRetry(crypt.Wrap(d2, wrong, "NAS copy"), storage.RetryOptions{})
	writeFiles(t, e.src, map[string]string{"a.txt": "changed"})
	res := e.run(Options{})
	if res.Status != job.StatusFailed || !strings.Contains(res.ErrorMessage, "NAS copy") || !strings.Contains(res.ErrorMessage, "password is wrong") || strings.Contains(res.ErrorMessage, "sign in") {
		t.Errorf("run with a wrong password: %s %q", res.Status, res.ErrorMessage)
	}
	if after := treeOf(t, e.destDir); !equalTrees(after, before) {
		t.Errorf("the destination changed")
	}
	if _, err := Versions(context.Background(), e.dest, e.job.ID); !errors.Is(err, storage.ErrAuth) {
		t.Errorf("Versions with a wrong password: %v", err)
	}
}
