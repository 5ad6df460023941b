// Package cli is Avault's command line: the same service layer as the
// window, for scripts and terminals. Every command can print JSON (--json)
// for scripts; errors go to stderr and the exit code says what happened.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/service"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailed  = 1 // the command failed, or a run ended FAILED
	ExitUsage   = 2 // the command line was wrong
	ExitPartial = 3 // a run ended PARTIAL_SUCCESS
	ExitCancel  = 4 // a run was cancelled
)

// Env is what a command reads and writes.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Version        string
	// Open opens the service with an emitter for its events; tests give
	// their own data folder.
	Open func(ctx context.Context, emit events.Emitter) (*service.Service, error)
	// Terminal says whether Stdout is a terminal (progress bars).
	Terminal bool
	// Dir is the working folder relative paths are read from (the
	// process's own when empty).
	Dir string
	// Getenv reads the caller's environment (os.Getenv when nil).
	Getenv func(string) string
	// Shared says Open hands out a service that outlives the command (the
	// background process's): the command does not close it.
	Shared bool
}

// getenv reads the caller's environment.
func (e Env) getenv(key string) string {
	if e.Getenv != nil {
		return e.Getenv(key)
	}
	return os.Getenv(key)
}

// abs makes path absolute against the caller's working folder.
func (e Env) abs(path string) (string, error) {
	if filepath.IsAbs(path) || e.Dir == "" {
		return filepath.Abs(path)
	}
	return filepath.Join(e.Dir, path), nil
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, c *call) error
}

// commands lists every subcommand; help prints them in this order.
func commands() []command {
	return []command{
		{"status", "show version, data folder and where the data key lives", cmdStatus},
		{"settings", "show or change settings (NAS root, concurrency, transfers)", cmdSettings},
		{"cred", "manage credentials: cred add s3 | list | rm", cmdCred},
		{"dest", "manage destinations: dest add | list | test | rm", cmdDest},
		{"job", "manage jobs: job add | list | show | edit | rm", cmdJob},
		{"history", "list past runs", cmdHistory},
		{"notify", "notification channels (email, Slack, Discord, ntfy, webhook): notify list | add | test NAME | rm NAME", cmdNotify},
		{"quit", "quit the running Avault (its background process, tray and windows)", nil},
		{"serve", "run without a window and serve the UI to a browser: serve [--addr 127.0.0.1:8420] [--allow-remote --password-stdin] [--cert F --key F]", nil},
		{"autostart", "launch Avault at login: autostart on|off|status", cmdAutostart},
		{"auth", "sign in to Google Drive in the browser: auth google [--name N] [--shared-drives] [--again CREDENTIAL_ID]", cmdAuth},
		{"run", "run a job now and show its progress (exit 0 success, 3 partial, 4 cancelled, 1 failed)", cmdRun},
		{"versions", "list a job's versions", cmdVersions},
		{"verify", "check a version against its manifest: verify JOB [VERSION] [--deep] [--sample N]", cmdVerify},
		{"restore", "restore a version, folder or file: restore JOB VERSION [PATH] --to DIR", cmdRestore},
		{"preview", "show what a job would back up now (dry run)", cmdPreview},
		{"retention", "show which versions a job's retention would keep or delete now: retention JOB [--retention T] [--keep N] [--days N]", cmdRetention},
		{"browse", "list a folder of the NAS", cmdBrowse},
	}
}

// IsCommand reports whether name is a subcommand (not a desktop flag).
func IsCommand(name string) bool {
	if name == "help" {
		return true
	}
	for _, c := range commands() {
		if c.name == name {
			return true
		}
	}
	return false
}

// Run runs the subcommand in args[0] and returns the exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 || args[0] == "help" {
		usage(env.Stdout)
		return ExitOK
	}
	for _, cmd := range commands() {
		if cmd.name != args[0] || cmd.run == nil { // serve and quit are main's
			continue
		}
		c := &call{env: env, args: args[1:], name: cmd.name}
		err := cmd.run(ctx, c)
		if c.svc != nil && !env.Shared {
			_ = c.svc.Close()
		}
		return c.exit(err)
	}
	fmt.Fprintf(env.Stderr, "avault: unknown command %q (see 'avault help')\n", args[0])
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: avault [--hidden]          open the desktop app")
	fmt.Fprintln(w, "       avault COMMAND [ARGS] [--json]")
	fmt.Fprintln(w, "\ncommands:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\n'avault COMMAND -h' describes a command's options.")
}

// call is one invocation: its arguments, output mode and the opened service.
type call struct {
	env  Env
	name string
	args []string
	json bool
	svc  *service.Service
	// emitter receives the service's events (run progress); nil drops them.
	emitter events.Emitter
}

// usageError marks a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// exitError carries an exit code without a message of its own.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func (c *call) exit(err error) int {
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(c.env.Stderr, "avault %s: %s\n", c.name, ue.msg)
		return ExitUsage
	default:
		fmt.Fprintf(c.env.Stderr, "avault %s: %s\n", c.name, err)
		return ExitFailed
	}
}

// flags returns a flag set for a subcommand with the common --json flag.
func (c *call) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("avault "+name, flag.ContinueOnError)
	fs.SetOutput(c.env.Stderr)
	fs.BoolVar(&c.json, "json", false, "print JSON for scripts")
	return fs
}

// parse parses interspersed flags and positional arguments.
func (c *call) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *call) service(ctx context.Context) (*service.Service, error) {
	if c.svc == nil {
		emit := c.emitter
		if emit == nil {
			emit = events.Discard{}
		}
		s, err := c.env.Open(ctx, emit)
		if err != nil {
			return nil, err
		}
		c.svc = s
	}
	return c.svc, nil
}

// print writes v as JSON with --json, otherwise calls text.
func (c *call) print(v any, text func(w io.Writer)) error {
	if c.json {
		enc := json.NewEncoder(c.env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(c.env.Stdout)
	return nil
}

// table writes rows under a header, aligned.
func table(w io.Writer, header []string, rows [][]string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// kv writes key: value lines in the order given.
func kv(w io.Writer, pairs ...[2]string) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, p := range pairs {
		fmt.Fprintf(tw, "%s:\t%s\n", p[0], p[1])
	}
	tw.Flush()
}

// options collects repeated --opt key=value flags.
type options map[string]string

func (o options) String() string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func (o options) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	o[k] = val
	return nil
}

// list collects a repeatable string flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// DefaultOpen opens the service on the default data folder.
func DefaultOpen(version string, keyFile bool) func(ctx context.Context, emit events.Emitter) (*service.Service, error) {
	return func(ctx context.Context, emit events.Emitter) (*service.Service, error) {
		// Problems reach the person as errors; the log would only repeat them.
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		return service.Open(ctx, service.Options{Version: version, Logger: quiet, Emitter: emit, OpenURL: printURL, KeyFile: keyFile || os.Getenv("AVAULT_KEY_FILE") == "1"}.FromEnvironment())
	}
}

// printURL shows the sign-in address on the terminal for the person to open.
func printURL(url string) error {
	fmt.Fprintf(os.Stderr, "Open this address in your browser to sign in (waiting up to 5 minutes):\n\n  %s\n\n", url)
	return nil
}
