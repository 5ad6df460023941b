//go:build !(linux || freebsd || netbsd || openbsd || dragonfly)

package notify

import "context"

// Desktop stands in where Avault has no notifier of its own (macOS,
// Windows): the window's notifications are used there. Its Notify returns
// ErrUnsupported.
type Desktop struct{}

// NewDesktop returns a Desktop that reports ErrUnsupported.
func NewDesktop(DesktopOptions) *Desktop { return &Desktop{} }

var _ Notifier = (*Desktop)(nil)

// Notify returns ErrUnsupported.
func (*Desktop) Notify(context.Context, Message) error { return ErrUnsupported }

// Close does nothing.
func (*Desktop) Close() error { return nil }
