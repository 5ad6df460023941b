package ipc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/Microsoft/go-winio"
)

// Address is the named pipe of data folder dir: one per folder and user.
func Address(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	sum := sha256.Sum256([]byte(strings.ToLower(abs)))
	return `\\.\pipe\avault-` + hex.EncodeToString(sum[:8])
}

// Listen listens on the data folder's named pipe. Its ACL grants this
// user alone (and nobody else, not even administrators) access, and
// remote clients are rejected.
func Listen(dir string) (net.Listener, error) {
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("find this user: %w", err)
	}
	sddl := fmt.Sprintf("D:P(A;;GA;;;%s)", u.Uid)
	ln, err := winio.ListenPipe(Address(dir), &winio.PipeConfig{SecurityDescriptor: sddl, MessageMode: false,
		InputBufferSize: 64 << 10, OutputBufferSize: 64 << 10})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", Address(dir), err)
	}
	return ln, nil
}

func dial(ctx context.Context, dir string) (net.Conn, error) {
	return winio.DialPipeContext(ctx, Address(dir))
}

// checkPeer: the pipe's ACL admits this user only.
func checkPeer(net.Conn) error { return nil }

func pid() int { return os.Getpid() }
