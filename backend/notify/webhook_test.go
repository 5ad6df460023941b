package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// hook is a webhook receiver that answers with the statuses in replies, in
// turn (the last one repeated), and records what it received.
type hook struct {
	t       *testing.T
	srv     *httptest.Server
	replies []int
	headers []http.Header // extra headers per reply, may be shorter
	hits    atomic.Int32

	mu   sync.Mutex
	reqs []*http.Request
	body []Payload
}

func newHook(t *testing.T, replies ...int) *hook {
	h := &hook{t: t, replies: replies}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	n := int(h.hits.Add(1)) - 1
	var p Payload
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &p); err != nil {
		h.t.Errorf("the body is not a payload: %v: %s", err, data)
	}
	h.mu.Lock()
	h.reqs, h.body = append(h.reqs, r), append(h.body, p)
	h.mu.Unlock()
	if n < len(h.headers) {
		for k, v := range h.headers[n] {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(h.replies[min(n, len(h.replies)-1)])
	io.WriteString(w, `{"error":"see https://example.com/x?token=s3cr3t"}`)
}

// newTestWebhook returns a Webhook for url whose waits are recorded
// instead of slept.
func newTestWebhook(t *testing.T, o WebhookOptions) (*Webhook, *[]time.Duration) {
	t.Helper()
	w, err := NewWebhook(o)
	if err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	w.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return w, &waits
}

func partialRun() job.Run {
	done := time.Date(2026, 1, 10, 2, 5, 0, 0, time.UTC)
	r := job.Run{ID: "run-7", JobID: "job-1", JobName: "Photos", Status: job.StatusPartialSuccess,
		FilesScanned: 120, FilesUploaded: 100, FilesCopied: 17, BytesUploaded: 5_000_000,
		StartedAt: done.Add(-5 * time.Minute), CompletedAt: &done}
	r.AddFailure("2024/locked.jpg", "permission denied")
	r.AddFailure("2024/gone.jpg", "file vanished")
	return r
}

func TestWebhookPostsThePayload(t *testing.T) {
	h := newHook(t, http.StatusOK)
	w, waits := newTestWebhook(t, WebhookOptions{URL: h.srv.URL + "/avault", UserAgent: "Avault/1.2.3",
		Header: http.Header{"Authorization": {"Bearer tk_secret"}}})
	m, ok := ForRun(partialRun(), job.NotifyFailures)
	if !ok {
		t.Fatal("ForRun gave no message for a partial success")
	}
	if err := w.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if h.hits.Load() != 1 || len(*waits) != 0 {
		t.Fatalf("%d requests, %d waits; want 1 and 0", h.hits.Load(), len(*waits))
	}
	r, p := h.reqs[0], h.body[0]
	if r.Method != http.MethodPost || r.URL.Path != "/avault" || r.Header.Get("Content-Type") != "application/json" ||
		r.Header.Get("User-Agent") != "Avault/1.2.3" || r.Header.Get("Authorization") != "Bearer tk_secret" {
		t.Errorf("request %s %s with headers %v", r.Method, r.URL.Path, r.Header)
	}
	want := Payload{Event: EventPartial, Job: PayloadJob{ID: "job-1", Name: "Photos"}, RunID: "run-7",
		Status: job.StatusPartialSuccess, Title: m.Title, Message: m.Body, Urgency: UrgencyNormal,
		Counts:    &Counts{FilesScanned: 120, FilesUploaded: 100, FilesCopied: 17, FilesFailed: 2, BytesUploaded: 5_000_000},
		Timestamp: time.Date(2026, 1, 10, 2, 5, 0, 0, time.UTC)}
	got, _ := json.Marshal(p)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("payload\n got  %s\n want %s", got, wantJSON)
	}
}

