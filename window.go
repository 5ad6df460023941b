//go:build !nowindow

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	goruntime "runtime"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/instance"
	"github.com/avault/avault/backend/ipc"
	"github.com/avault/avault/backend/notify"
	"github.com/avault/avault/backend/service"
)

// Bridge is all the window process binds: the frontend's calls go through
// it to the background process, and the background process's events come
// back through Wails' runtime. The frontend sees the same App methods and
// events as ever (frontend/src/api/transport.ts).
type Bridge struct {
	dir string
	// ready is closed once the first connection attempt has ended; calls
	// wait for it, so WebKit starts while the background process starts.
	ready   chan struct{}
	dialErr error

	mu       sync.Mutex
	ctx      context.Context // Wails' context, set at start-up
	client   *ipc.Client
	mismatch error
	quitting bool
	notifier *wailsNotifier
}

// Call runs an App method in the background process with the frontend's
// arguments and returns its result; an error rejects the frontend's
// promise with the service's message.
func (b *Bridge) Call(method string, args []json.RawMessage) (json.RawMessage, error) {
	<-b.ready
	b.mu.Lock()
	c := b.client
	b.mu.Unlock()
	if c == nil {
		return nil, errors.New("Avault's background process is not reachable")
	}
	if args == nil {
		args = []json.RawMessage{}
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	out, err := c.CallRaw(context.Background(), method, raw)
	if errors.Is(err, ipc.ErrClosed) {
		return nil, errors.New("Avault's background process stopped; reopen Avault")
	}
	return out, err
}

// Mismatch is "" when the background process is this build, else the
// message that says it is not.
func (b *Bridge) Mismatch() string {
	<-b.ready
	if b.dialErr != nil {
		return b.dialErr.Error()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.mismatch == nil {
		return ""
	}
	return b.mismatch.Error()
}

// RestartBackground quits the background process of another build and
// starts this build in its place; this window closes, and the new one
// opens.
func (b *Bridge) RestartBackground() error {
	<-b.ready
	b.mu.Lock()
	c, ctx := b.client, b.ctx
	b.mu.Unlock()
	if c == nil {
		return errors.New("Avault's background process is not reachable")
	}
	if _, err := c.Control(context.Background(), ipc.ControlQuit); err != nil {
		return fmt.Errorf("ask the running Avault to quit: %w", err)
	}
	deadline := time.Now().Add(shutdownGrace + 5*time.Second)
	for {
		l, err := instance.Acquire(b.dir)
		if err == nil {
			l.Release()
			break
		}
		if time.Now().After(deadline) {
			return errors.New("the running Avault did not quit; quit it from its tray menu and start Avault again")
		}
		time.Sleep(100 * time.Millisecond)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start Avault again: %w", err)
	}
	_ = cmd.Process.Release()
	b.mu.Lock()
	b.quitting = true
	b.mu.Unlock()
	if ctx != nil {
		runtime.Quit(ctx)
	}
	return nil
}

// connect dials the background process, waiting for it to start.
func (b *Bridge) connect(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		c, err := ipc.Dial(ctx, b.dir, ipc.Hello{Build: ipc.BuildID(version), Role: ipc.RoleWindow})
		cancel()
		if err == nil {
			b.mu.Lock()
			b.client, b.mismatch = c, c.Check()
			b.mu.Unlock()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("Avault's background process did not answer: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startup is Wails' OnStartup: once connected, events flow to the page.
func (b *Bridge) startup(ctx context.Context) {
	b.mu.Lock()
	b.ctx = ctx
	b.mu.Unlock()
	if b.notifier != nil {
		b.notifier.start(ctx)
	}
	go func() {
		<-b.ready
		if b.dialErr != nil {
			slog.Error("the window cannot reach Avault's background process", "err", b.dialErr)
			runtime.Quit(ctx)
			return
		}
		b.mu.Lock()
		c := b.client
		b.mu.Unlock()
		b.listen(c)
	}()
}

// listen relays c's events to the page until the connection ends; then
// the window reconnects (the background process restarted) or closes
// (it quit).
func (b *Bridge) listen(c *ipc.Client) {
	on := func(name string, data json.RawMessage) { b.event(name, data) }
	if b.Mismatch() == "" {
		if err := c.Subscribe(context.Background(), on); err != nil {
			slog.Warn("subscribe to events", "err", err)
		}
	} else {
		c.OnEvent(on)
	}
	go func() {
		<-c.Done()
		b.mu.Lock()
		quitting, ctx := b.quitting, b.ctx
		b.mu.Unlock()
		if quitting {
			return
		}
		if err := b.connect(3 * time.Second); err == nil {
			b.mu.Lock()
			nc := b.client
			b.mu.Unlock()
			b.listen(nc)
			runtime.EventsEmit(ctx, events.DataChanged, map[string]string{"what": "reconnected"})
			return
		}
		slog.Warn("Avault's background process is gone; closing the window")
		runtime.Quit(ctx)
	}()
}

// event handles one event from the background process.
func (b *Bridge) event(name string, data json.RawMessage) {
	b.mu.Lock()
	ctx := b.ctx
	b.mu.Unlock()
	if ctx == nil {
		return
	}
	switch name {
	case ipc.EventShow:
		runtime.WindowUnminimise(ctx)
		runtime.WindowShow(ctx)
	case ipc.EventQuit:
		b.mu.Lock()
		b.quitting = true
		b.mu.Unlock()
		runtime.Quit(ctx)
	case eventNotify:
		var m notify.Message
		if b.notifier != nil && json.Unmarshal(data, &m) == nil {
			go func() {
				nctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				logErr("desktop notification", b.notifier.Notify(nctx, m))
			}()
		}
	default:
		runtime.EventsEmit(ctx, name, data)
	}
}

// runWindow is the window process: a Wails window whose every call and
// event goes through the background process. Closing it ends the process
// and frees WebKit's memory; the background process stays in the tray.
func runWindow() error {
	setProgramName("avault")
	dir, err := service.DataDir()
	if err != nil {
		return err
	}
	b := &Bridge{dir: dir, ready: make(chan struct{})}
	if goruntime.GOOS == "darwin" || goruntime.GOOS == "windows" {
		b.notifier = newWailsNotifier(wailsNotifications{})
	}
	// WebKit starts while the connection is made.
	go func() {
		b.dialErr = b.connect(10 * time.Second)
		close(b.ready)
	}()
	defer func() {
		b.mu.Lock()
		b.quitting = true
		c := b.client
		b.mu.Unlock()
		if c != nil {
			c.Close()
		}
	}()
	return wails.Run(&options.App{
		Title:            "Avault",
		Width:            1100,
		Height:           720,
		MinWidth:         800,
		MinHeight:        520,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 248, G: 250, B: 252, A: 255},
		OnStartup:        b.startup,
		OnDomReady:       domReady,
		Bind:             []any{b},
		Linux: &linux.Options{
			Icon:        appIcon,
			ProgramName: "avault",
		},
	})
}

// domReady checks, once the page is up, that its load waited for the
// window's first frame (window_loadorder_linux.go); otherwise the window
// showed late, which the log says.
func domReady(context.Context) {
	if !firstLoadDeferred() {
		slog.Warn("the window's page loaded before the window was shown; the window appeared later than it should")
	}
}

// runBindings runs only what the Wails CLI needs to generate the frontend's
// bindings: no lock, no database, no tray.
func runBindings() int {
	if err := wails.Run(&options.App{Title: "Avault", Bind: []any{&App{}}}); err != nil {
		return 1
	}
	return 0
}

// hasWindow says this build can be the window (not a -tags nowindow build).
const hasWindow = true
