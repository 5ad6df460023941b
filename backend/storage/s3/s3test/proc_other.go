//go:build !linux

package s3test

import "os/exec"

// setParentDeath does nothing where the system cannot tie a child's life
// to its parent's.
func setParentDeath(*exec.Cmd) {}
