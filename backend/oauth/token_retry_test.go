package oauth_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/oauth"
)

// expiring signs in and returns a source whose token needs a refresh at
// once.
func expiring(t *testing.T) (*oauth2.Token, oauth.Config, func() int, func(n, status int)) {
	t.Helper()
	fake, cfg := newFake(t)
	fake.SetAccessTTL(time.Second) // x/oauth2 refreshes 10 s before expiry: always
	cfg.RetryDelay = time.Millisecond
	tok := signIn(t, cfg)
	return tok, cfg, fake.TokenRequests, fake.FailToken
}

func TestTokenEndpoint5xxIsRetried(t *testing.T) {
	tok, cfg, reqs, fail := expiring(t)
	fail(2, http.StatusServiceUnavailable)
	before := reqs()
	got, err := cfg.TokenSource(context.Background(), tok, nil).Token()
	if err != nil {
		t.Fatalf("Token after two 503s = %v, want a refreshed token", err)
	}
	if got.AccessToken == tok.AccessToken || reqs()-before != 3 {
		t.Fatalf("token endpoint asked %d times, want 3 (two 503s, then success)", reqs()-before)
	}
}

func TestTokenEndpoint5xxIsBounded(t *testing.T) {
	tok, cfg, reqs, fail := expiring(t)
	fail(10, http.StatusInternalServerError)
	before := reqs()
	ts := cfg.TokenSource(context.Background(), tok, nil)
	_, err := ts.Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.Response.StatusCode != 500 || errors.Is(err, oauth.ErrReauth) {
		t.Fatalf("Token = %v, want the 500", err)
	}
	if n := reqs() - before; n != 3 {
		t.Fatalf("token endpoint asked %d times, want 3", n)
	}
	// A 5xx is not sticky: the next use asks again.
	ts.Token()
	if reqs()-before == 3 {
		t.Fatal("a 5xx was remembered: the next Token did not ask again")
	}
}

func TestDeletedOrResetClientIsNamed(t *testing.T) {
	for _, code := range []string{"deleted_client", "invalid_client"} {
		t.Run(code, func(t *testing.T) {
			fake, cfg := newFake(t)
			fake.SetAccessTTL(time.Second)
			tok := signIn(t, cfg)
			if code == "deleted_client" {
				fake.SetClientDeleted(true)
			} else {
				fake.SetClientSecret("reset in Google Cloud")
			}
			ts := cfg.TokenSource(context.Background(), tok, nil)
			_, err := ts.Token()
			if !errors.Is(err, oauth.ErrClient) || errors.Is(err, oauth.ErrReauth) {
				t.Fatalf("Token = %v, want ErrClient", err)
			}
			if !strings.Contains(err.Error(), "enter the client id and secret again in Settings") ||
				!strings.Contains(err.Error(), code) {
				t.Fatalf("message %q does not say what to do, or lost Google's words", err)
			}
			before := fake.TokenRequests()
			if _, err := ts.Token(); !errors.Is(err, oauth.ErrClient) || fake.TokenRequests() != before {
				t.Fatalf("a refused client was asked for again (%v)", err)
			}
		})
	}
}

func TestForceRefresh(t *testing.T) {
	fake, cfg := newFake(t) // tokens live an hour: nothing refreshes by itself
	tok := signIn(t, cfg)
	ts := cfg.TokenSource(context.Background(), tok, nil)
	if !oauth.ForceRefresh(ts) {
		t.Fatal("ForceRefresh did not know the source")
	}
	got, err := ts.Token()
	if err != nil || got.AccessToken == tok.AccessToken || fake.Refreshes() != 1 {
		t.Fatalf("after ForceRefresh: %v, refreshes %d; want a new access token", err, fake.Refreshes())
	}
	if got.RefreshToken != tok.RefreshToken {
		t.Fatal("the refresh token was lost")
	}
	oauth.ForceRefresh(ts) // a moment after a refresh: the same one serves
	if again, _ := ts.Token(); again.AccessToken != got.AccessToken || fake.Refreshes() != 1 {
		t.Fatal("a second forced refresh right after the first asked Google again")
	}
	if oauth.ForceRefresh(oauth2.StaticTokenSource(tok)) {
		t.Fatal("ForceRefresh claimed a static source")
	}
}
