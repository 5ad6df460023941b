package oauth_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/oauth/oauthfake"
)

const (
	clientID     = "1234-desktop.apps.googleusercontent.com"
	clientSecret = "GOCSPX-not-confidential"
)

func newFake(t *testing.T) (*oauthfake.Server, oauth.Config) {
	t.Helper()
	fake := oauthfake.New(clientID, clientSecret)
	t.Cleanup(fake.Close)
	cfg := oauth.Config{
		ClientID: clientID, ClientSecret: clientSecret,
		Scopes:  oauth.DriveScopes(oauth.DriveAppFolders),
		AuthURL: fake.AuthURL(), TokenURL: fake.TokenURL(), RevokeURL: fake.RevokeURL(),
		Timeout: 10 * time.Second,
	}
	return fake, cfg
}

// page is what the browser ended up showing.
type page struct {
	status int
	body   string
	err    error
}

// browser plays the person's browser: it receives the sign-in address from
// SignIn, lets tamper change it, follows the fake's redirect back to the
// loopback callback and reports the page it lands on.
type browser struct {
	tamper   func(u *url.URL)
	authURL  chan string
	landed   chan page
	callback chan string // the loopback URL the fake redirected to
}

func newBrowser(tamper func(*url.URL)) *browser {
	return &browser{tamper: tamper, authURL: make(chan string, 1),
		landed: make(chan page, 1), callback: make(chan string, 1)}
}

func (b *browser) open(authURL string) error {
	b.authURL <- authURL
	go b.visit(authURL)
	return nil
}

func (b *browser) visit(authURL string) {
	u, _ := url.Parse(authURL)
	if b.tamper != nil {
		b.tamper(u)
	}
	client := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		b.callback <- req.URL.String()
		return nil
	}}
	resp, err := client.Get(u.String())
	if err != nil {
		b.landed <- page{err: err}
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.landed <- page{status: resp.StatusCode, body: string(body)}
}

// assertClosed checks that nothing listens on the redirect URI's port any more.
func assertClosed(t *testing.T, authURL string) {
	t.Helper()
	u, _ := url.Parse(authURL)
	redirect, _ := url.Parse(u.Query().Get("redirect_uri"))
	conn, err := net.DialTimeout("tcp", redirect.Host, time.Second)
	if err == nil {
		conn.Close()
		t.Fatalf("the loopback listener %s still accepts connections", redirect.Host)
	}
}

func TestSignInSuccess(t *testing.T) {
	_, cfg := newFake(t)
	b := newBrowser(nil)
	grant, err := oauth.SignIn(context.Background(), cfg, b.open)
	if err != nil {
		t.Fatal(err)
	}
	if grant.Token.AccessToken == "" || grant.Token.RefreshToken == "" || grant.Token.Expiry.IsZero() {
		t.Fatalf("incomplete token: %+v", grant.Token)
	}
	if len(grant.Scopes) != 1 || grant.Scopes[0] != oauth.ScopeDriveFile {
		t.Fatalf("scopes = %v", grant.Scopes)
	}
	p := <-b.landed
	if p.status != http.StatusOK || !strings.Contains(p.body, "go back to Avault") {
		t.Fatalf("browser shows %d %q", p.status, p.body)
	}
	authURL := <-b.authURL
	q, _ := url.Parse(authURL)
	for _, k := range []string{"code_challenge", "state"} {
		if q.Query().Get(k) == "" {
			t.Errorf("auth URL has no %s", k)
		}
	}
	if q.Query().Get("code_challenge_method") != "S256" || q.Query().Get("access_type") != "offline" {
		t.Errorf("auth URL lacks S256 or offline access: %s", authURL)
	}
	assertClosed(t, authURL)

	// A second callback, replayed after success, finds nobody listening.
	if _, err := http.Get(<-b.callback); err == nil {
		t.Fatal("a replayed callback was answered after sign-in finished")
	}
}

func TestSignInFailures(t *testing.T) {
	otherChallenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	tests := []struct {
		name   string
		tamper func(*url.URL)
		deny   bool
		want   error
		match  string
	}{
		{name: "wrong state", want: oauth.ErrState, tamper: func(u *url.URL) {
			setParam(u, "state", "forged")
		}},
		{name: "wrong verifier", want: oauth.ErrReauth, match: "Invalid code verifier", tamper: func(u *url.URL) {
			setParam(u, "code_challenge", otherChallenge)
		}},
		{name: "denied", deny: true, want: oauth.ErrDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, cfg := newFake(t)
			fake.SetDeny(tt.deny)
			b := newBrowser(tt.tamper)
			grant, err := oauth.SignIn(context.Background(), cfg, b.open)
			if !errors.Is(err, tt.want) || grant != nil {
				t.Fatalf("SignIn = %v, %v; want %v", grant, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.match) {
				t.Fatalf("error %q does not say %q", err, tt.match)
			}
			if p := <-b.landed; p.status != http.StatusBadRequest || !strings.Contains(p.body, "try again") {
				t.Fatalf("browser shows %d %q", p.status, p.body)
			}
			assertClosed(t, <-b.authURL)
		})
	}
}

func setParam(u *url.URL, k, v string) {
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
}

func TestSignInTimeoutAndCancel(t *testing.T) {
	_, cfg := newFake(t)
	cfg.Timeout = 100 * time.Millisecond
	var authURL string
	idle := func(u string) error { authURL = u; return nil } // the person never comes back
	if _, err := oauth.SignIn(context.Background(), cfg, idle); !errors.Is(err, oauth.ErrTimeout) {
		t.Fatalf("SignIn = %v, want ErrTimeout", err)
	}
	assertClosed(t, authURL)

	cfg.Timeout = 0
	ctx, cancel := context.WithCancel(context.Background())
	cancelling := func(u string) error { authURL = u; cancel(); return nil }
	if _, err := oauth.SignIn(ctx, cfg, cancelling); !errors.Is(err, context.Canceled) {
		t.Fatalf("SignIn = %v, want context.Canceled", err)
	}
	assertClosed(t, authURL)

	failing := func(u string) error { authURL = u; return errors.New("no browser") }
	if _, err := oauth.SignIn(context.Background(), cfg, failing); err == nil || !strings.Contains(err.Error(), "no browser") {
		t.Fatalf("SignIn = %v, want the opener's error", err)
	}
	assertClosed(t, authURL)
}

func TestGrantedScopesMayBeFewer(t *testing.T) {
	fake, cfg := newFake(t)
	cfg.Scopes = []string{oauth.ScopeDrive, "openid"}
	fake.SetGrantedScopes([]string{"openid"})
	grant, err := oauth.SignIn(context.Background(), cfg, newBrowser(nil).open)
	if err != nil {
		t.Fatal(err)
	}
	if len(grant.Scopes) != 1 || grant.Scopes[0] != "openid" {
		t.Fatalf("scopes = %v, want only what was granted", grant.Scopes)
	}
}

func TestDriveScopes(t *testing.T) {
	if s := oauth.DriveScopes(oauth.DriveAppFolders); len(s) != 1 || s[0] != oauth.ScopeDriveFile {
		t.Errorf("app folders need %v", s)
	}
	if s := oauth.DriveScopes(oauth.DriveExisting); len(s) != 1 || s[0] != oauth.ScopeDrive {
		t.Errorf("existing folders and shared drives need %v", s)
	}
}
