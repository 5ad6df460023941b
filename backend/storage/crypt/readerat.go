package crypt

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/avault/avault/backend/storage"

	"golang.org/x/crypto/nacl/secretbox"
)

// sealedFile is the encrypted form of a plaintext that can be read at
// offsets (an open file): an io.ReaderAt and io.Seeker over the
// ciphertext, each block sealed when it is read. Block i is sealed under
// the file's nonce plus i, so any part of the ciphertext can be made
// without the parts before it: a destination can send parts of a large
// file at once, and read a part again when a request is retried.
type sealedFile struct {
	pr    io.ReaderAt // the plaintext, from pstart
	start int64
	size  int64 // plaintext bytes
	esize int64 // EncryptedSize(size)
	key   *[32]byte
	head  [HeaderSize]byte
	nonce nonce
	pos   int64 // for Read and Seek

	mu    sync.Mutex
	cache []sealedBlock // the blocks read last, a few per reader at once
}

type sealedBlock struct {
	i    int64
	data []byte
}

// plainBufs holds the buffers a block's plaintext is read into.
var plainBufs = sync.Pool{New: func() any { b := make([]byte, BlockDataSize); return &b }}

// cachedBlocks bounds the blocks kept sealed: enough for the parts a
// destination sends at once to each find theirs (64 KiB each).
const cachedBlocks = 8

// newSealedFile encrypts size bytes of pr from start.
func (c *Cipher) newSealedFile(pr io.ReaderAt, start, size int64) (*sealedFile, error) {
	f := &sealedFile{pr: pr, start: start, size: size, esize: EncryptedSize(size), key: &c.dataKey}
	if _, err := io.ReadFull(c.rand, f.nonce[:]); err != nil {
		return nil, err
	}
	copy(f.head[:], magic)
	copy(f.head[len(magic):], f.nonce[:])
	return f, nil
}

// block returns block i sealed.
func (f *sealedFile) block(i int64) ([]byte, error) {
	f.mu.Lock()
	for _, b := range f.cache {
		if b.i == i {
			f.mu.Unlock()
			return b.data, nil
		}
	}
	f.mu.Unlock()
	n := min(int64(BlockDataSize), f.size-i*BlockDataSize)
	pb := plainBufs.Get().(*[]byte)
	defer plainBufs.Put(pb)
	plain := (*pb)[:n]
	got, err := f.pr.ReadAt(plain, f.start+i*BlockDataSize)
	if int64(got) < n {
		if err == nil || err == io.EOF {
			return nil, storage.NewError(storage.ErrInvalid, fmt.Sprintf("the file ends before its %d bytes", f.size), io.ErrUnexpectedEOF)
		}
		return nil, err
	}
	nc := f.nonce
	nc.add(uint64(i))
	data := secretbox.Seal(make([]byte, 0, n+blockOverhead), plain, (*[nonceSize]byte)(&nc), f.key)
	f.mu.Lock()
	if len(f.cache) >= cachedBlocks {
		f.cache = f.cache[1:]
	}
	f.cache = append(f.cache, sealedBlock{i: i, data: data})
	f.mu.Unlock()
	return data, nil
}

// ReadAt reads the ciphertext at off.
func (f *sealedFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= f.esize {
			return n, io.EOF
		}
		if at < int64(HeaderSize) {
			n += copy(p[n:], f.head[at:])
			continue
		}
		i, in := (at-int64(HeaderSize))/blockSize, (at-int64(HeaderSize))%blockSize
		b, err := f.block(i)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], b[in:])
	}
	return n, nil
}

func (f *sealedFile) Read(p []byte) (int, error) {
	n, err := f.ReadAt(p, f.pos)
	f.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (f *sealedFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += f.pos
	case io.SeekEnd:
		offset += f.esize
	}
	if offset < 0 {
		return 0, errors.New("negative position")
	}
	f.pos = offset
	return offset, nil
}

// add adds x to the nonce, little-endian, as rclone does to seek.
func (n *nonce) add(x uint64) {
	carry := uint16(0)
	for i := range 8 {
		carry += uint16(n[i]) + uint16(byte(x))
		x >>= 8
		n[i] = byte(carry)
		carry >>= 8
	}
	for i := 8; carry != 0 && i < len(n); i++ {
		carry += uint16(n[i])
		n[i] = byte(carry)
		carry >>= 8
	}
}

// plainProgress turns progress in ciphertext bytes into progress in
// plaintext bytes (those whole or partly sent), adding up to the
// plaintext's size when the whole ciphertext is.
func plainProgress(progress func(int64), size int64) func(int64) {
	if progress == nil {
		return nil
	}
	var mu sync.Mutex
	var sent, told int64
	return func(d int64) {
		mu.Lock()
		defer mu.Unlock()
		sent += d
		c := sent - int64(HeaderSize)
		var p int64
		if c > 0 {
			p = c/blockSize*BlockDataSize + max(0, c%blockSize-blockOverhead)
		}
		p = min(max(p, 0), size)
		if sent >= EncryptedSize(size) {
			p = size
		}
		if p > told {
			progress(p - told)
			told = p
		}
	}
}
