package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/retry"
)

// ErrReauth means the saved authorization no longer works and the person
// must sign in again: the refresh token was revoked (in the Google account
// settings, or by a password change), expired (Google expires refresh
// tokens after 7 days while the OAuth consent screen is in "Testing"), or
// was never valid. Retrying does not help.
var ErrReauth = errors.New("sign in to Google again: the saved authorization was revoked or has expired")

// reauthError keeps the token endpoint's own words while matching ErrReauth.
type reauthError struct{ err error }

func (e *reauthError) Error() string        { return ErrReauth.Error() + " (" + e.err.Error() + ")" }
func (e *reauthError) Unwrap() error        { return e.err }
func (e *reauthError) Is(target error) bool { return target == ErrReauth }

// ErrClient means Google no longer accepts the OAuth client itself
// (invalid_client or deleted_client): it was deleted in Google Cloud, or
// its secret was reset. Signing in again with the same client does not
// help; the person must enter a working client id and secret.
var ErrClient = errors.New("the OAuth client was deleted or its secret changed in Google Cloud; " +
	"enter the client id and secret again in Settings")

// clientError keeps the token endpoint's own words while matching ErrClient.
type clientError struct{ err error }

func (e *clientError) Error() string        { return ErrClient.Error() + " (" + e.err.Error() + ")" }
func (e *clientError) Unwrap() error        { return e.err }
func (e *clientError) Is(target error) bool { return target == ErrClient }

// MapError turns a token endpoint error answering invalid_grant into an
// error that matches ErrReauth, and one answering invalid_client or
// deleted_client into one that matches ErrClient; both still unwrap to the
// original. Other errors are returned unchanged.
func MapError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || errors.Is(err, ErrReauth) || errors.Is(err, ErrClient) {
		return err
	}
	switch re.ErrorCode {
	case "invalid_grant":
		return &reauthError{err}
	case "invalid_client", "deleted_client":
		return &clientError{err}
	}
	return err
}

// serverFailed reports whether err is the token endpoint failing on its
// side (a 5xx answer), which a later attempt may not meet.
func serverFailed(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500
}

// TokenSource returns a token source that refreshes tok through the token
// endpoint when it expires. Whenever it hands out a token that differs from
// the last one it saw (new access token, expiry or refresh token), it calls
// save with it first, so the caller can seal and store it. An invalid_grant
// answer is reported as ErrReauth, and invalid_client or deleted_client as
// ErrClient; either is remembered: later calls fail at once instead of
// asking the token endpoint again. A 5xx answer is asked again, at most
// refreshAttempts times in all, after waits that start at
// Config.RetryDelay and double. save may be nil.
//
// The returned source is safe for concurrent use; ctx is used for every
// refresh and must outlive the source. ForceRefresh makes it ask for a
// new access token before the cached one expires.
func (c Config) TokenSource(ctx context.Context, tok *oauth2.Token, save func(*oauth2.Token)) oauth2.TokenSource {
	ctx = c.withClient(ctx)
	return &savingSource{ctx: ctx, cfg: c, base: c.oauth2Config("").TokenSource(ctx, tok), last: tok, save: save}
}

// refreshAttempts bounds the requests one refresh sends to a token
// endpoint that answers 5xx. The error after the last is marked
// retry.GaveUp: the API request that wanted the token is not tried again.
const refreshAttempts = 3

// forceGap is how soon after a refresh a forced one is skipped: requests
// that failed together with the old token all ask for one, and one is
// enough.
const forceGap = 2 * time.Second

type savingSource struct {
	ctx       context.Context
	cfg       Config
	mu        sync.Mutex
	base      oauth2.TokenSource
	last      *oauth2.Token
	save      func(*oauth2.Token)
	failed    error     // sticky ErrReauth or ErrClient
	refreshed time.Time // when the access token last changed or was dropped
}

// Token returns a valid token, refreshing and saving as needed.
func (s *savingSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed != nil {
		return nil, s.failed
	}
	t, err := s.fetch()
	if err != nil {
		err = MapError(err)
		if errors.Is(err, ErrReauth) || errors.Is(err, ErrClient) {
			s.failed = err
		}
		return nil, err
	}
	if changed(s.last, t) {
		if s.last == nil || s.last.AccessToken != t.AccessToken {
			s.refreshed = s.cfg.now()
		}
		s.last = t
		if s.save != nil {
			s.save(t)
		}
	}
	return t, nil
}

// fetch asks the base source, again after a token endpoint's 5xx.
func (s *savingSource) fetch() (*oauth2.Token, error) {
	wait := s.cfg.RetryDelay
	if wait <= 0 {
		wait = time.Second
	}
	for attempt := 1; ; attempt++ {
		t, err := s.base.Token()
		if err == nil || !serverFailed(err) {
			return t, err
		}
		if attempt == refreshAttempts {
			return t, retry.GaveUp(err) // the request that needed a token does not ask again
		}
		if retry.Sleep(s.ctx, wait) != nil {
			return nil, err
		}
		wait *= 2
	}
}

// forceRefresh drops the cached access token, so that the next Token asks
// the token endpoint for a new one, unless the token changed a moment ago.
func (s *savingSource) forceRefresh() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed != nil || s.last == nil || s.last.RefreshToken == "" || s.cfg.now().Sub(s.refreshed) < forceGap {
		return
	}
	s.base = s.cfg.oauth2Config("").TokenSource(s.ctx, &oauth2.Token{RefreshToken: s.last.RefreshToken})
	s.refreshed = s.cfg.now()
}

// ForceRefresh makes ts, when it is a source from Config.TokenSource, ask
// for a new access token on its next use instead of handing out the cached
// one: the API refused the cached one (401) although it has not expired.
// It reports whether ts is such a source. Several calls within a moment
// (requests that failed together) refresh once.
func ForceRefresh(ts oauth2.TokenSource) bool {
	s, ok := ts.(*savingSource)
	if ok {
		s.forceRefresh()
	}
	return ok
}

func changed(old, cur *oauth2.Token) bool {
	if old == nil {
		return true
	}
	return old.AccessToken != cur.AccessToken || old.RefreshToken != cur.RefreshToken ||
		!old.Expiry.Equal(cur.Expiry)
}

// Revoke asks the revoke endpoint to invalidate token (an access or refresh
// token; revoking a refresh token also ends its access tokens). It is best
// effort: a token the endpoint no longer knows counts as revoked, and
// callers that forget a credential may ignore the error.
func Revoke(ctx context.Context, cfg Config, token string) error {
	form := url.Values{"token": {token}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		orDefault(cfg.RevokeURL, GoogleRevokeURL), strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("oauth: revoke: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := cfg.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("oauth: revoke: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	switch {
	case resp.StatusCode == http.StatusOK:
		return nil
	case resp.StatusCode == http.StatusBadRequest && strings.Contains(string(body), "invalid_token"):
		return nil
	}
	return fmt.Errorf("oauth: revoke: %s: %s", resp.Status, strings.TrimSpace(string(body)))
}
