// Command avault backs up folders of a NAS share to Google Drive, S3 and
// local disks. Without a subcommand it starts the desktop app: a light
// background process (database, schedules, tray) and, on demand, a window
// process that is its client, as the command line and `avault serve` are
// when it runs.
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

	"github.com/avault/avault/backend/cli"
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
	if len(args) > 0 && (args[0] == "quit" || cli.IsCommand(args[0])) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		if args[0] == "quit" {
			return runQuit(ctx, stdout, stderr)
		}
		terminal := isTerminal(os.Stdout)
		// With Avault running, the command runs in its background process.
		if args[0] != "help" {
			if code, ok := runCLIThroughBackground(ctx, args, os.Stdin, stdout, stderr, terminal); ok {
				return code
			}
		}
		return cli.Run(ctx, args, cli.Env{
			Stdin: os.Stdin, Stdout: stdout, Stderr: stderr, Version: version,
			Open: cli.DefaultOpen(version, false), Terminal: terminal,
		})
	}
	fs := flag.NewFlagSet("avault", flag.ContinueOnError)
	fs.SetOutput(stderr)
	hidden := fs.Bool("hidden", false, "start in the tray with no window, as Settings' \"Start in the tray\" does (only when a tray host exists)")
	window := fs.Bool(windowFlag[2:], false, "(internal) be the window of the running Avault")
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
	if *window {
		if err := runWindow(); err != nil {
			fmt.Fprintln(stderr, "avault:", err)
			return 1
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runDesktop(ctx, *hidden); err != nil {
		fmt.Fprintln(stderr, "avault:", err)
		if errors.As(err, new(errForced)) {
			return exitForced
		}
		return 1
	}
	return 0
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
