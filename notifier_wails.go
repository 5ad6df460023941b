//go:build !nowindow

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/avault/avault/backend/notify"
)

// notificationAPI is the part of Wails' runtime the notifier uses.
type notificationAPI interface {
	// Initialize prepares notifications and asks, where the system asks
	// people (macOS), to be allowed to show them; it reports whether they
	// are allowed.
	Initialize(ctx context.Context) (allowed bool, err error)
	Send(ctx context.Context, o runtime.NotificationOptions) error
}

// wailsNotifications is notificationAPI over Wails' runtime.
type wailsNotifications struct{}

func (wailsNotifications) Initialize(ctx context.Context) (bool, error) {
	if err := runtime.InitializeNotifications(ctx); err != nil {
		return false, err
	}
	if ok, err := runtime.CheckNotificationAuthorization(ctx); err == nil && ok {
		return true, nil
	}
	return runtime.RequestNotificationAuthorization(ctx)
}

func (wailsNotifications) Send(ctx context.Context, o runtime.NotificationOptions) error {
	return runtime.SendNotification(ctx, o)
}

// wailsNotifier shows messages through Wails' runtime. Notify waits for
// start (Wails' OnStartup) and for the notifications to be set up, at most
// until its context ends. It is safe for concurrent use.
type wailsNotifier struct {
	api   notificationAPI
	ready chan struct{} // closed once set up (or failed to)
	once  sync.Once

	// Set before ready is closed.
	ctx     context.Context // Wails' context
	initErr error
}

func newWailsNotifier(api notificationAPI) *wailsNotifier {
	return &wailsNotifier{api: api, ready: make(chan struct{})}
}

var _ notify.Notifier = (*wailsNotifier)(nil)

// start sets notifications up with Wails' context, in the background: on
// macOS the first start asks the person to allow them, and Wails waits up
// to 3 minutes for the answer.
func (w *wailsNotifier) start(ctx context.Context) {
	w.once.Do(func() {
		go func() {
			defer close(w.ready)
			w.ctx = ctx
			allowed, err := w.api.Initialize(ctx)
			switch {
			case err != nil:
				w.initErr = err
			case !allowed:
				slog.Warn("desktop notifications are not allowed for Avault; failures show in its window only, until allowed in the system's settings")
			}
		}()
	})
}

// Notify shows m's title and body. A message about a job replaces the
// job's previous one where the system supports it (macOS).
func (w *wailsNotifier) Notify(ctx context.Context, m notify.Message) error {
	select {
	case <-w.ready:
	case <-ctx.Done():
		return fmt.Errorf("desktop notification: the app had not started: %w", ctx.Err())
	}
	if w.initErr != nil {
		return fmt.Errorf("desktop notification: %w", w.initErr)
	}
	id := "avault-" + m.JobID
	if m.JobID == "" {
		id = fmt.Sprintf("avault-%d", time.Now().UnixNano())
	}
	done := make(chan error, 1)
	go func() { done <- w.api.Send(w.ctx, runtime.NotificationOptions{ID: id, Title: m.Title, Body: m.Body}) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("desktop notification: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("desktop notification: %w", errors.Join(errors.New("the system did not answer"), ctx.Err()))
	}
}
