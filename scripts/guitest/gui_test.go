//go:build gui

package guitest

import (
	"os"
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
	started := time.Now()
	a := startApp(t, dataDir)
	var win uint32

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"window is visible and shows the Avault UI", func(t *testing.T) {
			win = waitVisible(t, 30*time.Second)
			t.Logf("figure: start to visible window %v", time.Since(started).Round(10*time.Millisecond))
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
		{"--hidden with a tray host starts with no window", func(t *testing.T) {
			h := startApp(t, filepath.Join(t.TempDir(), "data"), "--hidden")
			t.Logf("hidden app pid %d", h.cmd.Process.Pid)
			it := waitTrayItem(t, bus, 30*time.Second)
			// Wails on Linux maps the window right after start-up and hides
			// it from an idle callback, so a hidden start may show it for an
			// instant; once settled it must be hidden and stay hidden.
			time.Sleep(3 * time.Second)
			waitHidden(t, 5*time.Second)
			staysHidden(t, 4*time.Second)
			time.Sleep(4 * time.Second) // let WebKit settle before measuring
			kb, pids := pss(h.cmd.Process.Pid)
			t.Logf("figure: idle memory with the window hidden: %.1f MB PSS over %d processes", float64(kb)/1024, len(pids))
			it.click(t, bus, "Open Avault")
			waitVisible(t, 15*time.Second)
			it.click(t, bus, "Quit")
			if code := h.waitExit(45 * time.Second); code != 0 {
				t.Fatalf("Quit: exit %d, want 0", code)
			}
		}},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			return
		}
	}
}
