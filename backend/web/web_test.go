package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// fakeApp stands in for the bound App: a few methods with the shapes the
// real one has.
type fakeApp struct{ calls int }

type item struct {
	Name  string   `json:"name"`
	Tags  []string `json:"tags,omitempty"`
	Count int      `json:"count"`
}

func (a *fakeApp) Status() (map[string]string, error) {
	return map[string]string{"version": "test"}, nil
}
func (a *fakeApp) Add(x, y int) (int, error) { return x + y, nil }
func (a *fakeApp) Rename(in item, name string) (item, error) {
	in.Name = name
	return in, nil
}
func (a *fakeApp) Delete(id string) error {
	if id == "" {
		return errors.New("choose what to delete")
	}
	a.calls++
	return nil
}
func (a *fakeApp) Broken() (item, error) { panic("boom") }
func (a *fakeApp) unexported() error     { return nil }

var assets = fstest.MapFS{
	"index.html":    {Data: []byte("<!doctype html><title>Avault</title>")},
	"assets/app.js": {Data: []byte("console.log(1)")},
}

func newTestServer(t *testing.T, o Options) (*Server, *httptest.Server) {
	t.Helper()
	if o.Assets == nil {
		o.Assets = assets
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	s, err := New(&fakeApp{}, o)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { s.Close(); ts.Close() })
	return s, ts
}

type req struct {
	method, path, body  string
	token, origin, site string
	host, contentType   string
}

func do(t *testing.T, ts *httptest.Server, rq req) (int, map[string]any, http.Header) {
	t.Helper()
	if rq.method == "" {
		rq.method = http.MethodPost
	}
	r, err := http.NewRequest(rq.method, ts.URL+rq.path, strings.NewReader(rq.body))
	if err != nil {
		t.Fatal(err)
	}
	if rq.method == http.MethodPost {
		ct := rq.contentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	if rq.token != "" {
		r.Header.Set("Authorization", "Bearer "+rq.token)
	}
	if rq.origin != "" {
		r.Header.Set("Origin", rq.origin)
	}
	if rq.site != "" {
		r.Header.Set("Sec-Fetch-Site", rq.site)
	}
	if rq.host != "" {
		r.Host = rq.host
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: %v in %q", rq.method, rq.path, err, raw)
		}
	} else if len(raw) > 0 {
		out = map[string]any{"raw": string(raw)}
	}
	return resp.StatusCode, out, resp.Header
}

func TestTokenIsRequired(t *testing.T) {
	s, ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		name  string
		token string
		want  int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"wrong token", "not-the-token", http.StatusUnauthorized},
		{"token with one character changed", s.Token()[:len(s.Token())-1] + "x", http.StatusUnauthorized},
		{"the printed token", s.Token(), http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := do(t, ts, req{path: "/api/call/Status", body: "[]", token: tc.token})
			if code != tc.want {
				t.Fatalf("status %d, want %d (%v)", code, tc.want, body)
			}
			if code == http.StatusOK && body["version"] != "test" {
				t.Fatalf("body %v", body)
			}
			if code == http.StatusUnauthorized && !strings.Contains(body["error"].(string), "token") {
				t.Fatalf("error %v does not say what is wrong", body)
			}
		})
	}
	if len(s.Token()) < 40 {
		t.Fatalf("token %q is too short to be unguessable", s.Token())
	}
}

