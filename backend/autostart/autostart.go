// Package autostart starts Avault when the user logs in: an XDG autostart
// entry on Linux and the BSDs, a LaunchAgent on macOS, and a value under
// the Run key of the current user's registry on Windows.
//
// Enable, Disable, Enabled and Path act for the current user only and need
// no administrator rights. The app is started with HiddenArg so that it
// opens in the tray.
package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// HiddenArg is the argument that starts Avault in the tray with its window
// hidden; pass it to Enable.
const HiddenArg = "--hidden"

// ErrUnsupported is returned on a system without a known way to start
// programs at login.
var ErrUnsupported = errors.New("starting at login is not supported on this system")

// Executable returns the path to start Avault from: the AppImage file when
// Avault runs from one (os.Executable would name a temporary mount that is
// gone after logout), otherwise the running program.
func Executable() (string, error) {
	if p := os.Getenv("APPIMAGE"); p != "" && filepath.IsAbs(p) {
		return p, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find Avault's own program file: %w", err)
	}
	return exe, nil
}

// writeFileAtomic replaces name with data: it writes a temporary file in
// the same folder, syncs it and renames it over name, so that a crash
// leaves the old file or the new one, never a part.
func writeFileAtomic(name string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// removeFile removes name; a file that is already gone is not an error.
func removeFile(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
