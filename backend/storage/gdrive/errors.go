package gdrive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"

	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/retry"
	"github.com/avault/avault/backend/storage"
)

// ErrDailyCap matches the error returned once Google's daily upload cap is
// reached: a person may upload (or copy) 750 GB a day into My Drive and all
// Shared Drives together. Retrying within minutes does not help; the error
// is a *DailyCapError saying when to try again.
var ErrDailyCap = errors.New("Google Drive's daily upload limit (750 GB a day) is reached")

// DailyCapError reports the daily upload cap. It matches ErrDailyCap and
// storage.ErrRateLimited, and storage.RetryAfter returns the time left until
// ResumeAt, so an engine can pause the run instead of failing it. Its
// message says why the refusals were taken for the cap (Reason), so that
// the run's log and history can tell the person.
type DailyCapError struct {
	// ResumeAt is when uploads may work again. Google does not document
	// when the cap resets; its daily API quotas reset at midnight Pacific
	// time, so ResumeAt is the next midnight in America/Los_Angeles. If the
	// cap is still in force then (people report a rolling 24 hours), the
	// next attempt reports a new ResumeAt.
	ResumeAt time.Time
	// Reason says what made the destination decide that this is the daily
	// cap and not a passing rate limit: Google named it, or how long and
	// how often uploads were refused with the words both share.
	Reason string
	Err    error
	now    time.Time
}

func (e *DailyCapError) Error() string {
	return fmt.Sprintf("%s; uploads resume after %s (%s): %v", ErrDailyCap,
		e.ResumeAt.Local().Format("Mon 15:04 MST"), e.Reason, e.Err)
}

// Unwrap lets errors.Is match ErrDailyCap, storage.ErrRateLimited and the
// Google error.
func (e *DailyCapError) Unwrap() []error {
	return []error{ErrDailyCap, storage.ErrRateLimited, e.Err}
}

// RetryAfter is the wait until ResumeAt (see storage.RetryAfter).
func (e *DailyCapError) RetryAfter() time.Duration { return e.ResumeAt.Sub(e.now) }

// nextPacificMidnight returns the first midnight in Google's Pacific time
// after now.
func nextPacificMidnight(now time.Time) time.Time {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		loc = time.FixedZone("PST", -8*3600) // no time zone data: standard time
	}
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
}

// failure classifies one failed request for the retry loop.
type failure int

const (
	permanent    failure = iota
	rateLimited          // slow down and retry
	transient            // 5xx, dropped connection: retry
	ambiguous            // a rate limit or the daily upload cap: only time tells
	dailyCap             // the daily upload cap, named as such
	unauthorized         // 401: refresh the token and try once more
)

// classify says how to treat err from a request; upload says whether the
// request stored content (only those can hit the daily cap).
func classify(err error, upload bool) (failure, time.Duration) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		if errors.Is(err, context.Canceled) || errors.Is(err, oauth.ErrReauth) || errors.Is(err, oauth.ErrClient) {
			return permanent, 0
		}
		if storage.IsRetryable(err) || errors.Is(err, context.DeadlineExceeded) || tokenServerFailed(err) {
			return transient, 0
		}
		return permanent, 0
	}
	after := retryAfterHeader(ge.Header)
	if ge.Code >= 400 && ge.Code < 500 && cutOff(ge) {
		return transient, after
	}
	switch reason := reasonOf(ge); {
	case upload && ge.Code == http.StatusForbidden && reason == "uploadLimitExceeded":
		return dailyCap, after
	case upload && capWords(ge, reason):
		return ambiguous, after
	case ge.Code == http.StatusTooManyRequests,
		ge.Code == http.StatusForbidden && (reason == "userRateLimitExceeded" || reason == "rateLimitExceeded"):
		return rateLimited, after
	case ge.Code >= 500, ge.Code == http.StatusRequestTimeout:
		return transient, after
	case ge.Code == http.StatusUnauthorized:
		return unauthorized, 0
	}
	return permanent, 0
}

// cutOff reports an error answer whose JSON body broke off on the way (a
// connection reset while it was read): what Google meant is unknown (a
// file flagged as abusive, a rate limit...), so the request is asked
// again rather than taken for a refusal without its reason.
func cutOff(ge *googleapi.Error) bool {
	body := strings.TrimSpace(ge.Body)
	return ge.Message == "" && len(ge.Errors) == 0 && strings.HasPrefix(body, "{") && !json.Valid([]byte(body))
}

// tokenServerFailed reports whether err is Google's token endpoint failing
// on its side (5xx) after the token source's own retries: the sign-in is
// not at fault, and a later attempt may get a token.
func tokenServerFailed(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500
}

// capWords recognises the answer the daily upload cap gives: a 403
// userRateLimitExceeded whose message is exactly "User rate limit
// exceeded." Google documents no reason of its own for the cap, and Drive
// answers a burst of creations (about three a second, sustained) with the
// very same words, so the words alone do not tell the two apart: how long
// the refusals last does (see capWatch). The per-minute API limit says
// "User Rate Limit Exceeded. Rate of requests for user exceed configured
// project quota..." and is an ordinary rate limit. uploadLimitExceeded is
// taken for the cap at once, should Drive ever name it.
func capWords(ge *googleapi.Error, reason string) bool {
	if ge.Code != http.StatusForbidden || reason != "userRateLimitExceeded" {
		return false
	}
	msg := ge.Message
	if len(ge.Errors) > 0 {
		msg = ge.Errors[0].Message
	}
	return strings.TrimSpace(msg) == "User rate limit exceeded."
}

