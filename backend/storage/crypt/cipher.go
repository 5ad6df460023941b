// Package crypt encrypts what Avault stores at a destination in rclone's
// crypt format, so that stock rclone, given a crypt remote with the same
// password and salt password, reads back any version: contents as a
// "RCLONE\x00\x00" header, a random 24-byte nonce and 64 KiB blocks each
// sealed with NaCl secretbox (the nonce counted up per block); names segment
// by segment with EME (AES-256) over PKCS#7-padded bytes, written in
// lower-case base32hex without padding (rclone's "standard" name
// encryption, with folder names encrypted). The keys come from scrypt
// (N=16384, r=8, p=1) of the password and salt password, or rclone's
// built-in salt when the salt password is empty.
//
// Wrap puts a Cipher in front of any storage.Destination (see dest.go).
package crypt

import (
	"crypto/aes"
	gocipher "crypto/cipher"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/rfjakob/eme"
	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
)

// The content format.
const (
	magic          = "RCLONE\x00\x00"
	nonceSize      = 24
	HeaderSize     = len(magic) + nonceSize // bytes before the first block
	blockOverhead  = secretbox.Overhead     // 16
	BlockDataSize  = 64 * 1024              // plaintext bytes per block
	blockSize      = blockOverhead + BlockDataSize
	nameBlockSize  = aes.BlockSize
	maxNameCipher  = 2048 // longest decoded name segment rclone accepts
	scryptN        = 16384
	scryptR        = 8
	scryptP        = 1
	keyBytes       = 32 + 32 + nameBlockSize
	rcloneNameMode = "standard"
)

// defaultSalt is the salt rclone uses when no salt password is set.
var defaultSalt = []byte{0xA8, 0x0D, 0xF4, 0x3A, 0x8F, 0xBD, 0x03, 0x08, 0xA7, 0xCA, 0xB8, 0x3E, 0x58, 0x1F, 0x86, 0xB1}

// Errors the decoders return.
var (
	// ErrNotEncrypted says a name or file is not in the crypt format at all
	// (bad base32, a length no cipher gives, no magic header).
	ErrNotEncrypted = errors.New("not encrypted in rclone's crypt format")
	// ErrWrongKey says a name or a block is in the format but does not
	// decrypt with these keys: a different password or salt password, or
	// damaged data.
	ErrWrongKey = errors.New("does not decrypt with this password (a wrong password or salt password, or damaged data)")
	// ErrTruncated says an encrypted file ends inside its header or a block header.
	ErrTruncated = errors.New("encrypted file is truncated")
)

// Cipher holds the keys derived from a password and salt password.
type Cipher struct {
	dataKey   [32]byte
	nameTweak [nameBlockSize]byte
	block     gocipher.Block
	rand      io.Reader // nonces; crypto/rand except in tests
}

// NewCipher derives the keys as rclone does. An empty password is refused:
// rclone would use all-zero keys for it, which protect nothing.
func NewCipher(password, salt string) (*Cipher, error) {
	if password == "" {
		return nil, errors.New("encryption needs a password")
	}
	return newCipher(password, salt)
}

// newCipher derives the keys; an empty password gives the all-zero keys
// rclone's own tests use.
func newCipher(password, salt string) (*Cipher, error) {
	s := defaultSalt
	if salt != "" {
		s = []byte(salt)
	}
	key := make([]byte, keyBytes)
	if password != "" {
		var err error
		if key, err = scrypt.Key([]byte(password), s, scryptN, scryptR, scryptP, keyBytes); err != nil {
			return nil, err
		}
	}
	c := &Cipher{rand: rand.Reader}
	copy(c.dataKey[:], key[:32])
	nameKey := key[32:64]
	copy(c.nameTweak[:], key[64:])
	b, err := aes.NewCipher(nameKey)
	if err != nil {
		return nil, err
	}
	c.block = b
	return c, nil
}

var b32 = base32.HexEncoding.WithPadding(base32.NoPadding)

// EncryptSegment encrypts one name (no slashes). "" stays "".
func (c *Cipher) EncryptSegment(plain string) string {
	if plain == "" {
		return ""
	}
	n := nameBlockSize - len(plain)%nameBlockSize
	padded := make([]byte, len(plain)+n)
	copy(padded, plain)
	for i := len(plain); i < len(padded); i++ {
		padded[i] = byte(n)
	}
	return strings.ToLower(b32.EncodeToString(eme.Transform(c.block, c.nameTweak[:], padded, eme.DirectionEncrypt)))
}

