package notify

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// recorder is a loopback HTTP server standing in for Slack, Discord or
// ntfy: it answers the statuses in replies in turn (then 200) and keeps
// every request.
type recorder struct {
	mu      sync.Mutex
	replies []int
	reqs    []*http.Request
	bodies  [][]byte
}

func (rec *recorder) start(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r)
		rec.bodies = append(rec.bodies, body)
		code := http.StatusOK
		if len(rec.replies) > 0 {
			code, rec.replies = rec.replies[0], rec.replies[1:]
		}
		rec.mu.Unlock()
		if code == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "2")
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func fastRetries(w *Webhook) *[]time.Duration {
	var waits []time.Duration
	w.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	return &waits
}

func TestSlackMessageShapeAndRetry(t *testing.T) {
	rec := &recorder{replies: []int{500}}
	url := rec.start(t) + "/services/T000/B000/slacksecrettoken"
	s, err := NewSlack(WebhookOptions{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	waits := fastRetries(s)
	m, _ := ForRun(mailRun(), job.NotifyFailures)
	if err := s.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(rec.bodies) != 2 || len(*waits) != 1 {
		t.Fatalf("%d posts after %d waits; want a retry after the 500", len(rec.bodies), len(*waits))
	}
	var got struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"text"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(rec.bodies[1], &got); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Text, "Backup failed: Photos &lt;family&gt;\n") {
		t.Errorf("text %q: want the title with Slack's characters escaped", got.Text)
	}
	if len(got.Blocks) != 3 || got.Blocks[0].Type != "header" || got.Blocks[0].Text.Text != "Backup failed: Photos <family>" ||
		got.Blocks[1].Type != "section" || !strings.Contains(got.Blocks[1].Text.Text, "X-Amz-Signature=REDACTED") {
		t.Errorf("blocks %+v", got.Blocks)
	}
	if ct := rec.reqs[1].Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestSlackErrorNamesNoToken(t *testing.T) {
	rec := &recorder{replies: []int{404}}
	url := rec.start(t) + "/services/T000/B000/slacksecrettoken"
	s, _ := NewSlack(WebhookOptions{URL: url})
	fastRetries(s)
	err := s.Notify(context.Background(), ForTest("chat", time.Now()))
	if err == nil || !strings.Contains(err.Error(), "Slack to http://127.0.0.1") || !strings.Contains(err.Error(), "404") {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(err.Error(), "slacksecrettoken") {
		t.Fatalf("error shows the webhook's token: %v", err)
	}
}

func TestDiscordMessageShapeHonoursRetryAfter(t *testing.T) {
	rec := &recorder{replies: []int{429, http.StatusNoContent}}
	d, err := NewDiscord(WebhookOptions{URL: rec.start(t) + "/api/webhooks/1/discordtoken"})
	if err != nil {
		t.Fatal(err)
	}
	waits := fastRetries(d)
	m, _ := ForRun(mailRun(), job.NotifyFailures)
	if err := d.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || (*waits)[0] != 2*time.Second {
		t.Fatalf("waits %v, want the 2 s Discord asked for", *waits)
	}
	var got struct {
		Username string `json:"username"`
		Embeds   []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			Color       int    `json:"color"`
			Timestamp   string `json:"timestamp"`
		} `json:"embeds"`
		AllowedMentions struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(rec.bodies[1], &got); err != nil {
		t.Fatal(err)
	}
	if got.Username != "Avault" || len(got.Embeds) != 1 {
		t.Fatalf("%+v", got)
	}
	e := got.Embeds[0]
	if e.Title != "Backup failed: Photos <family>" || e.Color != 0xdc2626 || e.Timestamp != "2026-03-10T02:05:00Z" ||
		!strings.Contains(e.Description, "REDACTED") {
		t.Errorf("embed %+v", e)
	}
	if got.AllowedMentions.Parse == nil || len(got.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions %+v: want none parsed, so a job name cannot ping @everyone", got.AllowedMentions)
	}
}

func TestNtfyHeadersByOutcome(t *testing.T) {
	rec := &recorder{}
	n, err := NewNtfy(NtfyOptions{WebhookOptions: WebhookOptions{URL: rec.start(t) + "/backups-x7"}, Token: "tk_ntfysecret"})
	if err != nil {
		t.Fatal(err)
	}
	fastRetries(n)
	failed, _ := ForRun(mailRun(), job.NotifyFailures)
	ok := mailRun()
	ok.Status, ok.JobName = job.StatusSuccess, "Fotos Zoë"
	succeeded, _ := ForRun(ok, job.NotifyAll)
	for _, m := range []Message{failed, succeeded} {
		if err := n.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	for i, want := range []struct{ title, priority, tags string }{
		{"Backup failed: Photos <family>", "4", "x,avault"},
		{"Backup done: Fotos Zoë", "2", "white_check_mark,avault"},
	} {
		r := rec.reqs[i]
		title, err := new(mime.WordDecoder).DecodeHeader(r.Header.Get("Title"))
		if err != nil || title != want.title || r.Header.Get("Priority") != want.priority || r.Header.Get("Tags") != want.tags {
			t.Errorf("message %d: Title %q (%v) Priority %q Tags %q; want %+v", i, title, err,
				r.Header.Get("Priority"), r.Header.Get("Tags"), want)
		}
		if r.Header.Get("Authorization") != "Bearer tk_ntfysecret" {
			t.Errorf("message %d: Authorization %q", i, r.Header.Get("Authorization"))
		}
		if r.URL.Path != "/backups-x7" {
			t.Errorf("posted to %q", r.URL.Path)
		}
	}
	if !strings.Contains(string(rec.bodies[0]), "REDACTED") || strings.HasPrefix(string(rec.bodies[0]), "{") {
		t.Errorf("body %q: want the plain message", rec.bodies[0])
	}
}
