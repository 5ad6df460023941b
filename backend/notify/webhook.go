package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/retry"
)

// WebhookOptions configure a Webhook. Zero values mean the defaults noted.
type WebhookOptions struct {
	// URL receives the POST; http or https. Its path and query often act as
	// a secret (an ntfy topic, a Healthchecks check id), so errors name its
	// scheme and host only.
	URL string
	// Header holds extra request headers, such as Authorization for ntfy.
	// They are secrets: never logged, never in errors.
	Header http.Header
	// Client sends the requests (default a client on http.DefaultTransport).
	Client *http.Client
	// Timeout bounds each attempt (default 10 s).
	Timeout time.Duration
	// Retries is how many times a failed attempt is repeated when the
	// failure may pass: a network error, a timeout, 408, 429 or a 5xx
	// (default 3; a negative value means none).
	Retries int
	// MinBackoff is the wait before the first retry; it doubles for each
	// next one, with jitter (default 1 s).
	MinBackoff time.Duration
	// MaxWait caps a wait between attempts; a Retry-After asking for
	// longer ends the retries (default 1 minute).
	MaxWait time.Duration
	// UserAgent names the sender (default "Avault").
	UserAgent string
}

// Webhook posts messages to a URL: as Avault's JSON Payload (NewWebhook),
// or in the shape Slack, Discord or ntfy want (NewSlack, NewDiscord,
// NewNtfy). It is safe for concurrent use.
type Webhook struct {
	o      WebhookOptions
	label  string // what it is, for errors: "webhook", "Slack", ...
	where  string // scheme and host, for errors
	client *http.Client
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	// encode makes the request body and its headers for a message.
	encode func(w *Webhook, m Message) ([]byte, http.Header, error)
}

var _ Notifier = (*Webhook)(nil)

// NewWebhook returns a Webhook for o.URL, or an error when the URL is not
// an absolute http or https URL.
func NewWebhook(o WebhookOptions) (*Webhook, error) {
	return newPoster(o, "webhook", encodePayload)
}

func encodePayload(w *Webhook, m Message) ([]byte, http.Header, error) {
	body, err := json.Marshal(w.payload(m))
	return body, http.Header{"Content-Type": {"application/json"}}, err
}

func newPoster(o WebhookOptions, label string, encode func(*Webhook, Message) ([]byte, http.Header, error)) (*Webhook, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the %s URL must start with http:// or https:// and name a host", label)
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxWait <= 0 {
		o.MaxWait = time.Minute
	}
	if o.UserAgent == "" {
		o.UserAgent = "Avault"
	}
	return &Webhook{o: o, label: label, where: u.Scheme + "://" + u.Host, client: o.Client, now: time.Now, sleep: retry.Sleep, encode: encode}, nil
}

// Payload is the JSON body a Webhook posts.
type Payload struct {
	Event     Event      `json:"event"`
	Job       PayloadJob `json:"job"`
	RunID     string     `json:"runId,omitempty"`
	Status    job.Status `json:"status,omitempty"`
	Title     string     `json:"title"`
	Message   string     `json:"message"`
	Urgency   Urgency    `json:"urgency"`
	Counts    *Counts    `json:"counts,omitempty"`
	Timestamp time.Time  `json:"timestamp"`
}

// PayloadJob names the job a payload is about.
type PayloadJob struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// payload builds the body for m, redacting its texts once more in case m
// was not built by ForRun or ForStale.
func (w *Webhook) payload(m Message) Payload {
	p := Payload{
		Event: m.Event, Job: PayloadJob{ID: m.JobID, Name: m.JobName}, RunID: m.RunID, Status: m.Status,
		Title: Redact(m.Title), Message: Redact(m.Body), Urgency: m.Urgency, Counts: m.Counts, Timestamp: m.Time.UTC(),
	}
	if p.Event == "" {
		p.Event = "avault.message"
	}
	if p.Urgency == "" {
		p.Urgency = UrgencyNormal
	}
	if m.Time.IsZero() {
		p.Timestamp = w.now().UTC()
	}
	return p
}

