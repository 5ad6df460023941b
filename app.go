package main

import (
	"context"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/avault/avault/backend/service"
)

// App is the facade the window calls. Each exported method is bound to the
// frontend and is a few lines that call the service.
type App struct {
	svc *service.Service

	mu   sync.Mutex
	ctx  context.Context // Wails' context, set at startup
	tray interface{ Stop() }
}

// NewApp wraps the service for the window.
func NewApp(svc *service.Service) *App { return &App{svc: svc} }

// Status describes this copy of Avault: version, data folder, tray host.
func (a *App) Status() (service.Status, error) { return a.svc.Status(), nil }

func (a *App) startup(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	a.mu.Unlock()
}

func (a *App) shutdown(context.Context) { a.stopTray() }

func (a *App) wailsContext() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

// show brings the window forward (tray "Open Avault", a second launch).
func (a *App) show() {
	if ctx := a.wailsContext(); ctx != nil {
		runtime.WindowUnminimise(ctx)
		runtime.WindowShow(ctx)
	}
}

// quit ends the app cleanly: Wails runs OnShutdown and wails.Run returns.
func (a *App) quit() {
	if ctx := a.wailsContext(); ctx != nil {
		runtime.Quit(ctx)
	}
}

func (a *App) stopTray() {
	a.mu.Lock()
	t := a.tray
	a.tray = nil
	a.mu.Unlock()
	if t != nil {
		t.Stop()
	}
}
