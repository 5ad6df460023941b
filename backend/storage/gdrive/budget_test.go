package gdrive_test

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avault/avault/backend/retry"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// TestPersistent503CostsOneBudget opens a Drive destination as Avault does
// (behind storage.WithRetry) on a fake that answers every request 503, and
// counts what reaches it: each call is one request tried retry.Attempts
// times, by the adapter's loop alone.
func TestPersistent503CostsOneBudget(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	if err := e.dest.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	var decoratorWaits atomic.Int64
	d := storage.WithRetry(e.dest, storage.RetryOptions{Sleep: func(ctx context.Context, _ time.Duration) error {
		decoratorWaits.Add(1)
		return ctx.Err()
	}})
	calls := []struct {
		name string
		call func() error
	}{
		{"ListVersions", func() error { _, err := d.ListVersions(context.Background()); return err }},
		{"Begin", func() error { _, err := d.Begin(context.Background(), "v", owner); return err }},
		{"Files.Put", func() error {
			_, err := storage.FilesOf(d).Put(context.Background(), "a.txt", bytes.NewReader([]byte("abc")), 3, nil)
			return err
		}},
	}
	for i, c := range calls {
		e.fake.SetFaults(drivefake.FaultPlan{Rate: 1, Seed: uint64(i + 1), Kinds: []drivefake.Fault{drivefake.Unavailable}})
		before, injectedBefore := e.dest.Calls(), e.fake.Injected(drivefake.Unavailable)
		err := c.call()
		injected := e.fake.Injected(drivefake.Unavailable) - injectedBefore
		e.fake.SetFaults(drivefake.FaultPlan{})
		if !errors.Is(err, storage.ErrUnavailable) || !retry.Spent(err) {
			t.Errorf("%s = %v; want a spent ErrUnavailable", c.name, err)
		}
		if n := e.dest.Calls() - before; n != retry.Attempts || injected != retry.Attempts {
			t.Errorf("%s sent %d requests (%d answered 503) to a fake that always answers 503; want %d",
				c.name, n, injected, retry.Attempts)
		}
	}
	if n := decoratorWaits.Load(); n != 0 {
		t.Errorf("the decorator retried %d times what the adapter had retried", n)
	}
}
