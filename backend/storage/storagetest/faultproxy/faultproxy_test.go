package faultproxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T) (*Proxy, *int) {
	t.Helper()
	reached := 0
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Host-Seen", r.Host)
		w.Write(bytes.Repeat([]byte("x"), 1000))
		w.Write(body)
	}))
	t.Cleanup(up.Close)
	p, err := New(up.URL, Options{ErrorBody: func(status int) (string, []byte) {
		return "application/xml", []byte("<Error>injected</Error>")
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p, &reached
}

func TestEachFault(t *testing.T) {
	tests := []struct {
		kind       Kind
		method     string
		wantStatus int
		wantErr    bool
		reaches    bool
	}{
		{Status500, "PUT", 500, false, false},
		{Status503, "PUT", 503, false, false},
		{Status429, "GET", 429, false, false},
		{ResetRequest, "PUT", 0, true, false},
		{ResetResponse, "GET", 200, true, true},
		{ResetResponse, "PUT", 0, true, false}, // never after a change on the server
		{Slow, "GET", 200, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+" "+tt.method, func(t *testing.T) {
			p, reached := start(t)
			p.SetFaults(Faults{Rate: 1, Kinds: []Kind{tt.kind}, RetryAfter: 3 * time.Second, SlowDelay: 50 * time.Millisecond})
			var reqBody io.Reader
			if tt.method == "PUT" {
				reqBody = strings.NewReader(strings.Repeat("body", 1000))
			}
			req, _ := http.NewRequest(tt.method, p.URL+"/b/k", reqBody)
			begin := time.Now()
			resp, err := http.DefaultTransport.RoundTrip(req)
			var body []byte
			if err == nil {
				body, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantStatus != 0 && (resp == nil || resp.StatusCode != tt.wantStatus) {
				t.Fatalf("response %v, want status %d", resp, tt.wantStatus)
			}
			if (*reached > 0) != tt.reaches {
				t.Errorf("upstream reached %d times, want reached %v", *reached, tt.reaches)
			}
			switch tt.kind {
			case Status503, Status429:
				if resp.Header.Get("Retry-After") != "3" || string(body) != "<Error>injected</Error>" {
					t.Errorf("Retry-After %q, body %q", resp.Header.Get("Retry-After"), body)
				}
			case Slow:
				if time.Since(begin) < 50*time.Millisecond || resp.Header.Get("X-Host-Seen") != strings.TrimPrefix(p.URL, "http://") {
					t.Errorf("slow answer after %v, host seen %q", time.Since(begin), resp.Header.Get("X-Host-Seen"))
				}
			}
		})
	}
}

func TestRateAndCounts(t *testing.T) {
	p, _ := start(t)
	p.SetFaults(Faults{Rate: 0.3, Seed: 7, Kinds: []Kind{Status500}})
	failed := 0
	for range 200 {
		resp, err := http.Get(p.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 500 {
			failed++
		}
	}
	if failed < 35 || failed > 85 || p.Counts()[Status500] != failed {
		t.Errorf("%d of 200 failed (counted %d), want about 60", failed, p.Counts()[Status500])
	}
	p.SetFaults(Faults{})
	resp, err := http.Get(p.URL + "/")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("with faults off: %v, %v", resp, err)
	}
}
