package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sync"

	"github.com/avault/avault/backend/storage"
)

// minPooled is the smallest buffer kept for reuse; smaller ones are
// cheaper to allocate than to pool.
const minPooled = 64 << 10

// bufPools keeps buffers of minPooled<<i bytes for reuse, by class i.
var bufPools [40]sync.Pool

// buffer returns a slice of n bytes and a function that gives it back,
// after reserving its memory from the destination's MemoryLimit (waiting,
// or failing when ctx ends, while other uploads hold it).
func (d *Dest) buffer(ctx context.Context, n int64) ([]byte, func(), error) {
	if n < minPooled {
		return make([]byte, n), func() {}, nil
	}
	class := bits.Len64(uint64(n-1) / minPooled)
	size := int64(minPooled) << class
	weight := min(size, d.o.MemoryLimit)
	if err := d.mem.Acquire(ctx, weight); err != nil {
		return nil, nil, err
	}
	bp, _ := bufPools[class].Get().(*[]byte)
	if bp == nil {
		b := make([]byte, size)
		bp = &b
	}
	release := func() {
		bufPools[class].Put(bp)
		d.mem.Release(weight)
	}
	return (*bp)[:n], release, nil
}

// readFull fills buf from r, checking ctx between reads. A reader that
// ends early is ErrInvalid; a failing reader is a sourceError.
func readFull(ctx context.Context, r io.Reader, buf []byte) error {
	n := 0
	for n < len(buf) {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF && n < len(buf) {
			return shortSource(int64(n), int64(len(buf)))
		}
		if err != nil && err != io.EOF {
			return &sourceError{err}
		}
	}
	return nil
}

// copyExactly copies size bytes from r to w through buf, checking ctx
// between reads.
func copyExactly(ctx context.Context, w io.Writer, r io.Reader, size int64, buf []byte) error {
	for done := int64(0); done < size; {
		chunk := buf[:min(int64(len(buf)), size-done)]
		if err := readFull(ctx, r, chunk); err != nil {
			var short *storage.Error
			if errors.As(err, &short) && short.Kind == storage.ErrInvalid {
				return shortSource(done, size)
			}
			return err
		}
		w.Write(chunk)
		done += int64(len(chunk))
	}
	return nil
}

func shortSource(got, want int64) error {
	return storage.NewError(storage.ErrInvalid,
		fmt.Sprintf("source ended after %d of %d bytes (did the file change while it was read?)", got, want), nil)
}

// sourceError is a failure to read the file being stored: it says nothing
// about the destination and is passed on untranslated.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "reading the source: " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }
