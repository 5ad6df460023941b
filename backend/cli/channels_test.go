package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestNotifyChannelsThroughTheCommandLine(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.URL.Path+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	h := newHarness(t)
	url := srv.URL + "/api/webhooks/1/discord-TOKEN"
	if code, _, errs := h.run("", "notify", "add", "--name", "Family", "--kind", "discord"); code != ExitUsage || !strings.Contains(errs, "--secret-stdin") {
		t.Fatalf("a URL not on standard input: exit %d: %s", code, errs)
	}
	if code, _, errs := h.run(url+"\n", "notify", "add", "--name", "Family", "--kind", "discord", "--when", "failed,stale", "--secret-stdin"); code != ExitOK {
		t.Fatalf("notify add: exit %d: %s", code, errs)
	}
	out := h.must("notify", "list")
	if !strings.Contains(out, "Family") || !strings.Contains(out, "failed,stale") || strings.Contains(out, "discord-TOKEN") {
		t.Fatalf("notify list:\n%s", out)
	}
	if out := h.must("notify", "test", "family"); !strings.Contains(out, "sent a test message to Family") {
		t.Fatalf("notify test: %s", out)
	}
	mu.Lock()
	if len(bodies) != 1 || !strings.HasPrefix(bodies[0], "/api/webhooks/1/discord-TOKEN ") || !strings.Contains(bodies[0], "Avault test message") {
		t.Fatalf("received %q", bodies)
	}
	mu.Unlock()
	var list []map[string]any
	if err := json.Unmarshal([]byte(h.must("notify", "list", "--json")), &list); err != nil || len(list) != 1 || list[0]["lastSentAt"] == nil {
		t.Fatalf("notify list --json: %v %v", list, err)
	}
	srv.Close()
	if code, _, errs := h.run("", "notify", "test", "Family"); code != ExitFailed || !strings.Contains(errs, "Family") || strings.Contains(errs, "discord-TOKEN") {
		t.Fatalf("a test of a channel that is down: exit %d: %s", code, errs)
	}
	if out := h.must("notify", "list"); !strings.Contains(out, "failed ") {
		t.Fatalf("the last error is not listed:\n%s", out)
	}
	h.must("notify", "rm", "Family")
	if out := h.must("notify", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("after rm: %s", out)
	}
}
