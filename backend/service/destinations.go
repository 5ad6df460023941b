package service

import (
	"context"
	"errors"
	"fmt"
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

// DestinationKinds lists the kinds of destination and the fields each needs,
// with the options each accepts (the fields with an Option, declared in
// job.DestinationOptions): the destination form renders those, and saving
// checks them against the same declarations.
func (s *Service) DestinationKinds() []storage.Kind { return hideSealedOptions(s.kinds.Kinds()) }

// storageConfig turns a destination record and its unsealed secret into
// what the destination kind opens.
func storageConfig(d job.Destination, secret storage.Secret) storage.Config {
	cfg := storage.Config{Kind: string(d.Kind), Options: d.Options, Secret: secret}
	switch d.Kind {
	case job.KindLocal:
		cfg.Root = filepath.Join(d.RemoteID, filepath.FromSlash(d.FolderPath))
		cfg.Options = withOption(d.Options, local.OptionRequireMarker, "true")
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
	secret, err := s.secretOf(d)
	if err != nil {
		return nil, err
	}
	return s.openWith(ctx, d, secret, storage.RetryOptions{})
}

// secretOf unseals the credential of d; a destination without one (a
// local folder) has an empty Secret.
func (s *Service) secretOf(d job.Destination) (storage.Secret, error) {
	if d.CredentialID == "" {
		return storage.Secret{}, nil
	}
	return s.unseal(d.CredentialID)
}

// openWith opens d with its unsealed secret behind the retry decorator.
func (s *Service) openWith(ctx context.Context, d job.Destination, secret storage.Secret, ro storage.RetryOptions) (storage.Destination, error) {
	dest, err := s.kinds.Open(ctx, storageConfig(d, secret))
	if err != nil {
		return nil, err
	}
	if dest, err = s.encrypted(d, dest); err != nil {
		return nil, err
	}
	return storage.WithRetry(dest, ro), nil
}

// TestDestination opens a destination as given (saved or not) and checks
// that its credentials work and its root exists and is writable.
func (s *Service) TestDestination(ctx context.Context, d job.Destination) error {
	normalizeDestination(&d)
	if err := s.sealEncryption(&d, s.storedDestination(d.ID)); err != nil {
		return err
	}
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

// choiceRetries bounds the retries of a listing a person waits for.
var choiceRetries = storage.RetryOptions{MaxAttempts: 3}

// ListChoices lists what a person can pick for destination d (saved or
// still being filled in) under parent ("" for the top level, else the ID
// of a choice listed before): the buckets an S3 key can see and the
// folders in them; My Drive, the Shared Drives and their folders; the
// folders of this computer for a local folder. Where d points (its bucket,
// drive or folder) plays no part, since that is what is being chosen: it
// may be empty, and nothing is created. Errors never repeat the
// credential's secrets.
func (s *Service) ListChoices(ctx context.Context, d job.Destination, parent string) ([]storage.Choice, error) {
	normalizeDestination(&d)
	switch {
	case d.CredentialID == "" && d.Kind == job.KindS3:
		return nil, errors.New("choose the access key first: the buckets listed are those it can see")
	case d.CredentialID == "" && d.Kind == job.KindGDrive:
		return nil, errors.New("choose the Google account first: the drives listed are those it can see")
	}
	if err := d.ValidateAccess(); err != nil {
		return nil, err
	}
	if d.Kind == job.KindLocal {
		return local.Folders{}.ListChoices(ctx, parent) // nothing to open: the folder may not be chosen yet
	}
	secret, err := s.secretOf(d)
	if err != nil {
		return nil, err
	}
	d.RemoteID, d.FolderPath = "", ""
	if d.Kind == job.KindGDrive {
		d.RemoteID = gdrive.MyDrive // opening needs a drive; the listing does not depend on it
	}
	dest, err := s.openWith(ctx, d, secret, choiceRetries)
	if err != nil {
		return nil, redact(err, secret)
	}
	defer dest.Close()
	out, err := chooseIn(ctx, dest, d.Kind, parent)
	if err != nil {
		return nil, redact(err, secret)
	}
	return out, nil
}

// redact returns err, or when its message repeats a secret value, a plain
// error with the message redacted.
func redact(err error, secret storage.Secret) error {
	if msg := secret.Redact(err.Error()); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// chooseIn lists the choices of an open destination, or says that its kind
// has none.
func chooseIn(ctx context.Context, dest storage.Destination, kind job.Kind, parent string) ([]storage.Choice, error) {
	ch, ok := dest.(storage.Chooser)
	if !ok {
		return nil, fmt.Errorf("a %s destination has nothing to choose from; type where it writes", kind.Label())
	}
	out, err := ch.ListChoices(ctx, parent)
	if out == nil && err == nil {
		out = []storage.Choice{}
	}
	return out, err
}
