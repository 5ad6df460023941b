// Package ipc is the channel between Avault's background process and its
// clients: the window, the command line and `avault serve`.
//
// The background process owns the database, the scheduler, the queue and
// the tray, and listens on a socket in the data folder (0700): a Unix
// socket on Linux and macOS, whose peer's user id is checked on every
// connection, and a named pipe with a user-only ACL on Windows. A process
// of another user is refused before it can say anything.
//
// The protocol is one JSON object per line. A client first says hello with
// the protocol number and its build; the server answers with its own. A
// client of another build may still ask the server to show its window or
// to quit (the window's way of restarting an old background process), but
// every other request is refused with a message that names both builds:
// never a crash, never a silent mismatch.
//
// After the hello a client may, concurrently and by request id:
//   - call a method of the facade the window uses (same names, same JSON
//     arguments and results as the Wails bindings), and cancel it;
//   - subscribe to the service's events;
//   - run a command line (argv, working folder, the standard streams) in
//     the background process, so that a command works through it exactly
//     as it would have on its own: same validation, errors and exit code;
//   - send a control: show a window, quit.
package ipc

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
)

// SocketName is the socket's name in the data folder (Linux, macOS).
const SocketName = "avault.sock"

// Protocol is the wire protocol's number; it changes whenever a frame's
// meaning does.
const Protocol = 1

// Roles a client says it has in its hello.
const (
	RoleCLI    = "cli"
	RoleWindow = "window"
	RoleWeb    = "web"
	RoleLaunch = "launch" // a launch that only asks for a window
)

// Controls a client can send whatever its build.
const (
	// ControlOpen asks for a window: an open one comes forward, or the
	// background process starts one. The reply says which ("shown" or
	// "started").
	ControlOpen = "open"
	// ControlQuit asks the background process to quit cleanly.
	ControlQuit = "quit"
)

// Events the background process sends to windows only (besides the
// service's events, which every subscriber gets).
const (
	// EventShow asks a window to come forward.
	EventShow = "app:show"
	// EventQuit tells windows that the background process is quitting.
	EventQuit = "app:quit"
)

// Hello is the first frame each side sends.
type Hello struct {
	Protocol int    `json:"protocol"`
	Build    string `json:"build"`
	Role     string `json:"role,omitempty"`
	PID      int    `json:"pid"`
	// Server only: whether it shows a tray item, and whether Settings ask
	// a plain launch to start in the tray.
	Tray        bool `json:"tray,omitempty"`
	StartHidden bool `json:"startHidden,omitempty"`
}

// Compatible reports whether a client of build b may use a server that
// said h: same protocol, same build.
func (h Hello) Compatible(b Hello) error {
	if h.Protocol != b.Protocol || h.Build != b.Build {
		return &MismatchError{Server: h, Client: b}
	}
	return nil
}

// MismatchError says that a client and the background process are of
// different builds.
type MismatchError struct{ Server, Client Hello }

func (e *MismatchError) Error() string {
	return fmt.Sprintf("Avault's background process is build %s (protocol %d) and this is build %s (protocol %d); "+
		"quit Avault from its tray menu (or run 'avault quit') and start it again so both are the same build",
		e.Server.Build, e.Server.Protocol, e.Client.Build, e.Client.Protocol)
}

// BuildID names this build: the version and, when the binary carries
// them, its revision and whether the tree was modified.
func BuildID(version string) string {
	id := version
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev, modified string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			id += "-" + rev + modified
		}
	}
	return id
}

// frame is one line of the protocol. Which fields are set says what it is.
type frame struct {
	Hello *Hello `json:"hello,omitempty"`

	ID uint64 `json:"id,omitempty"`

	// client → server
	Call      string          `json:"call,omitempty"`
	Args      json.RawMessage `json:"args,omitempty"`
	Cancel    bool            `json:"cancel,omitempty"`
	Subscribe bool            `json:"subscribe,omitempty"`
	Control   string          `json:"control,omitempty"`
	Exec      *Exec           `json:"exec,omitempty"`
	Stdin     []byte          `json:"stdin,omitempty"`
	StdinEOF  bool            `json:"stdinEOF,omitempty"`

	// server → client
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *WireError      `json:"error,omitempty"`
	Event     string          `json:"event,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`
	Stdout    []byte          `json:"stdout,omitempty"`
	Stderr    []byte          `json:"stderr,omitempty"`
	WantStdin bool            `json:"wantStdin,omitempty"`
	Exit      *int            `json:"exit,omitempty"`
	Done      bool            `json:"done,omitempty"`
}

// Exec is a command line to run in the background process.
type Exec struct {
	Args     []string          `json:"args"`
	Dir      string            `json:"dir"`      // the client's working folder
	Env      map[string]string `json:"env"`      // the client's AVAULT_* variables
	Terminal bool              `json:"terminal"` // the client's stdout is a terminal
}

// Error codes on the wire.
const (
	CodeFailed   = ""         // the method returned an error
	CodeUnknown  = "unknown"  // no such method
	CodeBadArgs  = "args"     // arguments that do not fit
	CodeMismatch = "mismatch" // another build
	CodeCanceled = "canceled" // the client cancelled the call
	CodeRefused  = "refused"  // not allowed (bad frame, closed server)
)

// WireError is an error as it travels.
type WireError struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// RemoteError is an error the background process returned; its message is
// the one the service gave.
type RemoteError struct {
	Code    string
	Message string
}

func (e *RemoteError) Error() string { return e.Message }

// ErrUnknownMethod and ErrBadArguments are matched by RemoteErrors of
// those codes (errors.Is).
var (
	ErrUnknownMethod = errors.New("no such method")
	ErrBadArguments  = errors.New("bad arguments")
	// ErrClosed means the connection to the background process ended.
	ErrClosed = errors.New("the connection to Avault's background process ended")
)

// Is matches the sentinel errors of the codes that have one.
func (e *RemoteError) Is(target error) bool {
	switch e.Code {
	case CodeUnknown:
		return target == ErrUnknownMethod
	case CodeBadArgs:
		return target == ErrBadArguments
	}
	return false
}
