//go:build !nowindow && (!linux || !cgo)

package main

// setProgramName matters only to GTK's WM_CLASS on Linux.
func setProgramName(string) {}
