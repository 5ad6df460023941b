//go:build (dragonfly || freebsd || linux || netbsd || openbsd) && !android

package secrets

import (
	"fmt"
	"os"
	"path/filepath"
)

// runtimeDir is where godbus looks for a session bus socket when
// DBUS_SESSION_BUS_ADDRESS is unset. A variable so tests can point it at
// an empty folder.
var runtimeDir = func() string { return fmt.Sprintf("/run/user/%d", os.Getuid()) }

// sessionBusPresent reports ErrNoSessionBus when godbus would find no
// session bus. Without this check godbus runs dbus-launch, which starts a
// stray bus daemon (and with it a keyring) that outlives Avault.
func sessionBusPresent() error {
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" && addr != "autolaunch:" {
		return nil
	}
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runtimeDir(), name)); err == nil {
			return nil
		}
	}
	return ErrNoSessionBus
}
