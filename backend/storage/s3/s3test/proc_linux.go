package s3test

import (
	"os/exec"
	"syscall"
)

// setParentDeath kills the server if the test process dies first.
func setParentDeath(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
