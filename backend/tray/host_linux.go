package tray

import (
	"time"

	"github.com/godbus/dbus/v5"
)

// HostAvailable reports whether a tray host (a StatusNotifierWatcher) is on
// the session bus. Without one a tray item has nowhere to appear, so the
// window must stay reachable.
func HostAvailable() bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	var has bool
	call := conn.BusObject().Go("org.freedesktop.DBus.NameHasOwner", 0, make(chan *dbus.Call, 1), "org.kde.StatusNotifierWatcher")
	select {
	case <-call.Done:
		if call.Err != nil {
			return false
		}
		_ = call.Store(&has)
	case <-time.After(2 * time.Second):
		return false
	}
	return has
}
