package main

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/avault/avault/backend/service"
)

// The window's bindings, the web mode (which serves App's methods) and the
// background process's socket all carry App's parameters and results, so
// these are the frontend's API: they must be the service's contract types,
// never a store, engine or storage struct (backend/service/contract.go).

// TestAppSpeaksInServiceTypes walks every exported method of App and fails
// on a parameter or result that is, or holds, a struct of another package
// than service (time.Time aside).
func TestAppSpeaksInServiceTypes(t *testing.T) {
	self := reflect.TypeFor[service.Service]().PkgPath()
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, where string)
	walk = func(typ reflect.Type, where string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ == reflect.TypeFor[time.Time]() {
			return
		}
		seen[typ] = true
		if typ.PkgPath() != self {
			t.Errorf("%s is %s: the window would see package %s; give the service a type for it", where, typ, typ.PkgPath())
			return
		}
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				walk(f.Type, where+"."+f.Name)
			}
		}
	}
	app := reflect.TypeFor[*App]()
	if app.NumMethod() < 40 {
		t.Fatalf("App has %d methods; the walk would check little", app.NumMethod())
	}
	for i := range app.NumMethod() {
		m := app.Method(i)
		for j := 1; j < m.Type.NumIn(); j++ { // 0 is the receiver
			walk(m.Type.In(j), m.Name+" argument")
		}
		for j := range m.Type.NumOut() {
			walk(m.Type.Out(j), m.Name+" result")
		}
	}
}

// TestBindingsHaveOneNamespace reads the committed bindings (make bindings
// writes them, make test checks they are fresh): models.ts declares the
// service namespace alone, and App.d.ts and models.ts name no type of
// another (time.Time, which the frontend declares itself, aside).
func TestBindingsHaveOneNamespace(t *testing.T) {
	models, err := os.ReadFile("frontend/wailsjs/go/models.ts")
	if err != nil {
		t.Fatal(err)
	}
	app, err := os.ReadFile("frontend/wailsjs/go/main/App.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	var spaces []string
	for _, m := range regexp.MustCompile(`(?m)^export namespace (\w+)`).FindAllSubmatch(models, -1) {
		spaces = append(spaces, string(m[1]))
	}
	if !slices.Equal(spaces, []string{"service"}) {
		t.Errorf("models.ts declares the namespaces %v; the window's types belong to package service alone", spaces)
	}
	for _, m := range regexp.MustCompile(`import \{(\w+)\} from '\.\./models'`).FindAllSubmatch(app, -1) {
		if string(m[1]) != "service" {
			t.Errorf("App.d.ts imports %s from the models", m[1])
		}
	}
	// A type reference: a lower-case name, a dot and a capitalised one,
	// after a colon, "<" or "|" (field and parameter types, arrays, maps).
	ref := regexp.MustCompile(`[:<|,]\s*(?:Array<)?([a-z]\w*)\.([A-Z]\w*)`)
	for name, src := range map[string][]byte{"models.ts": models, "App.d.ts": app} {
		n := 0
		for _, m := range ref.FindAllSubmatch(src, -1) {
			n++
			ns, typ := string(m[1]), string(m[2])
			if ns != "service" && (ns != "time" || typ != "Time") {
				t.Errorf("%s refers to %s.%s", name, ns, typ)
			}
		}
		if n == 0 {
			t.Errorf("%s has no type reference the check recognises; the pattern no longer fits the generated code", name)
		}
	}
}
