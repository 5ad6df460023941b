package service

import (
	"context"
	"path/filepath"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/local"
	"github.com/avault/avault/backend/storage/s3"
)

// credentialOption carries a destination's credential id to the Drive
// kind's token-saving callback.
const credentialOption = "credentialId"

// newRegistry wires every destination kind Avault knows, in the order a
// person picks them.
func (s *Service) newRegistry() *storage.Registry {
	r := storage.NewRegistry()
	drive := gdrive.KindOptions{OAuth: s.opts.GoogleOAuth, Base: s.opts.DriveBase, Save: s.saveRefreshedToken}
	for _, k := range []storage.Kind{local.Kind(), s3.Kind(), gdrive.Kind(drive)} {
		if err := r.Register(k); err != nil {
			panic(err) // a wiring mistake, caught by every test
		}
	}
	return r
}

// DestinationKinds lists the kinds of destination and the fields each needs.
func (s *Service) DestinationKinds() []storage.Kind { return s.kinds.Kinds() }

// storageConfig turns a destination record and its unsealed secret into
// what the destination kind opens.
func storageConfig(d job.Destination, secret storage.Secret) storage.Config {
	cfg := storage.Config{Kind: string(d.Kind), Options: d.Options, Secret: secret}
	switch d.Kind {
	case job.KindLocal:
		cfg.Root = filepath.Join(d.RemoteID, filepath.FromSlash(d.FolderPath))
	case job.KindS3:
		cfg.Bucket, cfg.Prefix = d.RemoteID, d.FolderPath
	default:
		cfg.Root = d.RemoteID
		cfg.Options = withOption(d.Options, credentialOption, d.CredentialID)
		if d.FolderPath != "" {
			cfg.Options[gdrive.OptionFolderPath] = d.FolderPath
		}
	}
	return cfg
}

func withOption(opts map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(opts)+1)
	for key, val := range opts {
		out[key] = val
	}
	out[k] = v
	return out
}

// openDestination opens a stored destination with its credential, behind
// the retry decorator.
func (s *Service) openDestination(ctx context.Context, d job.Destination) (storage.Destination, error) {
	var secret storage.Secret
	if d.CredentialID != "" {
		var err error
		if secret, err = s.unseal(d.CredentialID); err != nil {
			return nil, err
		}
	}
	dest, err := s.kinds.Open(ctx, storageConfig(d, secret))
	if err != nil {
		return nil, err
	}
	return storage.WithRetry(dest, storage.RetryOptions{}), nil
}

// TestDestination opens a destination as given (saved or not) and checks
// that its credentials work and its root exists and is writable.
func (s *Service) TestDestination(ctx context.Context, d job.Destination) error {
	normalizeDestination(&d)
	if err := d.Validate(); err != nil {
		return err
	}
	dest, err := s.openDestination(ctx, d)
	if err != nil {
		return err
	}
	defer dest.Close()
	return dest.Check(ctx)
}
