package secrets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k, _ := NewKey()
	plain := []byte(`{"secretAccessKey":"wJalrXUtnFEMI"}`)
	blob, err := k.Seal("cred-1", plain)
	if err != nil {
		t.Fatal(err)
	}
	if blob[0] != 1 || len(blob) != 1+12+len(plain)+16 || bytes.Contains(blob, []byte("wJalr")) {
		t.Fatalf("blob layout: version %d, %d bytes", blob[0], len(blob))
	}
	got, err := k.Open("cred-1", blob)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	again, _ := k.Seal("cred-1", plain)
	if bytes.Equal(blob[1:13], again[1:13]) {
		t.Error("two seals used the same nonce")
	}
	empty, _ := k.Seal("cred-1", nil)
	if got, err := k.Open("cred-1", empty); err != nil || len(got) != 0 {
		t.Errorf("empty plaintext: %q, %v", got, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	k, _ := NewKey()
	other, _ := NewKey()
	blob, _ := k.Seal("cred-1", []byte("secret"))
	tampered := bytes.Clone(blob)
	tampered[len(tampered)-1] ^= 1
	badVersion := bytes.Clone(blob)
	badVersion[0] = 2
	for _, tc := range []struct {
		name string
		key  *Key
		id   string
		blob []byte
		want error
		text string
	}{
		{"other record", k, "cred-2", blob, ErrCannotOpen, ""},
		{"other key", other, "cred-1", blob, ErrCannotOpen, ""},
		{"altered", k, "cred-1", tampered, ErrCannotOpen, ""},
		{"unknown version", k, "cred-1", badVersion, nil, "format version 2"},
		{"too short", k, "cred-1", blob[:20], nil, "too short"},
		{"empty", k, "cred-1", nil, nil, "too short"},
	} {
		_, err := tc.key.Open(tc.id, tc.blob)
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: Open = %v", tc.name, err)
		}
	}
}

func TestParseKeyAndCheck(t *testing.T) {
	text := strings.Repeat("0123456789abcdef", 4)
	k, err := ParseKey("  " + strings.ToUpper(text) + "\n")
	if err != nil || k.text() != text {
		t.Fatalf("ParseKey: %v", err)
	}
	for _, tc := range []struct{ in, want string }{
		{"abc", "must be 64 hexadecimal characters (a 32-byte key, e.g. from `openssl rand -hex 32`), not 3 characters"},
		{strings.Repeat("z", 64), "character 1 is not hexadecimal"},
		{text[:10] + "g" + text[11:], "character 11 is not hexadecimal"},
	} {
		_, err := ParseKey(tc.in)
		if !errors.Is(err, ErrMalformedKey) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), tc.in) {
			t.Errorf("ParseKey(%q) = %v", tc.in, err)
		}
	}
	other, _ := NewKey()
	if !k.Matches(k.Check()) || k.Matches(other.Check()) || k.Matches(nil) || len(k.Check()) != 17 || k.Check()[0] != 1 {
		t.Error("check values do not tell keys apart")
	}
}
