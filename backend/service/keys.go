package service

import (
	"context"
	"fmt"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/secrets"
)

// keyState is the data key once loaded, or why the last attempt failed.
type keyState struct {
	key    *secrets.Key
	source string
	err    error
	tried  time.Time
}

func (k keyState) errText() string {
	if k.err == nil {
		return ""
	}
	return k.err.Error()
}

// keyInfo returns the key state, trying to load the key when it is not
// loaded yet. A failed attempt is repeated at most every few seconds, so a
// keyring that comes back (unlocked, restarted) is picked up without a restart.
func (s *Service) keyInfo(ctx context.Context) keyState {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key.key == nil && time.Since(s.key.tried) > 5*time.Second {
		s.key = s.loadKey(ctx)
	}
	return s.key
}

func (s *Service) dataKey() (*secrets.Key, error) {
	k := s.keyInfo(context.Background())
	if k.key == nil {
		return nil, k.err
	}
	return k.key, nil
}

func (s *Service) sealBytes(id string, plain []byte) ([]byte, error) {
	k, err := s.dataKey()
	if err != nil {
		return nil, err
	}
	return k.Seal(id, plain)
}

func (s *Service) openBytes(id string, blob []byte) ([]byte, error) {
	k, err := s.dataKey()
	if err != nil {
		return nil, err
	}
	return k.Open(id, blob)
}

func (s *Service) keyOptions() secrets.Options {
	st, _ := s.Settings()
	return secrets.Options{Dir: s.opts.DataDir, UseFile: s.opts.KeyFile || st.KeySource == job.KeySourceFile}
}

// loadKey finds the data key (keyring, environment, key file; see
// secrets.Load for the order and the rules) and records its check value.
func (s *Service) loadKey(ctx context.Context) keyState {
	now := time.Now()
	check, err := s.store.KeyCheck()
	if err != nil {
		return keyState{err: err, tried: now}
	}
	sealed, err := s.store.HasSealedCredentials()
	if err != nil {
		return keyState{err: err, tried: now}
	}
	l, err := secrets.Load(ctx, secrets.State{Check: check, Sealed: sealed}, s.keyOptions())
	if err != nil {
		s.log.Warn("data key unavailable", "err", err)
		return keyState{err: err, tried: now}
	}
	if l.CheckChanged {
		if err := s.store.SetKeyCheck(l.Check); err != nil {
			return keyState{err: fmt.Errorf("record the data key's check value: %w", err), tried: now}
		}
	}
	if l.Created {
		s.log.Info("created a new data key", "kept in", l.Source)
	}
	return keyState{key: l.Key, source: string(l.Source), tried: now}
}

// SetKeySource moves the data key to the keyring or to a key file in the
// data folder, and remembers the choice. The key itself does not change,
// so sealed credentials stay readable.
func (s *Service) SetKeySource(ctx context.Context, to job.KeySource) (Status, error) {
	if to != job.KeySourceKeyring && to != job.KeySourceFile {
		return Status{}, fmt.Errorf("the data key can be kept in %q or %q, not %q", job.KeySourceKeyring, job.KeySourceFile, to)
	}
	k, err := s.dataKey()
	if err != nil {
		sealed, serr := s.store.HasSealedCredentials()
		if serr != nil || sealed {
			return Status{}, err
		}
		k = nil // nothing sealed yet: the next load creates the key where chosen
	}
	if k != nil {
		if err := secrets.SaveKey(ctx, k, secrets.Source(to), s.keyOptions()); err != nil {
			return Status{}, err
		}
	}
	st, err := s.Settings()
	if err != nil {
		return Status{}, err
	}
	st.KeySource = to
	if err := s.store.PutSettings(st); err != nil {
		return Status{}, err
	}
	s.keyMu.Lock()
	if k != nil {
		s.key.source = string(to)
	} else {
		s.key = keyState{}
	}
	s.keyMu.Unlock()
	s.changed("settings")
	return s.Status(), nil
}
