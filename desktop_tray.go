//go:build !bindings

package main

import (
	"sync"
	"time"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
	"github.com/avault/avault/backend/tray"
)

const generatingBindings = false

func trayHostAvailable() bool { return tray.HostAvailable() }

// trayIcons are the tray's PNGs, embedded in main.go.
func trayIcons() map[tray.Icon][]byte {
	return map[tray.Icon][]byte{tray.IconIdle: trayIdle, tray.IconRunning: trayRunning, tray.IconError: trayError, tray.IconPaused: trayPaused}
}

func (a *App) startTray() {
	t := tray.Start(tray.Options{
		Icons:    trayIcons(),
		Tooltip:  "Avault",
		OnOpen:   a.show,
		OnRunAll: func() { a.logErr("run all", a.runAll()) },
		OnRunJob: func(id string) { _, err := a.svc.RunJob(id, job.TriggerTray); a.logErr("run", err) },
		OnPause:  func(pause bool) { a.logErr("pause schedules", a.svc.PauseSchedules(pause)) },
		OnQuit:   a.quit,
	}, trayState(a.svc))
	a.mu.Lock()
	a.tray = t
	a.mu.Unlock()
}

func (a *App) runAll() error {
	_, err := a.svc.RunAll(job.TriggerTray)
	return err
}

// trayState maps the service's overview onto what the tray shows.
func trayState(svc *service.Service) tray.State {
	o, err := svc.Overview()
	if err != nil {
		return tray.State{Status: "Avault: " + err.Error(), Icon: tray.IconError}
	}
	s := tray.State{Status: o.StatusLine(time.Now()), Paused: o.Paused, Icon: tray.IconIdle}
	switch {
	case o.Running > 0 || o.Waiting > 0:
		s.Icon = tray.IconRunning
	case o.LastFailure != nil:
		s.Icon = tray.IconError
	case o.Paused:
		s.Icon = tray.IconPaused
	}
	for _, j := range o.Jobs {
		s.Jobs = append(s.Jobs, tray.Job{ID: j.ID, Name: j.Name})
	}
	return s
}

// trayRefresher redraws the tray after events, at most twice a second.
type trayRefresher struct {
	app *App

	mu      sync.Mutex
	pending bool
}

// Emit implements events.Emitter.
func (r *trayRefresher) Emit(name string, _ any) {
	switch name {
	case events.BackupProgress, events.BackupStatus, events.QueueStats, events.DataChanged:
	default:
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending {
		return
	}
	r.pending = true
	time.AfterFunc(500*time.Millisecond, func() {
		r.mu.Lock()
		r.pending = false
		r.mu.Unlock()
		r.app.mu.Lock()
		t, _ := r.app.tray.(*tray.Tray)
		r.app.mu.Unlock()
		if t != nil && r.app.svc != nil {
			t.Update(trayState(r.app.svc))
		}
	})
}
