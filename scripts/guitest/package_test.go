//go:build gui

package guitest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// desktopEntry reads the [Desktop Entry] group of a .desktop file.
func desktopEntry(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys, group := map[string]string{}, ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			group = line
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && group == "[Desktop Entry]" {
			keys[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return keys
}

// iconSizes are the hicolor sizes the packages install Avault's icon at.
var iconSizes = []string{"16", "22", "24", "32", "48", "64", "128", "256", "512"}

// resolveIcon finds an icon name in the hicolor theme under /usr/share, as
// a desktop does for a name that is not a path; it returns the sizes found.
func resolveIcon(name string) []string {
	var found []string
	for _, s := range iconSizes {
		if _, err := os.Stat(filepath.Join("/usr/share/icons/hicolor", s+"x"+s, "apps", name+".png")); err == nil {
			found = append(found, s)
		}
	}
	return found
}

// TestInstalledPackage starts Avault the way the applications menu does,
// from the installed desktop entry, in a home of its own, and checks the
// window, the tray item, launch at login and Quit. scripts/deb-test.sh
// installs the .deb and runs it; it then checks that upgrading and removing
// the package leave the home's data folder and autostart entry alone.
func TestInstalledPackage(t *testing.T) {
	entryPath, home := os.Getenv("AVAULT_DESKTOP_ENTRY"), os.Getenv("AVAULT_PACKAGE_HOME")
	if entryPath == "" || home == "" {
		t.Skip("run by scripts/deb-test.sh, which installs the package first")
	}
	entry := desktopEntry(t, entryPath)
	for k, want := range map[string]string{
		"Type": "Application", "Name": "Avault", "GenericName": "Backup", "Icon": "avault",
		"Categories": "Utility;Archiving;", "Terminal": "false", "StartupWMClass": "Avault",
	} {
		if entry[k] != want {
			t.Errorf("desktop entry %s = %q, want %q", k, entry[k], want)
		}
	}
	if entry["Comment"] == "" {
		t.Error("desktop entry has no Comment")
	}
	if got := resolveIcon(entry["Icon"]); len(got) != len(iconSizes) {
		t.Errorf("icon %q found at sizes %v, want %v", entry["Icon"], got, iconSizes)
	}
	words := strings.Fields(entry["Exec"])
	if len(words) == 0 {
		t.Fatal("desktop entry has no Exec")
	}
	prog, err := exec.LookPath(words[0])
	if err != nil || prog != "/usr/bin/avault" {
		t.Fatalf("Exec %q runs %q (%v), want /usr/bin/avault", entry["Exec"], prog, err)
	}
	if t.Failed() {
		return
	}

	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	defer bus.Close()
	startWatcher(t, bus)

	var args []string
	for _, w := range words[1:] {
		if !strings.HasPrefix(w, "%") { // field codes: no files are passed
			args = append(args, w)
		}
	}
	watch := watchWindows(t)
	started := time.Now()
	inst := startInstalled(t, home, prog, args...)
	cmd, out, run := inst.cmd, inst.out, inst.run
	win, _, painted := watch.shown(t, 30*time.Second)
	t.Logf("figure: installed package, start to visible window %v", painted.Sub(started).Round(time.Millisecond))
	var shot, detail string
	if !eventually(30*time.Second, func() bool {
		shot = screenshot(t, "package-window.png")
		good, d, err := renderedUI(shot)
		detail = d
		return err == nil && good
	}) {
		t.Fatalf("the window never showed the Avault UI (%s); see %s\n%s", detail, shot, out.String())
	}
	class, err := exec.Command("xprop", "-id", strconv.FormatUint(uint64(win), 10), "WM_CLASS").Output()
	if err != nil || !strings.Contains(string(class), `"`+entry["StartupWMClass"]+`"`) {
		t.Errorf("window WM_CLASS is %q (%v); the desktop entry's StartupWMClass is %q", strings.TrimSpace(string(class)), err, entry["StartupWMClass"])
	}
	var windowCmd string
	for _, p := range windowProcesses(cmd.Process.Pid) {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p)); err == nil {
			windowCmd = strings.ReplaceAll(string(b), "\x00", " ")
		}
	}
	if !strings.HasPrefix(windowCmd, "/usr/lib/avault/avault-window ") {
		t.Errorf("the window process is %q, want /usr/lib/avault/avault-window", windowCmd)
	}

	it := waitTrayItem(t, bus, 10*time.Second)
	if _, ids := it.menuIDs(t, bus); ids["Quit"] == 0 || ids["Open Avault"] == 0 {
		t.Fatalf("tray menu lacks Open Avault or Quit: %v", ids)
	}

	// The data folder is the person's default one.
	if dir := jsonField(t, run("status", "--json"), "dataDir"); dir != filepath.Join(home, ".config", "avault") {
		t.Errorf("data folder %q, want %s", dir, filepath.Join(home, ".config", "avault"))
	}

	// Launch at login, turned on through the running Avault, starts the
	// installed program, and its icon is the installed one.
	run("autostart", "on")
	auto := desktopEntry(t, filepath.Join(home, ".config", "autostart", "avault.desktop"))
	if auto["Exec"] != "/usr/bin/avault --hidden" || auto["TryExec"] != "/usr/bin/avault" {
		t.Errorf("autostart entry Exec=%q TryExec=%q, want /usr/bin/avault --hidden and /usr/bin/avault", auto["Exec"], auto["TryExec"])
	}
	if got := resolveIcon(auto["Icon"]); len(got) == 0 {
		t.Errorf("autostart entry Icon=%q resolves to no installed icon", auto["Icon"])
	}

	inst.quit(bus)
}

