package notify

import (
	"errors"
	"time"
)

// ErrUnsupported is returned by a Desktop on a system where it cannot
// show notifications itself; there the window's own notifications are
// used.
var ErrUnsupported = errors.New("desktop notifications are not supported here")

// appName is the application name notification servers show and group by.
const appName = "Avault"

// DesktopOptions configure a Desktop. Zero values mean the defaults noted.
type DesktopOptions struct {
	// Address is the D-Bus session bus address (default
	// $DBUS_SESSION_BUS_ADDRESS). No bus is ever started.
	Address string
	// Icon is an icon theme name or an absolute path to an image (default
	// "avault").
	Icon string
	// Timeout is how long a message stays on screen (default: the
	// notification server's choice). Critical messages stay until
	// dismissed, whatever it says.
	Timeout time.Duration
	// CallTimeout bounds connecting and each call, so that a hung bus or
	// notification server cannot hold up a run (default 5 s).
	CallTimeout time.Duration
}

func (o DesktopOptions) withDefaults() DesktopOptions {
	if o.Icon == "" {
		o.Icon = "avault"
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 5 * time.Second
	}
	return o
}
