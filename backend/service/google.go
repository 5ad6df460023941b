package service

import (
	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
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
