package drivefake

import (
	"strings"
	"testing"
)

// literal escapes s the way Drive's query language wants.
func literal(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func FuzzQuery(f *testing.F) {
	for _, s := range []string{"", "it's", `a\b`, "x' or name != '", "(", "trashed = true"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseQuery(s) // any input: an error or a predicate, never a panic
		match, err := parseQuery("name = " + literal(s) + " and trashed = false")
		if err != nil {
			t.Fatalf("an escaped name %q did not parse: %v", s, err)
		}
		srv := &Server{files: map[string]*file{}}
		if !match(srv, &file{Name: s}) || match(srv, &file{Name: s + "x"}) {
			t.Fatalf("name = %s matches the wrong files", literal(s))
		}
	})
}

func TestQueryForms(t *testing.T) {
	srv := &Server{files: map[string]*file{}}
	f := &file{Name: "a", MimeType: FolderMime, Parent: "p", Props: map[string]string{"k": "v"}}
	tests := map[string]bool{
		`'p' in parents and mimeType = 'application/vnd.google-apps.folder'`: true,
		`name = 'b' or (name = 'a' and not trashed = true)`:                  true,
		`properties has { key='k' and value='v' }`:                           true,
		`properties has { key='k' and value='w' }`:                           false,
		`name contains 'a' and mimeType != 'text/plain'`:                     true,
	}
	for q, want := range tests {
		match, err := parseQuery(q)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		if got := match(srv, f); got != want {
			t.Errorf("%s = %v, want %v", q, got, want)
		}
	}
	for _, bad := range []string{`name = 'a`, `name = a`, `size > 3`, `name = 'a' and`, `'a' in children`} {
		if _, err := parseQuery(bad); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}
