package local

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/avault/avault/backend/storage"
)

var ctx = context.Background()

func TestNewRejectsMissingOrRelativeRoot(t *testing.T) {
	tests := []struct {
		dir     string
		kind    error
		message string
	}{
		{"/no/such/disk", storage.ErrNotFound, "destination folder /no/such/disk does not exist (is the disk mounted?)"},
		{"relative/dir", storage.ErrInvalid, `destination folder "relative/dir" must be an absolute path`},
		{"", storage.ErrInvalid, `destination folder "" must be an absolute path`},
	}
	for _, tt := range tests {
		_, err := New(tt.dir)
		if !errors.Is(err, tt.kind) || err.Error() != tt.message {
			t.Errorf("New(%q) = %v, want %q (%v)", tt.dir, err, tt.message, tt.kind)
		}
	}
}

func TestNoWritesOutsideRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(outside, "v", storage.MetaDir), 0o755)
	os.WriteFile(filepath.Join(outside, "v", versionFile), []byte(`{"format":1,"version":{}}`), 0o644)
	os.Symlink(filepath.Join(outside, "v"), filepath.Join(root, "linked"))
	os.Symlink(outside, filepath.Join(root, ".tmp-w"))
	d, err := New(root)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	if vs, _ := d.ListVersions(ctx); len(vs) != 0 {
		t.Errorf("ListVersions lists a symlink: %+v", vs)
	}
	if err := d.DeleteVersion(ctx, "linked"); err == nil {
		t.Error("DeleteVersion followed a symlink out of the root")
	}
	if err := d.DeleteLeftover(ctx, "w"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("DeleteLeftover of a symlinked .tmp-: %v, want ErrNotFound", err)
	}
	if _, err := d.Begin(ctx, "w", storage.Owner{}); !errors.Is(err, storage.ErrExists) {
		t.Errorf("Begin over a symlinked .tmp-: %v, want ErrExists", err)
	}
	p, err := d.Begin(ctx, "v", storage.Owner{})
	if err != nil {
		t.Fatal(err)
	}
	os.Symlink(outside, filepath.Join(root, ".tmp-v", "escape"))
	if _, err := p.Put(ctx, "escape/x.txt", strings.NewReader("x"), 1, nil); err == nil {
		t.Error("Put wrote through a symlink out of the root")
	}
	if _, err := os.Stat(filepath.Join(outside, "x.txt")); err == nil {
		t.Error("a file appeared outside the root")
	}
	if _, err := os.Stat(filepath.Join(outside, "v", versionFile)); err != nil {
		t.Errorf("the folder outside the root was touched: %v", err)
	}
}

func TestCopyIsHardLinkAndCommitLayout(t *testing.T) {
	d, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	owner := storage.Owner{JobID: "j", RunID: "r"}
	for i, name := range []string{"v1", "v2"} {
		p, err := d.Begin(ctx, name, owner)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			_, err = p.Put(ctx, "dir/a.txt", strings.NewReader("hello"), 5, nil)
		} else {
			_, err = p.(storage.Copier).CopyFrom(ctx, "v1", "dir/a.txt", "dir/a.txt", 5)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Commit(ctx, []byte("m"), storage.VersionInfo{Owner: owner, Files: 1, Bytes: 5}); err != nil {
			t.Fatal(err)
		}
	}
	a, _ := os.Stat(filepath.Join(d.dir, "v1", "dir", "a.txt"))
	b, _ := os.Stat(filepath.Join(d.dir, "v2", "dir", "a.txt"))
	if a == nil || b == nil || !os.SameFile(a, b) {
		t.Error("CopyFrom did not hard-link")
	}
	entries, _ := os.ReadDir(filepath.Join(d.dir, "v2", storage.MetaDir))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := fmt.Sprint(names); got != "[manifest.json.gz owner.json version.json]" {
		t.Errorf(".avault holds %s", got)
	}
	top, _ := os.ReadDir(d.dir)
	if len(top) != 2 {
		t.Errorf("root holds %d entries, want v1 and v2", len(top))
	}
}

func TestCannotLink(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&os.LinkError{Op: "link", Err: syscall.EXDEV}, true},
		{&os.LinkError{Op: "link", Err: syscall.EPERM}, true},
		{&os.LinkError{Op: "link", Err: syscall.EMLINK}, true},
		{&os.LinkError{Op: "link", Err: syscall.ENOSPC}, false},
		{&os.LinkError{Op: "link", Err: syscall.ENOENT}, false},
	}
	for _, tt := range tests {
		if got := cannotLink(tt.err); got != tt.want {
			t.Errorf("cannotLink(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
