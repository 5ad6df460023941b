package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repo is a throwaway git repository holding a copy of scripts/version.sh.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is needed: %v", err)
	}
	r := &repo{t: t, dir: t.TempDir()}
	script, err := os.ReadFile("../version.sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(r.dir, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.dir, "scripts", "version.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	r.git("init", "-q", "-b", "main")
	r.commit("first")
	return r
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit changes a tracked file and commits it.
func (r *repo) commit(msg string) {
	r.t.Helper()
	f := filepath.Join(r.dir, "file.txt")
	old, _ := os.ReadFile(f)
	if err := os.WriteFile(f, append(old, msg+"\n"...), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
}

func (r *repo) version(args ...string) string {
	r.t.Helper()
	out, err := exec.Command(filepath.Join(r.dir, "scripts", "version.sh"), args...).CombinedOutput()
	if err != nil {
		r.t.Fatalf("version.sh %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// The semantic version grammar (semver.org), for a check of every output.
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
	`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func (r *repo) want(want string) {
	r.t.Helper()
	got := r.version()
	if got != want {
		r.t.Fatalf("version = %q, want %q", got, want)
	}
	if !semverRE.MatchString(got) {
		r.t.Fatalf("version %q is not a semantic version", got)
	}
}

func TestVersionFromTags(t *testing.T) {
	r := newRepo(t)
	head := func() string { return r.git("rev-parse", "--short=12", "HEAD") }

	// No release yet: a pre-release of 0.0.1, numbered by commits.
	r.want("0.0.1-dev.1+" + head())

	// A tagged commit is that release.
	r.git("tag", "-a", "v0.1.0", "-m", "0.1.0")
	r.want("0.1.0")

	// Between tags: a pre-release of the next patch, which sorts after the
	// tag and before the release it leads to.
	r.commit("second")
	r.commit("third")
	r.want("0.1.1-dev.2+" + head())
	if got := r.version("--deb"); got != "0.1.1~dev.2+"+head() {
		t.Fatalf("--deb = %q", got)
	}

	// A lightweight tag counts too; pre-release tags and other names do not.
	r.git("tag", "v1.2.3")
	r.want("1.2.3")
	r.commit("fourth")
	r.git("tag", "v2.0.0-rc.1")
	r.git("tag", "nightly")
	r.want("1.2.4-dev.1+" + head())
	if got := r.version("--deb"); got != "1.2.4~dev.1+"+head() {
		t.Fatalf("--deb = %q", got)
	}

	// Uncommitted changes to tracked files are marked.
	if err := os.WriteFile(filepath.Join(r.dir, "file.txt"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.want("1.2.4-dev.1+" + head() + ".dirty")
	r.git("checkout", "-q", "--", "file.txt")

	// The newest tag reachable from HEAD, not the newest in the repository.
	r.git("tag", "v1.3.0")
	r.git("checkout", "-q", "v1.2.3")
	r.want("1.2.3")
	if got := r.version("--deb"); got != "1.2.3" {
		t.Fatalf("--deb of a release = %q", got)
	}
}

func TestVersionOutsideGit(t *testing.T) {
	dir := t.TempDir()
	script, err := os.ReadFile("../version.sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "scripts", "version.sh")
	if err := os.WriteFile(p, script, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p)
	cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "0.0.0-dev+unknown" {
		t.Fatalf("outside git: %q", got)
	}
}
