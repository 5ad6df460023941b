//go:build gui

// Package guitest drives the real Avault binary under Xvfb, in a private
// D-Bus session with a StatusNotifierWatcher, the way a person would: it
// looks at the window, clicks the tray menu over com.canonical.dbusmenu and
// asks the window to close as a window manager would.
package guitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/avault/avault/backend/store"
)

// app is one running avault process.
type app struct {
	t    *testing.T
	cmd  *exec.Cmd
	done chan error
	log  *bytes.Buffer
}

func startApp(t *testing.T, dataDir string, args ...string) *app {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "AVAULT_DATA_DIR="+dataDir)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", binary, err)
	}
	a := &app{t: t, cmd: cmd, done: make(chan error, 1), log: &log}
	go func() { a.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if a.cmd.ProcessState == nil {
			_ = a.cmd.Process.Kill()
			<-a.done
		}
	})
	return a
}

// waitExit waits for the process to end and returns its exit code.
func (a *app) waitExit(d time.Duration) int {
	a.t.Helper()
	select {
	case err := <-a.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			a.t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(d):
		a.t.Fatalf("avault still running after %v; output:\n%s", d, a.log.String())
		return -1
	}
}

func (a *app) alive() bool {
	return a.cmd.ProcessState == nil && a.cmd.Process.Signal(syscall.Signal(0)) == nil
}

// visibleWindow returns the id of a visible window titled exactly "Avault".
func visibleWindow() (uint32, bool) {
	out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Avault$").Output()
	if err != nil {
		return 0, false
	}
	fields := strings.Fields(string(out))
	if len(fields) == 0 {
		return 0, false
	}
	id, err := strconv.ParseUint(fields[0], 10, 32)
	return uint32(id), err == nil
}

func waitVisible(t *testing.T, d time.Duration) uint32 {
	t.Helper()
	var id uint32
	ok := eventually(d, func() bool { var v bool; id, v = visibleWindow(); return v })
	if !ok {
		t.Fatalf("no visible Avault window within %v", d)
	}
	return id
}

func waitHidden(t *testing.T, d time.Duration) {
	t.Helper()
	if !eventually(d, func() bool { _, v := visibleWindow(); return !v }) {
		t.Fatalf("the Avault window is still visible after %v", d)
	}
}

// staysHidden checks that no Avault window becomes visible for d.
func staysHidden(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if id, v := visibleWindow(); v {
			pid, _ := exec.Command("xdotool", "getwindowpid", strconv.FormatUint(uint64(id), 10)).Output()
			t.Fatalf("an Avault window (id %d, pid %s) became visible", id, strings.TrimSpace(string(pid)))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func eventually(d time.Duration, f func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if f() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// requestClose sends WM_DELETE_WINDOW, as a window manager's close button does.
func requestClose(t *testing.T, win uint32) {
	t.Helper()
	conn, err := xgb.NewConn()
	if err != nil {
		t.Fatalf("connect to X: %v", err)
	}
	defer conn.Close()
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(conn, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatalf("intern %s: %v", name, err)
		}
		return r.Atom
	}
	ev := xproto.ClientMessageEvent{
		Format: 32,
		Window: xproto.Window(win),
		Type:   atom("WM_PROTOCOLS"),
		Data:   xproto.ClientMessageDataUnionData32New([]uint32{uint32(atom("WM_DELETE_WINDOW")), 0, 0, 0, 0}),
	}
	if err := xproto.SendEventChecked(conn, false, xproto.Window(win), xproto.EventMaskNoEvent, string(ev.Bytes())).Check(); err != nil {
		t.Fatalf("send WM_DELETE_WINDOW: %v", err)
	}
}

// screenshot saves the whole screen under the artifacts folder.
func screenshot(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(artifacts, name)
	if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v: %s", err, out)
	}
	return path
}

// renderedUI reports whether the window area of a screenshot shows the
// Avault shell: many pixels that are neither the black root nor the window's
// plain background, among them the indigo of the logo and navigation.
func renderedUI(path string) (bool, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, "", err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return false, "", err
	}
	b := img.Bounds()
	ok, detail := renderedPixels(b.Min.X, b.Min.Y, b.Max.X, b.Max.Y, func(x, y int) (int, int, int) { return rgb(img, x, y) })
	return ok, detail, nil
}

// renderedPixels is renderedUI's test on any picture.
func renderedPixels(x0, y0, x1, y1 int, at func(x, y int) (int, int, int)) (bool, string) {
	var content, indigo int
	for y := y0; y < y1; y += 2 {
		for x := x0; x < x1; x += 2 {
			r, g, bl := at(x, y)
			if isBackground(r, g, bl) {
				continue
			}
			content++
			if bl > 180 && r < 130 && g < 120 {
				indigo++
			}
		}
	}
	detail := fmt.Sprintf("%d content pixels, %d indigo pixels (sampled every 2nd)", content, indigo)
	return content > 1000 && indigo > 100, detail
}

