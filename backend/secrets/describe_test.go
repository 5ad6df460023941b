package secrets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"testing"

	"github.com/godbus/dbus/v5"
)

func TestDescribeKeyringError(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{ErrKeyNotFound, "no data key stored"},
		{fmt.Errorf("%w (3s)", ErrKeyringTimeout), "timed out (a locked keyring may be waiting for its password)"},
		{ErrNoSessionBus, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)"},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}, "no Secret Service on the session bus (is gnome-keyring, KWallet or KeePassXC running?)"},
		{&exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound}, "cannot reach the D-Bus session bus"},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, "cannot reach the D-Bus session bus"},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), "the keyring is locked"},
		{errors.New("prompt dismissed"), "the keyring is locked"},
		{context.Canceled, "cancelled"},
		{errors.New("something else"), "error: something else"},
	} {
		if got := describeKeyringError(tc.err); got != tc.want {
			t.Errorf("describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
