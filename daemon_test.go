package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/cli"
	"github.com/avault/avault/backend/ipc"
	"github.com/avault/avault/backend/service"
	"github.com/avault/avault/backend/store"
	"github.com/avault/avault/backend/web"
)

// testDaemon starts a background process (no tray, no window) on a fresh
// data folder, which the command line then finds through the environment.
func testDaemon(t *testing.T) *daemon {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("AVAULT_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	dir, err := os.MkdirTemp("", "avd") // short: a Unix socket's path is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	t.Setenv(store.EnvDataDir, dir)
	d, err := startDaemon(context.Background(), daemonConfig{dir: dir, headless: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.shutdown() })
	return d
}

// cliRun runs a command line the way main does, with the background
// process running.
func cliRun(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code, ok := runCLIThroughBackground(context.Background(), args, strings.NewReader(stdin), &out, &errb, false)
	if !ok {
		t.Fatalf("avault %s did not reach the background process", strings.Join(args, " "))
	}
	return code, out.String(), errb.String()
}

func TestTheCommandLineWorksThroughTheBackgroundProcess(t *testing.T) {
	testDaemon(t)
	nas, dest := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(nas, "a.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"settings", "--nas-root", nas},
		{"dest", "add", "--name", "Disk", "--kind", "local", "--remote", dest},
		{"job", "add", "--name", "Docs", "--source", "/", "--dest", "Disk"},
	} {
		if code, _, errs := cliRun(t, "", args...); code != cli.ExitOK {
			t.Fatalf("avault %v: exit %d: %s", args, code, errs)
		}
	}
	code, out, errs := cliRun(t, "", "run", "Docs", "--json")
	if code != cli.ExitOK {
		t.Fatalf("run: exit %d: %s", code, errs)
	}
	var r struct {
		Status, Trigger string
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Status != "SUCCESS" || r.Trigger != "cli" {
		t.Fatalf("run printed %q (%v)", out, err)
	}

	// The same validation, errors and exit codes as on its own.
	if code, _, errs := cliRun(t, "", "run", "Nope"); code != cli.ExitFailed || !strings.Contains(errs, "Nope") {
		t.Fatalf("run of an unknown job: exit %d, %q", code, errs)
	}
	if code, _, errs := cliRun(t, "", "job", "add", "--bogus"); code != cli.ExitUsage || !strings.Contains(errs, "bogus") {
		t.Fatalf("a bad flag: exit %d, %q", code, errs)
	}

	// A secret is read from the caller's standard input, on demand.
	code, _, errs = cliRun(t, "SECRETKEY\n", "cred", "add", "s3", "--name", "K", "--access-key-id", "AKIA1", "--secret-stdin")
	if code != cli.ExitOK {
		t.Fatalf("cred add: exit %d: %s", code, errs)
	}
	_, out, _ = cliRun(t, "", "cred", "list", "--json")
	if !strings.Contains(out, `"K"`) || strings.Contains(out, "SECRETKEY") {
		t.Fatalf("cred list: %s", out)
	}

	// Relative paths are the caller's: restore --to a folder under its
	// working directory.
	_, out, _ = cliRun(t, "", "versions", "Docs", "--json")
	var versions []struct{ Name string }
	if err := json.Unmarshal([]byte(out), &versions); err != nil || len(versions) != 1 {
		t.Fatalf("versions: %s (%v)", out, err)
	}
	wd := t.TempDir()
	t.Chdir(wd)
	if code, _, errs := cliRun(t, "", "restore", "Docs", versions[0].Name, "--to", "out"); code != cli.ExitOK {
		t.Fatalf("restore: exit %d: %s", code, errs)
	}
	if b, err := os.ReadFile(filepath.Join(wd, "out", "a.txt")); err != nil || string(b) != "hello" {
		t.Fatalf("restored a.txt = %q, %v", b, err)
	}
}

func TestACommandLineOfAnotherBuildIsToldSo(t *testing.T) {
	testDaemon(t)
	old := version
	version = "other-build"
	defer func() { version = old }()
	code, _, errs := cliRun(t, "", "status")
	if code != cli.ExitFailed || !strings.Contains(errs, "other-build") || !strings.Contains(errs, "start it again") {
		t.Fatalf("status from another build: exit %d, %q", code, errs)
	}
}

func TestQuitEndsTheBackgroundProcessAndFreesTheLock(t *testing.T) {
	d := testDaemon(t)
	done := make(chan struct{})
	go func() { d.wait(context.Background()); _ = d.shutdown(); close(done) }()
	var out, errb bytes.Buffer
	if code := runQuit(context.Background(), &out, &errb); code != 0 {
		t.Fatalf("quit: exit %d: %s", code, errb.String())
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the background process did not quit")
	}
	if code := runQuit(context.Background(), &out, &errb); code != 1 || !strings.Contains(errb.String(), "not running") {
		t.Fatalf("quit with nothing running: exit %d, %q", code, errb.String())
	}
}

func TestTheBackgroundProcessServesTheWindowsMethodsWithTheCallsContext(t *testing.T) {
	d := testDaemon(t)
	c, err := ipc.Dial(context.Background(), d.dir, ipc.Hello{Build: ipc.BuildID(version), Role: ipc.RoleWeb})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var st service.Status
	if err := c.Call(context.Background(), "Status", &st); err != nil || st.DataDir != d.dir {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	if err := c.Call(context.Background(), "GetJob", nil, "missing"); err == nil {
		t.Fatal("GetJob of a missing job succeeded")
	}
	if err := c.Call(context.Background(), "NoSuchMethod", nil); !errors.Is(err, ipc.ErrUnknownMethod) {
		t.Fatalf("an unknown method: %v", err)
	}
	// A headless background process opens no window.
	if _, err := c.Control(context.Background(), ipc.ControlOpen); err == nil || !strings.Contains(err.Error(), "headless") {
		t.Fatalf("open on a headless process: %v", err)
	}
}

func TestShutdownServiceReportsAForcedQuit(t *testing.T) {
	d := testDaemon(t)
	if err := shutdownService(d.svc); err != nil {
		t.Fatalf("a service with nothing running: %v", err)
	}
	var f errForced
	if !errors.As(errForced{context.DeadlineExceeded}, &f) || !errors.Is(f, context.DeadlineExceeded) {
		t.Fatal("errForced does not wrap its cause")
	}
}

// TestServeIsAClientOfTheRunningAvault: with the background process
// running, `avault serve` serves browsers through it: a browser's call
// reaches its service, and its events reach the browser's stream.
func TestServeIsAClientOfTheRunningAvault(t *testing.T) {
	d := testDaemon(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := make(chan string, 1)
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Avault is serving at "); ok {
				urls <- u
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- serveWeb(ctx, web.Options{Addr: "127.0.0.1:0"}, pw) }()
	var u string
	select {
	case u = <-urls:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	base, token, _ := strings.Cut(u, "#token=")
	req, _ := http.NewRequest("POST", strings.TrimSuffix(base, "/")+"/api/call/Status", strings.NewReader("[]"))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var st service.Status
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil || res.StatusCode != 200 || st.DataDir != d.dir {
		t.Fatalf("Status through serve: %d %+v %v", res.StatusCode, st, err)
	}
	res.Body.Close()
	// A call the service refuses is a 422 with its message, as in web mode.
	req, _ = http.NewRequest("POST", strings.TrimSuffix(base, "/")+"/api/call/GetJob", strings.NewReader(`["missing"]`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("GetJob of a missing job through serve: %d, want 422", res.StatusCode)
	}
	// When the running Avault quits, serve stops with it.
	d.quit()
	_ = d.shutdown()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "quit") {
			t.Fatalf("serve after the background process quit: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve kept running after the background process quit")
	}
}

func TestTheWindowProgramIsFoundBesideOrInLibAvault(t *testing.T) {
	name := windowProgramName
	if goruntime.GOOS == "windows" {
		name += ".exe"
	}
	touch := func(p string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	check := func(exe, want string) {
		t.Helper()
		got, args, err := windowProgram(exe)
		if err != nil || got != want || len(args) != 1 || args[0] != windowFlag {
			t.Fatalf("windowProgram(%s) = %q %v %v, want %q [%s]", exe, got, args, err, want, windowFlag)
		}
	}

	// As the packages install it: /usr/bin/avault, /usr/lib/avault/avault-window.
	usr := t.TempDir()
	exe := filepath.Join(usr, "bin", "avault")
	touch(exe)
	lib := filepath.Join(usr, "lib", "avault", name)
	touch(lib)
	check(exe, lib)

	// Beside the program (build/bin, the Windows installer) comes first.
	beside := filepath.Join(usr, "bin", name)
	touch(beside)
	check(exe, beside)

	// Neither: a build with the window is its own window, one without says
	// where it looked.
	lone := filepath.Join(t.TempDir(), "bin", "avault")
	touch(lone)
	got, _, err := windowProgram(lone)
	if hasWindow {
		if err != nil || got != lone {
			t.Fatalf("windowProgram(%s) = %q, %v; want the program itself", lone, got, err)
		}
	} else if err == nil || !strings.Contains(err.Error(), filepath.Join("lib", "avault")) {
		t.Fatalf("windowProgram(%s) = %q, %v; want an error naming where it looked", lone, got, err)
	}
	// A folder of that name is not the program.
	dirExe := filepath.Join(t.TempDir(), "bin", "avault")
	touch(dirExe)
	if err := os.MkdirAll(filepath.Join(filepath.Dir(dirExe), name), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := windowProgram(dirExe); got == filepath.Join(filepath.Dir(dirExe), name) {
		t.Fatalf("a folder named %s was taken for the window program", name)
	}
}
