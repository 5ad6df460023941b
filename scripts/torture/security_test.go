//go:build torture

package torture

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFileModes starts Avault with umask 000 on a fresh data folder: the
// folder must still be 0700 and the database 0600; a folder and a file
// made too open beforehand are tightened.
func TestFileModes(t *testing.T) {
	t.Parallel()
	w := newWorld(t) // made the data folder with the harness's umask
	check := func(what string) {
		ok := true
		for p, want := range map[string]os.FileMode{w.data: 0o700, filepath.Join(w.data, "avault.db"): 0o600} {
			fi, err := os.Stat(p)
			if err != nil || fi.Mode().Perm() != want {
				ok = false
				t.Errorf("%s: %s has mode %v, want %v (%v)", what, p, modeOf(fi), want, err)
			}
		}
		report.addCheck("security", "data folder 0700 and avault.db 0600: "+what, ok, "")
	}
	check("created by a command")
	fresh := filepath.Join(w.dir, "fresh")
	cmd := exec.Command("sh", "-c", `umask 000; exec "$0" settings --json`, bin)
	cmd.Env = append(w.environ(), "AVAULT_DATA_DIR="+fresh)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	w.data = fresh
	check("created with umask 000")
	os.Chmod(fresh, 0o777)
	os.Chmod(filepath.Join(fresh, "avault.db"), 0o666)
	w.mustOK("settings", "--json")
	check("loosened to 0777/0666, then opened")
}

func modeOf(fi os.FileInfo) any {
	if fi == nil {
		return "?"
	}
	return fi.Mode().Perm()
}

// TestWebGuards checks that the web mode refuses requests without the
// token, with a wrong one, from another origin or site, with another Host
// name (DNS rebinding), and form posts; and that an event ticket works
// once. It also records the events of a run for the secret scan.
func TestWebGuards(t *testing.T) {
	t.Parallel()
	w, c := hostileWorld(t)
	s := startWeb(t, w)
	cases := []struct {
		name string
		path string
		hdr  map[string]string
		want int
	}{
		{"no token", "/api/call/ListJobs", map[string]string{"Authorization": ""}, http.StatusUnauthorized},
		{"wrong token", "/api/call/ListJobs", map[string]string{"Authorization": "Bearer " + randomHex(32)}, http.StatusUnauthorized},
		{"token in a query, not the header", "/api/call/ListJobs?token=" + s.token, map[string]string{"Authorization": ""}, http.StatusUnauthorized},
		{"another origin", "/api/call/ListJobs", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"a cross-site request", "/api/call/ListJobs", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"another Host (DNS rebinding)", "/api/call/ListJobs", map[string]string{"Host": "evil.example:80"}, http.StatusMisdirectedRequest},
		{"a form post", "/api/call/ListJobs", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"the right token", "/api/call/ListJobs", nil, http.StatusOK},
	}
	for _, tc := range cases {
		code, body := s.request(http.MethodPost, tc.path, "[]", tc.hdr)
		ok := code == tc.want
		if !ok {
			t.Errorf("%s: %d %s, want %d", tc.name, code, clip(body, 200), tc.want)
		}
		report.addCheck("web mode", tc.name, ok, fmt.Sprintf("%d", code))
	}
	// Events: a ticket, used twice.
	code, body := s.call("ListJobs", "[]")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	code, body = s.request(http.MethodPost, "/api/events/ticket", "", nil)
	var tk struct {
		Ticket string `json:"ticket"`
	}
	json.Unmarshal([]byte(body), &tk)
	events := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/api/events?ticket="+url.QueryEscape(tk.Ticket), nil)
	resp, err := http.DefaultClient.Do(req)
	streamOK := err == nil && resp.StatusCode == http.StatusOK
	if streamOK {
		go func() {
			var b strings.Builder
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				b.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), `"status":"SUCCESS"`) {
					break
				}
			}
			events <- b.String()
		}()
	}
	report.addCheck("web mode", "an event ticket opens the stream", streamOK, fmt.Sprintf("%v", errOrStatus(resp, err)))
	req2, _ := http.NewRequest(http.MethodGet, s.base+"/api/events?ticket="+url.QueryEscape(tk.Ticket), nil)
	resp2, err := http.DefaultClient.Do(req2)
	again := err == nil && resp2.StatusCode == http.StatusUnauthorized
	if resp2 != nil {
		resp2.Body.Close()
	}
	report.addCheck("web mode", "the same ticket a second time is refused", again, fmt.Sprintf("%v", errOrStatus(resp2, err)))
	if !again {
		t.Errorf("a used ticket: %v", errOrStatus(resp2, err))
	}
	if streamOK {
		c.src.mutate(0.2)
		if code, body := s.call("RunJob", fmt.Sprintf("[%q]", c.jobID)); code != http.StatusOK {
			t.Errorf("RunJob: %d %s", code, body)
		}
		select {
		case ev := <-events:
			transcript.write("web events:\n" + ev)
			report.addCheck("web mode", "a run's events reach the stream (kept for the secret scan)", strings.Contains(ev, "backup:progress"), fmt.Sprintf("%d bytes", len(ev)))
		case <-time.After(2 * time.Minute):
			t.Error("no SUCCESS event within 2 minutes")
		}
		cancel()
		resp.Body.Close()
	}
}

func errOrStatus(resp *http.Response, err error) any {
	if err != nil {
		return err
	}
	return resp.StatusCode
}

// TestOAuthListener signs in to the Google fake through `avault auth
// google`: a callback with a forged state must end the sign-in without a
// credential; the listener must be on loopback, answer once, and be
// closed afterwards.
func TestOAuthListener(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	d := newDriveTarget(t, w)
	forged, err := d.signIn(w, "Forged", true)
	if err != nil {
		t.Fatal(err)
	}
	r := forged.result
	ok := r.code != 0 && strings.Contains(r.stderr, "does not belong to this sign-in")
	report.addCheck("oauth", "a callback with a forged state ends the sign-in", ok, clip(lastLine(r.stderr), 120))
	if !ok {
		t.Errorf("forged state: %s", r)
	}
	var creds []json.RawMessage
	w.jsonOK(&creds, "cred", "list")
	report.addCheck("oauth", "no credential is stored after the forged callback", len(creds) == 0, fmt.Sprintf("%d stored", len(creds)))
	if len(creds) != 0 {
		t.Errorf("credentials after a forged callback: %d", len(creds))
	}
	good, err := d.signIn(w, "Google", false)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(good.redirect)
	loop := u != nil && u.Hostname() == "127.0.0.1" && u.Scheme == "http"
	report.addCheck("oauth", "the redirect goes to 127.0.0.1 (loopback only)", loop, good.redirect)
	if !loop {
		t.Errorf("redirect %q", good.redirect)
	}
	for _, red := range []string{forged.redirect, good.redirect} {
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Get(red + "?state=x&code=y")
		closed := err != nil
		if resp != nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		report.addCheck("oauth", "the listener is closed once the sign-in ended", closed, fmt.Sprintf("%v", errOrStatus(resp, err)))
		if !closed {
			t.Errorf("the listener at %s still answers", red)
		}
	}
}
