package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/avault/avault/backend/instance"
	"github.com/avault/avault/backend/ipc"
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

// serveWeb serves the UI to browsers until ctx ends. When Avault already
// runs (the desktop app in the tray), the browser is one more client of
// its background process. Otherwise this process is the background
// process, headless: it holds the instance lock, runs the schedules and
// serves the socket (so the command line works through it); on the way out
// runs stop and record their end before the database closes.
func serveWeb(ctx context.Context, o web.Options, stdout io.Writer) (err error) {
	dir, err := service.DataDir()
	if err != nil {
		return err
	}
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		return err
	}
	o.Assets = dist
	dialCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	c, err := ipc.Dial(dialCtx, dir, ipc.Hello{Build: ipc.BuildID(version), Role: ipc.RoleWeb})
	cancel()
	if err == nil {
		defer c.Close()
		return serveThrough(ctx, c, o, stdout)
	}
	lock, err := instance.Acquire(dir)
	if errors.Is(err, instance.ErrRunning) {
		return fmt.Errorf("Avault is already running on %s but does not answer; quit it first", dir)
	}
	if err != nil {
		return err
	}
	defer lock.Release()

	hub := web.NewHub(0)
	o.Hub = hub
	openURL := func(url string) error {
		fmt.Fprintf(stdout, "Open this address to continue: %s\n", url)
		return hub.OpenURL(url)
	}
	// Schedules run here as in the desktop app; there is no desktop to
	// notify, so finished runs reach people through the webhook (Settings).
	d, err := startDaemon(ctx, daemonConfig{dir: dir, headless: true, emitter: hub, openURL: openURL})
	if err != nil {
		return err
	}
	served, stop := context.WithCancel(ctx)
	defer stop()
	go func() { d.wait(served); stop() }() // `avault quit` ends it too
	err = web.Serve(served, d.calls, o, serving(o, stdout))
	fmt.Fprintln(stdout, "Stopping: running backups are cancelled and record how they ended (Ctrl+C again quits at once).")
	err = errors.Join(err, d.shutdown())
	if err == nil {
		fmt.Fprintln(stdout, "Avault stopped.")
	}
	return err
}

// serveThrough serves browsers as a client of the running Avault: calls
// and events go through its socket. It stops with ctx, or when that Avault
// quits.
func serveThrough(ctx context.Context, c *ipc.Client, o web.Options, stdout io.Writer) error {
	if err := c.Check(); err != nil {
		return err
	}
	hub := web.NewHub(0)
	o.Hub = hub
	if err := c.Subscribe(ctx, func(name string, data json.RawMessage) { hub.Emit(name, data) }); err != nil {
		return err
	}
	served, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-c.Done():
		case <-served.Done():
		}
		stop()
	}()
	fmt.Fprintf(stdout, "Avault is running (process %d); serving it to browsers.\n", c.Server().PID)
	err := web.Serve(served, remoteCaller{c}, o, serving(o, stdout))
	if err == nil && ctx.Err() == nil {
		return errors.New("the running Avault quit; 'avault serve' stops with it")
	}
	return err
}

// remoteCaller calls the App methods of the background process.
type remoteCaller struct{ c *ipc.Client }

func (r remoteCaller) Call(ctx context.Context, name string, args []byte) (json.RawMessage, error) {
	return r.c.CallRaw(ctx, name, args)
}

// serving prints where the UI is served and how to reach it.
func serving(o web.Options, stdout io.Writer) func(string) {
	return func(u string) {
		fmt.Fprintf(stdout, "Avault is serving at %s\n", u)
		if o.Password == "" {
			fmt.Fprintln(stdout, "Open that address in a browser on this machine; the token in it is the key, keep it private.")
		}
		if o.AllowRemote && o.CertFile == "" {
			fmt.Fprintln(stdout, "Warning: without --cert the password travels unencrypted; use this only on a network you trust.")
		}
		fmt.Fprintln(stdout, "Press Ctrl+C to stop.")
	}
}
