//go:build !nowindow

package main

import (
	"context"
	"errors"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/notify"
)

// fakeNotifications stands in for Wails' runtime: it records what it is
// asked to show.
type fakeNotifications struct {
	initErr error
	allowed bool

	mu   sync.Mutex
	ctx  context.Context
	sent []runtime.NotificationOptions
}

func (f *fakeNotifications) Initialize(ctx context.Context) (bool, error) {
	f.mu.Lock()
	f.ctx = ctx
	f.mu.Unlock()
	return f.allowed, f.initErr
}

func (f *fakeNotifications) Send(ctx context.Context, o runtime.NotificationOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ctx != f.ctx {
		return errors.New("sent without Wails' context")
	}
	f.sent = append(f.sent, o)
	return nil
}

func (f *fakeNotifications) shown() []runtime.NotificationOptions {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]runtime.NotificationOptions(nil), f.sent...)
}

type ctxKey struct{}

func failedMessage() notify.Message {
	done := time.Date(2026, 1, 10, 2, 5, 0, 0, time.UTC)
	m, _ := notify.ForRun(job.Run{ID: "run-1", JobID: "job-1", JobName: "Photos", Status: job.StatusFailed,
		ErrorMessage: "the destination is full", StartedAt: done.Add(-time.Minute), CompletedAt: &done}, job.NotifyFailures)
	return m
}

// TestWailsNotifierShowsTheMessage: on macOS and Windows the notification
// carries notify's title and body, replaces the job's previous one, and
// waits for start-up.
func TestWailsNotifierShowsTheMessage(t *testing.T) {
	api := &fakeNotifications{allowed: true}
	w := newWailsNotifier(api)
	m := failedMessage()

	sent := make(chan error, 1)
	go func() { sent <- w.Notify(context.Background(), m) }()
	time.Sleep(50 * time.Millisecond)
	if len(api.shown()) != 0 {
		t.Fatal("a notification was sent before start-up")
	}
	w.start(context.WithValue(context.Background(), ctxKey{}, "wails"))
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	if err := w.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := api.shown()
	if len(got) != 2 {
		t.Fatalf("%d notifications shown, want 2", len(got))
	}
	if got[0].Title != "Backup failed: Photos" || got[0].Body != m.Body || got[0].ID != "avault-job-1" || got[1].ID != got[0].ID {
		t.Fatalf("shown %+v, want notify's title and body under the job's id", got)
	}
}

func TestWailsNotifierErrors(t *testing.T) {
	t.Run("never started", func(t *testing.T) {
		w := newWailsNotifier(&fakeNotifications{allowed: true})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if err := w.Notify(ctx, failedMessage()); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Notify = %v, want a deadline error", err)
		}
	})
	t.Run("cannot be set up", func(t *testing.T) {
		api := &fakeNotifications{initErr: errors.New("notifications require a valid bundle identifier")}
		w := newWailsNotifier(api)
		w.start(context.Background())
		err := w.Notify(context.Background(), failedMessage())
		if err == nil || !strings.Contains(err.Error(), "bundle identifier") {
			t.Fatalf("Notify = %v, want the set-up error", err)
		}
		if len(api.shown()) != 0 {
			t.Fatal("shown although set-up failed")
		}
	})
}

func TestDesktopNotifierByPlatform(t *testing.T) {
	n := desktopNotifier(nil)
	_, wails := n.(windowNotifier)
	_, dbus := n.(*notify.Desktop)
	switch goruntime.GOOS {
	case "darwin", "windows":
		if !wails {
			t.Fatalf("%s: notifier %T, want the window's Wails runtime", goruntime.GOOS, n)
		}
	default:
		if !dbus {
			t.Fatalf("%s: notifier %T, want the D-Bus notifier", goruntime.GOOS, n)
		}
	}
}
