package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
)

// DefaultRateLimitPause is how long uploads wait after the destination
// kept refusing them with a rate limit that gave no time: Google Drive's
// daily upload cap looks like that.
const DefaultRateLimitPause = 10 * time.Minute

// DefaultPauseFor recognises destination errors after which uploads should
// wait rather than fail: an error in the chain with a ResumeAt() time.Time
// method (a daily cap that says when it resets), or ErrRateLimited that
// got through the retries, waiting what it asked for or
// DefaultRateLimitPause.
func DefaultPauseFor(err error, now time.Time) (time.Time, bool) {
	var r interface{ ResumeAt() time.Time }
	if errors.As(err, &r) {
		return r.ResumeAt(), true
	}
	if errors.Is(err, storage.ErrRateLimited) {
		if d, ok := storage.RetryAfter(err); ok {
			return now.Add(d), true
		}
		return now.Add(DefaultRateLimitPause), true
	}
	return time.Time{}, false
}

// fileError is a failure of one file that does not stop the run.
type fileError struct {
	reason string
	retry  bool // worth one more attempt (the file changed while read)
}

func (e *fileError) Error() string { return e.reason }

// isFileLevel reports destination errors that concern one file only: the
// destination refused its name or its content did not match.
func isFileLevel(err error) bool {
	return errors.Is(err, storage.ErrInvalid)
}

// message turns the error that ended a run into words for the history.
func message(err error) string {
	var re *runError
	switch {
	case errors.As(err, &re):
		return re.msg
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, storage.ErrQuota):
		return "destination full: " + err.Error()
	case errors.Is(err, crypt.ErrWrongKey): // an encrypted destination's password, not the store's credentials
		return err.Error()
	case errors.Is(err, storage.ErrAuth):
		return "the destination refused the credentials; sign in again or enter new keys for this destination (" + err.Error() + ")"
	case errors.Is(err, storage.ErrPermission):
		return "the destination does not allow this: " + err.Error()
	case errors.Is(err, storage.ErrReadOnly):
		return "the destination cannot be written: " + err.Error()
	}
	return err.Error()
}

// runError is an error that ends a run before or while writing, with the
// words the history shows.
type runError struct {
	msg string
	err error
}

func (e *runError) Error() string { return e.msg }
func (e *runError) Unwrap() error { return e.err }

func failf(err error, format string, args ...any) error {
	return &runError{msg: fmt.Sprintf(format, args...), err: err}
}
