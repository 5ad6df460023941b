//go:build torture

package torture

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

const interruptSignal = syscall.SIGTERM

// webServer is a running `avault serve` of a world.
type webServer struct {
	base  string // http://127.0.0.1:port
	token string
	cmd   *exec.Cmd
	out   *bytes.Buffer
}

// startWeb starts `avault serve` on a free loopback port and reads the
// address and token it prints.
func startWeb(t *testing.T, w *world) *webServer {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = w.environ()
	out := &bytes.Buffer{}
	pr, pw := io.Pipe()
	cmd.Stdout = io.MultiWriter(out, pw)
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &webServer{cmd: cmd, out: out}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, u, ok := strings.Cut(sc.Text(), "serving at "); ok {
				found <- strings.TrimSpace(u)
			}
		}
	}()
	select {
	case u := <-found:
		base, tok, _ := strings.Cut(u, "#token=")
		s.base, s.token = strings.TrimSuffix(base, "/"), tok
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("avault serve printed no address: %s", out)
	}
	t.Cleanup(func() { s.stop(); pw.Close() })
	return s
}

// stop ends the server with SIGTERM and keeps its output for the secret
// scan (the access token it printed is its own and not searched for).
func (s *webServer) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	s.cmd.Process.Signal(interruptSignal)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
	transcript.write("$ avault serve (output)\n" + strings.ReplaceAll(s.out.String(), s.token, "<token>") + "\n")
}

// request sends one API request; hdr adds or (with "") removes headers.
func (s *webServer) request(method, path, body string, hdr map[string]string) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, strings.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	transcript.write(fmt.Sprintf("web %s %s → %d %s\n", method, path, resp.StatusCode, clip(string(data), 2000)))
	return resp.StatusCode, string(data)
}

// call calls a bound method with a JSON array of arguments.
func (s *webServer) call(method, args string) (int, string) {
	return s.request(http.MethodPost, "/api/call/"+method, args, nil)
}

// records returns what the web mode lists of the stored records.
func (s *webServer) records(t *testing.T) string {
	var b strings.Builder
	for _, m := range []string{"ListJobs", "ListDestinations", "ListCredentials", "GetSettings"} {
		code, body := s.call(m, "[]")
		if code != http.StatusOK {
			t.Fatalf("%s: %d %s", m, code, body)
		}
		b.WriteString(body)
	}
	return b.String()
}