// windowWatch follows the X server's own events for new top-level windows,
// so that start-up times are read when the window appears rather than when
// a poll next looks (an xdotool process every 100 ms, which also competes
// with the starting app for the 2 cores).
type windowWatch struct {
	conn *xgb.Conn
	maps chan mapNotice
}

type mapNotice struct {
	win xproto.Window
	at  time.Time
}

func watchWindows(t *testing.T) *windowWatch {
	t.Helper()
	conn, err := xgb.NewConn()
	if err != nil {
		t.Fatalf("connect to X: %v", err)
	}
	root := xproto.Setup(conn).DefaultScreen(conn).Root
	if err := xproto.ChangeWindowAttributesChecked(conn, root, xproto.CwEventMask,
		[]uint32{xproto.EventMaskSubstructureNotify}).Check(); err != nil {
		t.Fatalf("watch the root window: %v", err)
	}
	w := &windowWatch{conn: conn, maps: make(chan mapNotice, 256)}
	go func() {
		for {
			ev, err := conn.WaitForEvent()
			if ev == nil && err == nil {
				return // closed
			}
			if m, ok := ev.(xproto.MapNotifyEvent); ok {
				select {
				case w.maps <- mapNotice{m.Window, time.Now()}:
				default:
				}
			}
		}
	}()
	t.Cleanup(conn.Close)
	return w
}

// isAvault says win is an Avault window: its WM_CLASS is avault/Avault
// (g_set_prgname, window_prgname_linux.go). The title is no help here: Wails
// sets it on the main loop, after the window is mapped.
func (w *windowWatch) isAvault(win xproto.Window) bool {
	p, err := xproto.GetProperty(w.conn, false, win, xproto.AtomWmClass, xproto.AtomString, 0, 64).Reply()
	if err != nil {
		return false
	}
	parts := strings.Split(strings.TrimRight(string(p.Value), "\x00"), "\x00")
	return len(parts) == 2 && parts[0] == "avault" && parts[1] == "Avault"
}

// pixels reads a rectangle of win as 32-bit BGRX (the depth-24 visual
// Xvfb gives the window).
func (w *windowWatch) pixels(win xproto.Window, x, y int16, width, height uint16) ([]byte, error) {
	img, err := xproto.GetImage(w.conn, xproto.ImageFormatZPixmap, xproto.Drawable(win), x, y, width, height, 0xffffffff).Reply()
	if err != nil {
		return nil, err
	}
	if len(img.Data) < int(width)*int(height)*4 {
		return nil, fmt.Errorf("GetImage: %d bytes for %dx%d", len(img.Data), width, height)
	}
	return img.Data, nil
}