// DecryptSegment decrypts one encrypted name. It fails with ErrNotEncrypted
// when the name cannot be one, and ErrWrongKey when it does not decrypt.
func (c *Cipher) DecryptSegment(enc string) (string, error) {
	if enc == "" {
		return "", nil
	}
	raw, err := b32.DecodeString(strings.ToUpper(enc))
	switch {
	case err != nil:
		return "", fmt.Errorf("name %q: %w", enc, ErrNotEncrypted)
	case len(raw) == 0 || len(raw)%nameBlockSize != 0 || len(raw) > maxNameCipher:
		return "", fmt.Errorf("name %q: %w", enc, ErrNotEncrypted)
	}
	p := eme.Transform(c.block, c.nameTweak[:], raw, eme.DirectionDecrypt)
	n := int(p[len(p)-1])
	if n == 0 || n > nameBlockSize {
		return "", fmt.Errorf("name %q: %w", enc, ErrWrongKey)
	}
	for _, b := range p[len(p)-n:] {
		if int(b) != n {
			return "", fmt.Errorf("name %q: %w", enc, ErrWrongKey)
		}
	}
	return string(p[:len(p)-n]), nil
}

// versionSuffix is the "-vYYYY-MM-DD-HHMMSS-mmm" rclone keeps in clear at
// the end of a file name's base (for the version naming of some
// backends): it encrypts the rest and puts the suffix back.
var versionSuffix = regexp.MustCompile(`-v\d{4}-\d{2}-\d{2}-\d{6}-\d{3}`)

const versionLayout = "-v2006-01-02-150405.000"

// splitVersion returns name without its version suffix and the suffix, as
// rclone's version.Remove decides; suffix is "" when there is none.
func splitVersion(name string) (rest, suffix string) {
	if !versionSuffix.MatchString(name) {
		return name, ""
	}
	base, ext := splitExt(name)
	if len(base) < len(versionLayout) || base[len(base)-4] != '-' {
		return name, ""
	}
	start := len(base) - len(versionLayout)
	v := base[start:]
	if _, err := time.Parse(versionLayout, v[:len(v)-4]+"."+v[len(v)-3:]); err != nil {
		return name, ""
	}
	return base[:start] + ext, v
}

// splitExt splits name as rclone does: a name that is all extension
// (".file") is all base.
func splitExt(name string) (base, ext string) {
	ext = path.Ext(name)
	base = name[:len(name)-len(ext)]
	if ext != "" && base == "" {
		base, ext = ext, ""
	}
	return base, ext
}

// EncryptPath encrypts every segment of a slash-separated path, as
// rclone's crypt remote names files and folders.
func (c *Cipher) EncryptPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		suffix := ""
		if i == len(segs)-1 {
			s, suffix = splitVersion(s)
		}
		segs[i] = c.EncryptSegment(s) + suffix
	}
	return strings.Join(segs, "/")
}

// MaxNameBytes is the longest name (one path segment) that, encrypted,
// still fits the 255 bytes most file systems and stores allow: 143 bytes
// pad to 144, which base32 writes in 231 characters.
const MaxNameBytes = 143

// CheckNames fails when a segment of p is too long to store encrypted.
func CheckNames(p string) error {
	for s := range strings.SplitSeq(p, "/") {
		if len(s) > MaxNameBytes {
			return fmt.Errorf("the name %q is %d bytes long; encrypted, a name can have at most %d", s, len(s), MaxNameBytes)
		}
	}
	return nil
}

// DecryptPath decrypts every segment of an encrypted path.
func (c *Cipher) DecryptPath(p string) (string, error) {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		suffix := ""
		if i == len(segs)-1 {
			s, suffix = splitVersion(s)
		}
		d, err := c.DecryptSegment(s)
		if err != nil {
			return "", err
		}
		if suffix != "" { // back before the plain name's extension
			base, ext := splitExt(d)
			d = base + suffix + ext
		}
		segs[i] = d
	}
	return strings.Join(segs, "/"), nil
}

// EncryptedSize is the size of a file of size plaintext bytes once encrypted.
func EncryptedSize(size int64) int64 {
	blocks, rest := size/BlockDataSize, size%BlockDataSize
	n := int64(HeaderSize) + blocks*blockSize
	if rest != 0 {
		n += blockOverhead + rest
	}
	return n
}

// DecryptedSize is the plaintext size of an encrypted file of size bytes.
func DecryptedSize(size int64) (int64, error) {
	size -= int64(HeaderSize)
	if size < 0 {
		return 0, ErrTruncated
	}
	blocks, rest := size/blockSize, size%blockSize
	n := blocks * BlockDataSize
	if rest != 0 {
		if rest <= blockOverhead {
			return 0, ErrTruncated
		}
		n += rest - blockOverhead
	}
	return n, nil
}

type nonce [nonceSize]byte

// increment adds one, little-endian, as rclone counts blocks.
func (n *nonce) increment() {
	for i := range n {
		n[i]++
		if n[i] != 0 {
			return
		}
	}
}

