//go:build windows

package autostart

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

const (
	runKey      = `Software\Microsoft\Windows\CurrentVersion\Run`
	approvedKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`
	valueName   = "Avault"
)

// Enable sets the Run value that starts exe with args at login, replacing
// any earlier one. It also clears a "disabled" mark that Task Manager's
// Startup tab may have left, since the user has just asked for autostart.
func Enable(exe string, args []string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("open the Run key: %w", err)
	}
	defer k.Close()
	if err := k.SetStringValue(valueName, windowsCommandLine(exe, args)); err != nil {
		return fmt.Errorf("set the Run value: %w", err)
	}
	if err := deleteValue(approvedKey); err != nil {
		return fmt.Errorf("clear Task Manager's startup mark: %w", err)
	}
	return nil
}

// Disable removes the Run value; without one it does nothing.
func Disable() error {
	if err := deleteValue(runKey); err != nil {
		return fmt.Errorf("remove the Run value: %w", err)
	}
	return nil
}

// deleteValue deletes Avault's value under a key of the current user; a
// missing key or value is not an error.
func deleteValue(path string) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, path, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer k.Close()
	if err := k.DeleteValue(valueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return err
	}
	return nil
}

// Enabled reports whether the Run value exists and Task Manager's Startup
// tab has not turned it off.
func Enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open the Run key: %w", err)
	}
	defer k.Close()
	if _, _, err := k.GetStringValue(valueName); errors.Is(err, registry.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("read the Run value: %w", err)
	}
	return !disabledInTaskManager(), nil
}

// disabledInTaskManager reads the StartupApproved mark: a binary value
// whose first little-endian word is odd when the entry is turned off.
func disabledInTaskManager() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	v, _, err := k.GetBinaryValue(valueName)
	if err != nil || len(v) < 4 {
		return false
	}
	return binary.LittleEndian.Uint32(v)&1 == 1
}

// Path returns the registry value Avault uses, for display.
func Path() string {
	return `HKEY_CURRENT_USER\` + runKey + `\` + valueName
}