// installed is Avault started from its installed program in a home of its own.
type installed struct {
	t    *testing.T
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan error
	// run runs the command line as the same person.
	run func(args ...string) string
}

// startInstalled starts prog with args as a person whose home is home: no
// data folder override, the default ~/.config.
func startInstalled(t *testing.T, home, prog string, args ...string) *installed {
	t.Helper()
	env := []string{"HOME=" + home}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "AVAULT_DATA_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME":
			continue
		}
		env = append(env, kv)
	}
	cmd := exec.Command(prog, args...)
	cmd.Env = env
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in := &installed{t: t, cmd: cmd, out: out, done: make(chan error, 1)}
	go func() { in.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-in.done
		}
	})
	in.run = func(args ...string) string {
		t.Helper()
		c := exec.Command(prog, args...)
		c.Env = env
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("avault %v: %v\n%s", args, err, b)
		}
		return string(b)
	}
	return in
}

// quit clicks Quit in the tray menu and waits for the exit and for the
// tray item to go.
func (in *installed) quit(bus *dbus.Conn) {
	t := in.t
	t.Helper()
	waitTrayItem(t, bus, 5*time.Second).click(t, bus, "Quit")
	select {
	case err := <-in.done:
		if err != nil {
			t.Fatalf("Quit: %v\n%s", err, in.out.String())
		}
	case <-time.After(45 * time.Second):
		t.Fatalf("still running 45 s after Quit\n%s", in.out.String())
	}
	if !eventually(10*time.Second, func() bool { return len(registeredItems(bus)) == 0 }) {
		t.Fatalf("tray item still registered after Quit: %v", registeredItems(bus))
	}
}

// TestInstalledPackageStartsAtLogin runs after scripts/deb-test.sh has
// upgraded the package: the launch-at-login entry written before the
// upgrade still starts Avault, in the tray with no window, on the same
// data folder.
func TestInstalledPackageStartsAtLogin(t *testing.T) {
	home := os.Getenv("AVAULT_PACKAGE_HOME")
	if home == "" || os.Getenv("AVAULT_PACKAGE_UPGRADED") == "" {
		t.Skip("run by scripts/deb-test.sh after it has upgraded the package")
	}
	auto := desktopEntry(t, filepath.Join(home, ".config", "autostart", "avault.desktop"))
	words := strings.Fields(auto["Exec"])
	if len(words) == 0 {
		t.Fatalf("the autostart entry has no Exec: %v", auto)
	}
	if fi, err := os.Stat(auto["TryExec"]); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("the autostart entry's TryExec %q is not an installed program (%v): the desktop would skip it", auto["TryExec"], err)
	}
	if got := resolveIcon(auto["Icon"]); len(got) == 0 {
		t.Errorf("autostart entry Icon=%q resolves to no installed icon", auto["Icon"])
	}
	bus, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	defer bus.Close()
	startWatcher(t, bus)

	inst := startInstalled(t, home, words[0], words[1:]...)
	it := waitTrayItem(t, bus, 30*time.Second)
	if _, ids := it.menuIDs(t, bus); ids["Quit"] == 0 {
		t.Fatalf("tray menu lacks Quit: %v", ids)
	}
	staysHidden(t, 2*time.Second)
	status := inst.run("status", "--json")
	if dir := jsonField(t, status, "dataDir"); dir != filepath.Join(home, ".config", "avault") {
		t.Errorf("data folder %q, want %s", dir, filepath.Join(home, ".config", "avault"))
	}
	if st := inst.run("autostart", "status", "--json"); !strings.Contains(st, `"enabled": true`) && !strings.Contains(st, `"enabled":true`) {
		t.Errorf("avault autostart status: %s, want enabled", st)
	}
	inst.quit(bus)
}
