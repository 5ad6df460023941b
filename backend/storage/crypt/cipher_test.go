package crypt

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// The expected values below are those of rclone's own crypt and obscure
// tests: what rclone v1.76 writes for these inputs.

// counter gives 1, 2, 3, ... as the nonce source of rclone's content tests.
type counter struct{ b byte }

func (c *counter) Read(p []byte) (int, error) {
	for i := range p {
		c.b++
		p[i] = c.b
	}
	return len(p), nil
}

func TestKeyDerivation(t *testing.T) {
	for _, tc := range []struct {
		password, salt string
		data, name     []byte
		tweak          []byte
	}{
		{"potato", "",
			[]byte{0x74, 0x55, 0xC7, 0x1A, 0xB1, 0x7C, 0x86, 0x5B, 0x84, 0x71, 0xF4, 0x7B, 0x79, 0xAC, 0xB0, 0x7E, 0xB3, 0x1D, 0x56, 0x78, 0xB8, 0x0C, 0x7E, 0x2E, 0xAF, 0x4F, 0xC8, 0x06, 0x6A, 0x9E, 0xE4, 0x68},
			[]byte{0x76, 0x5D, 0xA2, 0x7A, 0xB1, 0x5D, 0x77, 0xF9, 0x57, 0x96, 0x71, 0x1F, 0x7B, 0x93, 0xAD, 0x63, 0xBB, 0xB4, 0x84, 0x07, 0x2E, 0x71, 0x80, 0xA8, 0xD1, 0x7A, 0x9B, 0xBE, 0xC1, 0x42, 0x70, 0xD0},
			[]byte{0xC1, 0x8D, 0x59, 0x32, 0xF5, 0x5B, 0x28, 0x28, 0xC5, 0xE1, 0xE8, 0x72, 0x15, 0x52, 0x03, 0x10}},
		{"Potato", "",
			[]byte{0xAE, 0xEA, 0x6A, 0xD3, 0x47, 0xDF, 0x75, 0xB9, 0x63, 0xCE, 0x12, 0xF5, 0x76, 0x23, 0xE9, 0x46, 0xD4, 0x2E, 0xD8, 0xBF, 0x3E, 0x92, 0x8B, 0x39, 0x24, 0x37, 0x94, 0x13, 0x3E, 0x5E, 0xF7, 0x5E},
			[]byte{0x54, 0xF7, 0x02, 0x6E, 0x8A, 0xFC, 0x56, 0x0A, 0x86, 0x63, 0x6A, 0xAB, 0x2C, 0x9C, 0x51, 0x62, 0xE5, 0x1A, 0x12, 0x23, 0x51, 0x83, 0x6E, 0xAF, 0x50, 0x42, 0x0F, 0x98, 0x1C, 0x86, 0x0A, 0x19},
			[]byte{0xF8, 0xC1, 0xB6, 0x27, 0x2D, 0x52, 0x9B, 0x4A, 0x8F, 0xDA, 0xEB, 0x42, 0x4A, 0x28, 0xDD, 0xF3}},
		{"potato", "sausage",
			[]byte{0x8e, 0x9b, 0x6b, 0x99, 0xf8, 0x69, 0x4, 0x67, 0xa0, 0x71, 0xf9, 0xcb, 0x92, 0xd0, 0xaa, 0x78, 0x7f, 0x8f, 0xf1, 0x78, 0xbe, 0xc9, 0x6f, 0x99, 0x9f, 0xd5, 0x20, 0x6e, 0x64, 0x4a, 0x1b, 0x50},
			[]byte{0x3e, 0xa9, 0x5e, 0xf6, 0x81, 0x78, 0x2d, 0xc9, 0xd9, 0x95, 0x5d, 0x22, 0x5b, 0xfd, 0x44, 0x2c, 0x6f, 0x5d, 0x68, 0x97, 0xb0, 0x29, 0x1, 0x5c, 0x6f, 0x46, 0x2e, 0x2a, 0x9d, 0xae, 0x2c, 0xe3},
			[]byte{0xf1, 0x7f, 0xd7, 0x14, 0x1d, 0x65, 0x27, 0x4f, 0x36, 0x3f, 0xc2, 0xa0, 0x4d, 0xd2, 0x14, 0x8a}},
	} {
		c, err := NewCipher(tc.password, tc.salt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.dataKey[:], tc.data) || !bytes.Equal(c.nameTweak[:], tc.tweak) {
			t.Errorf("%q/%q: data key %x tweak %x", tc.password, tc.salt, c.dataKey, c.nameTweak)
		}
		// The name key is only held by the AES block: check it by
		// encrypting with a cipher keyed directly.
		if got, want := c.EncryptSegment("x"), segmentWith(t, tc.name, tc.tweak, "x"); got != want {
			t.Errorf("%q/%q: name key differs: %s, want %s", tc.password, tc.salt, got, want)
		}
	}
	if _, err := NewCipher("", ""); err == nil {
		t.Error("an empty password was accepted")
	}
}

