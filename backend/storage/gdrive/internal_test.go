package gdrive

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
)

// unquote reads a string literal of Drive's query language strictly: in
// single quotes, where only \\ and \' are escapes and a bare ' or \ is an
// error.
func unquote(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	var b strings.Builder
	in := s[1 : len(s)-1]
	for i := 0; i < len(in); i++ {
		switch in[i] {
		case '\'':
			return "", false
		case '\\':
			if i+1 == len(in) || (in[i+1] != '\\' && in[i+1] != '\'') {
				return "", false
			}
			i++
		}
		b.WriteByte(in[i])
	}
	return b.String(), true
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "plain", "it's", `back\slash`, `\'`, `'\''`, "odd names ä #1 %", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := quote(s)
		got, ok := unquote(q)
		if !ok || got != s {
			t.Fatalf("quote(%q) = %s reads back as %q, %v", s, q, got, ok)
		}
	})
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{`it's`: `'it\'s'`, `a\b`: `'a\\b'`, `\'`: `'\\\''`} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func gerr(code int, reason, msg string) error {
	return &googleapi.Error{Code: code, Message: msg, Errors: []googleapi.ErrorItem{{Reason: reason, Message: msg}}}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		upload bool
		want   failure
	}{
		{"per-minute limit", gerr(403, "userRateLimitExceeded", "User Rate Limit Exceeded. Rate of requests for user exceed configured project quota."), true, rateLimited},
		{"cap's words on an upload", gerr(403, "userRateLimitExceeded", "User rate limit exceeded."), true, ambiguous},
		{"same words on a list", gerr(403, "userRateLimitExceeded", "User rate limit exceeded."), false, rateLimited},
		{"named upload limit", gerr(403, "uploadLimitExceeded", "The user has exceeded their upload limit."), true, dailyCap},
		{"project limit", gerr(403, "rateLimitExceeded", "Rate Limit Exceeded"), false, rateLimited},
		{"429", gerr(429, "rateLimitExceeded", "Too Many Requests"), false, rateLimited},
		{"503", gerr(503, "backendError", "unavailable"), false, transient},
		{"quota", gerr(403, "storageQuotaExceeded", "full"), true, permanent},
		{"permission", gerr(403, "insufficientFilePermissions", "no"), false, permanent},
		{"not found", gerr(404, "notFound", "File not found"), false, permanent},
		{"cancelled", context.Canceled, false, permanent},
		{"timeout", context.DeadlineExceeded, false, transient},
	}
	for _, tt := range tests {
		if got, _ := classify(tt.err, tt.upload); got != tt.want {
			t.Errorf("%s: classify = %v, want %v", tt.name, got, tt.want)
		}
	}
	withAfter := &googleapi.Error{Code: 429, Header: http.Header{"Retry-After": {"7"}}}
	if _, after := classify(withAfter, false); after != 7*time.Second {
		t.Errorf("Retry-After read as %v", after)
	}
}

func TestNextPacificMidnight(t *testing.T) {
	tests := []struct{ now, want string }{
		{"2026-01-15T10:00:00Z", "2026-01-16T08:00:00Z"}, // PST
		{"2026-01-16T07:59:00Z", "2026-01-16T08:00:00Z"}, // just before midnight PST
		{"2026-07-01T06:59:00Z", "2026-07-01T07:00:00Z"}, // PDT
		{"2026-03-08T12:00:00Z", "2026-03-09T07:00:00Z"}, // the day clocks go forward
	}
	for _, tt := range tests {
		now, _ := time.Parse(time.RFC3339, tt.now)
		want, _ := time.Parse(time.RFC3339, tt.want)
		if got := nextPacificMidnight(now); !got.Equal(want) {
			t.Errorf("after %s: %s, want %s", tt.now, got.UTC().Format(time.RFC3339), tt.want)
		}
	}
}

func TestPacerSpacesRequests(t *testing.T) {
	ctx := context.Background()
	p := newPacer(50, 5) // 20 ms apart after a burst of 5
	start := time.Now()
	for range 15 {
		if err := p.wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 180*time.Millisecond || el > 2*time.Second {
		t.Errorf("15 requests at 50/s with a burst of 5 took %v, want about 200ms", el)
	}

	p.limited(300 * time.Millisecond)
	start = time.Now()
	if err := p.wait(ctx); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Errorf("a request went %v after a Retry-After of 300ms", el)
	}
	if p.extra == 0 {
		t.Error("a rate limit did not slow the pacer down")
	}
	for range 40 {
		p.succeeded()
	}
	if p.extra != 0 {
		t.Errorf("the slowdown did not wear off: %v", p.extra)
	}

	unpaced := newPacer(-1, 0)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := unpaced.wait(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("wait on a cancelled context = %v", err)
	}
}
