//go:build linux

package secrets

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// This file runs the keyring code against a real gnome-keyring-daemon on a
// private D-Bus session bus. godbus keeps one session bus connection per
// process, so each scenario runs in a child process (this test binary
// again, see TestMain) with the session's environment.

const (
	childRoleEnv = "AVAULT_SECRETS_TEST_CHILD"
	skipEnv      = "AVAULT_SKIP_KEYRING_TESTS"
	secretsName  = "org.freedesktop.secrets"
)

func TestMain(m *testing.M) {
	if role := os.Getenv(childRoleEnv); role != "" {
		os.Exit(runChild(role))
	}
	os.Exit(m.Run())
}

// requireKeyringTools fails the test when the tools are missing, unless
// AVAULT_SKIP_KEYRING_TESTS=1.
func requireKeyringTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"dbus-daemon", "gnome-keyring-daemon", "secret-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv(skipEnv) == "1" {
				t.Skipf("%s not installed and %s=1", tool, skipEnv)
			}
			t.Fatalf("%s not installed: install the packages dbus, gnome-keyring and libsecret-tools, or set %s=1 to skip", tool, skipEnv)
		}
	}
}

// session is a private environment: its own HOME and XDG folders, and
// optionally a bus and a keyring daemon on it.
type session struct {
	t    *testing.T
	dir  string
	env  []string
	addr string
	gk   *exec.Cmd
}

func newSession(t *testing.T) *session {
	requireKeyringTools(t)
	dir := t.TempDir()
	home, run := filepath.Join(dir, "home"), filepath.Join(dir, "run")
	for _, d := range []string{home, run} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return &session{t: t, dir: dir, env: []string{
		"HOME=" + home, "XDG_RUNTIME_DIR=" + run, "XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"PATH=" + os.Getenv("PATH"), "TMPDIR=" + dir,
	}}
}

// busConfig is a session bus without service activation, so that nothing
// (gnome-keyring in particular) starts unless the test starts it.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// startBus starts a private dbus-daemon and puts its address in the env.
func (s *session) startBus() {
	t := s.t
	conf := filepath.Join(s.dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(busConfig, filepath.Join(s.dir, "run"))), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	cmd.Env = s.env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Scan()
		line <- sc.Text()
	}()
	select {
	case s.addr = <-line:
	case <-time.After(5 * time.Second):
		t.Fatal("dbus-daemon printed no address")
	}
	if s.addr == "" {
		t.Fatal("dbus-daemon printed an empty address")
	}
	s.env = append(s.env, "DBUS_SESSION_BUS_ADDRESS="+s.addr)
}

// startKeyring starts gnome-keyring-daemon's Secret Service on the bus,
// unlocked with a password on stdin when unlock is set, and waits until
// it owns its bus name.
func (s *session) startKeyring(unlock bool) {
	t := s.t
	args := []string{"--foreground", "--components=secrets"}
	if unlock {
		args = append(args, "--unlock")
	}
	s.gk = exec.Command("gnome-keyring-daemon", args...)
	s.gk.Env = s.env
	if unlock {
		s.gk.Stdin = strings.NewReader("test-keyring-password")
	}
	if err := s.gk.Start(); err != nil {
		t.Fatal(err)
	}
	gk := s.gk
	t.Cleanup(func() {
		gk.Process.Signal(syscall.SIGCONT)
		gk.Process.Kill()
		gk.Wait()
	})
	s.waitForName(secretsName, 10*time.Second)
}

// stopKeyring freezes the keyring daemon with SIGSTOP: it keeps its bus
// name and never answers.
func (s *session) stopKeyring() {
	if err := s.gk.Process.Signal(syscall.SIGSTOP); err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) waitForName(name string, limit time.Duration) {
	t := s.t
	conn, err := dbus.Connect(s.addr)
	if err != nil {
		t.Fatalf("connect to the private bus: %v", err)
	}
	defer conn.Close()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var has bool
		if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err == nil && has {
			return
		}
	}
	t.Fatalf("%s did not appear on the bus within %s", name, limit)
}

// stepResult is what a child reports of one Load or keyring call.
type stepResult struct {
	Source  Source  `json:"source,omitempty"`
	Created bool    `json:"created,omitempty"`
	Check   string  `json:"check,omitempty"` // hex of the key's check value (not secret)
	Error   string  `json:"error,omitempty"`
	Ms      float64 `json:"ms"`
}

// runChild runs a scenario in a child process with the session's env
// plus extra, and returns its step results and everything it printed.
func (s *session) runChild(role string, extra ...string) (map[string]stepResult, string) {
	t := s.t
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(append(append([]string{}, s.env...), childRoleEnv+"="+role), extra...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	all := stdout.String() + stderr.String()
	if err != nil {
		t.Fatalf("child %s: %v\n%s", role, err, all)
	}
	results := map[string]stepResult{}
	if err := json.Unmarshal([]byte(stdout.String()), &results); err != nil {
		t.Fatalf("child %s printed %q: %v", role, all, err)
	}
	return results, all
}
