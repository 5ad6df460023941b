//go:build !windows

package ipc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// Address is where the background process of data folder dir listens.
func Address(dir string) string { return filepath.Join(dir, SocketName) }

// Listen listens on the data folder's socket, readable and writable by
// its owner only. The caller holds the single-instance lock, so a socket
// left by a process that crashed is ours to replace.
func Listen(dir string) (net.Listener, error) {
	path := Address(dir)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove the stale socket %s: %w", path, err)
	}
	// The socket is created with the umask's mode; make it 0600 before
	// anyone can connect by creating it under a tight umask.
	ln, err := listenPrivate(path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("make %s private: %w", path, err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	return ln, nil
}

func dial(ctx context.Context, dir string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", Address(dir))
}

func pid() int { return os.Getpid() }
