//go:build torture

// Package torture is Avault's reliability campaign. It drives the real
// `avault` binary, built once for the campaign, against real local folders,
// a real S3 server (versitygw over HTTPS) and the local Drive and OAuth
// fakes, and checks what a person would notice after each mistreatment:
//
//   - crash_test.go: SIGKILL at random moments of backups (start, scan,
//     upload, commit, retention), then the database, the history, the
//     versions and the bytes of every version are checked, and the next
//     run must succeed and clean up;
//   - faults_test.go: 10 % injected HTTP faults, a full destination disk,
//     the NAS share unmounted or emptied mid-run, the data key gone, the
//     clock going backwards;
//   - changes_test.go: the crashes, the faults and full destinations for a
//     job that keeps its versions as current + history, its folder read by
//     hand by the rule of docs/FORMAT.md (layout_test.go, raw_test.go);
//     every other campaign keeps full copies (avault job add --layout);
//   - hostile_test.go: hostile input through the command line and the web
//     mode's JSON API, each refused with a message and no stored change;
//   - security_test.go: file modes, the web mode's guards, the OAuth
//     listener; every planted secret is searched for in every output, the
//     databases and the destinations when the campaign ends (TestMain).
//
// Run it with scripts/torture.sh (make torture), or the cheap part with
// `go test -tags torture -short ./scripts/torture/`. The results go to
// build/test-artifacts/torture/summary.{md,json}.
package torture

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

var (
	flagKills   = flag.Int("kills", 0, "SIGKILLs per destination (0: 20, or 3 with -short)")
	flagOut     = flag.String("out", "", "folder for summary.md, summary.json and transcript.log (default build/test-artifacts/torture)")
	flagSecrets = flag.String("secrets-out", "", "write the planted secret values here, one per line, so that a script can search the test output for them")
	flagSeed    = flag.Uint64("seed", 0, "random seed (0: from the clock); printed so a run can be repeated")
)

var (
	repo string // the repository root
	bin  string // the avault binary under test
	seed uint64
)

func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	if repo, err = repoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "torture:", err)
		os.Exit(2)
	}
	seed = *flagSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	fmt.Printf("torture: seed %d (repeat with -seed %d)\n", seed, seed)
	out := *flagOut
	if out == "" {
		out = filepath.Join(repo, "build", "test-artifacts", "torture")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "torture:", err)
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "avault-torture-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "torture:", err)
		os.Exit(2)
	}
	bin = filepath.Join(tmp, "avault")
	start := time.Now()
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir, build.Stdout, build.Stderr = repo, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "torture: building avault:", err)
		os.Exit(2)
	}
	fmt.Printf("torture: built %s in %s\n", bin, time.Since(start).Round(time.Second))
	transcript = newTranscript(filepath.Join(out, "transcript.log"))

	code := m.Run()

	leaks := finalSecretScan()
	if *flagSecrets != "" {
		if err := writeSecretList(*flagSecrets); err != nil {
			fmt.Fprintln(os.Stderr, "torture:", err)
			code = 1
		}
	}
	transcript.close()
	if err := report.write(out); err != nil {
		fmt.Fprintln(os.Stderr, "torture: writing the summary:", err)
		code = 1
	}
	fmt.Printf("torture: summary in %s\n", filepath.Join(out, "summary.md"))
	os.RemoveAll(tmp)
	if leaks > 0 || report.lost() > 0 {
		code = 1
	}
	os.Exit(code)
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}

// killsPerDestination is how many SIGKILLs each destination gets.
func killsPerDestination() int {
	switch {
	case *flagKills > 0:
		return *flagKills
	case testing.Short():
		return 3
	}
	return 20
}
