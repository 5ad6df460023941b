package main

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// stream is test2json's output for a few skipped tests.
func stream(t *testing.T) *log {
	t.Helper()
	var b bytes.Buffer
	emit := func(action, pkg, test, output string) {
		line, _ := json.Marshal(event{Action: action, Package: pkg, Test: test, Output: output})
		b.Write(append(line, '\n'))
	}
	skipped := func(test string, lines ...string) {
		emit("run", "p", test, "")
		emit("output", "p", test, "=== RUN   "+test+"\n")
		for _, l := range lines {
			emit("output", "p", test, l)
		}
		emit("output", "p", test, "--- SKIP: "+test+" (0.00s)\n")
		emit("skip", "p", test, "")
	}
	emit("start", "p", "", "")
	skipped("TestRegistry", "    reg_test.go:9: only on windows: the registry\n")
	skipped("TestBoth", "    both_test.go:9: only on darwin, windows: launchd or the registry\n")
	skipped("TestHere", "    here_test.go:9: only on "+runtime.GOOS+": wrongly skipped here\n")
	skipped("TestTool", "    a_test.go:3: a log line first\n", "    a_test.go:7: gio is not installed:\n", "        install libglib2.0-bin\n")
	skipped("TestSuite/Faults", "    faults.go:17: not an HTTP destination\n")
	skipped("TestSilent")
	skipped("TestMentionsIt", "    m_test.go:2: works only on windows: not the convention\n")
	emit("output", "p", "", "ok  \tp\t0.1s\n")
	emit("pass", "p", "", "")
	emit("skip", "q", "", "") // a package without tests
	b.WriteString("go: not JSON\n")
	l, err := read(&b)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestSkipsAndTheirReasons(t *testing.T) {
	want := []struct {
		name, reason string
		allowed      bool
	}{
		{"TestRegistry", "only on windows: the registry", runtime.GOOS != "windows"},
		{"TestBoth", "only on darwin, windows: launchd or the registry", runtime.GOOS != "windows" && runtime.GOOS != "darwin"},
		{"TestHere", "only on " + runtime.GOOS + ": wrongly skipped here", false},
		{"TestTool", "gio is not installed: install libglib2.0-bin", false},
		{"TestSuite/Faults", "not an HTTP destination", false},
		{"TestSilent", "(no reason given)", false},
		{"TestMentionsIt", "works only on windows: not the convention", false},
	}
	got := stream(t).skips()
	if len(got) != len(want) {
		t.Fatalf("%d skips, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if g := got[i]; g.name != w.name || g.reason != w.reason || g.allowed != w.allowed {
			t.Errorf("skip %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestReportSaysWhatIsNotAllowed(t *testing.T) {
	var out bytes.Buffer
	ok := reportSkips(&out, []skip{
		{pkg: "github.com/avault/avault/backend/x", name: "TestA", reason: "only on windows: r", allowed: true},
		{pkg: "github.com/avault/avault/backend/x", name: "TestB", reason: "dbus-daemon not installed"},
	})
	if ok {
		t.Error("a skip not for another system was allowed")
	}
	for _, want := range []string{
		"SKIP (for another system)  backend/x TestA: only on windows: r\n",
		"SKIP NOT ALLOWED  backend/x TestB: dbus-daemon not installed\n",
		"2 Go tests skipped, 1 of them not for another operating system\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if !reportSkips(&out, nil) || out.String() != "0 Go tests skipped, 0 of them not for another operating system\n" {
		t.Errorf("no skips: %q", out.String())
	}
}

func TestFailuresAndTheLog(t *testing.T) {
	l := stream(t)
	var out bytes.Buffer
	l.failures(&out)
	if out.String() != "go: not JSON\n" {
		t.Errorf("failures of a run with none: %q", out.String())
	}
	text := strings.Join(l.text, "")
	for _, want := range []string{"=== RUN   TestRegistry\n", "--- SKIP: TestSilent (0.00s)\n", "ok  \tp\t0.1s\n", "go: not JSON\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %q", want)
		}
	}
}
