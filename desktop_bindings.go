//go:build bindings

package main

import "github.com/avault/avault/backend/events"

// The Wails CLI builds the app with the bindings tag and runs it headless to
// generate frontend/wailsjs; nothing may touch the display or D-Bus then.

const generatingBindings = true

func trayHostAvailable() bool { return false }

func (d *daemon) startTray() {}

func (d *daemon) stopTray() {}

type trayRefresher struct{ d *daemon }

// Emit implements events.Emitter.
func (*trayRefresher) Emit(string, any) {}

var _ events.Emitter = (*trayRefresher)(nil)
