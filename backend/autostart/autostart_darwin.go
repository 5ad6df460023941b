//go:build darwin

package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// agentPath returns ~/Library/LaunchAgents/app.avault.plist.
func agentPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the LaunchAgents folder: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", launchAgentLabel+".plist"), nil
}

// Enable writes a LaunchAgent that runs exe with args at login, replacing
// any earlier one. It takes effect at the next login; the running Avault
// is not started a second time.
func Enable(exe string, args []string) error {
	p, err := agentPath()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(p, launchAgentPlist(exe, args), 0o644); err != nil {
		return fmt.Errorf("write the LaunchAgent: %w", err)
	}
	return nil
}

// Disable removes the LaunchAgent; without one it does nothing.
func Disable() error {
	p, err := agentPath()
	if err != nil {
		return err
	}
	if err := removeFile(p); err != nil {
		return fmt.Errorf("remove the LaunchAgent: %w", err)
	}
	return nil
}

// Enabled reports whether the LaunchAgent exists.
func Enabled() (bool, error) {
	p, err := agentPath()
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("look for the LaunchAgent: %w", err)
	}
	return true, nil
}

// Path returns where the LaunchAgent lives, for display, or "" when the
// home folder cannot be found.
func Path() string {
	p, err := agentPath()
	if err != nil {
		return ""
	}
	return p
}
