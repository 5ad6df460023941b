package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Sealed blobs are: version (1 byte) ‖ nonce (12 bytes) ‖ AES-256-GCM
// ciphertext with its 16-byte tag. The record id is the additional data,
// so a blob copied to another record does not open.
const (
	sealVersion = 1
	nonceSize   = 12
	tagSize     = 16
)

// ErrCannotOpen is returned by Open when the blob does not open with this
// key and record id.
var ErrCannotOpen = errors.New("cannot open sealed data: the data key is wrong, or the data belongs to another record or was altered")

// Seal encrypts plaintext for the record recordID with a fresh random
// nonce and returns the versioned blob.
func (k *Key) Seal(recordID string, plaintext []byte) ([]byte, error) {
	gcm, err := k.gcm()
	if err != nil {
		return nil, err
	}
	blob := make([]byte, 1+nonceSize, 1+nonceSize+len(plaintext)+tagSize)
	blob[0] = sealVersion
	if _, err := rand.Read(blob[1:]); err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return gcm.Seal(blob, blob[1:], plaintext, []byte(recordID)), nil
}

// Open decrypts a blob made by Seal for the same record id. It fails with
// ErrCannotOpen for a wrong key, a wrong record id or altered data, and
// with a format error for a blob that is not one of ours.
func (k *Key) Open(recordID string, blob []byte) ([]byte, error) {
	if len(blob) < 1+nonceSize+tagSize {
		return nil, fmt.Errorf("sealed data is too short (%d bytes) to be a sealed secret", len(blob))
	}
	if blob[0] != sealVersion {
		return nil, fmt.Errorf("sealed data has format version %d; this Avault reads version %d", blob[0], sealVersion)
	}
	gcm, err := k.gcm()
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, blob[1:1+nonceSize], blob[1+nonceSize:], []byte(recordID))
	if err != nil {
		return nil, ErrCannotOpen
	}
	return plain, nil
}

func (k *Key) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.b[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
