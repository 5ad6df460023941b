//go:build gui

package guitest

import (
	"errors"
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

var (
	binary    string
	artifacts string
)

func TestMain(m *testing.M) {
	if os.Getenv("DISPLAY") == "" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		println("guitest: run it through scripts/gui-test.sh (Xvfb + a private D-Bus session)")
		os.Exit(2)
	}
	root, _ := filepath.Abs("../..")
	binary = os.Getenv("AVAULT_BIN")
	if binary == "" {
		binary = filepath.Join(root, "build", "bin", "avault")
	}
	artifacts = filepath.Join(root, "build", "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// TestDesktop walks through the window and tray the way a person would. The
// steps share one app process, so they run in order and stop at the first miss.
func TestDesktop(t *testing.T) {
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	defer bus.Close()
	if hasOwner(bus, watcherName) {
		t.Fatal("a StatusNotifierWatcher is already on this bus; the test needs a private session")
	}

	t.Run("without a tray host --hidden still shows the window", func(t *testing.T) {
		a := startApp(t, filepath.Join(t.TempDir(), "data"), "--hidden")
		waitVisible(t, 30*time.Second)
		if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code := a.waitExit(45 * time.Second); code != 0 {
			t.Fatalf("SIGTERM: exit %d, want 0", code)
		}
	})
	if t.Failed() {
		return
	}

	startWatcher(t, bus)
	dataDir := filepath.Join(t.TempDir(), "data")
	backupData, backupDest := setupBackupJob(t)
	watch := watchWindows(t)
	started := time.Now()
	a := startApp(t, dataDir)
	var win uint32

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"window is visible and shows the Avault UI", func(t *testing.T) {
			var mapped, painted time.Time
			win, mapped, painted = watch.shown(t, 30*time.Second)
			t.Logf("figure: start to visible window %v (mapped %v, first frame drawn %v)", painted.Sub(started).Round(time.Millisecond),
				mapped.Sub(started).Round(time.Millisecond), painted.Sub(started).Round(time.Millisecond))
			t.Logf("figure: start to rendered UI (exact) %v", watch.rendered(t, win, 30*time.Second).Sub(started).Round(time.Millisecond))
			var path, detail string
			ok := eventually(30*time.Second, func() bool {
				path = screenshot(t, "desktop-window.png")
				good, d, err := renderedUI(path)
				detail = d
				return err == nil && good
			})
			if !ok {
				t.Fatalf("the window never showed the Avault UI (%s); see %s", detail, path)
			}
			t.Logf("figure: start to rendered UI %v (%s), screenshot %s", time.Since(started).Round(10*time.Millisecond), detail, path)
		}},
		{"tray item is registered and Active", func(t *testing.T) {
			it := waitTrayItem(t, bus, 10*time.Second)
			st, err := it.prop(bus, "Status")
			if err != nil || st != "Active" {
				t.Fatalf("tray item Status = %v (%v), want Active", st, err)
			}
			_, ids := it.menuIDs(t, bus)
			for _, want := range []string{"Open Avault", "Quit"} {
				if _, ok := ids[want]; !ok {
					t.Fatalf("tray menu lacks %q: %v", want, ids)
				}
			}
		}},
		{"closing the window hides it and the app keeps running", func(t *testing.T) {
			requestClose(t, win)
			waitHidden(t, 10*time.Second)
			time.Sleep(500 * time.Millisecond)
			if !a.alive() {
				t.Fatalf("the app exited on window close:\n%s", a.log.String())
			}
		}},
		{"Open Avault in the tray menu shows the hidden window", func(t *testing.T) {
			waitTrayItem(t, bus, 5*time.Second).click(t, bus, "Open Avault")
			win = waitVisible(t, 10*time.Second)
		}},
		{"a second launch exits and brings the first window forward", func(t *testing.T) {
			requestClose(t, win)
			waitHidden(t, 10*time.Second)
			second := startApp(t, dataDir)
			if code := second.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("second launch: exit %d, want 0:\n%s", code, second.log.String())
			}
			win = waitVisible(t, 10*time.Second)
			if !a.alive() {
				t.Fatal("the first instance died")
			}
			if n := len(registeredItems(bus)); n != 1 {
				t.Fatalf("%d tray items after a second launch, want 1", n)
			}
		}},
		{"Quit in the tray menu exits 0 and removes the tray item", func(t *testing.T) {
			waitTrayItem(t, bus, 5*time.Second).click(t, bus, "Quit")
			if code := a.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("Quit: exit %d, want 0:\n%s", code, a.log.String())
			}
			// The window's page waits for its first frame (window_loadorder_linux.go).
			if strings.Contains(a.log.String(), "page loaded before the window was shown") {
				t.Fatalf("the window's page loaded before the window was shown:\n%s", a.log.String())
			}
			if !eventually(10*time.Second, func() bool { return len(registeredItems(bus)) == 0 }) {
				t.Fatalf("tray item still registered after Quit: %v", registeredItems(bus))
			}
		}},
		{"Run all now in the tray menu backs up a job to a local folder and notifies a failure", func(t *testing.T) {
			notes := serveNotifications(t)
			h := startApp(t, backupData, "--hidden")
			it := waitTrayItem(t, bus, 30*time.Second)
			_, ids := it.menuIDs(t, bus)
			for _, want := range []string{"Run all now", "Run", "Pause schedules", "Photos"} {
				if _, ok := ids[want]; !ok {
					t.Fatalf("tray menu lacks %q: %v", want, ids)
				}
			}
			it.click(t, bus, "Run all now")
			var version string
			if !eventually(60*time.Second, func() bool { version = committedVersion(backupDest); return version != "" }) {
				t.Fatalf("no committed version appeared in %s:\n%s", backupDest, h.log.String())
			}
			if !eventually(10*time.Second, func() bool { return strings.HasPrefix(statusLine(t, bus, it), "Last failure: Broken") }) {
				t.Fatalf("tray status after the runs = %q, want the failure of Broken", statusLine(t, bus, it))
			}
			if !eventually(10*time.Second, func() bool {
				for _, n := range notes.all() {
					if strings.Contains(n, "Broken") && strings.Contains(strings.ToLower(n), "fail") {
						return true
					}
				}
				return false
			}) {
				t.Fatalf("no desktop notification of the failed run; shown: %q", notes.all())
			}
			it.click(t, bus, "Quit")
			if code := h.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("Quit: exit %d", code)
			}
			out := cli(t, backupData, "history", "--json")
			if !strings.Contains(out, `"status": "SUCCESS"`) || !strings.Contains(out, `"status": "FAILED"`) || !strings.Contains(out, `"trigger": "tray"`) || !strings.Contains(out, version) {
				t.Fatalf("history after Run all now:\n%s", out)
			}
		}},
		{"Quit while a backup runs records it CANCELLED and exits 0", func(t *testing.T) {
			data := setupSlowJob(t)
			h := startApp(t, data, "--hidden")
			it := waitTrayItem(t, bus, 30*time.Second)
			it.click(t, bus, "Run all now")
			if !eventually(30*time.Second, func() bool { return strings.HasPrefix(statusLine(t, bus, it), "Avault: 1 running") }) {
				t.Fatalf("tray status = %q, want a run going:\n%s", statusLine(t, bus, it), h.log.String())
			}
			it.click(t, bus, "Quit")
			if code := h.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("Quit during a run: exit %d, want 0:\n%s", code, h.log.String())
			}
			out := cli(t, data, "history", "--json")
			if !strings.Contains(out, `"status": "CANCELLED"`) || strings.Contains(out, `"errorMessage": "interrupted"`) {
				t.Fatalf("the run quit during must have recorded its end (CANCELLED), not be found interrupted:\n%s", out)
			}
		}},
		{"Start in the tray in Settings starts a plain launch with no window", func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			setStartHidden(t, data)
			h := startApp(t, data)
			it := waitTrayItem(t, bus, 30*time.Second)
			time.Sleep(3 * time.Second) // see "--hidden with a tray host" below
			waitHidden(t, 5*time.Second)
			staysHidden(t, 3*time.Second)
			it.click(t, bus, "Open Avault")
			waitVisible(t, 15*time.Second)
			it.click(t, bus, "Quit")
			if code := h.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("Quit: exit %d, want 0", code)
			}
		}},
		{"--hidden with a tray host starts the background process alone: no window, no WebKit, light", func(t *testing.T) {
			h := startApp(t, filepath.Join(t.TempDir(), "data"), "--hidden")
			t.Logf("background process pid %d", h.cmd.Process.Pid)
			it := waitTrayItem(t, bus, 30*time.Second)
			staysHidden(t, 3*time.Second)
			if ps := webkitProcesses(); len(ps) > 0 {
				t.Fatalf("WebKit processes exist with the app in the tray: %v", ps)
			}
			if maps, _ := os.ReadFile(fmt.Sprintf("/proc/%d/maps", h.cmd.Process.Pid)); strings.Contains(string(maps), "webkit") {
				t.Fatal("the background process has WebKit loaded")
			}
			time.Sleep(2 * time.Second) // settle before measuring
			kb, pids := pss(h.cmd.Process.Pid)
			t.Logf("figure: idle memory in the tray: %.1f MB PSS over %d processes (target 60 MB)", float64(kb)/1024, len(pids))
			if kb > 60*1024 {
				t.Fatalf("idle memory in the tray %.1f MB PSS, over the 60 MB target", float64(kb)/1024)
			}

			watch := watchWindows(t)
			opened := time.Now()
			it.click(t, bus, "Open Avault")
			win, _, painted := watch.shown(t, 15*time.Second)
			t.Logf("figure: Open Avault to visible window %v", painted.Sub(opened).Round(time.Millisecond))
			t.Logf("figure: Open Avault to rendered UI (exact) %v", watch.rendered(t, win, 15*time.Second).Sub(opened).Round(time.Millisecond))
			wins := windowProcesses(h.cmd.Process.Pid)
			if len(wins) != 1 {
				t.Fatalf("window processes after Open Avault: %v, want 1", wins)
			}
			kbOpen, _ := pss(h.cmd.Process.Pid)
			t.Logf("figure: memory with the window open: %.1f MB PSS", float64(kbOpen)/1024)

			requestClose(t, win)
			waitHidden(t, 10*time.Second)
			if !eventually(10*time.Second, func() bool { return len(windowProcesses(h.cmd.Process.Pid)) == 0 }) {
				t.Fatalf("the window process still runs after its window closed: %v", windowProcesses(h.cmd.Process.Pid))
			}
			if !eventually(10*time.Second, func() bool { return len(webkitProcesses()) == 0 }) {
				t.Fatalf("WebKit processes remain after the window closed: %v", webkitProcesses())
			}
			if !h.alive() || len(registeredItems(bus)) != 1 {
				t.Fatalf("the tray must stay when the window closes (alive %v, items %d)", h.alive(), len(registeredItems(bus)))
			}
			kbAfter, _ := pss(h.cmd.Process.Pid)
			t.Logf("figure: memory in the tray after the window closed: %.1f MB PSS", float64(kbAfter)/1024)

			it.click(t, bus, "Quit")
			if code := h.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("Quit: exit %d, want 0", code)
			}
		}},
		{"with the app in the tray the command line works through it, a scheduled run fires with no window, and Ctrl-C cancels a run there", func(t *testing.T) {
			data := setupSlowJob(t)
			h := startApp(t, data, "--hidden")
			it := waitTrayItem(t, bus, 30*time.Second)

			// job add and a scheduled run: every minute, with no window.
			nas := strings.TrimSpace(jsonField(t, cli(t, data, "settings", "--json"), "nasRoot"))
			if err := os.MkdirAll(filepath.Join(nas, "small"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(nas, "small", "s.txt"), []byte("small"), 0o644); err != nil {
				t.Fatal(err)
			}
			cli(t, data, "job", "add", "--name", "Minutely", "--source", "small", "--dest", "Disk", "--schedule", "* * * * *")
			if !eventually(75*time.Second, func() bool {
				return strings.Contains(cli(t, data, "history", "--json"), `"trigger": "schedule"`)
			}) {
				t.Fatalf("no scheduled run within 75 s:\n%s", cli(t, data, "history", "--json"))
			}
			if ps := windowProcesses(h.cmd.Process.Pid); len(ps) != 0 {
				t.Fatalf("a window process ran for the scheduled run: %v", ps)
			}

			// avault run shows progress; the tray shows the run; Ctrl-C
			// cancels it in the background process.
			run := exec.Command(binary, "run", "Slow")
			run.Env = append(os.Environ(), "AVAULT_DATA_DIR="+data)
			var out lockedBuffer
			run.Stdout, run.Stderr = &out, &out
			if err := run.Start(); err != nil {
				t.Fatal(err)
			}
			if !eventually(30*time.Second, func() bool { return strings.Contains(out.String(), "files") }) {
				t.Fatalf("avault run showed no progress:\n%s", out.String())
			}
			if !eventually(10*time.Second, func() bool { return strings.Contains(statusLine(t, bus, it), "running") }) {
				t.Fatalf("the tray does not show the command line's run: %q", statusLine(t, bus, it))
			}
			if err := run.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			err := run.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 4 {
				t.Fatalf("avault run after Ctrl-C: %v, want exit 4 (cancelled):\n%s", err, out.String())
			}
			hist := cli(t, data, "history", "--json")
			if !strings.Contains(hist, `"status": "CANCELLED"`) || !strings.Contains(hist, `"trigger": "cli"`) {
				t.Fatalf("history after Ctrl-C:\n%s", hist)
			}
			if !h.alive() {
				t.Fatal("the background process died")
			}
			if code := cliCode(t, data, "quit"); code != 0 {
				t.Fatalf("avault quit: exit %d", code)
			}
			if code := h.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("after avault quit: exit %d, want 0", code)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return
		}
	}
}