func TestSegmentVectors(t *testing.T) {
	c, err := newCipher("", "") // the all-zero keys of rclone's tests
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"1", "p0e52nreeaj0a5ea7s64m4j72s"},
		{"12", "l42g6771hnv3an9cgc8cr2n1ng"},
		{"123", "qgm4avr35m5loi1th53ato71v0"},
		{"1234", "8ivr2e9plj3c3esisjpdisikos"},
		{"12345", "rh9vu63q3o29eqmj4bg6gg7s44"},
		{"123456", "bn717l3alepn75b2fb2ejmi4b4"},
		{"1234567", "n6bo9jmb1qe3b1ogtj5qkf19k8"},
		{"12345678", "u9t24j7uaq94dh5q53m3s4t9ok"},
		{"123456789", "37hn305g6j12d1g0kkrl7ekbs4"},
		{"1234567890", "ot8d91eplaglb62k2b1trm2qv0"},
		{"12345678901", "h168vvrgb53qnrtvvmb378qrcs"},
		{"123456789012", "s3hsdf9e29ithrqbjqu01t8q2s"},
		{"1234567890123", "cf3jimlv1q2oc553mv7s3mh3eo"},
		{"12345678901234", "moq0uqdlqrblrc5pa5u5c7hq9g"},
		{"123456789012345", "eeam3li4rnommi3a762h5n7meg"},
		{"1234567890123456", "mijbj0frqf6ms7frcr6bd9h0env53jv96pjaaoirk7forcgpt70g"},
	} {
		if got := c.EncryptSegment(tc.in); got != tc.want {
			t.Errorf("EncryptSegment(%q) = %q, want %q", tc.in, got, tc.want)
		}
		for _, enc := range []string{tc.want, strings.ToUpper(tc.want)} {
			if got, err := c.DecryptSegment(enc); err != nil || got != tc.in {
				t.Errorf("DecryptSegment(%q) = %q, %v; want %q", enc, got, err, tc.in)
			}
		}
	}
}

func TestPathVectors(t *testing.T) {
	c, _ := newCipher("", "")
	for _, tc := range []struct{ in, want string }{
		{"1", "p0e52nreeaj0a5ea7s64m4j72s"},
		{"1/12", "p0e52nreeaj0a5ea7s64m4j72s/l42g6771hnv3an9cgc8cr2n1ng"},
		{"1/12/123", "p0e52nreeaj0a5ea7s64m4j72s/l42g6771hnv3an9cgc8cr2n1ng/qgm4avr35m5loi1th53ato71v0"},
		{"1-v2001-02-03-040506-123", "p0e52nreeaj0a5ea7s64m4j72s-v2001-02-03-040506-123"},
		{"1/12-v2001-02-03-040506-123", "p0e52nreeaj0a5ea7s64m4j72s/l42g6771hnv3an9cgc8cr2n1ng-v2001-02-03-040506-123"},
	} {
		if got := c.EncryptPath(tc.in); got != tc.want {
			t.Errorf("EncryptPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got, err := c.DecryptPath(tc.want); err != nil || got != tc.in {
			t.Errorf("DecryptPath(%q) = %q, %v", tc.want, got, err)
		}
	}
	// A versioned name keeps its extension after the version, in clear.
	enc := c.EncryptPath("scan-v2001-02-03-040506-123.png")
	if want := c.EncryptSegment("scan.png") + "-v2001-02-03-040506-123"; enc != want {
		t.Errorf("EncryptPath of a versioned name = %q, want %q", enc, want)
	}
	if got, err := c.DecryptPath(enc); err != nil || got != "scan-v2001-02-03-040506-123.png" {
		t.Errorf("DecryptPath(%q) = %q, %v", enc, got, err)
	}
}

func TestDecryptSegmentErrors(t *testing.T) {
	c, _ := newCipher("", "")
	other, _ := newCipher("other", "")
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"64=", ErrNotEncrypted},
		{"!", ErrNotEncrypted},
		{"hello.txt", ErrNotEncrypted},
		{"2026-12-05_0642", ErrNotEncrypted},
		{"p0e52nreeaj0a5ea7s64m4j7", ErrNotEncrypted}, // 15 bytes
		{other.EncryptSegment("photos"), ErrWrongKey},
	} {
		if _, err := c.DecryptSegment(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("DecryptSegment(%q) = %v, want %v", tc.in, err, tc.want)
		}
	}
}

