//go:build nowindow

package main

import "errors"

// This build (-tags nowindow) is the background process and the command
// line without WebKit: the window is the program avault-window beside it.

const hasWindow = false

func runWindow() error {
	return errors.New("this program has no window; the window is avault-window, installed beside it")
}

func runBindings() int { return 1 }