// Notify posts m and returns nil on a 2xx answer. It retries what may
// pass, with exponential backoff and Retry-After honoured, and stops at
// once on another 4xx or when ctx ends.
func (w *Webhook) Notify(ctx context.Context, m Message) error {
	body, header, err := w.encode(w, m)
	if err != nil {
		return fmt.Errorf("%s: encode the message: %w", w.label, err)
	}
	return retrying(ctx, w.retryPolicy(), func() (bool, time.Duration, error) { return w.post(ctx, body, header) })
}

func (w *Webhook) retryPolicy() retryPolicy {
	return retryPolicy{Retries: w.o.Retries, MinBackoff: w.o.MinBackoff, MaxWait: w.o.MaxWait, sleep: w.sleep}
}

// retryPolicy says how often and after how long a failed attempt is
// repeated.
type retryPolicy struct {
	Retries    int // how many times a failure that may pass is repeated (negative: none)
	MinBackoff time.Duration
	MaxWait    time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
}

// retrying makes attempts until one succeeds, one fails for good, the
// retries are used up or ctx ends. attempt says whether its failure may
// pass, and how long the other side asked to wait (0: not said).
func retrying(ctx context.Context, p retryPolicy, attempt func() (retry bool, wait time.Duration, err error)) error {
	if p.sleep == nil {
		p.sleep = retry.Sleep
	}
	for n := 0; ; n++ {
		retry, wait, err := attempt()
		if err == nil || !retry || n >= p.Retries {
			return err
		}
		if wait == 0 {
			wait = backoff(p.MinBackoff, p.MaxWait, n)
		}
		if wait > p.MaxWait {
			return fmt.Errorf("%w; it asked to be retried after %s, longer than Avault waits", err, wait)
		}
		if serr := p.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w; gave up retrying: %w", err, serr)
		}
	}
}

// post makes one attempt. It says whether a failure may pass on retry, and
// how long the server asked to wait (0 when it did not say).
func (w *Webhook) post(ctx context.Context, body []byte, header http.Header) (retry bool, wait time.Duration, err error) {
	actx, cancel := context.WithTimeout(ctx, w.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, w.o.URL, bytes.NewReader(body))
	if err != nil {
		return false, 0, fmt.Errorf("%s to %s: %w", w.label, w.where, stripURL(err))
	}
	for _, h := range []http.Header{w.o.Header, header} {
		for k, vs := range h {
			req.Header.Del(k)
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
	}
	req.Header.Set("User-Agent", w.o.UserAgent)
	resp, err := w.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, 0, fmt.Errorf("%s to %s: %w", w.label, w.where, ctx.Err())
		}
		if actx.Err() != nil {
			return true, 0, fmt.Errorf("%s to %s: no answer within %s: %w", w.label, w.where, w.o.Timeout, actx.Err())
		}
		return true, 0, fmt.Errorf("%s to %s: %w", w.label, w.where, stripURL(err))
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, 0, nil
	}
	serr := &StatusError{Label: w.label, Where: w.where, Code: resp.StatusCode, Body: shorten(Redact(string(excerpt)), 200)}
	code := resp.StatusCode
	if code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500 {
		return true, retryAfter(resp.Header.Get("Retry-After"), w.now()), serr
	}
	return false, 0, serr
}

// StatusError is a webhook's answer other than 2xx.
type StatusError struct {
	Label string // what was posted to: "webhook" when empty, "Slack", ...
	Where string // scheme and host
	Code  int
	Body  string // the start of the answer, redacted
}

func (e *StatusError) Error() string {
	label := e.Label
	if label == "" {
		label = "webhook"
	}
	msg := fmt.Sprintf("%s to %s answered %d %s", label, e.Where, e.Code, http.StatusText(e.Code))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// backoff is the wait before retry number attempt+1: MinBackoff doubled
// per attempt, capped at MaxWait, with up to half of it taken off at
// random so that many clients do not retry in step.
func backoff(minBackoff, maxWait time.Duration, attempt int) time.Duration {
	return retry.Backoff{Base: minBackoff, Max: maxWait, Half: true}.Delay(attempt+1, 0)
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date;
// 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	d, _ := retry.ParseAfter(v, now)
	return d
}

// stripURL drops the URL net/http puts in its errors.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
