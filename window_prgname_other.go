//go:build !nowindow && (!linux || !cgo)

package main

// setProgramName matters only to GTK's WM_CLASS on Linux.
func setProgramName(string) {}

// firstLoadDeferred: waiting for the window's first frame is a WebKitGTK
// measure (window_loadorder_linux.go).
func firstLoadDeferred() bool { return true }
