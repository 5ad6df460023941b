package storage

import (
	"context"
	"errors"
	"io"
)

// resumer is a file being read through WithRetry. When a read breaks off
// with a retryable error (a connection reset halfway through a download),
// it opens the file again and skips the bytes it already handed out.
// Attempts are counted from the last read that made progress.
type resumer struct {
	ctx     context.Context
	r       *retrier
	op      string
	open    func() (io.ReadCloser, error)
	rc      io.ReadCloser
	off     int64 // bytes handed out
	attempt int   // failed reads since the last progress
	err     error // the error that ended the stream for good
}

func (rs *resumer) Read(p []byte) (int, error) {
	for rs.err == nil {
		n, err := rs.rc.Read(p)
		rs.off += int64(n)
		if n > 0 {
			rs.attempt = 0
		}
		if err == nil || err == io.EOF || !again(err) || rs.ctx.Err() != nil {
			return n, err
		}
		if rerr := rs.reopen(err); rerr != nil {
			rs.err = rerr
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, rs.err
}

// reopen waits, opens the file again and skips to where the reader stood.
func (rs *resumer) reopen(cause error) error {
	for {
		rs.attempt++
		if rs.attempt >= rs.r.o.MaxAttempts {
			return cause
		}
		d, ok := rs.r.wait(rs.attempt, cause)
		if !ok {
			return cause
		}
		if rs.r.o.OnRetry != nil {
			rs.r.o.OnRetry(rs.op, rs.attempt, cause, d)
		}
		if err := rs.r.o.Sleep(rs.ctx, d); err != nil {
			return errors.Join(err, cause)
		}
		rs.rc.Close()
		rc, err := rs.open()
		if err != nil {
			rs.rc = io.NopCloser(nil)
			return err
		}
		rs.rc = rc
		_, err = io.CopyN(io.Discard, rc, rs.off)
		switch {
		case err == nil:
			return nil
		case err == io.EOF:
			return io.ErrUnexpectedEOF // the file is shorter than what was read
		case !again(err) || rs.ctx.Err() != nil:
			return err
		}
		cause = err
	}
}

func (rs *resumer) Close() error { return rs.rc.Close() }

// Note passes on the note of the file as it was opened last (Noter).
func (rs *resumer) Note() string { return NoteOf(rs.rc) }
