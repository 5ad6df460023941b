package main

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/service"
)

// exits records the codes an App asked the process to exit with.
type exits struct {
	mu    sync.Mutex
	codes []int
	ch    chan int
}

func newExits() *exits { return &exits{ch: make(chan int, 4)} }

func (e *exits) exit(code int) {
	e.mu.Lock()
	e.codes = append(e.codes, code)
	e.mu.Unlock()
	e.ch <- code
}

func testApp(t *testing.T) (*App, *exits) {
	t.Helper()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("AVAULT_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	svc, err := service.Open(context.Background(), service.Options{DataDir: filepath.Join(t.TempDir(), "data")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	a := NewApp(svc)
	e := newExits()
	a.grace, a.exit = 100*time.Millisecond, e.exit
	return a, e
}

// TestQuitWatchdog: once Wails' shutdown began, quitting that does not
// finish within the grace ends the process with a non-zero code; quitting
// that finishes disarms it.
func TestQuitWatchdog(t *testing.T) {
	t.Run("hung", func(t *testing.T) {
		a, e := testApp(t)
		a.shutdown(context.Background())
		select {
		case code := <-e.ch:
			if code != exitForced || code == 0 {
				t.Fatalf("forced exit code %d, want %d", code, exitForced)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the watchdog never forced the exit")
		}
	})
	t.Run("finished", func(t *testing.T) {
		a, e := testApp(t)
		a.shutdown(context.Background())
		a.stopWatchdog()
		select {
		case code := <-e.ch:
			t.Fatalf("exit %d after quitting finished", code)
		case <-time.After(300 * time.Millisecond):
		}
	})
}

// TestInsistOnQuit: a quit that Wails never takes up is asked again, and
// after the grace the service is shut down (its database closed) before
// the forced exit.
func TestInsistOnQuit(t *testing.T) {
	a, e := testApp(t)
	var asked int
	a.insistOnQuit(func() { asked++ }, 20*time.Millisecond, 100*time.Millisecond)
	if asked < 2 {
		t.Errorf("quit asked again %d times, want it asked every interval", asked)
	}
	select {
	case code := <-e.ch:
		if code != exitForced {
			t.Fatalf("exit code %d, want %d", code, exitForced)
		}
	default:
		t.Fatal("no forced exit")
	}
	if _, err := a.svc.Settings(); err == nil {
		t.Fatal("the database is still open after the forced exit")
	}

	b, e2 := testApp(t)
	b.mu.Lock()
	b.stopping = true // Wails' shutdown began: its watchdog takes over
	b.mu.Unlock()
	b.insistOnQuit(func() { t.Error("asked again after shutdown began") }, 10*time.Millisecond, time.Second)
	if len(e2.ch) != 0 {
		t.Fatal("exited although Wails' shutdown began")
	}
}

func TestShutdownServiceReportsAForcedQuit(t *testing.T) {
	a, _ := testApp(t)
	if err := shutdownService(a.svc); err != nil {
		t.Fatalf("a service with nothing running: %v", err)
	}
	var f errForced
	if !errors.As(errForced{context.DeadlineExceeded}, &f) || !errors.Is(f, context.DeadlineExceeded) {
		t.Fatal("errForced does not wrap its cause")
	}
}
