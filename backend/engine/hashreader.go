package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// hashReader gives a destination the first size bytes of an open file and
// computes their SHA-256 on the way. It is an io.Reader, io.Seeker and io.ReaderAt, so
// that a retried Put can read the file again and a multi-part upload can
// read parts in parallel. Each byte goes into the hashes exactly once, in
// order: bytes read again after a seek are not hashed twice, and whatever a
// destination did not read in order is read and hashed by complete.
type hashReader struct {
	f    *os.File
	size int64
	off  int64 // position for Read and Seek

	// lim, when set, paces what the destination reads (the upload limit);
	// ctx ends a wait for it.
	lim *rate.Limiter
	ctx context.Context

	mu       sync.Mutex
	hashed   int64 // bytes [0, hashed) went into the hash
	sha      hash.Hash
	hashTime time.Duration
	readErr  error // the first failure to read the file, not its end
}

func newHashReader(f *os.File, size int64) *hashReader {
	return &hashReader{f: f, size: size, sha: sha256.New()}
}

// throttled makes the reader wait for lim before giving bytes to the
// destination, so that the bytes it sends stay under the upload limit.
func (h *hashReader) throttled(ctx context.Context, lim *rate.Limiter) *hashReader {
	h.ctx, h.lim = ctx, lim
	return h
}

// Read reads from the current position, never past size. Under an upload
// limit it reads at most a burst at a time, so that bytes leave evenly.
func (h *hashReader) Read(p []byte) (int, error) {
	if h.lim != nil && h.lim.Limit() != rate.Inf {
		if b := h.lim.Burst(); len(p) > b {
			p = p[:b]
		}
	}
	n, err := h.ReadAt(p, h.off)
	h.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil // the next Read reports it
	}
	return n, err
}

// ReadAt reads from off, never past size, as io.ReaderAt says. It may be
// called concurrently. A file that shrank ends early: the destination sees
// a short body and fails the Put. Under an upload limit it first waits
// until the bytes may be sent.
func (h *hashReader) ReadAt(p []byte, off int64) (int, error) {
	return h.readAt(p, off, true)
}

func (h *hashReader) readAt(p []byte, off int64, paced bool) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= h.size {
		return 0, io.EOF
	}
	short := false
	if rest := h.size - off; int64(len(p)) > rest {
		p, short = p[:rest], true
	}
	if paced {
		if err := h.wait(len(p)); err != nil {
			return 0, err
		}
	}
	n, err := h.f.ReadAt(p, off)
	h.feed(p[:n], off)
	if err != nil && err != io.EOF {
		h.setErr(err)
	}
	if err == nil && short {
		err = io.EOF
	}
	return n, err
}

// Seek moves the position for Read. Offsets are relative to the first
// size bytes of the file.
func (h *hashReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = h.off + offset
	case io.SeekEnd:
		abs = h.size + offset
	default:
		return 0, fmt.Errorf("invalid whence %d", whence)
	}
	if abs < 0 {
		return 0, errors.New("negative position")
	}
	h.off = abs
	return abs, nil
}

// wait takes n bytes from the upload limit, a burst at a time.
func (h *hashReader) wait(n int) error {
	if h.lim == nil || h.lim.Limit() == rate.Inf {
		return nil
	}
	for n > 0 {
		step := min(n, h.lim.Burst())
		if err := h.lim.WaitN(h.ctx, step); err != nil {
			if h.ctx.Err() != nil {
				return h.ctx.Err()
			}
			return err
		}
		n -= step
	}
	return nil
}

// feed hashes the part of b (read at off) that continues the hashed prefix.
func (h *hashReader) feed(b []byte, off int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	end := off + int64(len(b))
	if off > h.hashed || end <= h.hashed {
		return
	}
	chunk := b[h.hashed-off:]
	start := time.Now()
	h.sha.Write(chunk)
	h.hashTime += time.Since(start)
	h.hashed = end
}

func (h *hashReader) setErr(err error) {
	h.mu.Lock()
	if h.readErr == nil {
		h.readErr = err
	}
	h.mu.Unlock()
}

// complete hashes what the destination did not read in order, reading
// the file itself. It fails when the file ends before size bytes.
func (h *hashReader) complete() error {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	for {
		h.mu.Lock()
		at := h.hashed
		h.mu.Unlock()
		if at >= h.size {
			return nil
		}
		n, err := h.readAt(*bp, at, false) // not sent: not paced
		if n == 0 && err == io.EOF {
			return fmt.Errorf("the file ended after %d of %d bytes", at, h.size)
		}
		if err != nil && err != io.EOF {
			return err
		}
	}
}

// sum returns the hex SHA-256 of what was hashed.
func (h *hashReader) sum() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return hex.EncodeToString(h.sha.Sum(nil))
}

// copyBufs are the buffers for reading files the engine hashes or writes
// itself (verify, restore, hashing what a destination skipped).
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}
