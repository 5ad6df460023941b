//go:build linux

package autostart

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// useConfigHome points XDG_CONFIG_HOME at a fresh folder.
func useConfigHome(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	return dir
}

func TestEnableWritesAnEntry(t *testing.T) {
	dir := useConfigHome(t)
	want := filepath.Join(dir, "autostart", "avault.desktop")
	if got := Path(); got != want {
		t.Fatalf("Path() = %q, want %q", got, want)
	}
	if on, err := Enabled(); err != nil || on {
		t.Fatalf("Enabled() before Enable = %v, %v; want false", on, err)
	}
	if err := Enable("/opt/My Apps/avault", []string{HiddenArg}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"[Desktop Entry]", "Type=Application", "Name=Avault", "Icon=avault",
		`Exec="/opt/My Apps/avault" --hidden`, "TryExec=/opt/My Apps/avault",
		"X-GNOME-Autostart-enabled=true", "Hidden=false",
	} {
		if !strings.Contains(string(data), line+"\n") {
			t.Errorf("entry lacks %q:\n%s", line, data)
		}
	}
	if on, err := Enabled(); err != nil || !on {
		t.Errorf("Enabled() after Enable = %v, %v; want true", on, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(want))
	if len(entries) != 1 {
		t.Errorf("the autostart folder holds %d files, want only the entry (no temporary file left)", len(entries))
	}
}

func TestEnableReplacesAndDisableRemoves(t *testing.T) {
	useConfigHome(t)
	if err := Enable("/usr/bin/avault", nil); err != nil {
		t.Fatal(err)
	}
	if err := Enable("/usr/local/bin/avault", []string{HiddenArg}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(Path())
	if !strings.Contains(string(data), "Exec=/usr/local/bin/avault --hidden\n") {
		t.Errorf("the second Enable did not replace the entry:\n%s", data)
	}
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(Path()); !os.IsNotExist(err) {
		t.Errorf("entry still there after Disable: %v", err)
	}
	if on, err := Enabled(); err != nil || on {
		t.Errorf("Enabled() after Disable = %v, %v; want false", on, err)
	}
	if err := Disable(); err != nil {
		t.Errorf("Disable without an entry: %v", err)
	}
}

func TestEnabledHonoursTheDesktopsSwitch(t *testing.T) {
	useConfigHome(t)
	for _, tc := range []struct {
		edit string
		want bool
	}{
		{"X-GNOME-Autostart-enabled=false", false},
		{"Hidden=true", false},
		{"X-GNOME-Autostart-enabled=true", true},
	} {
		if err := Enable("/usr/bin/avault", nil); err != nil {
			t.Fatal(err)
		}
		key, _, _ := strings.Cut(tc.edit, "=")
		data, _ := os.ReadFile(Path())
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, key+"=") {
				l = tc.edit
			}
			lines = append(lines, l)
		}
		if err := os.WriteFile(Path(), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		if on, err := Enabled(); err != nil || on != tc.want {
			t.Errorf("with %s, Enabled() = %v, %v; want %v", tc.edit, on, err, tc.want)
		}
	}
}

func TestPathDefaultsToDotConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", home)
	if got, want := Path(), filepath.Join(home, ".config", "autostart", "avault.desktop"); got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
}

// TestGLibRunsTheEntry has GLib (gio launch, as GNOME would) start the
// entry, and checks the arguments the program received.
func TestGLibRunsTheEntry(t *testing.T) {
	if _, err := exec.LookPath("gio"); err != nil {
		t.Skip("gio (GLib) is not installed")
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "My Apps", "avault's (test)")
	out := filepath.Join(dir, "argv")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > \"$AVAULT_ARGV.tmp\" && mv \"$AVAULT_ARGV.tmp\" \"$AVAULT_ARGV\"\n"
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{HiddenArg, "two words", `say "hi"`, `back\slash`, "$HOME", "100%", "a;b", "`tick`", "tab\there", ""}
	entry := filepath.Join(dir, "avault.desktop")
	if err := os.WriteFile(entry, []byte(desktopEntry(exe, args)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("gio", "launch", entry)
	cmd.Env = append(os.Environ(), "AVAULT_ARGV="+out, "DBUS_SESSION_BUS_ADDRESS=disabled:", "DISPLAY=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gio launch: %v\n%s", err, msg)
	}
	var data []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(out); err == nil {
			data = b
			break
		}
	}
	if data == nil {
		t.Fatal("the program did not run")
	}
	got := strings.Split(strings.TrimSuffix(string(data), "\x00"), "\x00")
	if strings.Join(got, "|") != strings.Join(args, "|") {
		t.Errorf("program got %q, want %q", got, args)
	}
}