func TestOtherOriginsAreRefused(t *testing.T) {
	s, ts := newTestServer(t, Options{})
	own := ts.URL
	for _, tc := range []struct {
		name string
		rq   req
		want int
	}{
		{"same origin", req{origin: own, site: "same-origin"}, http.StatusOK},
		{"no browser headers (curl)", req{}, http.StatusOK},
		{"another origin", req{origin: "http://evil.example"}, http.StatusForbidden},
		{"another port on this machine", req{origin: "http://127.0.0.1:1"}, http.StatusForbidden},
		{"null origin", req{origin: "null"}, http.StatusForbidden},
		{"cross-site fetch", req{site: "cross-site"}, http.StatusForbidden},
		{"same-site but other origin", req{site: "same-site"}, http.StatusForbidden},
		{"form post", req{contentType: "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"text/plain post", req{contentType: "text/plain"}, http.StatusUnsupportedMediaType},
		{"rebound host name", req{host: "evil.example:8420"}, http.StatusMisdirectedRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rq := tc.rq
			rq.path, rq.body, rq.token = "/api/call/Status", "[]", s.Token()
			if code, body, _ := do(t, ts, rq); code != tc.want {
				t.Fatalf("status %d, want %d (%v)", code, tc.want, body)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, path := range []string{"/", "/assets/app.js", "/api/session"} {
		code, _, h := do(t, ts, req{method: http.MethodGet, path: path})
		if code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, code)
		}
		for k, want := range map[string]string{
			"Content-Security-Policy": "frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
		} {
			if !strings.Contains(h.Get(k), want) {
				t.Errorf("GET %s: %s = %q, want %q", path, k, h.Get(k), want)
			}
		}
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s sends CORS headers", path)
		}
	}
}

func TestMethodDispatch(t *testing.T) {
	s, ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		name, path, body string
		want             int
		check            func(map[string]any) bool
	}{
		{"two arguments", "/api/call/Add", "[2, 40]", 200, func(b map[string]any) bool { return b["raw"] == "42" }},
		{"a struct and a string", "/api/call/Rename", `[{"name":"a","tags":["x"],"count":3}, "b"]`, 200,
			func(b map[string]any) bool {
				return b["name"] == "b" && b["count"] == 3.0 && len(b["tags"].([]any)) == 1
			}},
		{"error only, success", "/api/call/Delete", `["j1"]`, 200, func(b map[string]any) bool { return b["raw"] == "null" }},
		{"the method's error", "/api/call/Delete", `[""]`, 422, func(b map[string]any) bool { return b["error"] == "choose what to delete" }},
		{"too few arguments", "/api/call/Add", "[1]", 400, func(b map[string]any) bool { return strings.Contains(b["error"].(string), "expected 2") }},
		{"wrong argument type", "/api/call/Add", `["1", 2]`, 400, func(b map[string]any) bool { return strings.Contains(b["error"].(string), "argument 1") }},
		{"not an array", "/api/call/Add", `{"x":1}`, 400, func(b map[string]any) bool { return strings.Contains(b["error"].(string), "JSON array") }},
		{"no body for no arguments", "/api/call/Status", "", 200, func(b map[string]any) bool { return b["version"] == "test" }},
		{"unknown method", "/api/call/Format", "[]", 404, func(b map[string]any) bool { return strings.Contains(b["error"].(string), "no such method") }},
		{"unexported method", "/api/call/unexported", "[]", 404, nil},
		{"a panic", "/api/call/Broken", "[]", 500, func(b map[string]any) bool { return strings.Contains(b["error"].(string), "Broken") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := do(t, ts, req{path: tc.path, body: tc.body, token: s.Token()})
			if code != tc.want || (tc.check != nil && !tc.check(body)) {
				t.Fatalf("status %d body %v, want %d", code, body, tc.want)
			}
		})
	}
	if got := strings.Join(s.calls.(*Dispatcher).Methods(), ","); got != "Add,Broken,Delete,Rename,Status" {
		t.Fatalf("methods %s", got)
	}
}

func TestEventsReachTheBrowser(t *testing.T) {
	hub := NewHub(8)
	s, ts := newTestServer(t, Options{Hub: hub, Heartbeat: time.Hour})
	// The stream needs a ticket, fetched with the token.
	if code, _, _ := do(t, ts, req{method: http.MethodGet, path: "/api/events"}); code != http.StatusUnauthorized {
		t.Fatalf("stream without a ticket: %d", code)
	}
	if code, _, _ := do(t, ts, req{path: "/api/events/ticket", body: "{}"}); code != http.StatusUnauthorized {
		t.Fatalf("ticket without a token: %d", code)
	}
	_, body, _ := do(t, ts, req{path: "/api/events/ticket", body: "{}", token: s.Token()})
	ticket := body["ticket"].(string)

	resp, err := http.Get(ts.URL + "/api/events?ticket=" + ticket)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	lines := bufio.NewReader(resp.Body)
	if l, _ := lines.ReadString('\n'); l != ": connected\n" {
		t.Fatalf("first line %q", l)
	}
	waitFor(t, func() bool { return hub.Subscribers() == 1 })
	hub.Emit("backup:progress", map[string]any{"jobId": "j1", "filesUploaded": 3})
	hub.Emit("data:changed", map[string]string{"what": "jobs"})
	var got []string
	for len(got) < 4 {
		l, err := lines.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if l = strings.TrimSpace(l); l != "" {
			got = append(got, l)
		}
	}
	want := []string{"event: backup:progress", `data: {"filesUploaded":3,"jobId":"j1"}`, "event: data:changed", `data: {"what":"jobs"}`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A ticket opens one stream only.
	if code, _, _ := do(t, ts, req{method: http.MethodGet, path: "/api/events?ticket=" + ticket}); code != http.StatusUnauthorized {
		t.Fatalf("reused ticket: %d", code)
	}
	// Closing the server ends the stream.
	s.Close()
	if _, err := io.ReadAll(lines); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return hub.Subscribers() == 0 })
}

