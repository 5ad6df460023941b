package gdrive

import (
	"context"
	"encoding/json"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/storage"
)

// Keys of the credential secret a "gdrive" destination reads.
const (
	SecretClientID     = "clientId"     // the person's "Desktop app" OAuth client id
	SecretClientSecret = "clientSecret" // its secret (not confidential for Google, but kept sealed)
	SecretToken        = "token"        // the oauth2.Token as JSON (see EncodeToken)
)

// Options a "gdrive" destination reads from storage.Config.Options:
// OptionTrash is the one a person sets, declared in job.DestinationOptions;
// the service sets OptionFolderPath from the destination's folder.
const (
	OptionFolderPath = "folderPath" // folders below Config.Root, created when missing
	OptionTrash      = "trash"      // "true": deletes go to the trash (see Options.Trash)
)

// KindOptions adjust the "gdrive" kind. The zero value talks to Google.
type KindOptions struct {
	// OAuth overrides the token endpoint and its HTTP client (tests); the
	// client id and secret come from each credential.
	OAuth oauth.Config
	// Save, when not nil, is given every refreshed token of the credential
	// cfg holds, to seal and store. Without it a refreshed access token is
	// simply fetched again the next time.
	Save func(cfg storage.Config, tok *oauth2.Token)
	// Base holds the destination options every destination starts from
	// (endpoint, pacing); Root, folderPath and trash are taken from Config.
	Base Options
}

// Kind describes Google Drive destinations for the registry. Config.Root is
// "root" for My Drive, a Shared Drive's id, or a folder's id.
func Kind(ko KindOptions) storage.Kind {
	return storage.Kind{
		Name:        "gdrive",
		Title:       "Google Drive",
		Description: "A folder in My Drive or in a Shared Drive, signed in with your own Google OAuth client.",
		Fields: append([]storage.Field{
			{Key: "root", Label: "Drive or folder", Required: true,
				Help: `"root" for My Drive, or the id of a Shared Drive or folder`},
			{Key: OptionFolderPath, Label: "Folder path", Help: "folders below it, e.g. Backups/NAS; created when missing"},
			{Key: SecretClientID, Label: "OAuth client ID", Secret: true, Required: true},
			{Key: SecretClientSecret, Label: "OAuth client secret", Secret: true, Required: true},
			{Key: SecretToken, Label: "Google sign-in", Secret: true, Required: true, Help: "set by signing in to Google"},
		}, storage.OptionFields(job.KindGDrive)...), // trash
		Open: func(ctx context.Context, cfg storage.Config) (storage.Destination, error) {
			return open(ctx, ko, cfg)
		},
	}
}

func open(ctx context.Context, ko KindOptions, cfg storage.Config) (storage.Destination, error) {
	tok, err := DecodeToken(cfg.Secret.Get(SecretToken))
	if err != nil {
		return nil, err
	}
	oc := ko.OAuth
	oc.ClientID, oc.ClientSecret = cfg.Secret.Get(SecretClientID), cfg.Secret.Get(SecretClientSecret)
	var save func(*oauth2.Token)
	if ko.Save != nil {
		save = func(t *oauth2.Token) { ko.Save(cfg, t) }
	}
	o := ko.Base
	o.TokenSource = oc.TokenSource(context.Background(), tok, save)
	o.FolderID, o.FolderPath = cfg.Root, cfg.Option(OptionFolderPath)
	if o.FolderID == MyDrive {
		o.FolderID = ""
	}
	o.Trash = cfg.Option(OptionTrash) == "true"
	return New(ctx, o)
}

// EncodeToken returns tok as the JSON a credential stores under SecretToken.
func EncodeToken(tok *oauth2.Token) (string, error) {
	b, err := json.Marshal(tok)
	return string(b), err
}

// DecodeToken reads what EncodeToken wrote.
func DecodeToken(s string) (*oauth2.Token, error) {
	var tok oauth2.Token
	if err := json.Unmarshal([]byte(s), &tok); err != nil || (tok.AccessToken == "" && tok.RefreshToken == "") {
		return nil, storage.NewError(storage.ErrAuth, "Google Drive: the saved sign-in is unreadable: sign in to Google again", err)
	}
	return &tok, nil
}
