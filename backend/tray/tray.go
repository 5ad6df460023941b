// Package tray puts Avault in the system tray. The menu is built from
// callbacks and a State that the caller hands in; the tray itself knows
// nothing of jobs, runs or the window.
package tray

import (
	"slices"
	"sync"

	"fyne.io/systray"
)

// Icon names one of the tray's icons.
type Icon int

// The icons.
const (
	IconIdle Icon = iota
	IconRunning
	IconError
	IconPaused
)

// Options are the icons and what the menu items do. Nil callbacks leave
// their items out.
type Options struct {
	Icons    map[Icon][]byte // PNGs
	Tooltip  string
	OnOpen   func()
	OnRunAll func()
	OnRunJob func(jobID string)
	OnPause  func(pause bool)
	OnQuit   func()
}

// Job is one entry of the Run submenu.
type Job struct {
	ID, Name string
}

// State is what the tray shows.
type State struct {
	Status string // the status line at the top of the menu
	Icon   Icon
	Jobs   []Job
	Paused bool // schedules paused: the item reads "Resume schedules"
}

// Tray is a running tray item.
type Tray struct {
	o    Options
	end  func()
	once sync.Once

	mu     sync.Mutex
	state  State
	status *systray.MenuItem
	pause  *systray.MenuItem
	gen    chan struct{} // closed when the menu is rebuilt
}

// Start registers the tray item and its menu. On Linux it speaks D-Bus
// (StatusNotifierItem and com.canonical.dbusmenu) and needs no GTK loop.
func Start(o Options, initial State) *Tray {
	t := &Tray{o: o, state: initial}
	ready := make(chan struct{})
	start, end := systray.RunWithExternalLoop(func() {
		systray.SetTitle("Avault")
		systray.SetTooltip(o.Tooltip)
		if o.OnOpen != nil {
			systray.SetOnTapped(o.OnOpen)
		}
		t.mu.Lock()
		t.build()
		t.mu.Unlock()
		close(ready)
	}, func() {})
	t.end = end
	start()
	<-ready
	return t
}

// build creates the menu for t.state; t.mu is held.
func (t *Tray) build() {
	if t.gen != nil {
		close(t.gen)
		systray.ResetMenu()
	}
	t.gen = make(chan struct{})
	s := t.state
	systray.SetIcon(t.o.Icons[s.Icon])
	t.status = systray.AddMenuItem(s.Status, "What Avault is doing")
	t.status.Disable()
	systray.AddSeparator()
	t.item("Open Avault", "Show the Avault window", t.o.OnOpen)
	if t.o.OnRunAll != nil {
		t.item("Run all now", "Back up every enabled job now", t.o.OnRunAll)
	}
	if t.o.OnRunJob != nil && len(s.Jobs) > 0 {
		sub := systray.AddMenuItem("Run", "Back up one job now")
		for _, j := range s.Jobs {
			id := j.ID
			t.forward(sub.AddSubMenuItem(j.Name, "Back up "+j.Name+" now"), func() { t.o.OnRunJob(id) })
		}
	}
	if t.o.OnPause != nil {
		t.pause = systray.AddMenuItem(pauseLabel(s.Paused), "Stop or restart the schedules")
		t.forward(t.pause, func() {
			t.mu.Lock()
			paused := t.state.Paused
			t.mu.Unlock()
			t.o.OnPause(!paused)
		})
	}
	if t.o.OnQuit != nil {
		systray.AddSeparator()
		t.item("Quit", "Quit Avault (running backups are cancelled cleanly)", t.o.OnQuit)
	}
}

func pauseLabel(paused bool) string {
	if paused {
		return "Resume schedules"
	}
	return "Pause schedules"
}

func (t *Tray) item(title, tip string, f func()) {
	if f != nil {
		t.forward(systray.AddMenuItem(title, tip), f)
	}
}

// forward calls f for each click until the menu is rebuilt. Removing an
// item closes its ClickedCh, which must not count as a click.
func (t *Tray) forward(it *systray.MenuItem, f func()) {
	gen := t.gen
	go func() {
		for {
			select {
			case _, ok := <-it.ClickedCh:
				if !ok {
					return
				}
				f()
			case <-gen:
				return
			}
		}
	}()
}

// Update shows a new state: the status line, icon and pause label change in
// place; a changed job list rebuilds the menu.
func (t *Tray) Update(s State) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.state
	t.state = s
	if !slices.Equal(old.Jobs, s.Jobs) {
		t.build()
		return
	}
	if old.Status != s.Status {
		t.status.SetTitle(s.Status)
	}
	if old.Icon != s.Icon {
		systray.SetIcon(t.o.Icons[s.Icon])
	}
	if old.Paused != s.Paused && t.pause != nil {
		t.pause.SetTitle(pauseLabel(s.Paused))
	}
}

// Stop removes the tray item. It is safe to call more than once.
func (t *Tray) Stop() { t.once.Do(t.end) }
