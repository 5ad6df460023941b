package crypt

import (
	"crypto/aes"
	gocipher "crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// obscureKey is the fixed key rclone uses to obscure passwords in its
// configuration file. Obscuring hides a password from a glance, nothing
// more: anyone with rclone can reveal it.
var obscureKey = []byte{
	0x9c, 0x93, 0x5b, 0x48, 0x73, 0x0a, 0x55, 0x4d,
	0x6b, 0xfd, 0x7c, 0x63, 0xc8, 0x86, 0xa9, 0x2b,
	0xd3, 0x90, 0x19, 0x8e, 0xb8, 0x12, 0x8a, 0xfb,
	0xf4, 0xde, 0x16, 0x2b, 0x8b, 0x95, 0xf6, 0x38,
}

func obscureXOR(out, in, iv []byte) {
	b, err := aes.NewCipher(obscureKey)
	if err != nil {
		panic(err) // a 32-byte key never fails
	}
	gocipher.NewCTR(b, iv).XORKeyStream(out, in)
}

// Obscure writes s as rclone config writes a password: AES-256-CTR under
// rclone's fixed key with a random IV in front, in unpadded base64url.
func Obscure(s string) (string, error) { return obscure(s, rand.Reader) }

func obscure(s string, rnd io.Reader) (string, error) {
	out := make([]byte, aes.BlockSize+len(s))
	if _, err := io.ReadFull(rnd, out[:aes.BlockSize]); err != nil {
		return "", fmt.Errorf("reading a random IV: %w", err)
	}
	obscureXOR(out[aes.BlockSize:], []byte(s), out[:aes.BlockSize])
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// Reveal undoes Obscure.
func Reveal(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < aes.BlockSize {
		return "", errors.New("not an obscured password")
	}
	obscureXOR(b[aes.BlockSize:], b[aes.BlockSize:], b[:aes.BlockSize])
	return string(b[aes.BlockSize:]), nil
}

// RcloneConfig returns the lines of an rclone configuration that reads
// what Avault wrote: a crypt remote called name over remote (an rclone
// remote path such as "s3:bucket/prefix" or "/mnt/backup"), with the
// passwords obscured as rclone config writes them.
func RcloneConfig(name, remote, password, salt string) (string, error) {
	p, err := Obscure(password)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s]\ntype = crypt\nremote = %s\nfilename_encryption = %s\ndirectory_name_encryption = true\npassword = %s\n", name, remote, rcloneNameMode, p)
	if salt != "" {
		s, err := Obscure(salt)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "password2 = %s\n", s)
	}
	return b.String(), nil
}
