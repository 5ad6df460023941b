package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"time"

	"github.com/avault/avault/backend/cli"
	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/instance"
	"github.com/avault/avault/backend/ipc"
	"github.com/avault/avault/backend/notify"
	"github.com/avault/avault/backend/service"
	"github.com/avault/avault/backend/store"
	"github.com/avault/avault/backend/web"
)

// The background process owns the database, the scheduler, the queue and
// the tray. It has no WebKit: the window is a process of its own that it
// starts on demand (tray "Open Avault", a launch) and that talks to it over
// the socket, as the command line and `avault serve` do.
type daemon struct {
	dir      string
	trayHost bool
	// headless: `avault serve`, which serves browsers and starts no window.
	headless bool
	exe      string // what a window is started from

	svc   *service.Service
	app   *App
	calls *web.Dispatcher
	srv   *ipc.Server
	fan   *events.Fanout
	tray  interface{ Stop() }

	quitOnce sync.Once
	quitCh   chan struct{}

	mu     sync.Mutex
	window *exec.Cmd // the window process, while it runs
	exit   func(code int)
}

// daemonConfig is what a background process is started with.
type daemonConfig struct {
	dir      string
	trayHost bool
	headless bool
	// emitter receives the service's events besides the socket's clients
	// (the web mode's hub).
	emitter events.Emitter
	// desktop: finished runs are shown as desktop notifications (else
	// through Settings' webhook only).
	desktop bool
	// openURL opens the Google sign-in page (nil: the system browser).
	openURL func(string) error
}

// startDaemon opens the service and starts serving the socket; the caller
// holds the single-instance lock of cfg.dir.
func startDaemon(ctx context.Context, cfg daemonConfig) (*daemon, error) {
	d := &daemon{dir: cfg.dir, trayHost: cfg.trayHost, headless: cfg.headless, fan: &events.Fanout{},
		quitCh: make(chan struct{}), exit: os.Exit}
	if exe, err := os.Executable(); err == nil {
		d.exe = exe
	}
	d.srv = ipc.NewServer(ipc.Hello{Build: ipc.BuildID(version), Tray: cfg.trayHost}, ipc.Handler{
		Call: func(ctx context.Context, m string, args json.RawMessage) (json.RawMessage, error) {
			return d.calls.Call(ctx, m, args)
		},
		Exec:    d.execCLI,
		Open:    d.openWindow,
		Quit:    d.quit,
		Windows: func(int) {},
	}, nil)
	refresher := &trayRefresher{}
	emit := events.Multi{d.srv, d.fan, refresher}
	if cfg.emitter != nil {
		emit = append(emit, cfg.emitter)
	}
	openURL := cfg.openURL
	if openURL == nil {
		openURL = openBrowser
	}
	var notifier notify.Notifier
	if cfg.desktop {
		notifier = desktopNotifier(d.srv)
	}
	svc, err := service.Open(ctx, service.Options{
		DataDir: cfg.dir, Version: version, TrayHost: cfg.trayHost, Emitter: emit,
		OpenURL: openURL, Schedules: true, Notifier: notifier,
	}.FromEnvironment())
	if err != nil {
		return nil, err
	}
	d.svc = svc
	d.app = NewApp(svc)
	refresher.d = d
	calls, err := web.NewContextDispatcher(d.app, d.app.forCall)
	if err != nil {
		svc.Close()
		return nil, err
	}
	d.calls = calls
	ln, err := ipc.Listen(cfg.dir)
	if err != nil {
		svc.Close()
		return nil, err
	}
	go func() {
		if err := d.srv.Serve(ln); err != nil {
			slog.Error("the socket stopped serving", "err", err)
		}
	}()
	return d, nil
}

// quit asks the background process to quit; it returns at once.
func (d *daemon) quit() { d.quitOnce.Do(func() { close(d.quitCh) }) }

// wait blocks until Quit (tray, `avault quit`, the last window closed
// without a tray host) or until ctx ends (SIGINT, SIGTERM).
func (d *daemon) wait(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-d.quitCh:
	}
}

// shutdown ends everything within shutdownGrace: windows are told to
// close, the tray goes, runs and tasks stop and record their end, then
// the socket and the database close. Should it hang, the process exits
// with exitForced.
func (d *daemon) shutdown() error {
	watchdog := time.AfterFunc(shutdownGrace, func() {
		slog.Error("quitting did not finish in time; exiting", "after", shutdownGrace, "code", exitForced)
		d.exit(exitForced)
	})
	defer watchdog.Stop()
	d.srv.EmitWindows(ipc.EventQuit, nil)
	d.stopTray()
	err := shutdownService(d.svc)
	d.srv.Close()
	d.waitWindow(5 * time.Second)
	return err
}

