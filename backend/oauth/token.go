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

	"golang.org/x/oauth2"
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

// MapError turns a token endpoint error answering invalid_grant into an
// error that matches ErrReauth (and still unwraps to the original). Other
// errors are returned unchanged.
func MapError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode == "invalid_grant" && !errors.Is(err, ErrReauth) {
		return &reauthError{err}
	}
	return err
}

// TokenSource returns a token source that refreshes tok through the token
// endpoint when it expires. Whenever it hands out a token that differs from
// the last one it saw (new access token, expiry or refresh token), it calls
// save with it first, so the caller can seal and store it. An invalid_grant
// answer is reported as ErrReauth and remembered: later calls fail at once
// instead of asking the token endpoint again. save may be nil.
//
// The returned source is safe for concurrent use; ctx is used for every
// refresh and must outlive the source.
func (c Config) TokenSource(ctx context.Context, tok *oauth2.Token, save func(*oauth2.Token)) oauth2.TokenSource {
	base := c.oauth2Config("").TokenSource(c.withClient(ctx), tok)
	return &savingSource{base: base, last: tok, save: save}
}

type savingSource struct {
	mu     sync.Mutex
	base   oauth2.TokenSource
	last   *oauth2.Token
	save   func(*oauth2.Token)
	failed error // sticky ErrReauth
}

// Token returns a valid token, refreshing and saving as needed.
func (s *savingSource) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed != nil {
		return nil, s.failed
	}
	t, err := s.base.Token()
	if err != nil {
		err = MapError(err)
		if errors.Is(err, ErrReauth) {
			s.failed = err
		}
		return nil, err
	}
	if changed(s.last, t) {
		s.last = t
		if s.save != nil {
			s.save(t)
		}
	}
	return t, nil
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
