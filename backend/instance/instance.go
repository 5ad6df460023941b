// Package instance keeps Avault to one running copy per data folder.
//
// The first process takes an exclusive lock on <dir>/avault.lock before it
// opens anything else, and listens on <dir>/avault.sock. A later launch fails
// to take the lock, asks the first copy over the socket to show its window,
// and exits without touching the database or starting schedules.
package instance

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrRunning means another Avault process holds the lock on the data folder.
var ErrRunning = errors.New("Avault is already running")

const (
	lockName   = "avault.lock"
	socketName = "avault.sock"
	// dialTimeout bounds how long a second launch waits for the first one.
	dialTimeout = 3 * time.Second
)

// Lock is the held single-instance lock.
type Lock struct {
	dir  string
	file *os.File

	mu       sync.Mutex
	listener net.Listener
}

// Acquire takes the lock in dir, creating dir (0700) if needed. It returns
// ErrRunning, without waiting, when another process holds it.
func Acquire(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	_ = f.Truncate(0)
	_, _ = fmt.Fprintf(f, "%d\n", os.Getpid())
	return &Lock{dir: dir, file: f}, nil
}

// Serve listens for later launches and calls onShow each time one asks the
// running copy to come forward. It returns once the listener is up.
func (l *Lock) Serve(onShow func()) error {
	path := filepath.Join(l.dir, socketName)
	_ = os.Remove(path) // a stale socket of a crashed run; we hold the lock, so it is ours
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", path, err)
	}
	_ = os.Chmod(path, 0o600)
	l.mu.Lock()
	l.listener = ln
	l.mu.Unlock()
	go l.accept(ln, onShow)
	return nil
}

func (l *Lock) accept(ln net.Listener, onShow func()) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(dialTimeout))
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "show" {
				_, _ = c.Write([]byte("unknown request\n"))
				return
			}
			onShow()
			_, _ = c.Write([]byte("ok\n"))
		}()
	}
}

// Release stops listening and drops the lock.
func (l *Lock) Release() {
	l.mu.Lock()
	if l.listener != nil {
		l.listener.Close()
		l.listener = nil
	}
	l.mu.Unlock()
	_ = os.Remove(filepath.Join(l.dir, socketName))
	_ = unlockFile(l.file)
	_ = l.file.Close()
}

// ShowRunning asks the copy that holds the lock in dir to show its window.
func ShowRunning(dir string) error {
	c, err := net.DialTimeout("unix", filepath.Join(dir, socketName), dialTimeout)
	if err != nil {
		return fmt.Errorf("reach the running Avault: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(dialTimeout))
	if _, err := c.Write([]byte("show\n")); err != nil {
		return fmt.Errorf("reach the running Avault: %w", err)
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reach the running Avault: %w", err)
	}
	if strings.TrimSpace(reply) != "ok" {
		return fmt.Errorf("the running Avault answered %q", strings.TrimSpace(reply))
	}
	return nil
}
