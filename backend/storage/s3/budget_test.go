package s3

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avault/avault/backend/retry"
	"github.com/avault/avault/backend/storage"
)

// TestPersistent503CostsOneBudget opens an S3 destination as Avault does
// (behind storage.WithRetry) on a server that answers every request 503,
// and counts what reaches it: each call is one request tried
// retry.Attempts times, by the SDK alone.
func TestPersistent503CostsOneBudget(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`<Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>`))
	}))
	t.Cleanup(srv.Close)
	o := Options{Bucket: "b", Prefix: "p", Endpoint: srv.URL, PathStyle: true,
		AccessKeyID: "key", SecretAccessKey: "secret", retryBase: time.Millisecond}
	raw, err := New(bg, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	var decoratorWaits atomic.Int64
	d := storage.WithRetry(raw, storage.RetryOptions{Sleep: func(ctx context.Context, _ time.Duration) error {
		decoratorWaits.Add(1)
		return ctx.Err()
	}})
	calls := []struct {
		name string
		call func() error
	}{
		{"ListVersions", func() error { _, err := d.ListVersions(bg); return err }},
		{"ReadManifest", func() error { _, err := d.ReadManifest(bg, "v"); return err }},
		{"DeleteVersion", func() error { return d.DeleteVersion(bg, "v") }},
		{"Files.Put", func() error {
			_, err := storage.FilesOf(d).Put(bg, "a.txt", bytes.NewReader([]byte("abc")), 3, nil)
			return err
		}},
	}
	for _, c := range calls {
		requests.Store(0)
		err := c.call()
		if !errors.Is(err, storage.ErrUnavailable) || !retry.Spent(err) {
			t.Errorf("%s = %v; want a spent ErrUnavailable", c.name, err)
		}
		if n := requests.Load(); n != retry.Attempts {
			t.Errorf("%s sent %d requests to a server that always answers 503; want %d", c.name, n, retry.Attempts)
		}
	}
	if n := decoratorWaits.Load(); n != 0 {
		t.Errorf("the decorator retried %d times what the SDK had retried", n)
	}
}
