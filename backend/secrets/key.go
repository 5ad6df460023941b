package secrets

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// KeySize is the data key's length in bytes (AES-256).
const KeySize = 32

// Key is the data key. It prints and logs as "**redacted**"; its bytes
// never leave the package except to the keyring or the key file.
type Key struct {
	b [KeySize]byte
}

// ErrMalformedKey is wrapped by the error for a key written in the wrong
// form (not 64 hexadecimal characters).
var ErrMalformedKey = errors.New("malformed data key")

// NewKey returns a new random key.
func NewKey() (*Key, error) {
	k := &Key{}
	if _, err := rand.Read(k.b[:]); err != nil {
		return nil, fmt.Errorf("generate data key: %w", err)
	}
	return k, nil
}

// ParseKey reads a key written as 64 hexadecimal characters (surrounding
// white space ignored), as `openssl rand -hex 32` prints one. Its error
// describes what is wrong without repeating the text.
func ParseKey(text string) (*Key, error) {
	text = strings.TrimSpace(text)
	if len(text) != 2*KeySize {
		return nil, fmt.Errorf("%w: it must be %d hexadecimal characters (a %d-byte key, e.g. from `openssl rand -hex 32`), not %d characters",
			ErrMalformedKey, 2*KeySize, KeySize, len(text))
	}
	k := &Key{}
	if _, err := hex.Decode(k.b[:], []byte(text)); err != nil {
		pos := strings.IndexFunc(text, func(r rune) bool { return !strings.ContainsRune("0123456789abcdefABCDEF", r) })
		return nil, fmt.Errorf("%w: character %d is not hexadecimal (0-9, a-f)", ErrMalformedKey, pos+1)
	}
	return k, nil
}

// text returns the key as ParseKey reads it, for the keyring and the file.
func (k *Key) text() string { return hex.EncodeToString(k.b[:]) }

// checkVersion starts every check value, so the scheme can change.
const checkVersion = 1

// Check returns the key's check value: a version byte and the first 16
// bytes of HMAC-SHA256(key, "avault key check"). Stored beside sealed
// data, it tells the right key from a wrong one without revealing it.
func (k *Key) Check() []byte {
	mac := hmac.New(sha256.New, k.b[:])
	mac.Write([]byte("avault key check"))
	return append([]byte{checkVersion}, mac.Sum(nil)[:16]...)
}

// Matches reports whether check is this key's check value.
func (k *Key) Matches(check []byte) bool { return hmac.Equal(k.Check(), check) }

// String returns "**redacted**".
func (Key) String() string { return Redacted }

// GoString returns "**redacted**".
func (Key) GoString() string { return Redacted }

// Format writes "**redacted**" for every verb.
func (Key) Format(f fmt.State, verb rune) { writeRedacted(f, verb) }

// LogValue makes slog write "**redacted**".
func (Key) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON returns "**redacted**" as a JSON string.
func (Key) MarshalJSON() ([]byte, error) { return Secret("").MarshalJSON() }
