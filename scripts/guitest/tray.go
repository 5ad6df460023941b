//go:build gui

package guitest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	watcherName = "org.kde.StatusNotifierWatcher"
	watcherPath = "/StatusNotifierWatcher"
)

// watcher is a StatusNotifierWatcher process: the tray host Avault looks for.
type watcher struct{ cmd *exec.Cmd }

func startWatcher(t *testing.T, bus *dbus.Conn) *watcher {
	t.Helper()
	cmd := exec.Command("status-notifier-watcher")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start status-notifier-watcher: %v", err)
	}
	w := &watcher{cmd: cmd}
	t.Cleanup(w.stop)
	if !eventually(10*time.Second, func() bool { return hasOwner(bus, watcherName) }) {
		t.Fatal("status-notifier-watcher did not take its bus name")
	}
	return w
}

func (w *watcher) stop() {
	if w.cmd.ProcessState == nil {
		_ = w.cmd.Process.Kill()
		_ = w.cmd.Wait()
	}
}

func hasOwner(bus *dbus.Conn, name string) bool {
	var has bool
	err := bus.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has)
	return err == nil && has
}

// trayItem is a registered StatusNotifierItem: its bus name and object path.
type trayItem struct{ bus, path string }

// registeredItems lists the items the watcher knows.
func registeredItems(bus *dbus.Conn) []trayItem {
	obj := bus.Object(watcherName, watcherPath)
	v, err := obj.GetProperty(watcherName + ".RegisteredStatusNotifierItems")
	if err != nil {
		return nil
	}
	names, _ := v.Value().([]string)
	var items []trayItem
	for _, n := range names {
		// Entries are "busname" or "busname/object/path".
		if i := strings.Index(n, "/"); i > 0 {
			items = append(items, trayItem{n[:i], n[i:]})
		} else {
			items = append(items, trayItem{n, "/StatusNotifierItem"})
		}
	}
	return items
}

func waitTrayItem(t *testing.T, bus *dbus.Conn, d time.Duration) trayItem {
	t.Helper()
	var items []trayItem
	if !eventually(d, func() bool { items = registeredItems(bus); return len(items) == 1 }) {
		var owners []string
		for _, it := range items {
			var pid uint32
			_ = bus.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, it.bus).Store(&pid)
			cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			owners = append(owners, fmt.Sprintf("%s: pid %d %q", it.bus, pid, cmd))
		}
		t.Fatalf("want exactly one tray item registered within %v, have %v", d, owners)
	}
	return items[0]
}

func (it trayItem) prop(bus *dbus.Conn, name string) (any, error) {
	v, err := bus.Object(it.bus, dbus.ObjectPath(it.path)).GetProperty("org.kde.StatusNotifierItem." + name)
	if err != nil {
		return nil, err
	}
	return v.Value(), nil
}

// menuEntry is one node of a com.canonical.dbusmenu layout.
type menuEntry struct {
	ID       int32
	Props    map[string]dbus.Variant
	Children []dbus.Variant
}

// menuIDs maps each menu label to its item id.
func (it trayItem) menuIDs(t *testing.T, bus *dbus.Conn) (dbus.ObjectPath, map[string]int32) {
	t.Helper()
	mp, err := it.prop(bus, "Menu")
	if err != nil {
		t.Fatalf("tray item Menu property: %v", err)
	}
	menuPath := mp.(dbus.ObjectPath)
	var rev uint32
	var root menuEntry
	call := bus.Object(it.bus, menuPath).Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{})
	if err := call.Store(&rev, &root); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	ids := map[string]int32{}
	var walk func(e menuEntry)
	walk = func(e menuEntry) {
		if l, ok := e.Props["label"]; ok {
			ids[fmt.Sprint(l.Value())] = e.ID
		}
		for _, c := range e.Children {
			var child menuEntry
			if err := dbus.Store([]any{c.Value()}, &child); err == nil {
				walk(child)
			}
		}
	}
	walk(root)
	return menuPath, ids
}

// click activates the tray menu item with the given label.
func (it trayItem) click(t *testing.T, bus *dbus.Conn, label string) {
	t.Helper()
	menuPath, ids := it.menuIDs(t, bus)
	id, ok := ids[label]
	if !ok {
		t.Fatalf("tray menu has no %q item; it has %v", label, ids)
	}
	call := bus.Object(it.bus, menuPath).Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(int32(0)), uint32(time.Now().Unix()))
	if call.Err != nil && !(label == "Quit" && quitBeforeReply(call.Err)) {
		t.Fatalf("click %q: %v", label, call.Err)
	}
}

// quitBeforeReply says whether err is the bus telling that the app left
// before answering the click: what a Quit may do. The caller still checks
// that the app exited 0 and its tray item went away.
func quitBeforeReply(err error) bool {
	var e dbus.Error
	return errors.As(err, &e) && e.Name == "org.freedesktop.DBus.Error.NoReply" ||
		strings.Contains(err.Error(), "disconnected from message bus without replying")
}

// statusLine returns the tray menu's first line.
func statusLine(t *testing.T, bus *dbus.Conn, it trayItem) string {
	t.Helper()
	_, ids := it.menuIDs(t, bus)
	for label := range ids {
		if strings.HasPrefix(label, "Avault:") || strings.HasPrefix(label, "Last failure:") {
			return label
		}
	}
	return ""
}

// notifications is a stand-in desktop notification service on the private
// bus; it records what Avault asks it to show.
type notifications struct {
	mu    sync.Mutex
	shown []string // "summary: body"
}

// Notify implements org.freedesktop.Notifications.Notify.
func (n *notifications) Notify(app string, replaces uint32, icon, summary, body string, actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.shown = append(n.shown, summary+": "+body)
	return uint32(len(n.shown)), nil
}

// GetCapabilities implements org.freedesktop.Notifications.GetCapabilities.
func (n *notifications) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

// GetServerInformation implements org.freedesktop.Notifications.GetServerInformation.
func (n *notifications) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "guitest", "avault", "1", "1.2", nil
}

func (n *notifications) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.shown...)
}

func serveNotifications(t *testing.T) *notifications {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	n := &notifications{}
	if err := conn.Export(n, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.freedesktop.Notifications: %v %v", reply, err)
	}
	return n
}
