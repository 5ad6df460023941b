package service

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/avault/avault/backend/job"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestMetricsPortServesOnLoopback: Settings' metrics port makes the
// background process serve /metrics on 127.0.0.1, changes with the
// setting, refuses a port in use before saving, and stops at 0.
func TestMetricsPortServesOnLoopback(t *testing.T) {
	s, nas := openTestService(t, Options{Version: "9.9.9", Schedules: true})
	j, _ := localJob(t, s, nas, 2)
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	waitFinal(t, s, run.ID)
	port := freePort(t)
	st, _ := s.Settings()
	st.MetricsPort = port
	if _, err := s.UpdateSettings(st); err != nil {
		t.Fatal(err)
	}
	url := "http://127.0.0.1:" + strconv.Itoa(port) + "/metrics"
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("scrape: %d %v", res.StatusCode, err)
	}
	if f := fams["avault_job_last_run_status"]; f == nil || len(f.GetMetric()) != len([]string{"SUCCESS", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"}) {
		t.Fatalf("avault_job_last_run_status: %v", f)
	}
	if f := fams["avault_build_info"]; f == nil || f.GetMetric()[0].GetLabel()[0].GetValue() != "9.9.9" {
		t.Fatalf("avault_build_info: %v", f)
	}
	// A port in use is refused, and the one in use stays.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	st.MetricsPort = busy.Addr().(*net.TCPAddr).Port
	if _, err := s.UpdateSettings(st); err == nil || !strings.Contains(err.Error(), "metricsPort") {
		t.Fatalf("a port in use: %v", err)
	}
	if got, _ := s.Settings(); got.MetricsPort != port {
		t.Fatalf("after the refusal the setting is %d", got.MetricsPort)
	}
	if res, err := http.Get(url); err != nil {
		t.Fatalf("the listener stopped after a refused change: %v", err)
	} else {
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	st.MetricsPort = 0
	if _, err := s.UpdateSettings(st); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(url); err == nil {
		t.Fatal("metrics still served with the port set to 0")
	}
	st.MetricsPort = 80
	if _, err := s.UpdateSettings(st); err == nil || !strings.Contains(err.Error(), "between 1024 and 65535") {
		t.Fatalf("port 80: %v", err)
	}
}
