//go:build torture

package torture

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// hostileWorld is an installation with a bit of everything stored: a
// sealed S3 credential, a local destination, a job with a version, and a
// symbolic link in the NAS root that leads outside it.
func hostileWorld(t *testing.T) (*world, *campaign) {
	w := newWorld(t)
	tg := newLocalTarget(t, w)
	c := newCampaign(t, w, tg, treeSpec{Small: 20}, 3)
	secret := "hostile-s3-secret-" + randomHex(12)
	plant("S3 secret access key (hostile world)", secret)
	if r := w.cli(secret+"\n", "cred", "add", "s3", "--name", "Cred", "--access-key-id", "AKIAHOSTILE", "--secret-stdin"); r.code != 0 {
		t.Fatalf("%s", r)
	}
	c.runOK()
	if err := os.Symlink("/etc", filepath.Join(w.nas, "escape")); err != nil {
		t.Fatal(err)
	}
	return w, c
}

// hostileCLI is the table of hostile command lines. Every one must end
// with a non-zero exit and a message on standard error, and change
// nothing stored. NUL bytes cannot be passed in a command line at all
// (the kernel takes arguments as C strings); the web table has them.
func hostileCLI(c *campaign, restoreDir string) [][]string {
	long := strings.Repeat("x", 4096)
	bad := "bad\xff\xfename"
	j := c.jobID
	jobAdd := func(extra ...string) []string {
		return append([]string{"job", "add", "--name", "Hostile", "--source", "share", "--dest", "Local"}, extra...)
	}
	destAdd := func(extra ...string) []string { return append([]string{"dest", "add", "--name", "Hostile"}, extra...) }
	return [][]string{
		{"settings", "--nas-root", "relative/path"},
		{"settings", "--nas-root", "/does/not/exist"},
		{"settings", "--nas-root", "/" + long},
		{"settings", "--concurrency", "-1"},
		{"settings", "--concurrency", "1000000"},
		{"settings", "--transfers", "-7"},
		{"settings", "--transfers", "99999999999999999999"},
		{"settings", "--key-store", "bogus"},
		{"settings", "--upload-limit", "-1M"},
		{"settings", "--upload-limit", "20"},
		{"settings", "--upload-limit", "1B"},
		{"settings", "--upload-limit", "99999999999999999999999Gbit"},
		{"settings", "--upload-limit", bad},
		jobAdd("--source", "../../etc"),
		jobAdd("--source", "share/../../etc"),
		jobAdd("--source", "/etc"),
		jobAdd("--source", "escape"),
		jobAdd("--source", "escape/passwd"),
		jobAdd("--source", long),
		jobAdd("--name", long),
		jobAdd("--name", bad),
		jobAdd("--name", ""),
		jobAdd("--name", "tab\there"),
		jobAdd("--name", "Job local"), // taken
		jobAdd("--description", bad),
		jobAdd("--keep", "-1"),
		jobAdd("--keep", "0"),
		jobAdd("--keep", "9223372036854775807"),
		jobAdd("--keep", "99999999999999999999"),
		jobAdd("--retention", "DAYS", "--keep", "0", "--days", "-5"),
		jobAdd("--retention", "HYBRID", "--days", "1000000"),
		jobAdd("--retention", "FOREVER"),
		jobAdd("--schedule", "61 * * * *"),
		jobAdd("--schedule", "* * *"),
		jobAdd("--schedule", "0 0 30 2 *"),
		jobAdd("--schedule", "*/0 * * * *"),
		jobAdd("--schedule", "0 2 * * * *"),
		jobAdd("--schedule", "@never"),
		jobAdd("--schedule", "-1 -1 -1 -1 -1"),
		jobAdd("--schedule", long),
		jobAdd("--pattern", "../{date}"),
		jobAdd("--pattern", "{date}/x"),
		jobAdd("--pattern", "{nope}-{date}"),
		jobAdd("--pattern", ".tmp-{date}"),
		jobAdd("--pattern", "nodate"),
		jobAdd("--pattern", ""),
		jobAdd("--pattern", long+"{date}"),
		jobAdd("--pattern", bad+"{date}"),
		jobAdd("--include", "["),
		jobAdd("--exclude", ""),
		jobAdd("--on-no-change", "explode"),
		jobAdd("--dest", "no-such-destination"),
		{"job", "add", "--name", "Hostile", "--source", "share"}, // no destination
		{"job", "show", "no-such-job"},
		{"job", "edit", "no-such-job", "--name", "x"},
		{"job", "edit", j, "--source", "../.."},
		{"job", "edit", j, "--keep", "-3"},
		{"job", "edit", j, "--schedule", "not a schedule"},
		{"job", "rm", "no-such-job"},
		{"job", "frobnicate"},
		destAdd("--kind", "ftp", "--remote", "/tmp"),
		destAdd("--kind", "local", "--remote", "relative/dir"),
		destAdd("--kind", "local", "--remote", "/does/not/exist"),
		destAdd("--kind", "local", "--remote", "/tmp", "--folder", "../up"),
		destAdd("--kind", "local", "--remote", "/tmp", "--opt", "x=y"),
		destAdd("--kind", "s3", "--remote", "bad bucket!", "--credential", "Cred"),
		destAdd("--kind", "s3", "--remote", "bucket", "--credential", "Cred", "--opt", "endpoint=javascript:alert(1)"),
		destAdd("--kind", "s3", "--remote", "bucket", "--credential", "Cred", "--opt", "endpoint=https://user:pass@example.com"),
		destAdd("--kind", "s3", "--remote", "bucket", "--credential", "Cred", "--opt", "unknownOption=1"),
		destAdd("--kind", "s3", "--remote", "bucket", "--credential", "no-such-credential"),
		destAdd("--kind", "s3", "--remote", "bucket"), // no credential
		destAdd("--kind", "gdrive", "--remote", "../x", "--credential", "Cred"),
		destAdd("--kind", "local", "--remote", "/tmp", "--name", long),
		{"dest", "rm", "no-such-destination"},
		{"dest", "test", "no-such-destination"},
		{"cred", "add", "s3", "--name", "X", "--access-key-id", "AKIA"}, // no secret
		{"cred", "add", "gcs", "--name", "X"},
		{"cred", "rm", "no-such-credential"},
		{"run", "no-such-job"},
		{"run"},
		{"versions", "no-such-job"},
		{"verify", j, "no-such-version"},
		{"verify", j, "../../etc"},
		{"verify", j, "--sample", "-1"},
		{"restore", j, "latest"}, // no --to
		{"restore", j, "no-such-version", "--to", restoreDir},
		{"restore", j, "../..", "--to", restoreDir},
		{"restore", j, "latest", "../../../etc/passwd", "--to", restoreDir},
		{"restore", j, "latest", "--to", c.src.dir}, // into the source
		{"browse", "../.."},
		{"browse", "/../../etc"},
		{"browse", "escape"},
		{"browse", long},
		{"preview", "no-such-job"},
		{"retention", "no-such-job"},
		{"retention", j, "--keep", "-5"},
		{"retention", j, "--retention", "FOREVER"},
		{"retention", j, "--days", "99999999999999999999"},
		{"auth", "google", "--again", "no-such-credential"},
		{"history", "--limit", "-1"},
		{"history", "--offset", "-5"},
		{"history", "--status", "BOGUS"},
		{"history", "--limit", "99999999999999999999"},
		{"history", "--job", "no-such-job"},
		{"autostart", "sideways"},
		{"auth", "google"}, // no OAuth client configured
		{"auth", "dropbox"},
		{"frobnicate"},
		{"job", "add", "--no-such-flag"},
	}
}

