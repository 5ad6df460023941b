//go:build bindings

package main

// The Wails CLI builds the app with the bindings tag and runs it headless to
// generate frontend/wailsjs; nothing may touch the display or D-Bus then.

const generatingBindings = true

func trayHostAvailable() bool { return false }

func (a *App) startTray([]byte) {}
