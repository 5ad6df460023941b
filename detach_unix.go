//go:build !windows

package main

import (
	"os/exec"
	"syscall"
)

// detach makes cmd a process of its own session, so it outlives this one
// and a terminal's signals do not reach it.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}
