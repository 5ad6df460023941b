// Package wailsemit sends Avault's events to the window through Wails'
// runtime events. It is the only part of the backend that imports Wails.
package wailsemit

import (
	"context"
	"sync"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Emitter sends events once the Wails context is known; before that they are dropped.
type Emitter struct {
	mu  sync.RWMutex
	ctx context.Context
}

// SetContext gives the emitter Wails' context (from OnStartup).
func (e *Emitter) SetContext(ctx context.Context) {
	e.mu.Lock()
	e.ctx = ctx
	e.mu.Unlock()
}

// Emit implements events.Emitter.
func (e *Emitter) Emit(name string, payload any) {
	e.mu.RLock()
	ctx := e.ctx
	e.mu.RUnlock()
	if ctx != nil {
		runtime.EventsEmit(ctx, name, payload)
	}
}
