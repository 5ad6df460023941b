package rules

import (
	"strings"
	"testing"
)

func TestExcluded(t *testing.T) {
	for _, tc := range []struct {
		name     string
		excludes []string
		defaults bool
		path     string
		dir      bool
		want     bool
		rule     string // a part of the deciding rule, when excluded
	}{
		{"name anywhere, top", []string{"*.tmp"}, false, "a.tmp", false, true, `"*.tmp"`},
		{"name anywhere, deep", []string{"*.tmp"}, false, "x/y/a.tmp", false, true, `"*.tmp"`},
		{"name anywhere, no match", []string{"*.tmp"}, false, "x/a.tmpx", false, false, ""},
		{"star stops at slash", []string{"x*"}, false, "x/y", false, false, ""},
		{"anchored at top", []string{"/top-only"}, false, "top-only", false, true, "top-only"},
		{"anchored not deeper", []string{"/top-only"}, false, "a/top-only", false, false, ""},
		{"middle slash anchors", []string{"docs/*.pdf"}, false, "docs/a.pdf", false, true, "docs"},
		{"middle slash not deeper", []string{"docs/*.pdf"}, false, "x/docs/a.pdf", false, false, ""},
		{"dir only matches dir", []string{"build/"}, false, "src/build", true, true, "build/"},
		{"dir only skips file", []string{"build/"}, false, "src/build", false, false, ""},
		{"leading doublestar", []string{"**/cache"}, false, "a/b/cache", true, true, "cache"},
		{"leading doublestar at top", []string{"**/cache"}, false, "cache", false, true, "cache"},
		{"inner doublestar zero", []string{"a/**/z"}, false, "a/z", false, true, "a/**/z"},
		{"inner doublestar many", []string{"a/**/z"}, false, "a/b/c/z", false, true, "a/**/z"},
		{"trailing doublestar inside", []string{"**/cache/**"}, false, "p/cache/x/y.bin", false, true, "cache"},
		{"trailing doublestar prunes folder", []string{"**/cache/**"}, false, "p/cache", true, true, "cache"},
		{"trailing doublestar not a file named so", []string{"**/cache/**"}, false, "p/cache", false, false, ""},
		{"negation brings back", []string{"*.log", "!keep.log"}, false, "a/keep.log", false, false, ""},
		{"negation then exclude again", []string{"*.log", "!keep.log", "keep.log"}, false, "keep.log", false, true, `exclude "keep.log"`},
		{"negation of default", []string{"!.DS_Store"}, true, ".DS_Store", false, false, ""},
		{"no prune with negation", []string{"cache/**", "!cache/keep"}, false, "cache", true, false, ""},
		{"negated file inside trailing doublestar", []string{"cache/**", "!cache/keep"}, false, "cache/keep", false, false, ""},
		{"question mark", []string{"file?.txt"}, false, "d/file1.txt", false, true, "file?"},
		{"class", []string{"[ab].txt"}, false, "b.txt", false, true, "[ab]"},
		{"escaped star", []string{`\*.txt`}, false, "*.txt", false, true, `exclude`},
		{"escaped star literal only", []string{`\*.txt`}, false, "a.txt", false, false, ""},
		{"default eaDir", nil, true, "photos/@eaDir", true, true, "default exclude"},
		{"default recycle", nil, true, "#recycle", true, true, "#recycle"},
		{"default snapshot", nil, true, "#snapshot", true, true, "#snapshot"},
		{"default dot snapshot", nil, true, "a/.snapshot", true, true, ".snapshot"},
		{"default DS_Store", nil, true, "a/b/.DS_Store", false, true, ".DS_Store"},
		{"default Thumbs any case", nil, true, "a/THUMBS.DB", false, true, "Thumbs.db"},
		{"default desktop.ini", nil, true, "Desktop.ini", false, true, "desktop.ini"},
		{"default trash", nil, true, ".Trash-1000", true, true, ".Trash-*"},
		{"defaults off", nil, false, ".DS_Store", false, false, ""},
		{"user patterns keep case", []string{"*.TMP"}, false, "a.tmp", false, false, ""},
		{"whole tree", []string{"**"}, false, "a/b", false, true, "**"},
		{"deep path over the fast buffer", []string{"a/**/z"}, false, "a/" + strings.Repeat("d/", 40) + "z", false, true, "a/**/z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(nil, tc.excludes, tc.defaults)
			if err != nil {
				t.Fatal(err)
			}
			got, rule := m.Excluded(tc.path, tc.dir)
			if got != tc.want {
				t.Fatalf("Excluded(%q, dir=%v) = %v (%s), want %v", tc.path, tc.dir, got, rule, tc.want)
			}
			if got && !strings.Contains(rule, tc.rule) {
				t.Errorf("rule = %s, want it to mention %s", rule, tc.rule)
			}
		})
	}
}

func TestIncluded(t *testing.T) {
	for _, tc := range []struct {
		name      string
		includes  []string
		path      string
		dir       bool
		inherited bool
		want      bool
	}{
		{"no includes", nil, "a/b", false, false, true},
		{"file by glob", []string{"*.jpg"}, "x/a.jpg", false, false, true},
		{"file not matched", []string{"*.jpg"}, "x/a.png", false, false, false},
		{"folder selected", []string{"/photos"}, "photos", true, false, true},
		{"inside a selected folder", []string{"/photos"}, "photos/a.png", false, true, true},
		{"negated include", []string{"/photos", "!*.raw"}, "photos/a.raw", false, true, false},
		{"folder only pattern skips file", []string{"docs/"}, "docs", false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.includes, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Included(tc.path, tc.dir, tc.inherited); got != tc.want {
				t.Errorf("Included(%q) = %v, want %v", tc.path, got, tc.want)
			}
		})
	}
}

func TestNewRejectsMalformed(t *testing.T) {
	for _, p := range []string{"[abc", "/", "!", `a\`} {
		if _, err := New(nil, []string{p}, false); err == nil {
			t.Errorf("New(%q) succeeded, want an error", p)
		}
	}
	if _, err := New([]string{"[x"}, nil, false); err == nil || !strings.Contains(err.Error(), "include") {
		t.Errorf("bad include: %v", err)
	}
}

func BenchmarkExcludedDefaults(b *testing.B) {
	m, _ := New(nil, []string{"*.tmp", "**/cache/**"}, true)
	for b.Loop() {
		m.Excluded("photos/2024/summer/IMG_0001.jpg", false)
	}
}
