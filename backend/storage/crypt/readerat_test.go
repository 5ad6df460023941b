package crypt

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// TestSealedFileMatchesTheStream: reading the ciphertext of a file at
// random offsets and lengths, in any order, gives exactly the bytes the
// sequential encrypter writes with the same nonce, and the plaintext's
// progress adds up.
func TestSealedFileMatchesTheStream(t *testing.T) {
	c, _ := NewCipher("potato", "")
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int64{BlockDataSize + 1, 3*BlockDataSize - 5, 5 * BlockDataSize, 17*BlockDataSize + 12345} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		src := bytes.NewReader(append([]byte("prefix"), data...))
		c1, c2 := *c, *c
		c1.rand, c2.rand = &counter{b: 250}, &counter{b: 250} // the nonce carries within the first blocks
		r, _ := c1.EncryptReader(bytes.NewReader(data))
		want, _ := io.ReadAll(r)
		f, err := c2.newSealedFile(src, 6, size)
		if err != nil {
			t.Fatal(err)
		}
		if f.esize != int64(len(want)) {
			t.Fatalf("size %d: %d ciphertext bytes, want %d", size, f.esize, len(want))
		}
		got := make([]byte, len(want))
		for range 200 {
			off := rng.Int64N(int64(len(want)))
			n := 1 + rng.Int64N(min(int64(len(want))-off, 3*blockSize))
			if k, err := f.ReadAt(got[off:off+n], off); int64(k) != n || (err != nil && err != io.EOF) {
				t.Fatalf("ReadAt(%d, %d) = %d, %v", n, off, k, err)
			}
			if !bytes.Equal(got[off:off+n], want[off:off+n]) {
				t.Fatalf("size %d: bytes at %d..%d differ", size, off, off+n)
			}
		}
		all, err := io.ReadAll(f)
		if err != nil || !bytes.Equal(all, want) {
			t.Fatalf("size %d: reading in order differs (%v)", size, err)
		}
		plain, err := c.Open(all)
		if err != nil || !bytes.Equal(plain, data) {
			t.Fatalf("size %d: does not decrypt back: %v", size, err)
		}
		var told int64
		p := plainProgress(func(n int64) { told += n }, size)
		for sent := int64(0); sent < f.esize; {
			d := min(f.esize-sent, 1+rng.Int64N(100000))
			p(d)
			sent += d
		}
		if told != size {
			t.Errorf("size %d: progress told %d", size, told)
		}
	}
	// A file shorter than said fails, it is not padded.
	f, _ := c.newSealedFile(bytes.NewReader(make([]byte, 10)), 0, 3*BlockDataSize)
	if _, err := io.ReadAll(f); err == nil {
		t.Error("a short file was read without error")
	}
}

func TestNonceAdd(t *testing.T) {
	for _, x := range []uint64{0, 1, 255, 256, 65535, 1 << 40} {
		a := nonce{0xff, 0xff, 0xfe, 0, 0, 0, 0, 0, 0xff}
		b := a
		a.add(x)
		for range min(x, 70000) {
			b.increment()
		}
		if x <= 70000 && a != b {
			t.Errorf("add(%d) = %x, counting gives %x", x, a, b)
		}
	}
	n := nonce{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 7}
	n.add(1)
	if want := (nonce{8: 0, 9: 8}); n != want {
		t.Errorf("carry past 8 bytes: %x, want %x", n, want)
	}
}
