package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/avault/avault/backend/web"
)

// TestWebModeServesEveryBinding checks that the web mode can call exactly
// the methods the window's generated bindings call, with the same number
// of arguments: the browser gets no less and no more than the window.
func TestWebModeServesEveryBinding(t *testing.T) {
	src, err := os.ReadFile("frontend/wailsjs/go/main/App.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	bound := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^export function (\w+)\(([^)]*)\)`).FindAllStringSubmatch(string(src), -1) {
		args := 0
		if strings.TrimSpace(m[2]) != "" {
			args = strings.Count(m[2], ",") + 1
		}
		bound[m[1]] = args
	}
	d, err := web.NewDispatcher(&App{})
	if err != nil {
		t.Fatal(err)
	}
	served := d.Methods()
	names := make([]string, 0, len(bound))
	for n := range bound {
		names = append(names, n)
	}
	slices.Sort(names)
	if !slices.Equal(served, names) {
		t.Fatalf("web mode serves %v\nbindings have %v\n(run 'make bindings' if app.go changed)", served, names)
	}
	for _, n := range names {
		if got := d.Arity(n); got != bound[n] {
			t.Errorf("%s takes %d arguments in the web mode, %d in the bindings", n, got, bound[n])
		}
	}
}