func TestSlowSubscriberIsCutOffNotWaitedFor(t *testing.T) {
	hub := NewHub(2)
	slow, _ := hub.Subscribe()
	fast, cancel := hub.Subscribe()
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			hub.Emit("backup:progress", i)
			<-fast
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Emit blocked on a subscriber that does not read")
	}
	n := 0
	for range slow {
		n++
	}
	if n != 2 || hub.Dropped() != 1 || hub.Subscribers() != 1 {
		t.Fatalf("slow subscriber got %d events, dropped %d, %d subscribers left", n, hub.Dropped(), hub.Subscribers())
	}
}

func TestRemoteAddressNeedsPermissionAndPassword(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		ok   bool
	}{
		{"loopback", Options{Addr: "127.0.0.1:8420"}, true},
		{"localhost", Options{Addr: "localhost:8420"}, true},
		{"IPv6 loopback", Options{Addr: "[::1]:8420"}, true},
		{"all interfaces", Options{Addr: ":8420"}, false},
		{"all interfaces with permission, no password", Options{Addr: "0.0.0.0:8420", AllowRemote: true}, false},
		{"a LAN address without permission", Options{Addr: "192.168.1.5:8420", Password: "correct horse"}, false},
		{"permission and password", Options{Addr: "0.0.0.0:8420", AllowRemote: true, Password: "correct horse"}, true},
		{"short password", Options{Addr: "127.0.0.1:8420", Password: "short"}, false},
		{"certificate without key", Options{Addr: "127.0.0.1:8420", CertFile: "c.pem"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Assets = assets
			_, err := New(&fakeApp{}, tc.o)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestRemoteServerAnswersAnyHostName(t *testing.T) {
	_, ts := newTestServer(t, Options{Addr: "0.0.0.0:0", AllowRemote: true, Password: "correct horse"})
	if code, body, _ := do(t, ts, req{method: http.MethodGet, path: "/api/session", host: "nas.lan:8420"}); code != 200 || body["auth"] != "password" {
		t.Fatalf("%d %v", code, body)
	}
}

func TestPasswordLogin(t *testing.T) {
	s, ts := newTestServer(t, Options{Password: "correct horse"})
	if s.Token() != "" {
		t.Fatal("password mode prints a token")
	}
	code, body, _ := do(t, ts, req{method: http.MethodGet, path: "/api/session"})
	if code != 200 || body["auth"] != "password" || body["valid"] != false {
		t.Fatalf("session: %d %v", code, body)
	}
	if code, _, _ := do(t, ts, req{path: "/api/login", body: `{"password":"wrong"}`}); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", code)
	}
	_, body, _ = do(t, ts, req{path: "/api/login", body: `{"password":"correct horse"}`})
	tok, _ := body["token"].(string)
	if code, _, _ := do(t, ts, req{path: "/api/call/Status", body: "[]", token: tok}); code != 200 {
		t.Fatalf("call with the session: %d", code)
	}
	if _, body, _ := do(t, ts, req{method: http.MethodGet, path: "/api/session", token: tok}); body["valid"] != true {
		t.Fatalf("session not valid: %v", body)
	}
	do(t, ts, req{path: "/api/logout", body: "{}", token: tok})
	if code, _, _ := do(t, ts, req{path: "/api/call/Status", body: "[]", token: tok}); code != http.StatusUnauthorized {
		t.Fatalf("call after logout: %d", code)
	}
	// Guessing is throttled: after a few wrong passwords even the right one waits.
	for range maxLoginFails {
		do(t, ts, req{path: "/api/login", body: `{"password":"guess"}`})
	}
	code, _, h := do(t, ts, req{path: "/api/login", body: `{"password":"correct horse"}`})
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("after %d wrong passwords: %d", maxLoginFails+1, code)
	}
}

func TestSessionsAndTicketsExpire(t *testing.T) {
	a := newAuth("", "correct horse")
	now := time.Unix(1_700_000_000, 0)
	a.now = func() time.Time { return now }
	tok, res := a.login("correct horse")
	if res != loginOK || !a.valid(tok) {
		t.Fatal("login failed")
	}
	ticket := a.ticket()
	now = now.Add(ticketTTL + time.Second)
	if a.redeem(ticket) {
		t.Fatal("an old ticket was accepted")
	}
	now = now.Add(sessionIdle - time.Minute)
	if !a.valid(tok) {
		t.Fatal("a session used within its idle time ended")
	}
	now = now.Add(sessionIdle + time.Second)
	if a.valid(tok) {
		t.Fatal("an idle session was accepted")
	}
}

func TestStaticFiles(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	code, body, h := do(t, ts, req{method: http.MethodGet, path: "/"})
	if code != 200 || !strings.Contains(body["raw"].(string), "<title>Avault") || h.Get("Cache-Control") != "no-cache" {
		t.Fatalf("index: %d %v %v", code, body, h)
	}
	if _, _, h := do(t, ts, req{method: http.MethodGet, path: "/assets/app.js"}); !strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Fatalf("asset caching: %v", h)
	}
	if code, _, _ := do(t, ts, req{path: "/", body: "{}"}); code != http.StatusMethodNotAllowed {
		t.Fatalf("POST /: %d", code)
	}
	if code, _, _ := do(t, ts, req{method: http.MethodGet, path: "/api/nothing"}); code != http.StatusNotFound {
		t.Fatalf("unknown API path: %d", code)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStreamOutlivesTheReadTimeout(t *testing.T) {
	hub := NewHub(0)
	s, err := New(&fakeApp{}, Options{Addr: "127.0.0.1:0", Assets: assets, Hub: hub, Heartbeat: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	s.readTimeout = 200 * time.Millisecond
	ln, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	base := "http://" + ln.Addr().String()
	stream, err := http.Get(base + "/api/events?ticket=" + s.auth.ticket())
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	lines := bufio.NewReader(stream.Body)
	_, _ = lines.ReadString('\n')
	time.Sleep(600 * time.Millisecond)
	hub.Emit("queue:stats", map[string]int{"waiting": 1})
	got := make(chan string, 1)
	go func() {
		l, _ := lines.ReadString('\n')
		for l == "\n" {
			l, _ = lines.ReadString('\n')
		}
		got <- l
	}()
	select {
	case l := <-got:
		if l != "event: queue:stats\n" {
			t.Fatalf("after the read timeout the stream said %q", l)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no event after the read timeout")
	}
}

func TestStreamEndsCleanlyLongAfterItsLastEvent(t *testing.T) {
	s, ts := newTestServer(t, Options{Heartbeat: time.Hour})
	s.streamWriteTimeout = 100 * time.Millisecond
	resp, err := http.Get(ts.URL + "/api/events?ticket=" + s.auth.ticket())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewReader(resp.Body)
	_, _ = lines.ReadString('\n')
	time.Sleep(300 * time.Millisecond) // past the last write's deadline
	s.Close()
	if _, err := io.ReadAll(lines); err != nil {
		t.Fatalf("the stream was cut instead of ended: %v", err)
	}
}

func TestServeStopsCleanlyWithOpenStreams(t *testing.T) {
	hub := NewHub(0)
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, &fakeApp{}, Options{Addr: "127.0.0.1:0", Assets: assets, Hub: hub}, func(u string) { urls <- u })
	}()
	u := <-urls
	base, token, ok := strings.Cut(u, "#token=")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("printed URL %q", u)
	}
	r, _ := http.NewRequest(http.MethodPost, base+"api/events/ticket", strings.NewReader("{}"))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	var tk struct{ Ticket string }
	_ = json.NewDecoder(resp.Body).Decode(&tk)
	resp.Body.Close()
	stream, err := http.Get(base + "api/events?ticket=" + tk.Ticket)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	waitFor(t, func() bool { return hub.Subscribers() == 1 })
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("shutdown took %v with a stream open", d)
	}
}

func TestOpenURLNeedsAListener(t *testing.T) {
	hub := NewHub(0)
	if err := hub.OpenURL("https://accounts.example/auth"); err == nil {
		t.Fatal("OpenURL succeeded with no page listening")
	}
	ch, cancel := hub.Subscribe()
	defer cancel()
	if err := hub.OpenURL("https://accounts.example/auth"); err != nil {
		t.Fatal(err)
	}
	if ev := <-ch; ev.Name != EventBrowserOpen || string(ev.Data) != `{"url":"https://accounts.example/auth"}` {
		t.Fatalf("event %s %s", ev.Name, ev.Data)
	}
}