// tookEffect reports whether a failed attempt may have been carried out
// all the same: anything but a refusal Google answered (4xx), which
// changes nothing.
func tookEffect(err error) bool {
	if errors.Is(err, errSessionGone) {
		return false
	}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		return ge.Code < 400 || ge.Code >= 500
	}
	return true
}

func reasonOf(ge *googleapi.Error) string {
	if len(ge.Errors) > 0 {
		return ge.Errors[0].Reason
	}
	return ""
}

// retryAfterHeader reads Retry-After in seconds or as an HTTP date; 0
// when absent.
func retryAfterHeader(h http.Header) time.Duration {
	d, _ := retry.After(h, time.Now())
	return d
}

// translate turns an error from Google into the storage package's errors,
// once, at the edge. what names the operation for the message.
func (d *Dest) translate(what string, err error, upload bool) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if errors.Is(err, context.DeadlineExceeded) { // the attempt's own timeout (do checks the caller's)
		return storage.NewError(storage.ErrUnavailable, what+": Google Drive did not answer in time", err)
	}
	if errors.Is(err, oauth.ErrReauth) {
		return storage.NewError(storage.ErrAuth, what+": sign in to Google again", err)
	}
	if errors.Is(err, oauth.ErrClient) { // signing in again would not help
		return storage.NewError(storage.ErrAuth, what+": Google refused the OAuth client: "+oauth.ErrClient.Error(), err)
	}
	if tokenServerFailed(err) {
		return storage.NewError(storage.ErrUnavailable, what+": Google's sign-in service failed temporarily", err)
	}
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		if storage.IsRetryable(err) {
			return storage.NewError(storage.ErrUnavailable, what+": connection to Google Drive failed", err)
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	switch f, after := classify(err, upload); f {
	case dailyCap:
		return d.capError("Google named the daily upload limit (uploadLimitExceeded)", err)
	case rateLimited, ambiguous:
		return storage.RateLimitedError(what+": Google Drive asks to slow down", after, err)
	}
	kind, msg := kindOf(ge)
	return storage.NewError(kind, what+": "+msg, err)
}

// capError reports the daily upload cap, decided for reason, and logs it.
func (d *Dest) capError(reason string, err error) *DailyCapError {
	now := d.now()
	e := &DailyCapError{ResumeAt: nextPacificMidnight(now), Reason: reason, Err: err, now: now}
	d.log().Warn("Google Drive: uploads are taken to have reached the daily upload limit",
		"reason", reason, "resumeAt", e.ResumeAt)
	return e
}

// kindOf maps a Google error to a sentinel and words for a person.
func kindOf(ge *googleapi.Error) (error, string) {
	switch reason := reasonOf(ge); {
	case reason == "storageQuotaExceeded" || reason == "quotaExceeded":
		return storage.ErrQuota, "Google Drive storage is full: free space (and empty the Drive trash) or buy more storage"
	case reason == "teamDriveFileLimitExceeded":
		return storage.ErrQuota, "the Shared Drive holds the most items Google allows (400,000): delete old versions or use another Shared Drive"
	case reason == "numChildrenInNonRootLimitExceeded":
		return storage.ErrQuota, "a folder holds the most items Google allows (500,000): spread the files over more folders"
	case reason == "activeItemCreationLimitExceeded":
		return storage.ErrQuota, "the account created the most items Google allows: delete old files"
	case reason == "teamDriveHierarchyTooDeep":
		return storage.ErrInvalid, "Google Drive allows at most 100 levels of folders in a Shared Drive, counted from its top, and this folder would lie deeper: " +
			"choose a root folder nearer the top, or keep fewer levels of folders in the source"
	case reason == "myDriveHierarchyDepthLimitExceeded":
		return storage.ErrInvalid, "Google Drive allows at most 100 levels of folders in My Drive, counted from its top, and this folder would lie deeper: " +
			"choose a root folder nearer the top, or keep fewer levels of folders in the source"
	case reason == "cannotDownloadAbusiveFile":
		return storage.ErrPermission, "Google flagged the file as malware or spam and refuses to download it"
	case ge.Code == http.StatusUnauthorized:
		return storage.ErrAuth, "Google rejected the sign-in: sign in to Google again"
	case ge.Code == http.StatusNotFound:
		return storage.ErrNotFound, "not found in Google Drive"
	case ge.Code == http.StatusForbidden:
		return storage.ErrPermission, "Google Drive refused: the account may not do this here"
	case ge.Code >= 500:
		return storage.ErrUnavailable, "Google Drive failed temporarily"
	case ge.Code == http.StatusConflict:
		return storage.ErrExists, "Google Drive reports a conflict"
	case ge.Code >= 400:
		return storage.ErrInvalid, "Google Drive rejected the request"
	}
	return storage.ErrUnavailable, "unexpected answer from Google Drive"
}
