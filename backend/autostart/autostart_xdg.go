//go:build linux || freebsd || netbsd || openbsd || dragonfly

package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// entryPath returns $XDG_CONFIG_HOME/autostart/avault.desktop, with
// ~/.config standing in for an unset XDG_CONFIG_HOME.
func entryPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the autostart folder: %w", err)
	}
	return filepath.Join(dir, "autostart", "avault.desktop"), nil
}

// Enable writes the XDG autostart entry that runs exe with args at login,
// replacing any earlier one.
func Enable(exe string, args []string) error {
	p, err := entryPath()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(p, []byte(desktopEntry(exe, args)), 0o644); err != nil {
		return fmt.Errorf("write the autostart entry: %w", err)
	}
	return nil
}

// Disable removes the autostart entry; without one it does nothing.
func Disable() error {
	p, err := entryPath()
	if err != nil {
		return err
	}
	if err := removeFile(p); err != nil {
		return fmt.Errorf("remove the autostart entry: %w", err)
	}
	return nil
}

// Enabled reports whether the autostart entry exists and is not turned
// off (Hidden=true, or X-GNOME-Autostart-enabled=false set by the
// desktop's settings).
func Enabled() (bool, error) {
	p, err := entryPath()
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the autostart entry: %w", err)
	}
	return entryEnabled(string(data)), nil
}

// Path returns where the autostart entry lives, for display, or "" when
// the configuration folder cannot be found.
func Path() string {
	p, err := entryPath()
	if err != nil {
		return ""
	}
	return p
}
