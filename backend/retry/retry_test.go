package retry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestBackoffDoublesUpToMax(t *testing.T) {
	top := func() float64 { return 0.999999999 }
	b := Backoff{Base: time.Second, Max: 10 * time.Second, Rand: top}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := b.Delay(i+1, 0); got < w-time.Millisecond || got > w {
			t.Errorf("Delay(%d) = %v, want about %v", i+1, got, w)
		}
	}
	zero := Backoff{Base: time.Second, Rand: func() float64 { return 0 }}
	if got := zero.Delay(3, 0); got != 0 {
		t.Errorf("full jitter at 0 = %v, want 0", got)
	}
	half := Backoff{Base: time.Second, Half: true, Rand: func() float64 { return 0 }}
	if got := half.Delay(3, 0); got != 2*time.Second {
		t.Errorf("half jitter at 0 = %v, want half of 4 s", got)
	}
	if got := zero.Delay(1, 7*time.Second); got != 7*time.Second {
		t.Errorf("Delay with Retry-After 7 s = %v", got)
	}
	if got := (Backoff{Rand: top}).Delay(40, 0); got > 30*time.Second || got < 29*time.Second {
		t.Errorf("default cap = %v, want 30 s", got)
	}
}

func TestParseAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"12", 12 * time.Second, true}, {" 3 ", 3 * time.Second, true}, {"0", 0, true},
		{"-4", 0, false}, {"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	} {
		got, ok := ParseAfter(c.v, now)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseAfter(%q) = %v, %v; want %v, %v", c.v, got, ok, c.want, c.ok)
		}
	}
	h := http.Header{}
	h.Set("Retry-After", "5")
	if d, ok := After(h, now); d != 5*time.Second || !ok {
		t.Errorf("After = %v, %v", d, ok)
	}
	if _, ok := After(nil, now); ok {
		t.Error("After(nil) found a wait")
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("Sleep waited on a cancelled context")
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
	if err := Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep(1 ms) = %v", err)
	}
}

func TestGaveUpKeepsTheError(t *testing.T) {
	if GaveUp(nil) != nil {
		t.Error("GaveUp(nil) is not nil")
	}
	base := fmt.Errorf("list: %w", io.ErrUnexpectedEOF)
	err := GaveUp(base)
	if !Spent(err) || Spent(base) {
		t.Errorf("Spent: marked %v, unmarked %v", Spent(err), Spent(base))
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) || err.Error() != base.Error() {
		t.Errorf("the mark changed the error: %v", err)
	}
	if again := GaveUp(err); again != err {
		t.Error("GaveUp marked twice")
	}
	if !Spent(fmt.Errorf("upload: %w", err)) {
		t.Error("the mark is lost when wrapped")
	}
}