var (
	file0 = []byte{
		0x52, 0x43, 0x4c, 0x4f, 0x4e, 0x45, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
	}
	file1 = append(append([]byte{}, file0...),
		0x09, 0x5b, 0x44, 0x6c, 0xd6, 0x23, 0x7b, 0xbc, 0xb0, 0x8d, 0x09, 0xfb, 0x52, 0x4c, 0xe5, 0x65,
		0xAA)
	file16 = append(append([]byte{}, file0...),
		0xb9, 0xc4, 0x55, 0x2a, 0x27, 0x10, 0x06, 0x29, 0x18, 0x96, 0x0a, 0x3e, 0x60, 0x8c, 0x29, 0xb9,
		0xaa, 0x8a, 0x5e, 0x1e, 0x16, 0x5b, 0x6d, 0x07, 0x5d, 0xe4, 0xe9, 0xbb, 0x36, 0x7f, 0xd6, 0xd4)
)

func TestContentVectors(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{[]byte{}, file0},
		{[]byte{1}, file1},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, file16},
	} {
		c, _ := newCipher("", "")
		c.rand = &counter{}
		r, err := c.EncryptReader(bytes.NewReader(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Errorf("encrypting %d bytes: %x, %v; want %x", len(tc.in), got, err, tc.want)
		}
		if int64(len(got)) != EncryptedSize(int64(len(tc.in))) {
			t.Errorf("EncryptedSize(%d) = %d, wrote %d", len(tc.in), EncryptedSize(int64(len(tc.in))), len(got))
		}
		plain, err := c.Open(tc.want)
		if err != nil || !bytes.Equal(plain, tc.in) {
			t.Errorf("decrypting: %x, %v; want %x", plain, err, tc.in)
		}
	}
}

// TestContentBlocks round-trips sizes around the block size, read in
// small and odd chunks, and checks the nonce counts one per block.
func TestContentBlocks(t *testing.T) {
	c, _ := NewCipher("potato", "sausage")
	for _, size := range []int{0, 1, BlockDataSize - 1, BlockDataSize, BlockDataSize + 1, 3*BlockDataSize + 17} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i*7 + i/251)
		}
		r, err := c.EncryptReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		var enc bytes.Buffer
		if _, err := io.CopyBuffer(&enc, struct{ io.Reader }{r}, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
		// Buffers sized for the file write the same blocks.
		c1, c2 := *c, *c
		c1.rand, c2.rand = &counter{}, &counter{}
		r1, _ := c1.EncryptReader(bytes.NewReader(data))
		r2, _ := c2.encryptReader(bytes.NewReader(data), int64(size))
		b1, _ := io.ReadAll(r1)
		b2, _ := io.ReadAll(r2)
		if !bytes.Equal(b1, b2) {
			t.Errorf("size %d: buffers sized for the file encrypt differently", size)
		}
		if int64(enc.Len()) != EncryptedSize(int64(size)) {
			t.Errorf("size %d: wrote %d, EncryptedSize %d", size, enc.Len(), EncryptedSize(int64(size)))
		}
		if n, err := DecryptedSize(int64(enc.Len())); err != nil || n != int64(size) {
			t.Errorf("DecryptedSize(%d) = %d, %v", enc.Len(), n, err)
		}
		d, err := c.DecryptReader(io.NopCloser(bytes.NewReader(enc.Bytes())))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := io.CopyBuffer(&out, struct{ io.Reader }{d}, make([]byte, 333)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Errorf("size %d: round trip differs", size)
		}
		if size > BlockDataSize { // a damaged second block is refused, not returned
			bad := bytes.Clone(enc.Bytes())
			bad[HeaderSize+blockSize+3] ^= 1
			d, _ := c.DecryptReader(io.NopCloser(bytes.NewReader(bad)))
			if _, err := io.ReadAll(d); !errors.Is(err, ErrWrongKey) {
				t.Errorf("size %d: damaged block read with %v", size, err)
			}
		}
	}
	other, _ := NewCipher("potato", "")
	sealed, _ := c.Seal([]byte("hello"))
	if _, err := other.Open(sealed); !errors.Is(err, ErrWrongKey) {
		t.Errorf("another password opened it: %v", err)
	}
	if _, err := c.Open([]byte("plain text that is long enough for a header")); !errors.Is(err, ErrNotEncrypted) {
		t.Errorf("plain text: %v", err)
	}
	if _, err := c.Open(file0[:20]); !errors.Is(err, ErrNotEncrypted) {
		t.Errorf("short file: %v", err)
	}
}

