package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/avault/avault/backend/retry"
)

func TestIsRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"rate limited", RateLimitedError("slow down", time.Second, nil), true},
		{"unavailable", NewError(ErrUnavailable, "503", nil), true},
		{"connection reset", fmt.Errorf("put: %w", syscall.ECONNRESET), true},
		{"unexpected EOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"timeout", &net.DNSError{IsTimeout: true}, true},
		{"net op", &net.OpError{Op: "dial", Err: errors.New("boom")}, true},
		{"auth", NewError(ErrAuth, "bad key", nil), false},
		{"not found", fmt.Errorf("x: %w", ErrNotFound), false},
		{"quota", NewError(ErrQuota, "full", syscall.ENOSPC), false},
		{"permission", ErrPermission, false},
		{"read-only", ErrReadOnly, false},
		{"cancelled", fmt.Errorf("put: %w", context.Canceled), false},
		{"deadline", context.DeadlineExceeded, false},
		{"cancelled wins over reset", errors.Join(context.Canceled, syscall.ECONNRESET), false},
		{"unknown", errors.New("something odd"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsRetryable(tt.err); got != tt.want {
				t.Errorf("IsRetryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

type afterErr struct{ d time.Duration }

func (e afterErr) Error() string             { return "wait" }
func (e afterErr) RetryAfter() time.Duration { return e.d }

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want time.Duration
		ok   bool
	}{
		{"storage error", RateLimitedError("x", 3*time.Second, nil), 3 * time.Second, true},
		{"wrapped", fmt.Errorf("put: %w", RateLimitedError("x", time.Minute, nil)), time.Minute, true},
		{"inner of storage error", NewError(ErrUnavailable, "x", RateLimitedError("y", 2*time.Second, nil)), 2 * time.Second, true},
		{"method", fmt.Errorf("a: %w", afterErr{5 * time.Second}), 5 * time.Second, true},
		{"none", NewError(ErrUnavailable, "x", nil), 0, false},
		{"nil", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := RetryAfter(tt.err)
			if got != tt.want || ok != tt.ok {
				t.Errorf("RetryAfter = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// clock records the waits a retrier asked for instead of sleeping.
type clock struct{ waits []time.Duration }

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.waits = append(c.waits, d)
	return ctx.Err()
}

func testOptions(c *clock) RetryOptions {
	return RetryOptions{Sleep: c.sleep, Rand: func() float64 { return 0.5 }, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
}

func TestRetrierBackoff(t *testing.T) {
	tests := []struct {
		name      string
		errs      []error // returned by successive attempts; then nil
		wantErr   error
		wantCalls int
		wantWaits []time.Duration
	}{
		{"success first", nil, nil, 1, nil},
		{"two transient then success", []error{ErrUnavailable, ErrUnavailable}, nil, 3,
			[]time.Duration{50 * time.Millisecond, 100 * time.Millisecond}},
		{"permanent stops", []error{ErrAuth}, ErrAuth, 1, nil},
		{"attempts run out", []error{ErrUnavailable, ErrUnavailable, ErrUnavailable, ErrUnavailable, ErrUnavailable, ErrUnavailable}, ErrUnavailable, 5,
			[]time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}},
		{"retry-after honoured", []error{RateLimitedError("slow", 3*time.Second, nil)}, nil, 2, []time.Duration{3 * time.Second}},
		{"retry-after too long", []error{RateLimitedError("slow", time.Hour, nil)}, ErrRateLimited, 1, nil},
		{"backoff capped", []error{ErrUnavailable, ErrUnavailable, ErrUnavailable, ErrUnavailable, ErrUnavailable, ErrUnavailable, ErrUnavailable}, nil, 8,
			[]time.Duration{50, 100, 200, 400, 500, 500, 500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{}
			o := testOptions(c)
			if tt.name == "backoff capped" {
				o.MaxAttempts = 10
				for i := range tt.wantWaits {
					tt.wantWaits[i] *= time.Millisecond
				}
			}
			r := &retrier{o: o.withDefaults()}
			calls := 0
			err := r.do(context.Background(), "op", func(attempt int) error {
				calls++
				if attempt != calls {
					t.Fatalf("attempt %d on call %d", attempt, calls)
				}
				if calls <= len(tt.errs) {
					return tt.errs[calls-1]
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls {
				t.Errorf("calls = %d, want %d", calls, tt.wantCalls)
			}
			if fmt.Sprint(c.waits) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits = %v, want %v", c.waits, tt.wantWaits)
			}
		})
	}
}

func TestRetrierStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	r := &retrier{o: RetryOptions{Sleep: func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}}.withDefaults()}
	err := r.do(ctx, "op", func(int) error { calls++; return ErrUnavailable })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err = %v after %d calls; want context.Canceled after 1", err, calls)
	}
}

// flaky is a Destination and Pending whose calls fail with the queued
// errors first. Its Put records what each attempt read.
type flaky struct {
	errs   []error
	calls  int
	bodies []string
}

func (f *flaky) next() error {
	f.calls++
	if len(f.errs) == 0 {
		return nil
	}
	err := f.errs[0]
	f.errs = f.errs[1:]
	return err
}

func (f *flaky) Check(context.Context) error { return f.next() }
func (f *flaky) Begin(context.Context, string, Owner) (Pending, error) {
	return f, f.next()
}
func (f *flaky) ListVersions(context.Context) ([]VersionInfo, error) { return nil, f.next() }
func (f *flaky) ListLeftovers(context.Context) ([]Leftover, error)   { return nil, f.next() }
func (f *flaky) DeleteVersion(context.Context, string) error         { return f.next() }
func (f *flaky) DeleteLeftover(context.Context, string) error        { return f.next() }
func (f *flaky) Open(context.Context, string, string) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader("")), f.next()
}
func (f *flaky) ReadManifest(context.Context, string) ([]byte, error) { return nil, f.next() }
func (f *flaky) Close() error                                         { return nil }
func (f *flaky) Name() string                                         { return "v" }
func (f *flaky) Commit(context.Context, []byte, VersionInfo) error    { return f.next() }
func (f *flaky) Abort(context.Context) error                          { return f.next() }

// Put reads half the body, reports it, then fails if an error is queued.
func (f *flaky) Put(_ context.Context, _ string, r io.Reader, size int64, progress func(int64)) (PutResult, error) {
	half := make([]byte, size/2)
	n, _ := io.ReadFull(r, half)
	progress(int64(n))
	if err := f.next(); err != nil {
		f.bodies = append(f.bodies, string(half[:n]))
		return PutResult{}, err
	}
	rest, _ := io.ReadAll(r)
	progress(int64(len(rest)))
	f.bodies = append(f.bodies, string(half[:n])+string(rest))
	return PutResult{Size: int64(n + len(rest))}, nil
}

type copyingFlaky struct{ *flaky }

func (c copyingFlaky) CopyFrom(context.Context, string, string, string, int64) (PutResult, error) {
	return PutResult{}, c.next()
}

func (c copyingFlaky) ListFiles(context.Context, string) ([]FileInfo, error) { return nil, c.next() }

func (c copyingFlaky) Begin(context.Context, string, Owner) (Pending, error) { return c, c.next() }

func TestWithRetryPut(t *testing.T) {
	const body = "0123456789"
	onlyReader := struct{ io.Reader }{strings.NewReader(body)}
	sr := strings.NewReader(body)
	onlyReaderAt := struct {
		io.Reader
		io.ReaderAt
	}{sr, sr}
	tests := []struct {
		name       string
		r          io.Reader
		errs       []error
		wantErr    bool
		wantBodies []string
	}{
		{"seeker retried from its start", strings.NewReader(body), []error{ErrUnavailable}, false, []string{"01234", body}},
		{"reader-at retried from 0", onlyReaderAt, []error{ErrUnavailable}, false, []string{"01234", body}},
		{"plain reader not retried", onlyReader, []error{ErrUnavailable}, true, []string{"01234"}},
		{"permanent not retried", bytes.NewReader([]byte(body)), []error{ErrQuota}, true, []string{"01234"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &flaky{}
			d := WithRetry(f, testOptions(&clock{}))
			p, err := d.Begin(context.Background(), "v", Owner{})
			if err != nil {
				t.Fatal(err)
			}
			f.errs = tt.errs
			var progressed int64
			res, err := p.Put(context.Background(), "a", tt.r, int64(len(body)), func(n int64) { progressed += n })
			if (err != nil) != tt.wantErr {
				t.Fatalf("Put err = %v, wantErr %v", err, tt.wantErr)
			}
			if fmt.Sprint(f.bodies) != fmt.Sprint(tt.wantBodies) {
				t.Errorf("attempts read %q, want %q", f.bodies, tt.wantBodies)
			}
			if !tt.wantErr && (progressed != int64(len(body)) || res.Size != int64(len(body))) {
				t.Errorf("progress %d, size %d; want %d each", progressed, res.Size, len(body))
			}
		})
	}
}

func TestWithRetrySeekerStartsWhereItStood(t *testing.T) {
	f := &flaky{}
	p, _ := WithRetry(f, testOptions(&clock{})).Begin(context.Background(), "v", Owner{})
	r := strings.NewReader("xx0123")
	r.Seek(2, io.SeekStart)
	f.errs = []error{ErrUnavailable}
	if _, err := p.Put(context.Background(), "a", r, 4, nil); err != nil {
		t.Fatal(err)
	}
	if want := []string{"01", "0123"}; fmt.Sprint(f.bodies) != fmt.Sprint(want) {
		t.Errorf("attempts read %q, want %q", f.bodies, want)
	}
}

func TestWithRetryCalls(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		call    func(Destination) error
		errs    []error
		wantErr error
		calls   int
	}{
		{"check retried", func(d Destination) error { return d.Check(ctx) }, []error{ErrUnavailable}, nil, 2},
		{"list versions retried", func(d Destination) error { _, err := d.ListVersions(ctx); return err }, []error{ErrRateLimited}, nil, 2},
		{"delete gone on retry is done", func(d Destination) error { return d.DeleteVersion(ctx, "v") }, []error{ErrUnavailable, ErrNotFound}, nil, 2},
		{"delete gone at first is not found", func(d Destination) error { return d.DeleteLeftover(ctx, "v") }, []error{ErrNotFound}, ErrNotFound, 1},
		{"begin exists is final", func(d Destination) error { _, err := d.Begin(ctx, "v", Owner{}); return err }, []error{ErrExists}, ErrExists, 1},
		{"open retried", func(d Destination) error { _, err := d.Open(ctx, "v", "a"); return err }, []error{ErrUnavailable}, nil, 2},
		{"manifest auth final", func(d Destination) error { _, err := d.ReadManifest(ctx, "v"); return err }, []error{ErrAuth}, ErrAuth, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &flaky{errs: tt.errs}
			err := tt.call(WithRetry(f, testOptions(&clock{})))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if f.calls != tt.calls {
				t.Errorf("calls = %d, want %d", f.calls, tt.calls)
			}
		})
	}
}

func TestWithRetryKeepsAbilities(t *testing.T) {
	plain := WithRetry(&flaky{}, RetryOptions{})
	if _, ok := plain.(FileLister); ok {
		t.Error("wrapper of a destination without ListFiles is a FileLister")
	}
	p, _ := plain.Begin(context.Background(), "v", Owner{})
	if _, ok := p.(Copier); ok {
		t.Error("wrapper of a pending without CopyFrom is a Copier")
	}
	f := &flaky{}
	able := WithRetry(copyingFlaky{f}, testOptions(&clock{}))
	fl, ok := able.(FileLister)
	if !ok {
		t.Fatal("wrapper lost FileLister")
	}
	f.errs = []error{ErrUnavailable}
	if _, err := fl.ListFiles(context.Background(), "v"); err != nil || f.calls != 2 {
		t.Errorf("ListFiles err %v after %d calls", err, f.calls)
	}
	p, _ = able.Begin(context.Background(), "v", Owner{})
	c, ok := p.(Copier)
	if !ok {
		t.Fatal("wrapper lost Copier")
	}
	f.errs, f.calls = []error{ErrUnavailable}, 0
	if _, err := c.CopyFrom(context.Background(), "a", "b", "c", 1); err != nil || f.calls != 2 {
		t.Errorf("CopyFrom err %v after %d calls", err, f.calls)
	}
}

// TestRetrierLeavesSpentErrorsAlone: a destination that retried a request
// itself marks the error it gave up with (retry.GaveUp), and the decorator
// does not try the call again; an unmarked retryable error it retries up
// to retry.Attempts times in all.
func TestRetrierLeavesSpentErrorsAlone(t *testing.T) {
	unavailable := NewError(ErrUnavailable, "503", nil)
	c := &clock{}
	f := &flaky{errs: []error{retry.GaveUp(unavailable)}}
	d := WithRetry(f, RetryOptions{Sleep: c.sleep})
	if _, err := d.ListVersions(context.Background()); !errors.Is(err, ErrUnavailable) || f.calls != 1 || len(c.waits) != 0 {
		t.Errorf("spent error: %v after %d calls and %d waits; want it after 1 call, no wait", err, f.calls, len(c.waits))
	}
	f = &flaky{errs: slices.Repeat([]error{unavailable}, 10)}
	d = WithRetry(f, RetryOptions{Sleep: c.sleep})
	if _, err := d.ListVersions(context.Background()); !errors.Is(err, ErrUnavailable) || f.calls != retry.Attempts {
		t.Errorf("unmarked error: %v after %d calls; want %d calls", err, f.calls, retry.Attempts)
	}
	f = &flaky{errs: []error{unavailable, retry.GaveUp(unavailable), unavailable}}
	d = WithRetry(f, RetryOptions{Sleep: c.sleep})
	if _, err := d.ListVersions(context.Background()); err == nil || f.calls != 2 {
		t.Errorf("a spent error on the second attempt: %v after %d calls; want 2 calls", err, f.calls)
	}
}

// walkingFlaky hands over two files, failing before the first or after the
// first as its errors say.
type walkingFlaky struct {
	*flaky
	failAfterFirst bool
}

func (w walkingFlaky) ListFiles(context.Context, string) ([]FileInfo, error) { return nil, nil }

func (w walkingFlaky) WalkFiles(_ context.Context, _ string, fn func(FileInfo) error) error {
	if !w.failAfterFirst {
		if err := w.next(); err != nil {
			return err
		}
	}
	if err := fn(FileInfo{Path: "a"}); err != nil {
		return err
	}
	if w.failAfterFirst {
		if err := w.next(); err != nil {
			return err
		}
	}
	return fn(FileInfo{Path: "b"})
}

func TestWithRetryWalkFiles(t *testing.T) {
	for _, tc := range []struct {
		name           string
		failAfterFirst bool
		wantErr        bool
		want           []string
		calls          int
	}{
		{"a walk that fails before handing anything is tried again", false, false, []string{"a", "b"}, 2},
		{"a walk that fails after handing files is not (the files would come twice)", true, true, []string{"a"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &flaky{errs: []error{ErrUnavailable}}
			var c clock
			d := WithRetry(walkingFlaky{f, tc.failAfterFirst}, testOptions(&c))
			if _, ok := d.(FileWalker); !ok {
				t.Fatal("the retrying destination of a FileWalker is not one")
			}
			var got []string
			err := WalkFiles(context.Background(), d, "v", func(fi FileInfo) error { got = append(got, fi.Path); return nil })
			if (err != nil) != tc.wantErr || !errors.Is(err, ErrUnavailable) && tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if !slices.Equal(got, tc.want) || f.calls != tc.calls {
				t.Errorf("handed %q in %d calls, want %q in %d", got, f.calls, tc.want, tc.calls)
			}
		})
	}
}