// TestHostileWeb sends hostile calls to the web mode's JSON API. Every one
// must be answered 4xx with a JSON error message and change nothing.
func TestHostileWeb(t *testing.T) {
	t.Parallel()
	defer elapsed("hostile input (web)", time.Now())
	w, c := hostileWorld(t)
	lists := w.lists()
	var dests []struct {
		ID string `json:"id"`
	}
	w.jsonOK(&dests, "dest", "list")
	s := startWeb(t, w)
	j := c.jobID
	job := func(field string, value any) string {
		m := map[string]any{"name": "Hostile", "sourcePath": "share", "destinationId": dests[0].ID, "schedule": "0 2 * * *",
			"retentionType": "VERSION_COUNT", "retentionCount": 3, "namePattern": "{job}-{datetime}", "onNoChange": "newVersion"}
		m[field] = value
		data, _ := json.Marshal([]any{m})
		return string(data)
	}
	long := strings.Repeat("y", 4096)
	calls := []struct{ method, args string }{
		{"CreateJob", job("sourcePath", "../../etc")},
		{"CreateJob", job("sourcePath", "share\x00/../../etc")},
		{"CreateJob", job("sourcePath", "escape")},
		{"CreateJob", job("name", "nul\x00name")},
		{"CreateJob", job("name", long)},
		{"CreateJob", job("retentionCount", -1)},
		{"CreateJob", `[{"name":"Hostile","retentionCount":1e400}]`},
		{"CreateJob", `[{"name":"Hostile","retentionCount":99999999999999999999}]`},
		{"CreateJob", job("retentionCount", 9007199254740993)},
		{"CreateJob", job("schedule", "61 * * * *")},
		{"CreateJob", job("namePattern", "../{date}")},
		{"CreateJob", job("includes", []string{"["})},
		{"CreateJob", job("destinationId", "no-such-destination")},
		{"CreateJob", `[{"name":"Hostile"},{"extra":"argument"}]`},
		{"CreateJob", `[]`},
		{"CreateJob", `{"not":"an array"}`},
		{"CreateJob", `[{"name": "unterminated`},
		{"UpdateJob", job("id", "no-such-job")},
		{"GetJob", `["no-such-job"]`},
		{"GetJob", `["../../etc/passwd"]`},
		{"DeleteJob", `["no-such-job", true]`},
		{"DeleteDestination", `["no-such-destination"]`},
		{"DeleteCredential", `["no-such-credential"]`},
		{"RenameCredential", `["no-such-credential", "x"]`},
		{"RunJob", `["no-such-job"]`},
		{"CancelRun", `["no-such-run"]`},
		{"GetRun", `["no-such-run"]`},
		{"ListVersions", `["no-such-job"]`},
		{"VerifyVersion", fmt.Sprintf(`[%q, "../../etc", true, -1]`, j)},
		{"RestoreVersion", fmt.Sprintf(`[{"jobId":%q,"version":"no-such-version","toDir":"relative"}]`, j)},
		{"RestoreVersion", fmt.Sprintf(`[{"jobId":%q,"version":"../..","toDir":"/tmp/x"}]`, j)},
		{"UpdateSettings", `[{"nasRoot":"relative"}]`},
		{"UpdateSettings", `[{"nasRoot":"/does/not/exist"}]`},
		{"UpdateSettings", fmt.Sprintf(`[{"nasRoot":%q,"workerConcurrency":-1}]`, w.nas)},
		{"UpdateSettings", fmt.Sprintf(`[{"nasRoot":%q,"transfersPerRun":100000}]`, w.nas)},
		{"UpdateSettings", fmt.Sprintf(`[{"nasRoot":%q,"webhookUrl":"javascript:alert(1)"}]`, w.nas)},
		{"UpdateSettings", fmt.Sprintf(`[{"nasRoot":%q,"keySource":"bogus"}]`, w.nas)},
		{"UpdateSettings", fmt.Sprintf(`[{"nasRoot":%q,"uploadLimit":-1}]`, w.nas)},
		{"UpdateSettings", fmt.Sprintf(`[{"nasRoot":%q,"uploadLimit":1e30}]`, w.nas)},
		{"SetKeySource", `["bogus"]`},
		{"BrowseNAS", `["../.."]`},
		{"BrowseNAS", `["/../../etc"]`},
		{"BrowseNAS", `["escape"]`},
		{"BrowseNAS", `["nul\u0000"]`},
		{"CreateDestination", `[{"name":"Hostile","kind":"local","remoteId":"relative"}]`},
		{"CreateDestination", `[{"name":"Hostile","kind":"local","remoteId":"/tmp/nul\u0000"}]`},
		{"CreateDestination", `[{"name":"Hostile","kind":"s3","remoteId":"bucket","credentialId":"x","options":{"endpoint":"file:///etc/passwd"}}]`},
		{"CreateDestination", `[{"name":"Hostile","kind":"ftp","remoteId":"/tmp"}]`},
		{"TestDestination", `[{"name":"Hostile","kind":"local","remoteId":"/does/not/exist"}]`},
		{"AddS3Credential", `[{"name":"Hostile","accessKeyId":"AKIA","secretAccessKey":""}]`},
		{"AddS3Credential", `[{"name":"","accessKeyId":"","secretAccessKey":"x"}]`},
		{"DescribeSchedule", `["* * *", 5]`},
		{"DescribeSchedule", `["0 2 * * *", -1]`},
		{"ListHistory", `[{"limit":-1,"offset":-5}]`},
		{"PreviewJob", job("sourcePath", "../..")},
		{"PreviewRetention", job("retentionCount", -1)},
		{"PreviewRetention", job("retentionType", "FOREVER")},
		{"PreviewRetention", fmt.Sprintf(`[{"id":%q,"name":"Hostile","destinationId":"no-such-destination","retentionType":"VERSION_COUNT","retentionCount":3}]`, j)},
		{"ListChoices", `[{"name":"Hostile","kind":"local","remoteId":"/does/not/exist"}, "relative/../.."]`},
		{"ListChoices", `[{"name":"Hostile","kind":"local","remoteId":"/tmp"}, "/tmp/nul\u0000"]`},
		{"ListChoices", `[{"name":"Hostile","kind":"ftp","remoteId":"/tmp"}, ""]`},
		{"ListChoices", `[{"name":"Hostile","kind":"s3","credentialId":"no-such-credential"}, ""]`},
		{"ListChoices", `[{"name":"Hostile","kind":"gdrive","credentialId":"no-such-credential"}, ""]`},
		{"NoSuchMethod", `[]`},
		{"startup", `[]`},
	}
	before := s.records(t)
	for _, cl := range calls {
		start := time.Now()
		code, body := s.call(cl.method, cl.args)
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal([]byte(body), &e)
		clean := code >= 400 && code < 500 && e.Error != ""
		note := ""
		if time.Since(start) > 10*time.Second {
			clean, note = false, " (took "+time.Since(start).Round(time.Second).String()+")"
		}
		if now := s.records(t); now != before {
			clean, note = false, note+" stored records changed"
			before = now
		}
		if !clean {
			t.Errorf("POST /api/call/%s %s: %d %s%s", cl.method, clip(cl.args, 200), code, clip(body, 300), note)
		}
		report.addHostile(HostileRow{Surface: "web", Input: cl.method + " " + clip(cl.args, 120),
			Answer: fmt.Sprintf("%d: %s%s", code, clip(e.Error, 100), note), Clean: clean})
	}
	// A body over the 4 MiB limit.
	code, body := s.call("CreateJob", `["`+strings.Repeat("z", 5<<20)+`"]`)
	clean := code == http.StatusRequestEntityTooLarge || code == http.StatusBadRequest
	report.addHostile(HostileRow{Surface: "web", Input: "CreateJob with a 5 MiB body", Answer: fmt.Sprintf("%d: %s", code, clip(body, 80)), Clean: clean})
	if !clean {
		t.Errorf("a 5 MiB body: %d %s", code, clip(body, 200))
	}
	s.stop()
	if now := w.lists(); now != lists {
		t.Errorf("stored records changed after the web calls:\n%s\nwant\n%s", now, lists)
	}
}