// execCLI runs a command line sent by `avault COMMAND` on this process's
// service: the same code, validation, errors and exit codes as when the
// command opens the database itself.
func (d *daemon) execCLI(ctx context.Context, e ipc.Exec, stdin io.Reader, stdout, stderr io.Writer) int {
	var mu sync.Mutex
	var removes []func()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range removes {
			r()
		}
	}()
	return cli.Run(ctx, e.Args, cli.Env{
		Stdin: stdin, Stdout: stdout, Stderr: stderr, Version: version, Terminal: e.Terminal,
		Dir: e.Dir, Getenv: func(k string) string { return e.Env[k] }, Shared: true,
		Open: func(_ context.Context, emit events.Emitter) (*service.Service, error) {
			if emit != nil {
				mu.Lock()
				removes = append(removes, d.fan.Add(emit))
				mu.Unlock()
			}
			return d.svc, nil
		},
	})
}

// openWindow brings the window forward, or starts a window process.
func (d *daemon) openWindow() (string, error) {
	if d.headless {
		return "", errors.New("Avault runs headless here ('avault serve'); open the address it printed in a browser")
	}
	if d.srv.EmitWindows(ipc.EventShow, nil) > 0 {
		return "shown", nil
	}
	d.mu.Lock()
	starting := d.window != nil
	d.mu.Unlock()
	if starting {
		return "starting", nil
	}
	cmd, err := startWindowProcess(d.exe)
	if err != nil {
		return "", err
	}
	d.trackWindow(cmd)
	return "started", nil
}

// startWindowProcess starts a window process of the Avault in exe.
func startWindowProcess(exe string) (*exec.Cmd, error) {
	prog, args, err := windowProgram(exe)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(prog, args...)
	cmd.Env = os.Environ()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the window: %w", err)
	}
	return cmd, nil
}

// trackWindow watches the window process cmd until it ends.
func (d *daemon) trackWindow(cmd *exec.Cmd) {
	d.mu.Lock()
	d.window = cmd
	d.mu.Unlock()
	go func() {
		if err := cmd.Wait(); err != nil {
			slog.Warn("the window process ended", "err", err)
		}
		d.mu.Lock()
		if d.window == cmd {
			d.window = nil
		}
		d.mu.Unlock()
		// Without a tray host the window is all a person sees of Avault:
		// closing it quits.
		if !d.trayHost {
			d.quit()
		}
	}()
}

// waitWindow waits up to d for the window process to end, then kills it.
func (d *daemon) waitWindow(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		d.mu.Lock()
		w := d.window
		d.mu.Unlock()
		if w == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.mu.Lock()
	if d.window != nil && d.window.Process != nil {
		_ = d.window.Process.Kill()
	}
	d.mu.Unlock()
}

// windowProgramName is the window's program, installed beside avault: the
// background process and the command line are a build without WebKit
// (-tags nowindow), so the tray costs no WebKit memory.
const windowProgramName = "avault-window"

// windowProgram is what starts a window: avault-window beside exe, or in
// ../lib/avault/ from exe's folder (the packages install /usr/bin/avault
// and /usr/lib/avault/avault-window, the tarball ~/.local/bin and
// ~/.local/lib/avault), or exe itself when it is a build with the window.
func windowProgram(exe string) (string, []string, error) {
	if exe == "" {
		return "", nil, errors.New("cannot find Avault's program file to open a window")
	}
	name := windowProgramName
	if goruntime.GOOS == "windows" {
		name += ".exe"
	}
	dir := filepath.Dir(exe)
	places := []string{filepath.Join(dir, name), filepath.Join(filepath.Dir(dir), "lib", "avault", name)}
	for _, p := range places {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, []string{windowFlag}, nil
		}
	}
	if hasWindow {
		return exe, []string{windowFlag}, nil
	}
	return "", nil, fmt.Errorf("cannot open a window: %s is not installed beside %s nor in %s", name, exe, filepath.Dir(places[1]))
}

// windowFlag starts the window process (internal: the background process
// passes it).
const windowFlag = "--window"

