package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestTheDashboardUsesOnlyMetricsThatExist reads the sample Grafana
// dashboard and checks that every avault_ metric its queries name is one
// this package serves.
func TestTheDashboardUsesOnlyMetricsThatExist(t *testing.T) {
	raw, err := os.ReadFile("../../docs/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash map[string]any
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("docs/grafana-dashboard.json is not JSON: %v", err)
	}
	served := map[string]bool{}
	ch := make(chan *prometheus.Desc, 32)
	(&collector{}).Describe(ch)
	close(ch)
	name := regexp.MustCompile(`fqName: "([a-z_]+)"`)
	for d := range ch {
		served[name.FindStringSubmatch(d.String())[1]] = true
	}
	used := regexp.MustCompile(`avault_[a-z_]+`).FindAllString(string(raw), -1)
	if len(used) < 8 {
		t.Fatalf("the dashboard names only %v", used)
	}
	for _, m := range used {
		if !served[m] {
			t.Errorf("the dashboard queries %s, which Avault does not serve", m)
		}
	}
}
