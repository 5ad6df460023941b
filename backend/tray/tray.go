// Package tray puts Avault in the system tray. The menu is built from
// callbacks that the caller (the service, through main) hands in; the tray
// itself knows nothing of jobs or the window.
package tray

import (
	"sync"

	"fyne.io/systray"
)

// Options are the tray's icon and what its menu items do. Nil callbacks
// leave their items out.
type Options struct {
	Icon    []byte // PNG
	Tooltip string
	OnOpen  func()
	OnQuit  func()
}

// Tray is a running tray item.
type Tray struct {
	end    func()
	status *systray.MenuItem
	once   sync.Once
}

// Start registers the tray item and its menu. On Linux it speaks D-Bus
// (StatusNotifierItem and com.canonical.dbusmenu) and needs no GTK loop.
func Start(o Options) *Tray {
	t := &Tray{}
	ready := make(chan struct{})
	start, end := systray.RunWithExternalLoop(func() {
		t.build(o)
		close(ready)
	}, func() {})
	t.end = end
	start()
	<-ready
	return t
}

func (t *Tray) build(o Options) {
	systray.SetIcon(o.Icon)
	systray.SetTitle("Avault")
	systray.SetTooltip(o.Tooltip)
	t.status = systray.AddMenuItem("Avault: idle", "What Avault is doing")
	t.status.Disable()
	systray.AddSeparator()
	if o.OnOpen != nil {
		open := systray.AddMenuItem("Open Avault", "Show the Avault window")
		go forward(open.ClickedCh, o.OnOpen)
		systray.SetOnTapped(o.OnOpen)
	}
	if o.OnQuit != nil {
		systray.AddSeparator()
		quit := systray.AddMenuItem("Quit", "Quit Avault")
		go forward(quit.ClickedCh, o.OnQuit)
	}
}

func forward(ch <-chan struct{}, f func()) {
	for range ch {
		f()
	}
}

// SetStatus changes the status line at the top of the menu.
func (t *Tray) SetStatus(text string) { t.status.SetTitle(text) }

// SetIcon changes the tray icon (idle, running, error).
func (t *Tray) SetIcon(png []byte) { systray.SetIcon(png) }

// Stop removes the tray item. It is safe to call more than once.
func (t *Tray) Stop() { t.once.Do(t.end) }