// runDesktop is a plain launch (`avault`, `avault --hidden`). When Avault
// already runs it asks that copy for a window and returns; otherwise this
// process becomes the background process, opens a window unless it starts
// in the tray, and runs until Quit, SIGTERM or SIGINT.
func runDesktop(ctx context.Context, hidden bool) (err error) {
	dir, err := service.DataDir()
	if err != nil {
		return err
	}
	lock, err := instance.Acquire(dir)
	if errors.Is(err, instance.ErrRunning) {
		return launchInto(ctx, dir, hidden)
	}
	if err != nil {
		return err
	}
	defer lock.Release()

	// Without a tray host a hidden start could never be brought back. The
	// window process starts first, even before the tray host is asked for:
	// WebKit takes longest, and the window connects once the socket is up.
	var window *exec.Cmd
	startWindow := func() error {
		exe, _ := os.Executable()
		w, err := startWindowProcess(exe)
		window = w
		return err
	}
	wantHidden := hidden || peekStartHidden(dir)
	if !wantHidden {
		if err := startWindow(); err != nil {
			return err
		}
	}
	trayHost := trayHostAvailable()
	if wantHidden && !trayHost {
		if err := startWindow(); err != nil {
			return err
		}
	}
	d, err := startDaemon(ctx, daemonConfig{dir: dir, trayHost: trayHost, desktop: true})
	if err != nil {
		if window != nil {
			_ = window.Process.Kill()
			_ = window.Wait()
		}
		return err
	}
	if window != nil {
		d.trackWindow(window)
	}
	if trayHost {
		d.startTray()
	}
	d.wait(ctx)
	return d.shutdown()
}

// peekStartHidden reads Settings' "Start in the tray" before the service
// opens, so the window can start at once when it is off.
func peekStartHidden(dir string) bool {
	st, err := store.PeekSettings(dir)
	return err == nil && st.StartHidden
}

// launchInto asks the running Avault of dir for its window.
func launchInto(ctx context.Context, dir string, hidden bool) error {
	c, err := ipc.Dial(ctx, dir, ipc.Hello{Build: ipc.BuildID(version), Role: ipc.RoleLaunch})
	if err != nil {
		return fmt.Errorf("Avault is already running, but did not answer: %w", err)
	}
	defer c.Close()
	if hidden && c.Server().Tray {
		return nil // a login launch: it already runs in the tray
	}
	reply, err := c.Control(ctx, ipc.ControlOpen)
	if err != nil {
		return err
	}
	if reply == "shown" {
		fmt.Println("Avault is already running; its window was brought forward.")
	} else {
		fmt.Println("Avault is already running; its window is opening.")
	}
	return nil
}

// runQuit is `avault quit`: the running Avault quits cleanly.
func runQuit(ctx context.Context, stdout, stderr io.Writer) int {
	dir, err := service.DataDir()
	if err != nil {
		fmt.Fprintln(stderr, "avault quit:", err)
		return 1
	}
	c, err := ipc.Dial(ctx, dir, ipc.Hello{Build: ipc.BuildID(version), Role: ipc.RoleCLI})
	if err != nil {
		fmt.Fprintln(stderr, "avault quit: Avault is not running")
		return 1
	}
	defer c.Close()
	if _, err := c.Control(ctx, ipc.ControlQuit); err != nil {
		fmt.Fprintln(stderr, "avault quit:", err)
		return 1
	}
	// The lock goes with the process: wait for it, so a script can start
	// Avault again right after.
	deadline := time.Now().Add(shutdownGrace + 5*time.Second)
	for time.Now().Before(deadline) {
		l, err := instance.Acquire(dir)
		if err == nil {
			l.Release()
			fmt.Fprintln(stdout, "Avault quit.")
			return 0
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Fprintln(stderr, "avault quit: Avault is still running after", shutdownGrace)
	return 1
}

// runCLIThroughBackground runs a command line in the running Avault; ok
// is false when none runs (the command then opens the database itself).
func runCLIThroughBackground(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, terminal bool) (code int, ok bool) {
	dir, err := service.DataDir()
	if err != nil {
		return 0, false
	}
	dialCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	c, err := ipc.Dial(dialCtx, dir, ipc.Hello{Build: ipc.BuildID(version), Role: ipc.RoleCLI})
	cancel()
	if err != nil {
		return 0, false
	}
	defer c.Close()
	if err := c.Check(); err != nil {
		fmt.Fprintf(stderr, "avault %s: %v\n", args[0], err)
		return cli.ExitFailed, true
	}
	wd, _ := os.Getwd()
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, found := strings.Cut(kv, "="); found && strings.HasPrefix(k, "AVAULT_") {
			env[k] = v
		}
	}
	code, err = c.Exec(ctx, ipc.Exec{Args: args, Dir: wd, Env: env, Terminal: terminal}, stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "avault %s: %v\n", args[0], err)
		return cli.ExitFailed, true
	}
	return code, true
}

// windowNotifier hands notifications to the open window, whose Wails
// runtime shows them: on macOS and Windows only a window can.
type windowNotifier struct{ srv *ipc.Server }

// eventNotify carries a notify.Message to the windows.
const eventNotify = "app:notify"

func (w windowNotifier) Notify(_ context.Context, m notify.Message) error {
	if w.srv.EmitWindows(eventNotify, m) == 0 {
		return errors.New("desktop notification: no window is open to show it (on this system notifications need the window)")
	}
	return nil
}

func logErr(what string, err error) {
	if err != nil {
		slog.Warn(what, "err", err)
	}
}
