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

func (d *daemon) startTray() {
	t := tray.Start(tray.Options{
		Icons:   trayIcons(),
		Tooltip: "Avault",
		OnOpen: func() {
			_, err := d.openWindow()
			logErr("open the window", err)
		},
		OnRunAll: func() { _, err := d.svc.RunAll(job.TriggerTray); logErr("run all", err) },
		OnRunJob: func(id string) { _, err := d.svc.RunJob(id, job.TriggerTray); logErr("run", err) },
		OnPause:  func(pause bool) { logErr("pause schedules", d.svc.PauseSchedules(pause)) },
		OnQuit:   d.quit,
	}, trayState(d.svc))
	d.mu.Lock()
	d.tray = t
	d.mu.Unlock()
}

func (d *daemon) stopTray() {
	d.mu.Lock()
	t := d.tray
	d.tray = nil
	d.mu.Unlock()
	if t != nil {
		t.Stop()
	}
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
	d *daemon

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
		d := r.d
		r.mu.Unlock()
		if d == nil {
			return
		}
		d.mu.Lock()
		t, _ := d.tray.(*tray.Tray)
		d.mu.Unlock()
		if t != nil && d.svc != nil {
			t.Update(trayState(d.svc))
		}
	})
}
