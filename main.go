// Command avault backs up folders of a NAS share to Google Drive, S3 and
// local disks. Without a subcommand it opens the desktop app (window + tray).
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"github.com/avault/avault/backend/cli"
	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/events/wailsemit"
	"github.com/avault/avault/backend/instance"
	"github.com/avault/avault/backend/service"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var appIcon []byte

// The tray's icons: idle, running, error, paused.
var (
	//go:embed build/tray/idle.png
	trayIdle []byte
	//go:embed build/tray/running.png
	trayRunning []byte
	//go:embed build/tray/error.png
	trayError []byte
	//go:embed build/tray/paused.png
	trayPaused []byte
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "serve" {
		return runServe(args[1:], os.Stdin, stdout, stderr)
	}
	if len(args) > 0 && cli.IsCommand(args[0]) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return cli.Run(ctx, args, cli.Env{
			Stdin: os.Stdin, Stdout: stdout, Stderr: stderr, Version: version,
			Open: cli.DefaultOpen(version, false), Terminal: isTerminal(os.Stdout),
		})
	}
	fs := flag.NewFlagSet("avault", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hidden := fs.Bool("hidden", false, "start in the tray with the window hidden, as Settings' \"Start in the tray\" does (only when a tray host exists)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "avault", version)
		return 0
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "avault: unknown command %q (see 'avault help')\n", fs.Arg(0))
		return 2
	}
	if generatingBindings {
		return runBindings()
	}
	if err := runDesktop(*hidden); err != nil {
		fmt.Fprintln(stderr, "avault:", err)
		if errors.As(err, new(errForced)) {
			return exitForced
		}
		return 1
	}
	return 0
}

// runDesktop takes the single-instance lock, opens the service and runs the
// window and the tray until Quit, SIGTERM or SIGINT. It starts hidden when
// asked (--hidden) or when Settings say so, and only with a tray host.
func runDesktop(hidden bool) (err error) {
	dir, err := service.DataDir()
	if err != nil {
		return err
	}
	lock, err := instance.Acquire(dir)
	if errors.Is(err, instance.ErrRunning) {
		if err := instance.ShowRunning(dir); err != nil {
			return fmt.Errorf("Avault is already running, but did not answer: %w", err)
		}
		fmt.Println("Avault is already running; its window was brought forward.")
		return nil
	}
	if err != nil {
		return err
	}
	defer lock.Release()

	trayHost := trayHostAvailable()
	emitter := &wailsemit.Emitter{}
	notifier := desktopNotifier()
	var app *App
	refresher := &trayRefresher{}
	svc, err := service.Open(context.Background(), service.Options{
		DataDir: dir, Version: version, TrayHost: trayHost, Emitter: events.Multi{emitter, refresher},
		OpenURL:   func(url string) error { return app.openURL(url) },
		Schedules: true,
		Notifier:  notifier,
	}.FromEnvironment())
	if err != nil {
		return err
	}
	app = NewApp(svc)
	refresher.app = app
	// Runs stop and record their end, and notifications being sent go out,
	// before the database closes; Wails' OnShutdown armed the watchdog.
	defer func() {
		app.stopTray()
		err = errors.Join(err, shutdownService(svc))
		app.stopWatchdog()
	}()
	if err := lock.Serve(app.show); err != nil {
		return err
	}

	// Wails itself turns SIGINT and SIGTERM into a clean Quit (OnShutdown runs).
	return wails.Run(&options.App{
		Title:     "Avault",
		Width:     1100,
		Height:    720,
		MinWidth:  800,
		MinHeight: 520,
		// Without a tray host a hidden window could never be brought back.
		StartHidden:       svc.StartHidden(hidden),
		HideWindowOnClose: trayHost,
		AssetServer:       &assetserver.Options{Assets: assets},
		BackgroundColour:  &options.RGBA{R: 248, G: 250, B: 252, A: 255},
		OnStartup: func(ctx context.Context) {
			emitter.SetContext(ctx)
			app.startup(ctx)
			startNotifier(notifier, ctx)
			if trayHost {
				app.startTray()
			}
		},
		OnShutdown: app.shutdown,
		Bind:       []any{app},
		Linux: &linux.Options{
			Icon:        appIcon,
			ProgramName: "avault",
		},
	})
}

// runBindings runs only what the Wails CLI needs to generate the frontend's
// bindings: no lock, no database, no tray.
func runBindings() int {
	if err := wails.Run(&options.App{Title: "Avault", Bind: []any{&App{}}}); err != nil {
		return 1
	}
	return 0
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
