package service

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/store"
)

// saveRefreshedToken seals a refreshed Google token into its credential,
// keeping the client id and secret beside it.
func (s *Service) saveRefreshedToken(cfg storage.Config, tok *oauth2.Token) {
	id := cfg.Option(credentialOption)
	if id == "" {
		return
	}
	enc, err := gdrive.EncodeToken(tok)
	if err != nil {
		s.log.Warn("encode refreshed token", "credential", id, "err", err)
		return
	}
	c, err := s.store.GetCredential(id)
	if err != nil {
		s.log.Warn("save refreshed token", "credential", id, "err", err)
		return
	}
	sealed, err := s.seal(id, map[string]string{
		gdrive.SecretClientID:     cfg.Secret.Get(gdrive.SecretClientID),
		gdrive.SecretClientSecret: cfg.Secret.Get(gdrive.SecretClientSecret),
		gdrive.SecretToken:        enc,
	})
	if err == nil {
		_, err = s.store.UpdateCredential(c, sealed)
	}
	if err != nil {
		s.log.Warn("save refreshed token", "credential", id, "err", err)
	}
}

// googleSecretID is the record id the settings' Google client secret is
// sealed with.
const googleSecretID = "settings/googleClientSecret"

// GoogleConnectInput names a new Google sign-in and what it must reach.
type GoogleConnectInput struct {
	Name string `json:"name"`
	// SharedDrives asks for the full Drive scope, needed to list Shared
	// Drives and pick existing folders; otherwise Avault asks only for
	// drive.file (the folders it creates itself).
	SharedDrives bool `json:"sharedDrives"`
	// CredentialID, when set, signs an existing Google account in again
	// (after Google refused it): its token is replaced in place, so the
	// destinations that use it work again unchanged. Name is then ignored.
	CredentialID string `json:"credentialId,omitempty"`
}

// googleClient returns the OAuth client: the environment's
// GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET, else the one in Settings.
func (s *Service) googleClient() (id, secret string, err error) {
	if id, secret = os.Getenv("GOOGLE_CLIENT_ID"), os.Getenv("GOOGLE_CLIENT_SECRET"); id != "" && secret != "" {
		return id, secret, nil
	}
	st, err := s.store.GetSettings()
	if err != nil {
		return "", "", err
	}
	if st.GoogleClientID == "" || st.GoogleClientSecret == "" {
		return "", "", errors.New("set your Google OAuth client (a \"Desktop app\" client id and secret) in Settings, or GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET; the README says how to create one")
	}
	blob, err := base64.StdEncoding.DecodeString(st.GoogleClientSecret)
	if err != nil {
		return "", "", errors.New("the stored Google client secret is unreadable; enter it again in Settings")
	}
	plain, err := s.openBytes(googleSecretID, blob)
	if err != nil {
		return "", "", err
	}
	return st.GoogleClientID, string(plain), nil
}

// ConnectGoogle signs in to Google in the browser (loopback redirect with
// PKCE) and stores the tokens as a sealed credential.
func (s *Service) ConnectGoogle(ctx context.Context, in GoogleConnectInput) (job.Credential, error) {
	id, secret, old, err := s.checkGoogleConnect(in)
	if err != nil {
		return job.Credential{}, err
	}
	cfg := s.opts.GoogleOAuth
	cfg.ClientID, cfg.ClientSecret = id, secret
	access := oauth.DriveAppFolders
	if in.SharedDrives {
		access = oauth.DriveExisting
	}
	cfg.Scopes = oauth.DriveScopes(access)
	open := s.opts.OpenURL
	grant, err := oauth.SignIn(ctx, cfg, open)
	if err != nil {
		return job.Credential{}, err
	}
	tok, err := gdrive.EncodeToken(grant.Token)
	if err != nil {
		return job.Credential{}, err
	}
	secrets := map[string]string{gdrive.SecretClientID: id, gdrive.SecretClientSecret: secret, gdrive.SecretToken: tok}
	meta := map[string]string{"scopes": strings.Join(grant.Scopes, " "), "clientId": maskKeyID(id)}
	if old.ID != "" {
		return s.replaceCredentialSecret(old, meta, secrets)
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = "Google Drive"
	}
	c := job.Credential{ID: store.NewID(), Name: name, Provider: job.KindGDrive, Status: job.CredentialOK, Metadata: meta}
	return s.createCredential(c, secrets)
}

