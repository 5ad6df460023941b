package storage

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"
	"time"
)

// Sentinel errors. Every destination translates its SDK's errors to these
// once, at its edge, so that callers test them with errors.Is and never look
// at provider codes.
var (
	// ErrNotFound: the version, file, bucket or root folder does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: a version or pending place of that name already exists.
	ErrExists = errors.New("already exists")
	// ErrAuth: the credentials were rejected (wrong key, expired token);
	// the user has to enter them again.
	ErrAuth = errors.New("authentication failed")
	// ErrQuota: the destination is full or the account's quota is used up.
	ErrQuota = errors.New("destination full")
	// ErrPermission: the credentials are valid but may not do this.
	ErrPermission = errors.New("permission denied")
	// ErrReadOnly: the destination cannot be written at all (a read-only
	// mount, a write-protected disk).
	ErrReadOnly = errors.New("destination is read-only")
	// ErrRateLimited: the service asked to slow down. RetryAfter tells how
	// long it asked to wait, when it said.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the service failed temporarily (5xx, a dropped
	// connection); the same call may succeed later.
	ErrUnavailable = errors.New("service unavailable")
	// ErrInvalid: a name, path or configuration is not acceptable.
	ErrInvalid = errors.New("invalid argument")
	// ErrDamaged: a file was read but what is stored is not what was
	// written (an encrypted block that does not authenticate). Verify
	// reports the file as damaged; reading it again does not help.
	ErrDamaged = errors.New("stored data is damaged")
)

// Error is a destination's error translated to one of the sentinels. Its
// message is meant for people; Kind is what programs test with errors.Is.
type Error struct {
	Kind  error         // one of the sentinels above
	Msg   string        // what happened, in words a user understands
	Err   error         // the provider's error, when there is one
	After time.Duration // the wait the service asked for, 0 when it did not say
}

// NewError returns an error that matches kind with errors.Is and reads as msg
// followed by the cause, when there is one.
func NewError(kind error, msg string, cause error) error {
	return &Error{Kind: kind, Msg: msg, Err: cause}
}

// RateLimitedError returns an ErrRateLimited error carrying the wait the
// service asked for (0 when it did not say).
func RateLimitedError(msg string, after time.Duration, cause error) error {
	return &Error{Kind: ErrRateLimited, Msg: msg, Err: cause, After: after}
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = e.Kind.Error()
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the sentinel and the cause, so errors.Is matches both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// RetryAfter returns the wait a service asked for before the next attempt:
// from an *Error with After set, or from any error in the chain with a
// RetryAfter() time.Duration method.
func RetryAfter(err error) (time.Duration, bool) {
	var after interface{ RetryAfter() time.Duration }
	if errors.As(err, &after) {
		if d := after.RetryAfter(); d > 0 {
			return d, true
		}
	}
	var e *Error
	for err != nil && errors.As(err, &e) {
		if e.After > 0 {
			return e.After, true
		}
		err = e.Err
	}
	return 0, false
}

// permanent lists the sentinels that no retry can fix.
var permanent = []error{
	ErrNotFound, ErrExists, ErrAuth, ErrQuota, ErrPermission, ErrReadOnly,
	ErrInvalid, ErrDamaged, context.Canceled, context.DeadlineExceeded,
}

// IsRetryable reports whether the same call may succeed if made again:
// rate limits, temporary service failures, timeouts and dropped or refused
// connections are retryable; authentication, permission, quota, not found,
// exists, invalid input and a cancelled or expired context are not. An
// unknown error is not retryable.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrRateLimited) || errors.Is(err, ErrUnavailable) {
		return true
	}
	for _, p := range permanent {
		if errors.Is(err, p) {
			return false
		}
	}
	if isCertificateError(err) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var r interface{ Temporary() bool }
	if errors.As(err, &r) && r.Temporary() {
		return true
	}
	return isNetworkDrop(err)
}

// isNetworkDrop reports a connection that broke or could not be made.
func isNetworkDrop(err error) bool {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT),
		errors.Is(err, net.ErrClosed):
		return true
	}
	var ue *url.Error
	if errors.As(err, &ue) && errors.Is(ue.Err, io.EOF) {
		return true // the server closed the connection before answering
	}
	var op *net.OpError
	return errors.As(err, &op)
}

// isCertificateError reports a TLS certificate that was not trusted: a
// configuration problem, never fixed by trying again.
func isCertificateError(err error) bool {
	var ve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ve) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci)
}
