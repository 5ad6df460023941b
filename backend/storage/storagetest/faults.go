package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

// testFaults writes a version through a fault proxy with the retry
// decorator, then checks, with faults off, that every file is complete.
func (s *suite) testFaults(t *testing.T) {
	if s.o.Faulty == nil {
		t.Skip("not an HTTP destination")
	}
	raw, proxy := s.o.Faulty(t)
	ro := s.o.Retry
	if ro.MaxAttempts == 0 && ro.BaseDelay == 0 {
		ro = storage.RetryOptions{MaxAttempts: 10, BaseDelay: 10 * time.Millisecond, MaxDelay: 200 * time.Millisecond}
	}
	ro.OnRetry = func(op string, attempt int, err error, wait time.Duration) {
		t.Logf("retry %s (attempt %d, wait %v): %v", op, attempt, wait, err)
	}
	d := storage.WithRetry(raw, ro)
	fs := map[string][]byte{"empty.txt": nil, "large.bin": content(20, s.o.largeSize())}
	for i := range 12 {
		fs[fmt.Sprintf("small/%02d.txt", i)] = content(uint64(30+i), int64(1000*i+1))
	}
	proxy.SetFaults(faultproxy.Faults{Rate: 0.25, Seed: 42, RetryAfter: time.Second})
	vi := commit(t, d, "faulty", fs)
	p, err := d.Begin(context.Background(), "faulty-leftover", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, context.Background(), p, "x.txt", []byte("x"))
	if err := d.DeleteLeftover(context.Background(), "faulty-leftover"); err != nil {
		t.Fatalf("DeleteLeftover under faults: %v", err)
	}
	for range 5 { // reads under faults: a reset mid-body must be retried too
		if m, err := d.ReadManifest(context.Background(), "faulty"); err != nil || string(m) != string(manifestFor("faulty")) {
			t.Errorf("ReadManifest under faults: %q, %v", m, err)
		}
		if _, err := d.ListVersions(context.Background()); err != nil {
			t.Errorf("ListVersions under faults: %v", err)
		}
	}
	counts := proxy.Counts()
	proxy.SetFaults(faultproxy.Faults{})
	t.Logf("faults injected: %v", counts)
	if len(counts) == 0 {
		t.Error("no fault was injected")
	}
	s.checkVersion(t, raw, vi)
	readBack(t, raw, "faulty", fs)
	if got := leftoverNames(t, raw); len(got) != 0 {
		t.Errorf("ListLeftovers = %q, want none", got)
	}
}