// checkGoogleConnect returns the OAuth client to sign in with and, when
// in signs an account in again, that account.
func (s *Service) checkGoogleConnect(in GoogleConnectInput) (id, secret string, old job.Credential, err error) {
	if id, secret, err = s.googleClient(); err != nil {
		return "", "", job.Credential{}, err
	}
	if in.CredentialID != "" {
		if old, err = s.store.GetCredential(in.CredentialID); err != nil {
			return "", "", job.Credential{}, err
		}
		if old.Provider != job.KindGDrive {
			return "", "", job.Credential{}, fmt.Errorf("account %q is not a Google account; sign-in again is only for Google", old.Name)
		}
	}
	if s.opts.OpenURL == nil {
		return "", "", job.Credential{}, errors.New("this Avault cannot open a browser")
	}
	return id, secret, old, nil
}

// StartConnectGoogle is ConnectGoogle as a task: the window follows the
// sign-in in its activity list and can cancel it while Google's page waits
// (the task ends CANCELLED and nothing is stored). What can refuse the
// sign-in before it begins is checked here.
func (s *Service) StartConnectGoogle(in GoogleConnectInput) (Task, error) {
	if _, _, old, err := s.checkGoogleConnect(in); err != nil {
		return Task{}, err
	} else if old.ID != "" {
		in.Name = old.Name
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = "Google Drive"
	}
	at, err := s.tasks.prepare(TaskSignIn, "", "Sign in to Google for "+name)
	if err != nil {
		return Task{}, err
	}
	return s.tasks.start(at, func(ctx context.Context) error {
		c, err := s.ConnectGoogle(ctx, in)
		if err != nil {
			return err
		}
		s.tasks.setResult(at, func(t *Task) { t.Credential = convertPtr(&c, CredentialOf) })
		return nil
	})
}

// replaceCredentialSecret seals a new secret for an existing credential,
// with new metadata, and marks it usable again. The old token is not
// revoked: Google already refused it, or the user chose to sign in again.
func (s *Service) replaceCredentialSecret(c job.Credential, meta, secret map[string]string) (job.Credential, error) {
	sealed, err := s.seal(c.ID, secret)
	if err != nil {
		return job.Credential{}, err
	}
	c.Status, c.Metadata = job.CredentialOK, meta
	out, err := s.store.UpdateCredential(c, sealed)
	if err == nil {
		s.changed("credentials")
	}
	return out, err
}

// revokeGoogle revokes a Google credential's token, best effort, before it
// is deleted.
func (s *Service) revokeGoogle(ctx context.Context, id string) {
	sec, err := s.unseal(id)
	if err != nil {
		return
	}
	tok, err := gdrive.DecodeToken(sec.Get(gdrive.SecretToken))
	if err != nil {
		return
	}
	t := tok.RefreshToken
	if t == "" {
		t = tok.AccessToken
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := oauth.Revoke(ctx, s.opts.GoogleOAuth, t); err != nil {
		s.log.Warn("revoke Google token", "credential", id, "err", err)
	}
}

// markReauth records that a Google credential must sign in again, when a
// run of a Drive destination failed for that reason.
func (s *Service) markReauth(run job.Run) {
	if run.Status != job.StatusFailed || !strings.Contains(run.ErrorMessage, "sign in to Google again") {
		return
	}
	j, err := s.store.GetJob(run.JobID)
	if err != nil {
		return
	}
	d, err := s.store.GetDestination(j.DestinationID)
	if err != nil || d.CredentialID == "" {
		return
	}
	if err := s.store.SetCredentialStatus(d.CredentialID, job.CredentialReauth); err == nil {
		s.changed("credentials")
	}
}

// sealSettingsSecret seals a newly entered Google client secret, or keeps
// the stored one when none was entered.
func (s *Service) sealSettingsSecret(st *job.Settings, old job.Settings) error {
	if st.GoogleClientSecret == "" {
		st.GoogleClientSecret = old.GoogleClientSecret
		return nil
	}
	blob, err := s.sealBytes(googleSecretID, []byte(st.GoogleClientSecret))
	if err != nil {
		return err
	}
	st.GoogleClientSecret = base64.StdEncoding.EncodeToString(blob)
	return nil
}
