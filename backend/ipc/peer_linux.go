package ipc

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// peerUID returns the user id of the process at the other end of c.
func peerUID(c net.Conn) (int, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return -1, fmt.Errorf("not a Unix socket: %T", c)
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return -1, err
	}
	var cred *unix.Ucred
	var serr error
	if err := raw.Control(func(fd uintptr) {
		cred, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return -1, err
	}
	if serr != nil {
		return -1, serr
	}
	return int(cred.Uid), nil
}

// checkPeer refuses a process of another user.
func checkPeer(c net.Conn) error {
	uid, err := peerUID(c)
	if err != nil {
		return fmt.Errorf("read the peer's user: %w", err)
	}
	if uid != os.Getuid() {
		return fmt.Errorf("a process of user %d is not this user (%d)", uid, os.Getuid())
	}
	return nil
}
