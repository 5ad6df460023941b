// Package oauth signs a person in to Google from a desktop application and
// keeps the resulting tokens fresh.
//
// Sign-in uses the loopback flow Google documents for desktop clients: a
// one-shot HTTP listener on 127.0.0.1 receives the authorization code, PKCE
// (S256) binds the code to this process, and a random state binds the
// browser's answer to this sign-in. The package returns tokens and the scopes
// that were granted; it knows nothing of where they are stored or what they
// are used for.
package oauth

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// Google's OAuth endpoints. Config uses them when its own are empty.
const (
	GoogleAuthURL   = "https://accounts.google.com/o/oauth2/auth"
	GoogleTokenURL  = "https://oauth2.googleapis.com/token"
	GoogleRevokeURL = "https://oauth2.googleapis.com/revoke"
)

// Google Drive scopes.
const (
	// ScopeDriveFile sees and changes only the files and folders the app
	// created (or the person opened with it). Google treats it as a
	// non-sensitive scope, so an unverified app can use it freely.
	ScopeDriveFile = "https://www.googleapis.com/auth/drive.file"
	// ScopeDrive sees and changes every file in the person's Drive,
	// including Shared Drives. Google treats it as a restricted scope.
	ScopeDrive = "https://www.googleapis.com/auth/drive"
)

// DriveAccess says what a Google Drive destination must be able to reach.
type DriveAccess int

const (
	// DriveAppFolders is a destination in My Drive whose folders Avault
	// creates itself (the root folder and everything below it).
	DriveAppFolders DriveAccess = iota
	// DriveExisting is a destination in a Shared Drive, or in an existing
	// My Drive folder the person picks in a folder browser.
	DriveExisting
)

// DriveScopes returns the scopes a Google Drive destination with the given
// access needs.
//
// drive.file is enough when Avault creates the folders it writes to: with it
// Avault can create, list, read, rename and delete everything it made, and
// nothing else, which is the least a backup tool should ask for. It cannot
// see folders the person made in the web UI, nor list Shared Drives
// (drives.list needs the full drive scope), so choosing an existing folder or
// writing into a Shared Drive needs https://www.googleapis.com/auth/drive.
func DriveScopes(access DriveAccess) []string {
	if access == DriveExisting {
		return []string{ScopeDrive}
	}
	return []string{ScopeDriveFile}
}

// DefaultSignInTimeout is how long SignIn waits for the browser to come back
// when Config.Timeout is zero.
const DefaultSignInTimeout = 5 * time.Minute

// Config describes the OAuth client. Zero values mean Google's defaults.
type Config struct {
	// ClientID and ClientSecret identify the person's own "Desktop app"
	// OAuth client. Google does not treat a desktop client's secret as
	// confidential: PKCE, not the secret, protects the code.
	ClientID     string
	ClientSecret string
	// Scopes are the scopes requested at sign-in (see DriveScopes).
	Scopes []string
	// AuthURL, TokenURL and RevokeURL override Google's endpoints (tests).
	AuthURL   string
	TokenURL  string
	RevokeURL string
	// HTTPClient makes the token and revoke requests; nil means
	// http.DefaultClient.
	HTTPClient *http.Client
	// Timeout bounds how long SignIn waits for the browser; zero means
	// DefaultSignInTimeout.
	Timeout time.Duration
	// RetryDelay is the first wait before a token refresh that the token
	// endpoint answered with a 5xx is asked again (see TokenSource); it
	// doubles for the next. Zero means one second.
	RetryDelay time.Duration
	// Now is the clock that spaces forced refreshes (ForceRefresh); nil
	// means time.Now. Tests move it on instead of waiting.
	Now func() time.Time
}

func (c Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// oauth2Config returns the x/oauth2 configuration for redirectURL.
func (c Config) oauth2Config(redirectURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		Scopes:       c.Scopes,
		RedirectURL:  redirectURL,
		Endpoint: oauth2.Endpoint{
			AuthURL:  orDefault(c.AuthURL, GoogleAuthURL),
			TokenURL: orDefault(c.TokenURL, GoogleTokenURL),
			// Google reads the client credentials from the form body;
			// naming the style saves the auto-detection round trip.
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// withClient returns ctx carrying c.HTTPClient for x/oauth2, if one is set.
func (c Config) withClient(ctx context.Context) context.Context {
	if c.HTTPClient == nil {
		return ctx
	}
	return context.WithValue(ctx, oauth2.HTTPClient, c.HTTPClient)
}

func (c Config) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
