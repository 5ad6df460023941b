package storage

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"
)

// breaking is a destination whose file downloads break off: the i-th
// Open's reader fails with errs[i] after cut[i] bytes (no error: the whole
// file).
type breaking struct {
	Destination
	content string
	cut     []int
	errs    []error
	opens   int
}

func (b *breaking) Open(context.Context, string, string) (io.ReadCloser, error) {
	i := b.opens
	b.opens++
	if i >= len(b.errs) || b.errs[i] == nil {
		return io.NopCloser(strings.NewReader(b.content)), nil
	}
	return io.NopCloser(io.MultiReader(strings.NewReader(b.content[:b.cut[i]]), errReader{b.errs[i]})), nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func TestOpenResumesABrokenRead(t *testing.T) {
	content := strings.Repeat("0123456789", 1000)
	reset := &connReset{syscall.ECONNRESET}
	tests := []struct {
		name    string
		cut     []int
		errs    []error
		want    string // "" means the whole content
		wantErr error
		opens   int
	}{
		{"reset then whole", []int{3000}, []error{reset}, "", nil, 2},
		{"breaks at the same place every time but moves on", []int{10, 20, 30, 40, 50, 60, 70}, []error{io.ErrUnexpectedEOF, io.ErrUnexpectedEOF, io.ErrUnexpectedEOF, io.ErrUnexpectedEOF, io.ErrUnexpectedEOF, io.ErrUnexpectedEOF, io.ErrUnexpectedEOF}, "", nil, 8},
		{"never gets further", []int{100, 100, 100, 100, 100, 100}, []error{reset, reset, reset, reset, reset, reset}, content[:100], reset, 5},
		{"a permanent error is not retried", []int{100}, []error{ErrPermission}, content[:100], ErrPermission, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &breaking{content: content, cut: tt.cut, errs: tt.errs}
			d := WithRetry(b, RetryOptions{Sleep: noSleep})
			rc, err := d.Open(context.Background(), "v", "f")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			rc.Close()
			want := tt.want
			if want == "" {
				want = content
			}
			if string(got) != want || !errors.Is(err, tt.wantErr) || b.opens != tt.opens {
				t.Errorf("read %d bytes (want %d), err %v (want %v), %d opens (want %d)", len(got), len(want), err, tt.wantErr, b.opens, tt.opens)
			}
		})
	}
}

// connReset is a connection reset as the net package reports it.
type connReset struct{ errno syscall.Errno }

func (e *connReset) Error() string { return "read: " + e.errno.Error() }
func (e *connReset) Unwrap() error { return e.errno }