func TestObscure(t *testing.T) {
	for _, tc := range []struct{ in, iv, want string }{
		{"", "aaaaaaaaaaaaaaaa", "YWFhYWFhYWFhYWFhYWFhYQ"},
		{"potato", "aaaaaaaaaaaaaaaa", "YWFhYWFhYWFhYWFhYWFhYXMaGgIlEQ"},
		{"potato", "bbbbbbbbbbbbbbbb", "YmJiYmJiYmJiYmJiYmJiYp3gcEWbAw"},
	} {
		got, err := obscure(tc.in, strings.NewReader(tc.iv))
		if err != nil || got != tc.want {
			t.Errorf("obscure(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if back, err := Reveal(got); err != nil || back != tc.in {
			t.Errorf("Reveal(%q) = %q, %v", got, back, err)
		}
	}
	if _, err := Reveal("not obscured!"); err == nil {
		t.Error("Reveal accepted garbage")
	}
}

func TestRcloneConfig(t *testing.T) {
	cfg, err := RcloneConfig("avault-secret", "s3:bucket/prefix", "pw", "salt")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[avault-secret]\n", "type = crypt\n", "remote = s3:bucket/prefix\n", "filename_encryption = standard\n", "directory_name_encryption = true\n", "password = ", "password2 = "} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(cfg, "= pw\n") || strings.Contains(cfg, "= salt\n") {
		t.Errorf("config holds a password in clear:\n%s", cfg)
	}
}

// segmentWith encrypts name with a cipher whose name key is set directly.
func segmentWith(t *testing.T, nameKey, tweak []byte, name string) string {
	t.Helper()
	c, _ := newCipher("", "")
	b, err := aesCipher(nameKey)
	if err != nil {
		t.Fatal(err)
	}
	c.block = b
	copy(c.nameTweak[:], tweak)
	return c.EncryptSegment(name)
}

// brokenAt gives the first n bytes of b, then fails as a cut HTTP body does.
type brokenAt struct {
	b []byte
	n int
}

func (r *brokenAt) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	k := copy(p, r.b[:min(r.n, len(r.b))])
	r.b, r.n = r.b[k:], r.n-k
	return k, nil
}

func (r *brokenAt) Close() error { return nil }

// TestBrokenReadIsNotDamage: a read cut short (io.ErrUnexpectedEOF from
// the source, as a dropped connection gives) is returned as it is, for the
// caller to read again, never taken for the file's end nor for damage.
func TestBrokenReadIsNotDamage(t *testing.T) {
	c, _ := NewCipher("potato", "")
	sealed, _ := c.Seal(bytes.Repeat([]byte("x"), 3*BlockDataSize))
	for _, cut := range []int{10, HeaderSize + 100, HeaderSize + blockSize + 5} {
		d, err := c.DecryptReader(&brokenAt{b: sealed, n: cut})
		if err == nil {
			_, err = io.ReadAll(d)
		}
		if err != io.ErrUnexpectedEOF {
			t.Errorf("cut at %d: %v, want the source's own io.ErrUnexpectedEOF", cut, err)
		}
	}
}
