package nasroot

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"", "", ""},
		{"/", "", ""},
		{"photos/2024", "photos/2024", ""},
		{"/photos/2024/", "photos/2024", ""},
		{"photos//2024/./x", "photos/2024/x", ""},
		{"..", "", `must not contain ".."`},
		{"photos/../..", "", `must not contain ".."`},
		{"photos/..", "", `must not contain ".."`},
		{"a/\x00", "", "NUL"},
		{strings.Repeat("a", MaxPathBytes+1), "", "longer than"},
		{"...", "...", ""}, // a legal, if odd, folder name
		{"a..b/c", "a..b/c", ""},
	} {
		got, err := Clean(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("Clean(%q) = %q, %v, want %q", tc.in, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("Clean(%q) = %q, %v, want error %q", tc.in, got, err, tc.err)
		}
	}
}

// layout builds:
//
//	outside/secret
//	nas/photos/a.jpg
//	nas/link-in    -> photos            (stays inside)
//	nas/link-out   -> ../outside        (escapes)
//	nas/link-abs   -> /abs/outside      (escapes, absolute)
//	nas/photos/up  -> ../../outside     (escapes from a subfolder)
//	nas/loop       -> loop              (a loop)
func layout(t *testing.T) (nas, outside string) {
	base := t.TempDir()
	nas, outside = filepath.Join(base, "nas"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(nas, "photos"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.WriteFile(filepath.Join(nas, "photos", "a.jpg"), []byte("x"), 0o644))
	must(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o644))
	must(t, os.Symlink("photos", filepath.Join(nas, "link-in")))
	must(t, os.Symlink(filepath.Join("..", "outside"), filepath.Join(nas, "link-out")))
	must(t, os.Symlink(outside, filepath.Join(nas, "link-abs")))
	must(t, os.Symlink(filepath.Join("..", "..", "outside"), filepath.Join(nas, "photos", "up")))
	must(t, os.Symlink("loop", filepath.Join(nas, "loop")))
	return nas, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestResolve(t *testing.T) {
	nas, _ := layout(t)
	// The root itself reached through a symbolic link still confines.
	linkedRoot := filepath.Join(t.TempDir(), "mnt")
	must(t, os.Symlink(nas, linkedRoot))
	for _, dir := range []string{nas, linkedRoot} {
		root, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		realNAS, _ := filepath.EvalSymlinks(nas)
		for _, tc := range []struct {
			rel, want string // want: path under the real NAS, or an error fragment starting with "!"
		}{
			{"", "."},
			{"/photos", "photos"},
			{"photos/a.jpg", "photos/a.jpg"},
			{"link-in/a.jpg", "photos/a.jpg"},
			{"link-out", "!leads outside the NAS root"},
			{"link-out/secret", "!leads outside the NAS root"},
			{"link-abs", "!leads outside the NAS root"},
			{"photos/up/secret", "!leads outside the NAS root"},
			{"../outside", `!must not contain ".."`},
			{"missing", "!/missing does not exist under the NAS root"},
			{"loop", "!cannot be read"},
		} {
			got, err := root.Resolve(tc.rel)
			if strings.HasPrefix(tc.want, "!") {
				if err == nil || !strings.Contains(err.Error(), tc.want[1:]) {
					t.Errorf("Resolve(%q) = %q, %v, want error %q", tc.rel, got, err, tc.want[1:])
				}
				continue
			}
			if want := filepath.Join(realNAS, filepath.FromSlash(tc.want)); err != nil || got != want {
				t.Errorf("Resolve(%q) = %q, %v, want %q", tc.rel, got, err, want)
			}
		}
	}
}

func TestResolveErrorsWrap(t *testing.T) {
	nas, _ := layout(t)
	root, err := Open(nas)
	must(t, err)
	if _, err := root.Resolve("link-out"); !errors.Is(err, ErrOutside) {
		t.Errorf("escape error %v does not wrap ErrOutside", err)
	}
	if _, err := root.Resolve(".."); !errors.Is(err, ErrOutside) {
		t.Errorf("dot-dot error %v does not wrap ErrOutside", err)
	}
	if _, err := root.Resolve("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing error %v does not wrap fs.ErrNotExist", err)
	}
}

func TestOpen(t *testing.T) {
	nas, _ := layout(t)
	for _, tc := range []struct{ dir, want string }{
		{"relative/nas", "is not an absolute path"},
		{filepath.Join(nas, "absent"), "does not exist (is the share mounted?)"},
		{filepath.Join(nas, "photos", "a.jpg"), "is not a folder"},
	} {
		if _, err := Open(tc.dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q) = %v, want %q", tc.dir, err, tc.want)
		}
	}
	root, err := Open(nas)
	must(t, err)
	if root.Dir() != nas {
		t.Errorf("Dir() = %q", root.Dir())
	}
}

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		root, p string
		want    bool
	}{
		{"/nas", "/nas", true},
		{"/nas", "/nas/a", true},
		{"/nas", "/nas/..a", true},
		{"/nas", "/nasty", false},
		{"/nas", "/", false},
		{"/nas", "/other/a", false},
	} {
		if got := Within(tc.root, tc.p); got != tc.want {
			t.Errorf("Within(%q, %q) = %v", tc.root, tc.p, got)
		}
	}
}
