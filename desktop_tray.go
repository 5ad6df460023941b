//go:build !bindings

package main

import "github.com/avault/avault/backend/tray"

const generatingBindings = false

func trayHostAvailable() bool { return tray.HostAvailable() }

func (a *App) startTray(icon []byte) {
	t := tray.Start(tray.Options{
		Icon:    icon,
		Tooltip: "Avault",
		OnOpen:  a.show,
		OnQuit:  a.quit,
	})
	a.mu.Lock()
	a.tray = t
	a.mu.Unlock()
}