// shown waits for an Avault window to be mapped and then to have painted
// its first frame: its centre is no longer the black an unpainted window
// shows. It returns the window and both moments.
func (w *windowWatch) shown(t *testing.T, d time.Duration) (win uint32, mapped, painted time.Time) {
	t.Helper()
	deadline := time.After(d)
	var id xproto.Window
	for id == 0 {
		select {
		case m := <-w.maps:
			if w.isAvault(m.win) {
				id, mapped = m.win, m.at
			}
		case <-deadline:
			t.Fatalf("no Avault window was mapped within %v", d)
		}
	}
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		g, err := xproto.GetGeometry(w.conn, xproto.Drawable(id)).Reply()
		if err == nil {
			px, err := w.pixels(id, int16(g.Width/2), int16(g.Height/2), 2, 2)
			if err == nil && (px[0] != 0 || px[1] != 0 || px[2] != 0) {
				return uint32(id), mapped, time.Now()
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("the Avault window %d was mapped but never painted within %v", id, d)
	return 0, time.Time{}, time.Time{}
}

// rendered waits until win shows the Avault UI (renderedUI's test on the
// window's own pixels) and returns when.
func (w *windowWatch) rendered(t *testing.T, win uint32, d time.Duration) time.Time {
	t.Helper()
	id := xproto.Window(win)
	var detail string
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		g, err := xproto.GetGeometry(w.conn, xproto.Drawable(id)).Reply()
		if err == nil {
			px, err := w.pixels(id, 0, 0, g.Width, g.Height)
			if err == nil {
				stride := int(g.Width) * 4
				var ok bool
				ok, detail = renderedPixels(0, 0, int(g.Width), int(g.Height), func(x, y int) (int, int, int) {
					i := y*stride + x*4
					return int(px[i+2]), int(px[i+1]), int(px[i])
				})
				if ok {
					return time.Now()
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the Avault window never showed the Avault UI within %v (%s)", d, detail)
	return time.Time{}
}

func rgb(img image.Image, x, y int) (int, int, int) {
	r, g, b, _ := img.At(x, y).RGBA()
	return int(r >> 8), int(g >> 8), int(b >> 8)
}

// isBackground is the X root (black) or the window's plain light background.
func isBackground(r, g, b int) bool {
	if r < 8 && g < 8 && b < 8 {
		return true
	}
	return r >= 240 && g >= 240 && b >= 240
}

// pss sums the proportional set size (kB) of pid and all its descendants
// (WebKit's web and network processes).
func pss(pid int) (int, []int) {
	pids := append([]int{pid}, descendants(pid)...)
	total := 0
	for _, p := range pids {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "Pss:" {
				n, _ := strconv.Atoi(f[1])
				total += n
			}
		}
	}
	return total, pids
}

func descendants(pid int) []int {
	var out []int
	// A child is listed under the thread that started it.
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, task := range tasks {
		data, err := os.ReadFile(task)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			c, _ := strconv.Atoi(f)
			out = append(out, c)
			out = append(out, descendants(c)...)
		}
	}
	return out
}

// cli runs the avault binary's command line on a data folder.
func cli(t *testing.T, dataDir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "AVAULT_DATA_DIR="+dataDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("avault %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// setupBackupJob makes a NAS folder with a few files, a local destination
// and a job "Photos" between them, through the command line.
func setupBackupJob(t *testing.T) (dataDir, dest string) {
	t.Helper()
	base := t.TempDir()
	dataDir, dest = filepath.Join(base, "data"), filepath.Join(base, "dest")
	nas := filepath.Join(base, "nas")
	for _, d := range []string{filepath.Join(nas, "photos", "2024"), dest} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range []string{"a.jpg", "b.jpg", "2024/c.jpg"} {
		if err := os.WriteFile(filepath.Join(nas, "photos", name), bytes.Repeat([]byte{byte(i)}, 1000*(i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cli(t, dataDir, "settings", "--nas-root", nas)
	cli(t, dataDir, "dest", "add", "--name", "Disk", "--kind", "local", "--remote", dest)
	cli(t, dataDir, "job", "add", "--name", "Photos", "--source", "photos", "--dest", "Disk")
	// Broken's source disappears, as when a share is not mounted: its run fails.
	if err := os.MkdirAll(filepath.Join(nas, "gone"), 0o755); err != nil {
		t.Fatal(err)
	}
	cli(t, dataDir, "job", "add", "--name", "Broken", "--source", "gone", "--dest", "Disk")
	if err := os.Remove(filepath.Join(nas, "gone")); err != nil {
		t.Fatal(err)
	}
	return dataDir, dest
}

// setupSlowJob makes a job "Slow" whose run takes about half a minute:
// a 2 MB file under an upload limit of 64 KiB/s.
func setupSlowJob(t *testing.T) (dataDir string) {
	t.Helper()
	base := t.TempDir()
	dataDir, dest, nas := filepath.Join(base, "data"), filepath.Join(base, "dest"), filepath.Join(base, "nas")
	for _, d := range []string{filepath.Join(nas, "big"), dest} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(nas, "big", "big.bin"), bytes.Repeat([]byte{7}, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	cli(t, dataDir, "settings", "--nas-root", nas, "--upload-limit", "64KiB")
	cli(t, dataDir, "dest", "add", "--name", "Disk", "--kind", "local", "--remote", dest)
	cli(t, dataDir, "job", "add", "--name", "Slow", "--source", "big", "--dest", "Disk")
	return dataDir
}

// setStartHidden turns Settings' "Start in the tray" on in a new data
// folder, as the window's Settings page does.
func setStartHidden(t *testing.T, dataDir string) {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.GetSettings()
	if err != nil {
		t.Fatal(err)
	}
	st.StartHidden = true
	if err := db.PutSettings(st); err != nil {
		t.Fatal(err)
	}
}

// committedVersion returns the name of a committed version in a local
// destination folder, or "".
func committedVersion(dest string) string {
	entries, _ := os.ReadDir(dest)
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dest, e.Name(), ".avault", "version.json")); err == nil && !strings.HasPrefix(e.Name(), ".tmp-") {
			return e.Name()
		}
	}
	return ""
}

// webkitProcesses lists the WebKit processes on the machine.
func webkitProcesses() []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if err == nil && strings.HasPrefix(string(comm), "WebKit") {
			out = append(out, e.Name()+":"+strings.TrimSpace(string(comm)))
		}
	}
	return out
}

// windowProcesses lists the window processes under pid.
func windowProcesses(pid int) []int {
	var out []int
	for _, p := range descendants(pid) {
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
		if err == nil && strings.Contains(string(cmdline), "--window") {
			out = append(out, p)
		}
	}
	return out
}

// cliCode runs the command line and returns its exit code.
func cliCode(t *testing.T, dataDir string, args ...string) int {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "AVAULT_DATA_DIR="+dataDir)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		t.Logf("avault %v: exit %d: %s", args, ee.ExitCode(), out)
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatalf("avault %v: %v", args, err)
	}
	return 0
}

// jsonField reads one top-level string field of a JSON object.
func jsonField(t *testing.T, doc, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	v, _ := m[field].(string)
	return v
}

// lockedBuffer is a bytes.Buffer safe for a process's writes and a test's reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
