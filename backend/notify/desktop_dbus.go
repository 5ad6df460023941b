//go:build linux || freebsd || netbsd || openbsd || dragonfly

package notify

import (
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"slices"
	"sync"

	"github.com/godbus/dbus/v5"
)

const (
	notifyName  = "org.freedesktop.Notifications"
	notifyPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	notifyIface = "org.freedesktop.Notifications"
)

// Desktop shows messages through the desktop's notification server
// (org.freedesktop.Notifications on the session bus). It connects on first
// use, reconnects after the bus goes away, and replaces a job's previous
// notification with its newer one. It is safe for concurrent use.
type Desktop struct {
	o DesktopOptions

	mu     sync.Mutex
	conn   *dbus.Conn
	markup bool              // the server reads markup in bodies
	ids    map[string]uint32 // the last notification shown for each job
}

// NewDesktop returns a Desktop; it does not connect until Notify.
func NewDesktop(o DesktopOptions) *Desktop {
	return &Desktop{o: o.withDefaults(), ids: map[string]uint32{}}
}

var _ Notifier = (*Desktop)(nil)

// Notify shows m and returns once the server has accepted it, or an error
// when there is no session bus, no notification server, or no answer
// within the call timeout.
func (d *Desktop) Notify(ctx context.Context, m Message) error {
	ctx, cancel := context.WithTimeout(ctx, d.o.CallTimeout)
	defer cancel()
	d.mu.Lock()
	defer d.mu.Unlock()
	conn, err := d.connLocked(ctx)
	if err != nil {
		return fmt.Errorf("desktop notification: %w", err)
	}
	body := m.Body
	if d.markup {
		body = html.EscapeString(body)
	}
	var id uint32
	err = conn.Object(notifyName, notifyPath).CallWithContext(ctx, notifyIface+".Notify", 0,
		appName, d.ids[m.JobID], d.o.Icon, m.Title, body, []string{}, d.hints(m), d.expireMillis(m)).Store(&id)
	if err != nil {
		if !conn.Connected() {
			d.conn = nil
		}
		return fmt.Errorf("desktop notification: %w", explainDBus(err))
	}
	if m.JobID != "" {
		d.ids[m.JobID] = id
	}
	return nil
}

// Close closes the connection to the bus, if one is open.
func (d *Desktop) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn == nil {
		return nil
	}
	err := d.conn.Close()
	d.conn = nil
	return err
}

// hints are the urgency, the category and the desktop entry, by the
// notification specification.
func (d *Desktop) hints(m Message) map[string]dbus.Variant {
	level := map[Urgency]byte{UrgencyLow: 0, UrgencyCritical: 2}[m.Urgency]
	if m.Urgency == "" || m.Urgency == UrgencyNormal {
		level = 1
	}
	h := map[string]dbus.Variant{
		"urgency":       dbus.MakeVariant(level),
		"desktop-entry": dbus.MakeVariant("avault"),
	}
	switch m.Event {
	case EventFailed, EventPartial, EventStale:
		h["category"] = dbus.MakeVariant("transfer.error")
	case EventSucceeded:
		h["category"] = dbus.MakeVariant("transfer.complete")
	}
	return h
}

// expireMillis is the expire_timeout argument: -1 lets the server choose,
// 0 keeps the message until dismissed.
func (d *Desktop) expireMillis(m Message) int32 {
	switch {
	case m.Urgency == UrgencyCritical:
		return 0
	case d.o.Timeout > 0:
		return int32(min(d.o.Timeout.Milliseconds(), 1<<31-1))
	}
	return -1
}

// connLocked returns the open connection or makes one, and asks the server
// once whether it reads markup.
func (d *Desktop) connLocked(ctx context.Context) (*dbus.Conn, error) {
	if d.conn != nil && d.conn.Connected() {
		return d.conn, nil
	}
	addr := d.o.Address
	if addr == "" {
		addr = os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	}
	if addr == "" {
		return nil, errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
	}
	conn, err := connect(ctx, addr)
	if err != nil {
		return nil, err
	}
	var caps []string
	if err := conn.Object(notifyName, notifyPath).CallWithContext(ctx, notifyIface+".GetCapabilities", 0).Store(&caps); err != nil {
		conn.Close()
		return nil, explainDBus(err)
	}
	d.conn, d.markup = conn, slices.Contains(caps, "body-markup")
	return conn, nil
}

// connect opens a private connection to the bus at addr. godbus has no
// deadline for authenticating, so a bus that never answers is left to
// finish (and be closed) in the background.
func connect(ctx context.Context, addr string) (*dbus.Conn, error) {
	type result struct {
		conn *dbus.Conn
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		conn, err := dbus.Connect(addr)
		ch <- result{conn, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, fmt.Errorf("connect to the session bus: %w", r.err)
		}
		return r.conn, nil
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.conn != nil {
				r.conn.Close()
			}
		}()
		return nil, fmt.Errorf("connect to the session bus: %w", ctx.Err())
	}
}

// explainDBus turns the bus's "no such name" into a sentence.
func explainDBus(err error) error {
	var de dbus.Error
	if errors.As(err, &de) && de.Name == "org.freedesktop.DBus.Error.ServiceUnknown" {
		return fmt.Errorf("no notification server is running: %w", err)
	}
	return err
}
