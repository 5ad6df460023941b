//go:build !(linux || freebsd || netbsd || openbsd || dragonfly || darwin || windows)

package autostart

// Enable returns ErrUnsupported.
func Enable(exe string, args []string) error { return ErrUnsupported }

// Disable returns ErrUnsupported.
func Disable() error { return ErrUnsupported }

// Enabled returns false and ErrUnsupported.
func Enabled() (bool, error) { return false, ErrUnsupported }

// Path returns "".
func Path() string { return "" }
