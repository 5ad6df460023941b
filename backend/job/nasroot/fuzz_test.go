package nasroot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzClean: a path Clean accepts is canonical (Clean of it gives it
// back), relative, and has no ".." or NUL; one with a ".." segment is
// always refused.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "/", "a/b", "/a//b/./c/", "..", "a/../..", "a/..", "...", "a..b", "\x00", "C:\\x", "//server/share",
		"a/./../b", "./..", "\\..\\..", "CON", "a/\u202e/b", strings.Repeat("a/", 2100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		clean, err := Clean(rel)
		hasDots := false
		for _, seg := range strings.Split(rel, "/") {
			hasDots = hasDots || seg == ".."
		}
		if hasDots && err == nil {
			t.Fatalf("Clean(%q) accepted a \"..\" segment: %q", rel, clean)
		}
		if err != nil {
			return
		}
		if again, err := Clean(clean); err != nil || again != clean {
			t.Fatalf("Clean(%q) = %q, but Clean(%q) = %q, %v", rel, clean, clean, again, err)
		}
		if strings.ContainsRune(clean, 0) || strings.HasPrefix(clean, "/") || filepath.IsAbs(clean) ||
			(clean != "" && !filepath.IsLocal(filepath.FromSlash(clean))) {
			t.Fatalf("Clean(%q) = %q", rel, clean)
		}
	})
}

// FuzzResolve resolves any path in a real tree full of symbolic links
// (inside, outside, absolute, climbing from a subfolder, through a link
// inside that leads out, a loop). Whatever it returns must exist, have its
// links resolved, and lie inside the root.
func FuzzResolve(f *testing.F) {
	base := f.TempDir()
	nas, outside := filepath.Join(base, "nas"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(nas, "photos", "2024"), outside, filepath.Join(outside, "deep")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			f.Fatal(err)
		}
	}
	for p, target := range map[string]string{
		"link-in":               "photos",
		"link-out":              "../outside",
		"link-abs":              outside,
		"photos/up":             "../../outside",
		"photos/2024/self":      ".",
		"photos/2024/parent":    "..",
		"photos/2024/root":      "../..",
		"photos/2024/above":     "../../..",
		"loop":                  "loop",
		"chain":                 "link-in/2024/above",
		"photos/dangling":       "does-not-exist",
		"photos/to-root-abs":    nas,
		"photos/to-sibling-abs": nas + "-sibling",
	} {
		if err := os.Symlink(target, filepath.Join(nas, filepath.FromSlash(p))); err != nil {
			f.Fatal(err)
		}
	}
	os.MkdirAll(nas+"-sibling", 0o755)
	os.WriteFile(filepath.Join(nas, "photos", "a.jpg"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(outside, "secret"), []byte("x"), 0o644)
	root, err := Open(nas)
	if err != nil {
		f.Fatal(err)
	}
	realRoot, _ := filepath.EvalSymlinks(nas)
	for _, s := range []string{"", "photos", "link-in/a.jpg", "link-out/secret", "link-abs/deep", "photos/up", "photos/2024/above",
		"photos/2024/root/photos", "chain", "chain/secret", "loop", "photos/dangling", "photos/to-root-abs/photos",
		"photos/to-sibling-abs", "photos/2024/self/self/parent/a.jpg", "/link-in/../link-out", "photos\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		got, err := root.Resolve(rel)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without words")
			}
			return
		}
		if !Within(realRoot, got) {
			t.Fatalf("Resolve(%q) = %q, outside %q", rel, got, realRoot)
		}
		if real, err := filepath.EvalSymlinks(got); err != nil || real != got {
			t.Fatalf("Resolve(%q) = %q, which resolves to %q, %v", rel, got, real, err)
		}
		if strings.HasPrefix(got, outside) || strings.HasPrefix(got, nas+"-sibling") {
			t.Fatalf("Resolve(%q) = %q", rel, got)
		}
	})
}
