//go:build !linux

package tray

// HostAvailable reports whether a tray host exists. macOS and Windows always
// have a menu bar or notification area.
func HostAvailable() bool { return true }
