package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/avault/avault/backend/storage"
)

// RunFolders runs only the empty-folder tests, for a destination whose
// main suite cannot be given Options.FolderExists.
func RunFolders(t *testing.T, open Opener, o Options) {
	s := &suite{open: open, o: o}
	t.Run("EmptyFolders", s.testFolders)
	t.Run("Files/EmptyFolders", s.testFilesFolders)
}

func (s *suite) folderExists(t *testing.T, d storage.Destination, p string) (bool, bool) {
	t.Helper()
	if s.o.FolderExists == nil {
		return false, false
	}
	return s.o.FolderExists(t, d, p), true
}

// testFolders: empty folders made in a version are there once it is
// committed, are not listed as files, and go with the version.
func (s *suite) testFolders(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	p, err := d.Begin(ctx, "folders", owner)
	if err != nil {
		t.Fatal(err)
	}
	fs := files(file{"a/f.txt", []byte("f")})
	put(t, ctx, p, "a/f.txt", fs["a/f.txt"])
	dirs := []string{"empty/inner", "a", "a/sub", "odd ‛E9 name", "empty"}
	for _, dir := range dirs {
		if err := storage.MakeDir(ctx, p, dir); errors.Is(err, errors.ErrUnsupported) {
			t.Skip("this destination keeps no empty folders")
		} else if err != nil {
			t.Fatalf("MakeDir(%q): %v", dir, err)
		}
	}
	if err := storage.MakeDir(ctx, p, "empty/inner"); err != nil {
		t.Errorf("MakeDir of a folder already there: %v", err)
	}
	for _, bad := range []string{"../up", "/abs", ".avault/x", "a//b", ""} {
		if err := storage.MakeDir(ctx, p, bad); err == nil {
			t.Errorf("MakeDir(%q) succeeded", bad)
		}
	}
	if err := p.Commit(ctx, manifestFor("folders"), info("folders", fs)); err != nil {
		t.Fatal(err)
	}
	readBack(t, d, "folders", fs) // folders are not files
	for _, dir := range dirs {
		if ok, known := s.folderExists(t, d, "folders/"+dir); known && !ok {
			t.Errorf("folder %s missing after the commit", dir)
		}
	}
	if err := d.DeleteVersion(ctx, "folders"); err != nil {
		t.Fatalf("DeleteVersion: %v", err)
	}
	if l, v := leftoverNames(t, d), versionNames(t, d); len(l)+len(v) != 0 {
		t.Errorf("after DeleteVersion: leftovers %q, versions %q", l, v)
	}
	if ok, _ := s.folderExists(t, d, "folders/empty/inner"); ok {
		t.Error("an empty folder outlived its version")
	}
}

// testFilesFolders: Files can make an empty folder, which Walk does not
// list, and remove it only while it holds nothing.
func (s *suite) testFilesFolders(t *testing.T) {
	d, f := s.openFiles(t)
	ctx := context.Background()
	if err := storage.MakeDir(ctx, f, "x/empty"); errors.Is(err, errors.ErrUnsupported) {
		t.Skip("this destination keeps no empty folders")
	} else if err != nil {
		t.Fatalf("MakeDir: %v", err)
	}
	if err := storage.MakeDir(ctx, f, "x/empty"); err != nil {
		t.Errorf("MakeDir again: %v", err)
	}
	if ok, known := s.folderExists(t, d, "x/empty"); known && !ok {
		t.Error("the folder made is not there")
	}
	wantFiles(t, f, "x", nil)
	putFile(t, f, "x/f", []byte("f"))
	if err := storage.RemoveDir(ctx, f, "x"); err != nil {
		t.Errorf("RemoveDir of a folder that holds files: %v, want nil", err)
	}
	wantFiles(t, f, "x", map[string][]byte{"f": []byte("f")})
	if err := storage.RemoveDir(ctx, f, "x/empty"); err != nil {
		t.Errorf("RemoveDir: %v", err)
	}
	if ok, _ := s.folderExists(t, d, "x/empty"); ok {
		t.Error("the empty folder is still there")
	}
	if ok, known := s.folderExists(t, d, "x"); known && !ok {
		t.Error("RemoveDir of x/empty removed x, which holds a file")
	}
	if err := storage.RemoveDir(ctx, f, "missing/folder"); err != nil {
		t.Errorf("RemoveDir of a missing folder: %v, want nil", err)
	}
	if err := storage.RemoveDir(ctx, f, "x/f"); err != nil {
		t.Errorf("RemoveDir of a file: %v, want nil", err)
	}
	wantFiles(t, f, "x", map[string][]byte{"f": []byte("f")})
	if err := storage.RemoveDir(ctx, f, "../up"); err == nil {
		t.Error("RemoveDir(../up) succeeded")
	}
}
