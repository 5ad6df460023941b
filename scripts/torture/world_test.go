//go:build torture

package torture

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// world is one Avault installation: a data folder with its own data key,
// a NAS root, and the environment every command of it runs with.
type world struct {
	t    *testing.T
	dir  string // everything of this world lives under it
	data string // AVAULT_DATA_DIR
	nas  string // the NAS root
	key  string // the data key, hex
	env  []string
}

// newWorld makes an empty installation with the NAS root set.
func newWorld(t *testing.T) *world {
	t.Helper()
	dir := t.TempDir()
	w := &world{t: t, dir: dir, data: filepath.Join(dir, "data"), nas: filepath.Join(dir, "nas"), key: randomHex(32)}
	plant("data key", w.key)
	for _, d := range []string{w.nas, filepath.Join(dir, "home"), filepath.Join(dir, "run")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Searched for secrets before the folder is removed.
	t.Cleanup(func() { scanTree(dir) })
	w.mustOK("settings", "--nas-root", w.nas)
	return w
}

// baseEnv is the harness's environment without anything that would make
// Avault use this machine's keyring, settings or Google endpoints.
func baseEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "AVAULT_"), strings.HasPrefix(k, "GOOGLE_"), strings.HasPrefix(k, "SSL_CERT_"),
			k == "DBUS_SESSION_BUS_ADDRESS", k == "HOME", k == "XDG_CONFIG_HOME", k == "XDG_RUNTIME_DIR":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+filepath.Join(dir, "home"), "XDG_CONFIG_HOME="+filepath.Join(dir, "home", ".config"),
		"XDG_RUNTIME_DIR="+filepath.Join(dir, "run"))
}

// environ is the environment of this world's commands; extra entries
// override.
func (w *world) environ(extra ...string) []string {
	env := append(baseEnv(w.dir), "AVAULT_DATA_DIR="+w.data, "AVAULT_ENCRYPTION_KEY="+w.key)
	env = append(env, w.env...)
	return append(env, extra...)
}

// result is what one command did.
type result struct {
	args           []string
	code           int
	stdout, stderr string
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("avault %s: exit %d\nstdout: %s\nstderr: %s", shellArgs(r.args), r.code, clip(r.stdout, 2000), clip(r.stderr, 2000))
}

// cli runs the binary with args; stdin may be empty.
func (w *world) cli(stdin string, args ...string) result {
	return w.cliEnv(nil, stdin, args...)
}

// cliEnv runs the binary with extra environment entries.
func (w *world) cliEnv(extra []string, stdin string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = w.environ(extra...)
	cmd.Dir = w.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	start := time.Now()
	err := cmd.Run()
	r := result{args: args, stdout: out.String(), stderr: errb.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		r.code = -1
		r.stderr += "\n(harness: " + err.Error() + ")"
	}
	transcript.add(r)
	return r
}

// mustOK runs a command that must succeed and returns its result.
func (w *world) mustOK(args ...string) result {
	w.t.Helper()
	r := w.cli("", args...)
	if r.code != 0 {
		w.t.Fatalf("%s", r)
	}
	return r
}

// jsonOK runs a command with --json that must succeed and decodes its output into v.
func (w *world) jsonOK(v any, args ...string) {
	w.t.Helper()
	r := w.mustOK(append(args, "--json")...)
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		w.t.Fatalf("avault %s --json printed no JSON: %v\n%s", shellArgs(args), err, clip(r.stdout, 500))
	}
}

// transcript keeps every command's output for the secret scan, and a
// copy on disk for people.
type transcriptLog struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	file *os.File
}

var transcript *transcriptLog

func newTranscript(path string) *transcriptLog {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "torture: transcript:", err)
	}
	return &transcriptLog{file: f}
}

func (l *transcriptLog) add(r result) {
	l.write(fmt.Sprintf("$ avault %s  # exit %d, %s\n%s%s\n", shellArgs(r.args), r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr))
}

// write appends text (any output of the campaign: command output, HTTP
// answers, events) to the transcript.
func (l *transcriptLog) write(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.WriteString(s)
	if l.file != nil {
		l.file.WriteString(s)
	}
}

func (l *transcriptLog) bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.buf.Bytes())
}

func (l *transcriptLog) close() {
	if l.file != nil {
		l.file.Close()
	}
}

func shellArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		a = clip(a, 60)
		if a == "" || strings.ContainsAny(a, " '\"\\$\t\n") || !isPrintable(a) {
			a = fmt.Sprintf("%q", a)
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

func isPrintable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return true
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d bytes)", len(s))
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