// encrypter reads plaintext from in and gives the encrypted file.
type encrypter struct {
	in    io.Reader
	key   *[32]byte
	nonce nonce
	plain []byte
	out   []byte // sealed bytes not yet read
	buf   []byte
	err   error
}

// EncryptReader returns a reader of the encrypted form of what r gives,
// with a fresh random nonce.
func (c *Cipher) EncryptReader(r io.Reader) (io.Reader, error) {
	return c.encryptReader(r, BlockDataSize)
}

// encryptReader is EncryptReader for at most size bytes: a small file
// needs buffers of its own size, not of a whole block.
func (c *Cipher) encryptReader(r io.Reader, size int64) (io.Reader, error) {
	n := int(min(max(size, 1), BlockDataSize))
	e := &encrypter{in: r, key: &c.dataKey, plain: make([]byte, n), buf: make([]byte, 0, max(n+blockOverhead, HeaderSize))}
	if _, err := io.ReadFull(c.rand, e.nonce[:]); err != nil {
		return nil, fmt.Errorf("reading a random nonce: %w", err)
	}
	e.out = append(append(e.buf[:0], magic...), e.nonce[:]...)
	return e, nil
}

func (e *encrypter) Read(p []byte) (int, error) {
	if len(e.out) == 0 {
		if e.err != nil {
			return 0, e.err
		}
		n, err := io.ReadFull(e.in, e.plain)
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			e.err = io.EOF
		case err != nil:
			e.err = err
			return 0, err
		}
		if n == 0 {
			return 0, e.err
		}
		e.out = secretbox.Seal(e.buf[:0], e.plain[:n], (*[nonceSize]byte)(&e.nonce), e.key)
		e.nonce.increment()
	}
	n := copy(p, e.out)
	e.out = e.out[n:]
	return n, nil
}

// decrypter reads an encrypted file and gives its plaintext.
type decrypter struct {
	rc    io.ReadCloser
	key   *[32]byte
	nonce nonce
	in    []byte
	out   []byte
	buf   []byte
	err   error
}

// DecryptReader returns a reader of the plaintext of the encrypted file rc
// gives. Reading fails with ErrWrongKey at the first block that does not
// authenticate, so damaged or foreign data is never returned as plaintext.
func (c *Cipher) DecryptReader(rc io.ReadCloser) (io.ReadCloser, error) {
	head := make([]byte, HeaderSize)
	if _, err := fill(rc, head); err != nil {
		if err == io.EOF {
			err = fmt.Errorf("%w: shorter than the %d-byte header", ErrNotEncrypted, HeaderSize)
		}
		return nil, err
	}
	if string(head[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: no RCLONE header", ErrNotEncrypted)
	}
	d := &decrypter{rc: rc, key: &c.dataKey, in: make([]byte, blockSize), buf: make([]byte, 0, BlockDataSize)}
	copy(d.nonce[:], head[len(magic):])
	return d, nil
}

func (d *decrypter) Read(p []byte) (int, error) {
	if len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		n, err := fill(d.rc, d.in)
		switch {
		case err == io.EOF && n == 0:
			d.err = io.EOF
			return 0, io.EOF
		case err == io.EOF:
			d.err = io.EOF // the last block, shorter than the others
		case err != nil:
			// A broken read (a connection cut, which an HTTP body reports
			// as io.ErrUnexpectedEOF too) is not the file's end: it is
			// returned as it is, for the caller to read again.
			return 0, err
		}
		if n <= blockOverhead {
			d.err = ErrTruncated
			return 0, d.err
		}
		out, ok := secretbox.Open(d.buf[:0], d.in[:n], (*[nonceSize]byte)(&d.nonce), d.key)
		if !ok {
			d.err = ErrWrongKey
			return 0, d.err
		}
		d.out = out
		d.nonce.increment()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func (d *decrypter) Close() error { return d.rc.Close() }

// fill reads until b is full, r ends (io.EOF, with what it read) or
// fails (its own error, even io.ErrUnexpectedEOF, which io.ReadFull would
// confuse with the end of the file). A full b comes with a nil error: the
// next read gives r's end or failure again.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil && n < len(b) {
			return n, err
		}
	}
	return n, nil
}

// Seal encrypts b whole (a manifest, a record).
func (c *Cipher) Seal(b []byte) ([]byte, error) {
	r, err := c.EncryptReader(strings.NewReader(string(b)))
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, EncryptedSize(int64(len(b))))
	w := &sliceWriter{b: out}
	if _, err := io.Copy(w, r); err != nil {
		return nil, err
	}
	return w.b, nil
}

// Open decrypts b whole.
func (c *Cipher) Open(b []byte) ([]byte, error) {
	r, err := c.DecryptReader(io.NopCloser(strings.NewReader(string(b))))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
