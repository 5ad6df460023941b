package crypt_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
	"github.com/avault/avault/backend/storage/s3/s3test"
)

// rcloneVersion is the rclone these tests read back with, the one
// scripts/bench.sh and scripts/setup.sh build into .cache/bin.
const rcloneVersion = "v1.76.0"

// rcloneBinary finds rclone: $AVAULT_RCLONE, or .cache/bin/rclone, which
// it builds there (as the setup script does, about 150 s) when missing.
func rcloneBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("AVAULT_RCLONE"); p != "" {
		return p
	}
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, ".cache", "bin")
	pkg := "github.com/rclone/rclone@" + rcloneVersion
	stamp, _ := os.ReadFile(filepath.Join(bin, ".rclone.version"))
	if _, err := os.Stat(filepath.Join(bin, "rclone")); err == nil && strings.TrimSpace(string(stamp)) == pkg {
		return filepath.Join(bin, "rclone")
	}
	t.Logf("building %s into %s", pkg, bin)
	cmd := exec.Command("go", "install", pkg)
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building rclone: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(bin, ".rclone.version"), []byte(pkg+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(bin, "rclone")
}

// largeSize is the large file of the interop tests: 48 MiB and a bit
// (several hundred blocks and a partial one), or AVAULT_CRYPT_LARGE_MIB.
func largeSize(t *testing.T) int64 {
	n := int64(48 << 20)
	if v := os.Getenv("AVAULT_CRYPT_LARGE_MIB"); v != "" {
		mib, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("AVAULT_CRYPT_LARGE_MIB=%q: %v", v, err)
		}
		n = int64(mib) << 20
	}
	return n + 12345
}

// sourceTree writes the tree both directions carry: nested folders, an
// empty file, names of one and sixteen bytes (a cipher block edge), a long
// and a non-ASCII name, a name rclone treats as versioned, and a large file.
func sourceTree(t *testing.T, large int64) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.NewChaCha8([32]byte{1, 9})
	files := map[string]int64{
		"empty.txt":                        0,
		"a":                                1,
		"Photos/2024/Summer/beach.jpg":     300_000,
		"Photos/2024/Summer/sixteen-bytes": 65536,
		"Tax papers/Überweisung 2025 – Kopie.pdf":            70_000,
		"Scans/passport-v2001-02-03-040506-123.png":          1234,
		"Scans/" + strings.Repeat("long name ", 13) + ".txt": 99,
		"Video/holiday.mp4":                                  large,
	}
	for p, n := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(full)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(f, rng, n); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// treeSums maps each file's slash path under dir to its SHA-256, leaving
// out folders named skip.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for p, h := range want {
		if got[p] != h {
			t.Errorf("%s: %s differs or is missing", what, p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s is extra", what, p)
		}
	}
}

// backUp puts every file of src into a version called name through d.
func backUp(t *testing.T, d storage.Destination, name, src string) {
	t.Helper()
	ctx := context.Background()
	p, err := d.Begin(ctx, name, storage.Owner{JobID: "job", RunID: name})
	if err != nil {
		t.Fatal(err)
	}
	var files, bytes int64
	for rel := range treeSums(t, src) {
		f, err := os.Open(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		if _, err := p.Put(ctx, rel, f, fi.Size(), nil); err != nil {
			t.Fatalf("Put %s: %v", rel, err)
		}
		f.Close()
		files++
		bytes += fi.Size()
	}
	if err := p.Commit(ctx, []byte("manifest of "+name), storage.VersionInfo{Name: name, Owner: storage.Owner{JobID: "job", RunID: name}, Files: files, Bytes: bytes}); err != nil {
		t.Fatal(err)
	}
}

// rclone runs rclone with a config file holding base (the remote the
// crypt remote sits on, may be "") and the crypt remote "secret" over
// remote, written by RcloneConfig.
func rclone(t *testing.T, base, remote string, args ...string) string {
	t.Helper()
	cfg, err := crypt.RcloneConfig("secret", remote, testPassword, testSalt)
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "rclone.conf")
	if err := os.WriteFile(conf, []byte(base+"\n"+cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(rcloneBinary(t), append([]string{"--config", conf, "--log-level", "NOTICE", "--transfers", strconv.Itoa(runtime.NumCPU())}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("rclone %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// interop backs a tree up through d, reads it back with rclone through a
// crypt remote on remote, then has rclone write a tree there and reads it
// back through d.
func interop(t *testing.T, d *crypt.Dest, base, remote string) {
	ctx := context.Background()
	src := sourceTree(t, largeSize(t))
	want := treeSums(t, src)

	backUp(t, d, "2026-12-05_0642", src)
	out := t.TempDir()
	log := rclone(t, base, remote, "copy", "secret:2026-12-05_0642", out)
	sameTree(t, "rclone's copy of Avault's version", treeSums(t, out), want)
	if strings.Contains(log, "ERROR") {
		t.Errorf("rclone logged errors:\n%s", log)
	}
	// rclone lists the version by its name in clear.
	if dirs := rclone(t, base, remote, "lsf", "--dirs-only", "secret:"); !strings.Contains(dirs, "2026-12-05_0642/") {
		t.Errorf("rclone lsf secret: = %q, want the version", dirs)
	}

	// The other way: rclone crypt writes, Avault reads.
	rclone(t, base, remote, "copy", src, "secret:from-rclone")
	got := map[string]string{}
	f := d.Files()
	err := f.Walk(ctx, "from-rclone", func(fi storage.FileInfo) error {
		rc, err := f.Open(ctx, "from-rclone/"+fi.Path)
		if err != nil {
			return err
		}
		defer rc.Close()
		h := sha256.New()
		n, err := io.Copy(h, rc)
		if err != nil {
			return fmt.Errorf("%s: %w", fi.Path, err)
		}
		if n != fi.Size {
			t.Errorf("%s: read %d bytes, listed %d", fi.Path, n, fi.Size)
		}
		got[fi.Path] = fmt.Sprintf("%x", h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sameTree(t, "Avault's reading of rclone's copy", got, want)

	// And a version rclone wrote in full reads back through the version API.
	rclone(t, base, remote, "copy", src, "secret:v-rclone")
	rc, err := d.Open(ctx, "v-rclone", "Tax papers/Überweisung 2025 – Kopie.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil || fmt.Sprintf("%x", h.Sum(nil)) != want["Tax papers/Überweisung 2025 – Kopie.pdf"] {
		t.Errorf("Open of rclone's file: %v or content differs", err)
	}
}

func TestRcloneInteropLocal(t *testing.T) {
	dir := t.TempDir()
	interop(t, openLocal(t, dir, testCipher), "", dir)
}

func TestRcloneInteropS3(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	prefix := "nas/backups"
	base := fmt.Sprintf("[avs3]\ntype = s3\nprovider = Other\naccess_key_id = %s\nsecret_access_key = %s\nendpoint = %s\nregion = %s\nforce_path_style = true\n",
		srv.AccessKey, srv.SecretKey, srv.Endpoint, srv.Region)
	interop(t, openS3(t, srv, testCipher, prefix), base, "avs3:"+srv.Bucket+"/"+prefix)
}