// TestHostileCLI sends every hostile command line and checks the answer
// and the stored data after each.
func TestHostileCLI(t *testing.T) {
	t.Parallel()
	defer elapsed("hostile input (cli)", time.Now())
	w, c := hostileWorld(t)
	restoreDir := filepath.Join(w.dir, "restore-hostile")
	lists, digest := w.lists(), dbDigest(t, w)
	for _, args := range hostileCLI(c, restoreDir) {
		r := w.cli("", args...)
		msg := strings.TrimSpace(r.stderr)
		clean := r.code != 0 && msg != ""
		changed := ""
		if d := dbDigest(t, w); d != digest {
			changed = "the database changed"
			digest = d
			if now := w.lists(); now != lists {
				changed = "the stored records changed"
				lists = now
			}
		}
		if entries, _ := os.ReadDir(restoreDir); len(entries) > 0 {
			changed += " files were restored"
			os.RemoveAll(restoreDir)
		}
		if changed != "" {
			clean = false
		}
		if !clean {
			t.Errorf("avault %s: exit %d %s\n%s", shellArgs(args), r.code, changed, clip(r.stderr+r.stdout, 400))
		}
		report.addHostile(HostileRow{Surface: "cli", Input: shellArgs(args), Answer: fmt.Sprintf("exit %d: %s %s", r.code, clip(firstLine(msg), 110), changed), Clean: clean})
	}
	if now := w.lists(); now != lists {
		t.Errorf("the stored records changed:\n%s\nwant\n%s", now, lists)
	}
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Error("/etc/passwd is gone")
	}
}

// dbDigest hashes the database's logical content: every bucket, key and
// value, opened read-only.
func dbDigest(t *testing.T, w *world) string {
	t.Helper()
	db, err := bolt.Open(filepath.Join(w.data, "avault.db"), 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("open the database read-only: %v", err)
	}
	defer db.Close()
	h := sha256.New()
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			hashBucket(h, string(name), b)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hashBucket(h interface{ Write([]byte) (int, error) }, path string, b *bolt.Bucket) {
	b.ForEach(func(k, v []byte) error {
		if v == nil {
			if sub := b.Bucket(k); sub != nil {
				hashBucket(h, path+"/"+string(k), sub)
			}
			return nil
		}
		fmt.Fprintf(h, "%s\x00%x\x00%x\n", path, k, v)
		return nil
	})
}
