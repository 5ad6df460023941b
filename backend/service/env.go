package service

import (
	"os"
	"strings"

	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/storage/gdrive"
)

// Environment variables that point Google's endpoints elsewhere: a local
// fake in tests, or a proxy. Unset, Avault talks to Google.
const (
	EnvDriveEndpoint = "AVAULT_DRIVE_ENDPOINT" // base URL; the API is under drive/v3/
	EnvOAuthEndpoint = "AVAULT_OAUTH_ENDPOINT" // base URL of /auth, /token and /revoke
)

// FromEnvironment fills the Google endpoint overrides from the environment.
func (o Options) FromEnvironment() Options {
	if u := os.Getenv(EnvDriveEndpoint); u != "" && o.DriveBase.Endpoint == "" {
		o.DriveBase = gdrive.Options{Endpoint: strings.TrimSuffix(u, "/") + "/"}
	}
	if u := strings.TrimSuffix(os.Getenv(EnvOAuthEndpoint), "/"); u != "" && o.GoogleOAuth.TokenURL == "" {
		o.GoogleOAuth = oauth.Config{AuthURL: u + "/auth", TokenURL: u + "/token", RevokeURL: u + "/revoke"}
	}
	return o
}
