package secrets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// Where the data key is kept in the OS keyring.
const (
	KeyringService = "avault"
	KeyringUser    = "data-key"
)

// DefaultKeyringTimeout bounds every keyring call. go-keyring has no
// timeout of its own, and a locked keyring can wait forever for a password.
const DefaultKeyringTimeout = 3 * time.Second

// Errors a keyring call may wrap besides the keyring's own.
var (
	// ErrKeyringTimeout means the keyring did not answer in time.
	ErrKeyringTimeout = errors.New("the OS keyring did not answer in time")
	// ErrNoSessionBus means there is no D-Bus session bus to find the
	// keyring on (Linux and BSD).
	ErrNoSessionBus = errors.New("no D-Bus session bus")
	// ErrKeyNotFound means the keyring answered and holds no data key.
	ErrKeyNotFound = keyring.ErrNotFound
)

// Keyring is the OS keyring as go-keyring presents it. Tests may give
// another one in Options.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// osKeyring is the real OS keyring: Secret Service over D-Bus on Linux,
// Keychain on macOS, Credential Manager on Windows.
type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) {
	if err := sessionBusPresent(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

func (osKeyring) Set(service, user, secret string) error {
	if err := sessionBusPresent(); err != nil {
		return err
	}
	return keyring.Set(service, user, secret)
}

func (osKeyring) Delete(service, user string) error {
	if err := sessionBusPresent(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// withTimeout runs call and returns its result, or ErrKeyringTimeout after
// d, or the context's error. A call that never returns keeps its goroutine
// blocked: go-keyring cannot be interrupted.
func withTimeout[T any](ctx context.Context, d time.Duration, call func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := call()
		done <- result{v, err}
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var zero T
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		return zero, fmt.Errorf("%w (%s)", ErrKeyringTimeout, d)
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// describeKeyringError says in a few words why a keyring call failed.
func describeKeyringError(err error) string {
	var dbusErr dbus.Error
	var execErr *exec.Error
	var netErr *net.OpError
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "no data key stored"
	case errors.Is(err, ErrKeyringTimeout):
		return "timed out (a locked keyring may be waiting for its password)"
	case errors.Is(err, ErrNoSessionBus):
		return "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return "no keyring on this system"
	case errors.As(err, &dbusErr) && (dbusErr.Name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
		dbusErr.Name == "org.freedesktop.DBus.Error.NameHasNoOwner"):
		return "no Secret Service on the session bus (is gnome-keyring, KWallet or KeePassXC running?)"
	case errors.As(err, &execErr), errors.As(err, &netErr), strings.Contains(err.Error(), "couldn't determine address"):
		return "cannot reach the D-Bus session bus"
	case strings.Contains(err.Error(), "unlock") || strings.Contains(err.Error(), "prompt") ||
		strings.Contains(err.Error(), "dismissed") || strings.Contains(err.Error(), "locked"):
		return "the keyring is locked"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return "error: " + err.Error()
}
