package main

import (
	goruntime "runtime"

	"github.com/avault/avault/backend/ipc"
	"github.com/avault/avault/backend/notify"
)

// desktopNotifier returns how the background process shows notifications
// (the title and body of notify.ForRun and notify.ForStale, as Settings
// choose).
//
// On Linux and the BSDs Avault speaks to the desktop's notification server
// over D-Bus itself (notify.Desktop): that works with no window at all,
// marks a failure critical so it stays until dismissed, and replaces a
// job's previous notification. Wails' Linux notifications have none of
// that, and would share the session bus with the tray. On macOS and
// Windows Wails' runtime shows them (UNUserNotificationCenter, toast
// notifications); only a window process has it, so they are handed to the
// open window (windowNotifier), which shows them with a wailsNotifier.
func desktopNotifier(srv *ipc.Server) notify.Notifier {
	switch goruntime.GOOS {
	case "darwin", "windows":
		return windowNotifier{srv: srv}
	}
	return notify.NewDesktop(notify.DesktopOptions{})
}
