package oauth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/oauth"
)

func signIn(t *testing.T, cfg oauth.Config) *oauth2.Token {
	t.Helper()
	grant, err := oauth.SignIn(context.Background(), cfg, newBrowser(nil).open)
	if err != nil {
		t.Fatal(err)
	}
	return grant.Token
}

func TestTokenSourceSavesRefreshedTokens(t *testing.T) {
	fake, cfg := newFake(t)
	fake.SetAccessTTL(time.Second) // x/oauth2 refreshes 10 s before expiry: always
	stored := signIn(t, cfg)

	var mu sync.Mutex
	var saved []*oauth2.Token
	save := func(t *oauth2.Token) { mu.Lock(); saved = append(saved, t); mu.Unlock() }
	ts := cfg.TokenSource(context.Background(), stored, save)

	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == stored.AccessToken {
		t.Fatal("an expiring token was not refreshed")
	}
	if tok.RefreshToken != stored.RefreshToken {
		t.Fatal("the refresh token was lost on refresh")
	}
	if !fake.Valid(tok.AccessToken) {
		t.Fatal("the refreshed token is not valid at the server")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(saved) != 1 || saved[0].AccessToken != tok.AccessToken {
		t.Fatalf("saved %d tokens, want the refreshed one", len(saved))
	}
}

func TestTokenSourceUnchangedIsNotSaved(t *testing.T) {
	_, cfg := newFake(t)
	stored := signIn(t, cfg)
	calls := 0
	ts := cfg.TokenSource(context.Background(), stored, func(*oauth2.Token) { calls++ })
	for range 3 {
		if _, err := ts.Token(); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 0 {
		t.Fatalf("save called %d times for a token that did not change", calls)
	}
}

func TestRevokedRefreshTokenMeansReauth(t *testing.T) {
	fake, cfg := newFake(t)
	fake.SetAccessTTL(time.Second)
	stored := signIn(t, cfg)
	fake.RevokeRefresh(stored.RefreshToken)

	ts := cfg.TokenSource(context.Background(), stored, nil)
	_, err := ts.Token()
	if !errors.Is(err, oauth.ErrReauth) {
		t.Fatalf("Token = %v, want ErrReauth", err)
	}
	before := fake.Refreshes()
	if _, err := ts.Token(); !errors.Is(err, oauth.ErrReauth) {
		t.Fatalf("second Token = %v, want ErrReauth", err)
	}
	if fake.Refreshes() != before {
		t.Fatal("a revoked grant was asked for again")
	}
}

func TestRevoke(t *testing.T) {
	fake, cfg := newFake(t)
	fake.SetAccessTTL(time.Second)
	stored := signIn(t, cfg)
	ctx := context.Background()
	if err := oauth.Revoke(ctx, cfg, stored.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if fake.Valid(stored.AccessToken) {
		t.Fatal("an access token outlived its revoked refresh token")
	}
	if _, err := cfg.TokenSource(ctx, stored, nil).Token(); !errors.Is(err, oauth.ErrReauth) {
		t.Fatalf("refresh after revoke = %v, want ErrReauth", err)
	}
	// Revoking again is not an error: the token is gone either way.
	if err := oauth.Revoke(ctx, cfg, stored.RefreshToken); err != nil {
		t.Fatalf("second revoke = %v", err)
	}
	cfg.RevokeURL = "http://127.0.0.1:1/revoke"
	if err := oauth.Revoke(ctx, cfg, "x"); err == nil {
		t.Fatal("an unreachable revoke endpoint reported success")
	}
}

func TestMapErrorLeavesOthersAlone(t *testing.T) {
	other := &oauth2.RetrieveError{ErrorCode: "invalid_request"}
	if err := oauth.MapError(other); errors.Is(err, oauth.ErrReauth) || err != other {
		t.Fatalf("MapError(invalid_request) = %v", err)
	}
	for _, code := range []string{"invalid_client", "deleted_client"} {
		err := oauth.MapError(&oauth2.RetrieveError{ErrorCode: code})
		if !errors.Is(err, oauth.ErrClient) || errors.Is(err, oauth.ErrReauth) {
			t.Fatalf("MapError(%s) = %v, want ErrClient", code, err)
		}
	}
	grant := &oauth2.RetrieveError{ErrorCode: "invalid_grant"}
	err := oauth.MapError(grant)
	var re *oauth2.RetrieveError
	if !errors.Is(err, oauth.ErrReauth) || !errors.As(err, &re) {
		t.Fatalf("MapError(invalid_grant) = %v", err)
	}
}
