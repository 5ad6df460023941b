// Command googlefakes runs the project's local stand-ins for Google's OAuth
// and Drive servers, for the web mode's end-to-end test. It prints one JSON
// line with their addresses and the OAuth client, and runs until its
// standard input closes.
package main

import (
	"encoding/json"
	"io"
	"os"
	"strings"

	"github.com/avault/avault/backend/oauth/oauthfake"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

const (
	clientID     = "e2e-client.apps.googleusercontent.com"
	clientSecret = "e2e-client-secret"
)

func main() {
	auth := oauthfake.New(clientID, clientSecret)
	defer auth.Close()
	drive := drivefake.New(drivefake.Options{Authorize: auth.Valid})
	defer drive.Close()
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{
		"oauth":        strings.TrimSuffix(auth.AuthURL(), "/auth"),
		"drive":        drive.URL(),
		"clientId":     clientID,
		"clientSecret": clientSecret,
	})
	_, _ = io.Copy(io.Discard, os.Stdin)
}
