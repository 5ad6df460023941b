package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/avault/avault/backend/cli"
	"github.com/avault/avault/backend/web"
)

// TestServeScrapesMetricsOfRealRuns runs backups through the background
// process, then scrapes /metrics from `avault serve` (a client of it, so
// the call goes through the socket by name) and reads it with Prometheus'
// own text parser.
func TestServeScrapesMetricsOfRealRuns(t *testing.T) {
	testDaemon(t)
	nas, dest := t.TempDir(), t.TempDir()
	for i, body := range []string{"hello", "avault metrics"} {
		if err := os.WriteFile(filepath.Join(nas, string(rune('a'+i))+".txt"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"settings", "--nas-root", nas},
		{"dest", "add", "--name", "Disk", "--kind", "local", "--remote", dest},
		{"job", "add", "--name", "Docs", "--source", "/", "--dest", "Disk"},
		{"run", "Docs"},
		{"run", "Docs"},
	} {
		if code, _, errs := cliRun(t, "", args...); code != cli.ExitOK {
			t.Fatalf("avault %v: exit %d: %s", args, code, errs)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urls := make(chan string, 1)
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Avault is serving at "); ok {
				urls <- u
			}
		}
	}()
	go func() { _ = serveWeb(ctx, web.Options{Addr: "127.0.0.1:0"}, pw) }()
	var u string
	select {
	case u = <-urls:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	base, token, _ := strings.Cut(u, "#token=")
	base = strings.TrimSuffix(base, "/")
	get := func(tok string) (int, map[string]*dto.MetricFamily) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+"/metrics", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return res.StatusCode, nil
		}
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(res.Body)
		if err != nil {
			t.Fatalf("/metrics is not in the text format: %v", err)
		}
		return res.StatusCode, fams
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Fatalf("/metrics without the token: %d, want 401", code)
	}
	if code, _ := get("not-the-token"); code != http.StatusUnauthorized {
		t.Fatalf("/metrics with a wrong token: %d, want 401", code)
	}
	one := func(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
		for _, m := range fams[name].GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			ok := got["job_name"] == "Docs"
			for i := 0; i+1 < len(labels); i += 2 {
				ok = ok && got[labels[i]] == labels[i+1]
			}
			if ok {
				return m.GetGauge().GetValue(), true
			}
		}
		return 0, false
	}
	// The stored bytes are measured in the background after the first
	// scrape asks for them; later scrapes report them.
	deadline := time.Now().Add(20 * time.Second)
	var fams map[string]*dto.MetricFamily
	for {
		code, f := get(token)
		if code != http.StatusOK {
			t.Fatalf("/metrics with the token: %d", code)
		}
		fams = f
		if _, ok := one(fams, "avault_job_stored_bytes"); ok || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range []struct {
		name   string
		labels []string
		check  func(float64) bool
		want   string
	}{
		{"avault_job_last_run_status", []string{"status", "SUCCESS"}, func(v float64) bool { return v == 1 }, "1"},
		{"avault_job_last_run_status", []string{"status", "FAILED"}, func(v float64) bool { return v == 0 }, "0"},
		{"avault_job_last_run_files", []string{"kind", "scanned"}, func(v float64) bool { return v == 2 }, "2 (the second run scanned both files)"},
		{"avault_job_last_run_files", []string{"kind", "sent"}, func(v float64) bool { return v == 0 }, "0 (nothing changed)"},
		{"avault_job_last_run_duration_seconds", nil, func(v float64) bool { return v >= 0 && v < 60 }, "under a minute"},
		{"avault_job_last_run_timestamp_seconds", nil, func(v float64) bool { return time.Since(time.Unix(int64(v), 0)) < time.Minute }, "within the last minute"},
		{"avault_job_seconds_since_last_success", nil, func(v float64) bool { return v >= 0 && v < 60 }, "under a minute"},
		{"avault_job_stored_bytes", nil, func(v float64) bool { return v >= float64(len("hello")+len("avault metrics")) }, "at least the files' bytes"},
		{"avault_job_versions", nil, func(v float64) bool { return v == 2 }, "2"},
		{"avault_job_enabled", nil, func(v float64) bool { return v == 1 }, "1"},
	} {
		v, ok := one(fams, c.name, c.labels...)
		if !ok || !c.check(v) {
			t.Errorf("%s%v = %v (found %v), want %s", c.name, c.labels, v, ok, c.want)
		}
	}
	for _, name := range []string{"avault_runs_running", "avault_runs_waiting"} {
		if f := fams[name]; f == nil || f.GetMetric()[0].GetGauge().GetValue() != 0 {
			t.Errorf("%s: %v, want 0", name, f)
		}
	}
}
