package service

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job/nasroot"
)

func TestBrowseNASListsFoldersFirstInNaturalOrder(t *testing.T) {
	s, nas := newTestService(t)
	for _, d := range []string{"photos/img10", "photos/img2", "photos/Img1"} {
		if err := os.MkdirAll(filepath.Join(nas, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"photos/b.txt", "photos/a10.txt", "photos/a9.txt"} {
		if err := os.WriteFile(filepath.Join(nas, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.BrowseNAS("/photos")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range res.Items {
		names = append(names, it.Name)
	}
	want := "Img1 img2 img10 a9.txt a10.txt b.txt"
	if strings.Join(names, " ") != want {
		t.Fatalf("order = %v, want %s", names, want)
	}
	if res.Items[3].Size != 1 || res.Items[3].Path != "/photos/a9.txt" || res.Items[0].Type != "directory" {
		t.Fatalf("items = %+v", res.Items)
	}
}

func TestBrowseNASStaysInsideTheRoot(t *testing.T) {
	s, nas := newTestService(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(nas, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(nas, "photos", "etc")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"..", "../..", "photos/../../", "/etc/../..", "escape", "photos/etc", "nul\x00byte"} {
		if _, err := s.BrowseNAS(p); err == nil {
			t.Errorf("BrowseNAS(%q) must be refused", p)
		} else if strings.Contains(p, "escape") && !errors.Is(err, nasroot.ErrOutside) {
			t.Errorf("BrowseNAS(%q): %v, want an outside-the-root error", p, err)
		}
	}
	res, err := s.BrowseNAS("/")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range res.Items {
		if it.Name == "escape" && it.Error == "" {
			t.Fatalf("a link leading outside must be marked: %+v", it)
		}
	}
}

func TestBrowseNASShowsUnreadableEntries(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Log("running as root: permission bits do not stop reads; checking a dangling link instead")
	}
	s, nas := newTestService(t)
	if err := os.Symlink(filepath.Join(nas, "nowhere"), filepath.Join(nas, "photos", "dangling")); err != nil {
		t.Fatal(err)
	}
	res, err := s.BrowseNAS("photos")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Error == "" {
		t.Fatalf("a dangling link must be listed with its problem: %+v", res.Items)
	}
}
