package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/avault/avault/backend/metrics"
)

// metricsApp is a bound value with a Metrics method, as App has.
type metricsApp struct{}

func (metricsApp) Metrics() (metrics.Snapshot, error) {
	stored, versions := int64(4096), 3
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	last := now.Add(-90 * time.Minute)
	return metrics.Snapshot{Version: "1.2.3", Running: 1, Waiting: 2, Now: now, Jobs: []metrics.Job{{
		ID: "j1", Name: "Photos", Enabled: true, LastSuccess: &last, StoredBytes: &stored, Versions: &versions,
		LastRun: &metrics.LastRun{Status: "SUCCESS", StartedAt: last, Seconds: 12.5, FilesUploaded: 7, BytesUploaded: 700},
	}}}, nil
}

func scrape(t *testing.T, url string, auth func(*http.Request)) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	if auth != nil {
		auth(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, res.Body)
	return res.StatusCode, b.String()
}

func TestMetricsNeedTheTokenOrThePassword(t *testing.T) {
	for _, mode := range []string{"token", "password"} {
		t.Run(mode, func(t *testing.T) {
			o := Options{Addr: "127.0.0.1:0", Assets: assets}
			if mode == "token" {
				o.Token = "scrape-token-123"
			} else {
				o.Password = "correct horse battery"
			}
			s, err := New(&metricsApp{}, o)
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(s.Handler())
			defer ts.Close()
			if code, body := scrape(t, ts.URL, nil); code != http.StatusUnauthorized || strings.Contains(body, "avault_") {
				t.Fatalf("without credentials: %d %s", code, body)
			}
			if code, _ := scrape(t, ts.URL, func(r *http.Request) { r.SetBasicAuth("prometheus", "wrong password") }); code != http.StatusUnauthorized {
				t.Fatalf("with a wrong password: %d", code)
			}
			good := func(r *http.Request) { r.Header.Set("Authorization", "Bearer scrape-token-123") }
			if mode == "password" {
				good = func(r *http.Request) { r.SetBasicAuth("prometheus", "correct horse battery") }
			}
			code, body := scrape(t, ts.URL, good)
			if code != http.StatusOK {
				t.Fatalf("with credentials: %d %s", code, body)
			}
			p := expfmt.NewTextParser(model.UTF8Validation)
			fams, err := p.TextToMetricFamilies(strings.NewReader(body))
			if err != nil {
				t.Fatalf("not the text format: %v\n%s", err, body)
			}
			value := func(name string, labels map[string]string) float64 {
				t.Helper()
				f := fams[name]
				if f == nil {
					t.Fatalf("no %s in\n%s", name, body)
				}
			next:
				for _, m := range f.GetMetric() {
					for _, l := range m.GetLabel() {
						if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
							continue next
						}
					}
					return m.GetGauge().GetValue()
				}
				t.Fatalf("no %s%v", name, labels)
				return 0
			}
			job := map[string]string{"job_id": "j1", "job_name": "Photos"}
			for _, c := range []struct {
				name   string
				labels map[string]string
				want   float64
			}{
				{"avault_up", nil, 1},
				{"avault_runs_running", nil, 1},
				{"avault_runs_waiting", nil, 2},
				{"avault_job_stored_bytes", job, 4096},
				{"avault_job_versions", job, 3},
				{"avault_job_last_run_duration_seconds", job, 12.5},
				{"avault_job_seconds_since_last_success", job, 5400},
				{"avault_job_last_run_status", map[string]string{"job_id": "j1", "status": "SUCCESS"}, 1},
				{"avault_job_last_run_status", map[string]string{"job_id": "j1", "status": "FAILED"}, 0},
				{"avault_job_last_run_files", map[string]string{"job_id": "j1", "kind": "sent"}, 7},
				{"avault_job_last_run_bytes", map[string]string{"job_id": "j1", "kind": "sent"}, 700},
				{"avault_build_info", map[string]string{"version": "1.2.3"}, 1},
			} {
				if got := value(c.name, c.labels); got != c.want {
					t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
				}
			}
		})
	}
}
