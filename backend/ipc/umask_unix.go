//go:build !windows

package ipc

import (
	"net"
	"sync"
	"syscall"
)

var umaskMu sync.Mutex

// listenPrivate creates the socket under umask 077, so it is never, even
// for an instant, open to others.
func listenPrivate(path string) (net.Listener, error) {
	umaskMu.Lock()
	defer umaskMu.Unlock()
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	return net.Listen("unix", path)
}
