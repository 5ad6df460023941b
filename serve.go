package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/avault/avault/backend/instance"
	"github.com/avault/avault/backend/service"
	"github.com/avault/avault/backend/web"
)

// envWebPassword holds the web mode's password when --password-stdin is not used.
const envWebPassword = "AVAULT_WEB_PASSWORD"

// runServe is `avault serve`: the service without a window, its frontend
// served to a browser. It takes the same single-instance lock as the
// desktop app, so the two never run on one data folder at once.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("avault serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprintf(stderr, "usage: avault serve [flags]\n\nRuns Avault without a window and serves it to a browser.\n"+
			"By default it listens on %s and prints a URL with a one-time access token.\n\n", web.DefaultAddr)
		fset.PrintDefaults()
	}
	addr := fset.String("addr", web.DefaultAddr, "listen address (host:port; port 0 picks a free one)")
	allowRemote := fset.Bool("allow-remote", false, "allow an address other machines can reach (needs a password)")
	passStdin := fset.Bool("password-stdin", false, "read a login password from the first line of standard input (else $"+envWebPassword+")")
	cert := fset.String("cert", "", "TLS certificate file (PEM), to serve HTTPS")
	key := fset.String("key", "", "TLS private key file (PEM)")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "avault serve: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	password := os.Getenv(envWebPassword)
	if *passStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(stderr, "avault serve: --password-stdin: no password on standard input")
			return 2
		}
		password = strings.TrimRight(line, "\r\n")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Once stopping, a second Ctrl+C ends the process at once.
	go func() { <-ctx.Done(); stop() }()
	err := serveWeb(ctx, web.Options{
		Addr: *addr, AllowRemote: *allowRemote, Password: password, CertFile: *cert, KeyFile: *key,
	}, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "avault serve:", err)
		if errors.As(err, new(errForced)) {
			return exitForced
		}
		return 1
	}
	return 0
}

// serveWeb holds the instance lock, opens the service with the web event hub
// as its emitter, and serves until ctx ends; then runs stop and record
// their end before the database closes (at most runsGrace).
func serveWeb(ctx context.Context, o web.Options, stdout io.Writer) (err error) {
	dir, err := service.DataDir()
	if err != nil {
		return err
	}
	lock, err := instance.Acquire(dir)
	if errors.Is(err, instance.ErrRunning) {
		return fmt.Errorf("Avault is already running on %s (the desktop app or another 'avault serve'); quit it first", dir)
	}
	if err != nil {
		return err
	}
	defer lock.Release()

	hub := web.NewHub(0)
	openURL := func(url string) error {
		fmt.Fprintf(stdout, "Open this address to continue: %s\n", url)
		return hub.OpenURL(url)
	}
	// Schedules run here as in the desktop app; there is no desktop to
	// notify, so finished runs reach people through the webhook (Settings).
	svc, err := service.Open(ctx, service.Options{
		DataDir: dir, Version: version, Emitter: hub, OpenURL: openURL, Schedules: true,
	}.FromEnvironment())
	if err != nil {
		return err
	}
	shut := false
	defer func() {
		if !shut {
			err = errors.Join(err, shutdownService(svc))
		}
	}()

	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		return err
	}
	o.Assets, o.Hub = dist, hub
	// A later desktop launch asks this copy to show its window; there is none.
	if err := lock.Serve(func() {
		slog.Info("a window was asked for, but Avault runs headless; open the address 'avault serve' printed in a browser")
	}); err != nil {
		return err
	}
	err = web.Serve(ctx, NewApp(svc), o, func(u string) {
		fmt.Fprintf(stdout, "Avault is serving at %s\n", u)
		if o.Password == "" {
			fmt.Fprintln(stdout, "Open that address in a browser on this machine; the token in it is the key, keep it private.")
		}
		if o.AllowRemote && o.CertFile == "" {
			fmt.Fprintln(stdout, "Warning: without --cert the password travels unencrypted; use this only on a network you trust.")
		}
		fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Stopping: running backups are cancelled and record how they ended (Ctrl+C again quits at once).")
	shut = true
	if err := shutdownService(svc); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Avault stopped.")
	return nil
}
