//go:build !windows && !linux && !darwin

package ipc

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// checkPeer refuses a process of another user (getpeereid).
func checkPeer(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("not a Unix socket: %T", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return err
	}
	var uid int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		var cred *unix.Xucred
		cred, serr = unix.GetsockoptXucred(int(fd), 0, unix.LOCAL_PEERCRED)
		if cred != nil {
			uid = int(cred.Uid)
		}
	}); err != nil {
		return err
	}
	if serr != nil {
		return fmt.Errorf("read the peer's user: %w", serr)
	}
	if uid != os.Getuid() {
		return fmt.Errorf("a process of user %d is not this user (%d)", uid, os.Getuid())
	}
	return nil
}
