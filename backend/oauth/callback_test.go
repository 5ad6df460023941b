package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCallbackAnswersOnce checks the one-shot rule directly: the first
// request to /callback decides the sign-in, every later one is refused, even
// one carrying the right state.
func TestCallbackAnswersOnce(t *testing.T) {
	cb := &callback{state: "s", ctx: context.Background(), done: make(chan signInResult, 1)}

	rec := httptest.NewRecorder()
	cb.ServeHTTP(rec, httptest.NewRequest("GET", "/callback?state=wrong&code=c", nil))
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("wrong state answered %d", rec.Code)
	}
	if r := <-cb.done; !errors.Is(r.err, ErrState) {
		t.Fatalf("result = %v, want ErrState", r.err)
	}

	rec = httptest.NewRecorder()
	cb.ServeHTTP(rec, httptest.NewRequest("GET", "/callback?state=s&code=c", nil))
	if rec.Code != http.StatusGone {
		t.Fatalf("second callback answered %d, want 410", rec.Code)
	}
	select {
	case r := <-cb.done:
		t.Fatalf("a second callback produced a result: %+v", r)
	default:
	}

	rec = httptest.NewRecorder()
	cb.ServeHTTP(rec, httptest.NewRequest("GET", "/favicon.ico", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("other path answered %d", rec.Code)
	}
}