func TestWebhookRetries(t *testing.T) {
	for _, tc := range []struct {
		name      string
		replies   []int
		headers   []http.Header
		wantHits  int32
		wantErr   string
		checkWait func(t *testing.T, waits []time.Duration)
	}{
		{name: "500 then success", replies: []int{500, 200}, wantHits: 2,
			checkWait: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] < 500*time.Millisecond || w[0] > time.Second {
					t.Errorf("waits = %v, want one of 0.5-1 s", w)
				}
			}},
		{name: "backoff doubles", replies: []int{502, 503, 504, 200}, wantHits: 4,
			checkWait: func(t *testing.T, w []time.Duration) {
				if len(w) != 3 || w[1] < time.Second || w[2] < 2*time.Second || w[2] > 4*time.Second {
					t.Errorf("waits = %v, want about 1 s, 2 s, 4 s", w)
				}
			}},
		{name: "gives up after the retries", replies: []int{500}, wantHits: 4, wantErr: "answered 500 Internal Server Error"},
		{name: "400 is not retried", replies: []int{400, 200}, wantHits: 1, wantErr: "answered 400 Bad Request"},
		{name: "404 is not retried", replies: []int{404, 200}, wantHits: 1, wantErr: "answered 404"},
		{name: "429 honours Retry-After", replies: []int{429, 200}, headers: []http.Header{{"Retry-After": {"7"}}}, wantHits: 2,
			checkWait: func(t *testing.T, w []time.Duration) {
				if len(w) != 1 || w[0] != 7*time.Second {
					t.Errorf("waits = %v, want [7s]", w)
				}
			}},
		{name: "a Retry-After past the longest wait ends the retries", replies: []int{503, 200},
			headers: []http.Header{{"Retry-After": {"3600"}}}, wantHits: 1, wantErr: "asked to be retried after 1h0m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHook(t, tc.replies...)
			h.headers = tc.headers
			w, waits := newTestWebhook(t, WebhookOptions{URL: h.srv.URL})
			err := w.Notify(context.Background(), Message{Title: "t", Body: "b"})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Notify: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Notify = %v, want an error containing %q", err, tc.wantErr)
			}
			if got := h.hits.Load(); got != tc.wantHits {
				t.Errorf("%d requests, want %d", got, tc.wantHits)
			}
			if tc.checkWait != nil {
				tc.checkWait(t, *waits)
			}
		})
	}
}

func TestWebhookTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	w, waits := newTestWebhook(t, WebhookOptions{URL: srv.URL, Timeout: 100 * time.Millisecond, Retries: 1})
	start := time.Now()
	err := w.Notify(context.Background(), Message{Title: "t"})
	if err == nil || !strings.Contains(err.Error(), "no answer within 100ms") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Notify = %v, want a timeout", err)
	}
	if len(*waits) != 1 {
		t.Errorf("a timeout was retried %d times, want 1", len(*waits))
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("two 100 ms attempts took %s", took)
	}
}

func TestWebhookCancelledContext(t *testing.T) {
	entered := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // the server notices a closed connection only after the body
		entered <- struct{}{}
		<-r.Context().Done()
	}))
	defer srv.Close()
	w, waits := newTestWebhook(t, WebhookOptions{URL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	err := w.Notify(ctx, Message{Title: "t"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Notify = %v, want context.Canceled", err)
	}
	if len(*waits) != 0 {
		t.Errorf("a cancelled notification was retried")
	}
	if err := w.Notify(ctx, Message{Title: "t"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Notify with an ended context = %v, want context.Canceled", err)
	}
}

func TestWebhookKeepsSecretsOut(t *testing.T) {
	h := newHook(t, http.StatusInternalServerError)
	w, _ := newTestWebhook(t, WebhookOptions{URL: h.srv.URL + "/ping/9f8e-check-uuid?token=hook-secret",
		Header: http.Header{"Authorization": {"Bearer tk_header_secret"}}, Retries: -1})
	r := failedRun()
	r.ErrorMessage = `PUT https://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI@s3.example.com/b/k?X-Amz-Signature=abc123sig&partNumber=2: 403`
	m, _ := ForRun(r, job.NotifyFailures)
	err := w.Notify(context.Background(), m)
	if err == nil {
		t.Fatal("Notify succeeded against a failing server")
	}
	body, _ := json.Marshal(h.body[0])
	for _, secret := range []string{"9f8e-check-uuid", "hook-secret", "tk_header_secret", "s3cr3t"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows %q: %v", secret, err)
		}
	}
	for _, secret := range []string{"wJalrXUtnFEMI", "abc123sig", "AKIAIOSFODNN7EXAMPLE"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("the payload carries %q: %s", secret, body)
		}
	}
	if !strings.Contains(string(body), "partNumber=2") {
		t.Errorf("redaction removed harmless details too: %s", body)
	}
}

func TestWebhookNetworkErrorIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/secret-topic"
	srv.Close() // nothing listens there now
	w, waits := newTestWebhook(t, WebhookOptions{URL: url, Retries: 2})
	err := w.Notify(context.Background(), Message{Title: "t"})
	if err == nil || strings.Contains(err.Error(), "secret-topic") {
		t.Errorf("Notify = %v, want a network error without the URL's path", err)
	}
	if len(*waits) != 2 {
		t.Errorf("%d retries, want 2", len(*waits))
	}
}

func TestNewWebhookRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "ntfy.sh/topic", "ftp://example.com/x", "https://", "://x"} {
		if _, err := NewWebhook(WebhookOptions{URL: u}); err == nil {
			t.Errorf("NewWebhook(%q) accepted it", u)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0}, {"12", 12 * time.Second}, {"-3", 0}, {"soon", 0},
		{"Sat, 10 Jan 2026 12:00:30 GMT", 30 * time.Second},
		{"Sat, 10 Jan 2026 11:00:00 GMT", 0},
	} {
		if got := retryAfter(tc.v, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %s, want %s", tc.v, got, tc.want)
		}
	}
}
