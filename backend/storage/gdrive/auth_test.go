package gdrive_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/oauth/oauthfake"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// signedIn is a destination whose tokens come from a sign-in at a fake
// authorization server, on a fake Drive that checks them there.
type signedIn struct {
	auth  *oauthfake.Server
	fake  *drivefake.Server
	dest  *gdrive.Dest
	ocfg  oauth.Config
	token string // the access token signed in with
	clock *clock // spaces forced refreshes (oauth.Config.Now)
}

func newSignedIn(t *testing.T, ttl time.Duration) *signedIn {
	t.Helper()
	auth := oauthfake.New("client-id", "client-secret")
	t.Cleanup(auth.Close)
	auth.SetAccessTTL(ttl)
	fake := drivefake.New(drivefake.Options{Authorize: auth.Valid})
	t.Cleanup(fake.Close)
	ocfg := oauth.Config{ClientID: "client-id", ClientSecret: "client-secret",
		Scopes:  oauth.DriveScopes(oauth.DriveAppFolders),
		AuthURL: auth.AuthURL(), TokenURL: auth.TokenURL(), RevokeURL: auth.RevokeURL(),
		RetryDelay: time.Millisecond}
	clk := newClock(time.Now())
	ocfg.Now = clk.Now
	grant, err := oauth.SignIn(context.Background(), ocfg, visit)
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions(fake.URL(), "")
	o.FolderPath = "Backups"
	o.TokenSource = ocfg.TokenSource(context.Background(), grant.Token, nil)
	d, err := gdrive.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return &signedIn{auth: auth, fake: fake, dest: d, ocfg: ocfg, token: grant.Token.AccessToken, clock: clk}
}

func TestStray401RefreshesAndRetriesOnce(t *testing.T) {
	s := newSignedIn(t, time.Hour)
	ctx := context.Background()
	s.fake.FailNext(1, drivefake.Unauthorized, "files.list")
	if err := s.dest.Check(ctx); err != nil {
		t.Fatalf("Check after one stray 401: %v", err)
	}
	if s.fake.Injected(drivefake.Unauthorized) != 1 || s.auth.Refreshes() != 1 {
		t.Fatalf("401s %d, refreshes %d; want one 401 answered by one forced refresh",
			s.fake.Injected(drivefake.Unauthorized), s.auth.Refreshes())
	}

	// Google keeps refusing: after one refresh and one more try, the
	// person is asked to sign in again, and nothing more is tried.
	s.clock.Sleep(ctx, 2100*time.Millisecond) // past the gap in which a forced refresh is skipped
	s.fake.FailNext(5, drivefake.Unauthorized)
	before := s.fake.Requests()
	_, err := s.dest.ListVersions(ctx)
	if !errors.Is(err, storage.ErrAuth) || storage.IsRetryable(err) || !strings.Contains(err.Error(), "sign in to Google again") {
		t.Fatalf("after repeated 401s: %v, want a permanent ErrAuth", err)
	}
	if n := s.fake.Requests() - before; n != 2 {
		t.Fatalf("%d requests for repeated 401s, want 2 (one retry)", n)
	}
}

// TestStray401sApartAreEachRetried answers one request 401, 503, 401: the
// 503 came with the refreshed token, so the second 401 is a stray one of
// its own and the request goes on (as in the torture campaign, where stray
// 401s and other faults meet the same request now and then).
func TestStray401sApartAreEachRetried(t *testing.T) {
	s := newSignedIn(t, time.Hour)
	s.fake.FailNext(1, drivefake.Unauthorized, "files.list")
	s.fake.FailNext(1, drivefake.Unavailable, "files.list")
	s.fake.FailNext(1, drivefake.Unauthorized, "files.list")
	if err := s.dest.Check(context.Background()); err != nil {
		t.Fatalf("Check after 401, 503, 401: %v", err)
	}
	if s.fake.Injected(drivefake.Unauthorized) != 2 || s.fake.Injected(drivefake.Unavailable) != 1 {
		t.Fatalf("injected 401s %d, 503s %d; want 2 and 1", s.fake.Injected(drivefake.Unauthorized), s.fake.Injected(drivefake.Unavailable))
	}
}

func TestRevokedAccessTokenIsReplaced(t *testing.T) {
	s := newSignedIn(t, time.Hour)
	ctx := context.Background()
	// The access token stops working before it expires (Google revoked
	// it); the refresh token still works.
	if err := oauth.Revoke(ctx, s.ocfg, s.token); err != nil {
		t.Fatal(err)
	}
	if err := s.dest.Check(ctx); err != nil {
		t.Fatalf("Check with a revoked access token but a good refresh token: %v", err)
	}
	if s.auth.Refreshes() != 1 {
		t.Fatalf("refreshes = %d, want 1", s.auth.Refreshes())
	}
}

func TestTokenEndpointFailures(t *testing.T) {
	ctx := context.Background()
	t.Run("5xx is retried", func(t *testing.T) {
		s := newSignedIn(t, time.Second) // x/oauth2 refreshes 10 s early: every call refreshes
		s.auth.FailToken(2, http.StatusServiceUnavailable)
		if err := s.dest.Check(ctx); err != nil {
			t.Fatalf("Check with two 503s from the token endpoint: %v", err)
		}
	})
	t.Run("5xx that lasts is unavailable, not a sign-in", func(t *testing.T) {
		s := newSignedIn(t, time.Second)
		s.auth.FailToken(1000, http.StatusInternalServerError)
		err := s.dest.Check(ctx)
		if !errors.Is(err, storage.ErrUnavailable) || errors.Is(err, storage.ErrAuth) ||
			strings.Contains(err.Error(), "sign in to Google again") {
			t.Fatalf("Check while the token endpoint fails: %v, want ErrUnavailable", err)
		}
	})
	for _, broken := range []string{"deleted_client", "invalid_client"} {
		t.Run(broken, func(t *testing.T) {
			s := newSignedIn(t, time.Second)
			if broken == "deleted_client" {
				s.auth.SetClientDeleted(true)
			} else {
				s.auth.SetClientSecret("reset in Google Cloud")
			}
			err := s.dest.Check(ctx)
			if !errors.Is(err, storage.ErrAuth) || !errors.Is(err, oauth.ErrClient) || storage.IsRetryable(err) {
				t.Fatalf("Check with a %s: %v, want a permanent ErrAuth matching oauth.ErrClient", broken, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, "enter the client id and secret again in Settings") ||
				strings.Contains(msg, "sign in to Google again") {
				t.Fatalf("message %q does not point to Settings", msg)
			}
		})
	}
}
