// Command testlog reads the JSON that `go test -json` writes (test2json's
// events) and tells a person what happened: the plain text log, the output
// of every test that failed, and every test that was skipped with its
// reason. scripts/test.sh runs it after `go test`.
//
//	go run ./scripts/testlog -log go-test.log -failures < go-test.json
//	go run ./scripts/testlog -skips < go-test.json
//	go tool test2json < verbose.log | go run ./scripts/testlog -list-skips
//
// With -skips it lists every skipped test and its reason, and exits 1 when
// a skip is not allowed. The only skips allowed are of tests written for
// another operating system: their reason starts with "only on " and the
// systems, then a colon, as in t.Skip("only on windows: the registry") or
// "only on darwin, windows: ...", and names none of the system it runs on.
// A test that cannot run for any other reason (a missing tool, a refused
// mount, an opt-out variable) must not pass unnoticed. Better still, a test
// for another system sits in a file that only builds there (_windows_test.go)
// and is never skipped at all.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

// event is one line of test2json's output.
type event struct {
	Action     string
	Package    string
	ImportPath string // of build-output and build-fail events
	Test       string
	Output     string
}

// test is what happened to one test (or, with Test "", one package).
type test struct {
	pkg, name string
	output    []string
	result    string // pass, fail, skip, or "" when it never ended
}

// log holds the tests in the order their first event came.
type log struct {
	tests  []*test
	byKey  map[[2]string]*test
	text   []string // every line of output, in order: the -v log
	broken []string // lines that were not JSON (go's own errors)
}

func read(r io.Reader) (*log, error) {
	l := &log{byKey: map[[2]string]*test{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			l.broken = append(l.broken, sc.Text()+"\n")
			l.text = append(l.text, sc.Text()+"\n")
			continue
		}
		if e.Package == "" {
			e.Package = e.ImportPath
		}
		t := l.get(e.Package, e.Test)
		switch e.Action {
		case "output", "build-output":
			t.output = append(t.output, e.Output)
			l.text = append(l.text, e.Output)
		case "pass", "fail", "skip":
			t.result = e.Action
		case "build-fail":
			t.result = "fail"
		}
	}
	return l, sc.Err()
}

func (l *log) get(pkg, name string) *test {
	k := [2]string{pkg, name}
	if t, ok := l.byKey[k]; ok {
		return t
	}
	t := &test{pkg: pkg, name: name}
	l.byKey[k] = t
	l.tests = append(l.tests, t)
	return t
}

// failures writes the output of every failed test, package by package,
// then the package's own lines (FAIL, a panic, a build error), and last
// whatever go printed that was not an event.
func (l *log) failures(w io.Writer) {
	for _, pkg := range l.tests {
		if pkg.name != "" {
			continue
		}
		for _, t := range l.tests {
			if t.pkg == pkg.pkg && t.name != "" && t.result != "pass" && t.result != "skip" {
				printOutput(w, t.output)
			}
		}
		if pkg.result == "fail" {
			printOutput(w, pkg.output)
		}
	}
	for _, line := range l.broken {
		fmt.Fprint(w, line)
	}
}

func printOutput(w io.Writer, lines []string) {
	for _, line := range lines {
		if !strings.HasPrefix(line, "=== ") {
			fmt.Fprint(w, line)
		}
	}
}

// skip is one skipped test and why.
type skip struct {
	pkg, name, reason string
	allowed           bool
}

// logLine starts a line that t.Log or t.Skip wrote: "    file.go:12: ".
var logLine = regexp.MustCompile(`^\s+\S+\.go:\d+: `)

// otherSystem matches an allowed reason and captures its systems.
var otherSystem = regexp.MustCompile(`^only on ([a-z0-9]+(?:, [a-z0-9]+)*):`)

func (l *log) skips() []skip {
	var out []skip
	for _, t := range l.tests {
		if t.result != "skip" || t.name == "" { // a package with no tests is no skipped test
			continue
		}
		reason := reasonOf(t.output)
		allowed := false
		if m := otherSystem.FindStringSubmatch(reason); m != nil {
			allowed = !slices.Contains(strings.Split(m[1], ", "), runtime.GOOS)
		}
		out = append(out, skip{pkg: t.pkg, name: t.name, reason: reason, allowed: allowed})
	}
	return out
}

// reasonOf is the last message a test logged before it was skipped, with
// the lines that continue it.
func reasonOf(output []string) string {
	var msg []string
	for _, line := range output {
		switch {
		case strings.HasPrefix(line, "=== ") || strings.HasPrefix(line, "--- "):
		case logLine.MatchString(line):
			msg = []string{strings.TrimSpace(logLine.ReplaceAllString(line, ""))}
		case msg != nil:
			msg = append(msg, strings.TrimSpace(line))
		}
	}
	if msg == nil {
		return "(no reason given)"
	}
	return strings.TrimSpace(strings.Join(msg, " "))
}

func main() {
	logPath := flag.String("log", "", "write the plain text log (as go test -v prints it) to this file")
	showFailures := flag.Bool("failures", false, "print the output of the tests that failed")
	showSkips := flag.Bool("skips", false, "list the skipped tests; exit 1 if one was not for another operating system")
	listSkips := flag.Bool("list-skips", false, "list the skipped tests as -skips does, but exit 0")
	flag.Parse()
	l, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testlog:", err)
		os.Exit(2)
	}
	if *logPath != "" {
		if err := os.WriteFile(*logPath, []byte(strings.Join(l.text, "")), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "testlog:", err)
			os.Exit(2)
		}
	}
	if *showFailures {
		l.failures(os.Stdout)
	}
	if *showSkips || *listSkips {
		if !reportSkips(os.Stdout, l.skips()) && *showSkips {
			os.Exit(1)
		}
	}
}

// reportSkips lists skips and reports whether all were allowed.
func reportSkips(w io.Writer, skips []skip) bool {
	bad := 0
	for _, s := range skips {
		mark := "SKIP (for another system)"
		if !s.allowed {
			mark, bad = "SKIP NOT ALLOWED", bad+1
		}
		fmt.Fprintf(w, "%s  %s %s: %s\n", mark, strings.TrimPrefix(s.pkg, "github.com/avault/avault/"), s.name, s.reason)
	}
	fmt.Fprintf(w, "%d Go tests skipped, %d of them not for another operating system\n", len(skips), bad)
	if bad > 0 {
		fmt.Fprintln(w, `only a test for another system may skip, saying t.Skip("only on windows: why");`+
			" make the others run (install what they need, as scripts/setup.sh test does) or not exist here")
	}
	return bad == 0
}
