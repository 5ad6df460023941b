// Package metrics exposes Avault's state in the Prometheus text format:
// per job, its last run (time, status, duration, files and bytes), what it
// keeps at its destination, and how long ago it last succeeded; and the
// runs going and waiting. A Snapshot is what the service knows at one
// moment; Handler serves it to a scraper.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Snapshot is the state metrics are made of.
type Snapshot struct {
	Version string `json:"version"`
	Jobs    []Job  `json:"jobs"`
	Running int    `json:"running"`
	Waiting int    `json:"waiting"`
	// Now is when the snapshot was taken; ages are counted from it.
	Now time.Time `json:"now"`
}

// Job is one job's figures. Pointers are nil when not known (a job that
// never ran, or whose destination has not been measured yet).
type Job struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Enabled bool     `json:"enabled"`
	LastRun *LastRun `json:"lastRun,omitempty"`
	// LastSuccess is when the newest successful run started.
	LastSuccess *time.Time `json:"lastSuccess,omitempty"`
	// StoredBytes and Versions are measured at the destination after each
	// run (and once after start), not at every scrape.
	StoredBytes *int64 `json:"storedBytes,omitempty"`
	Versions    *int   `json:"versions,omitempty"`
}

// LastRun is the newest finished run of a job.
type LastRun struct {
	Status        string    `json:"status"`
	StartedAt     time.Time `json:"startedAt"`
	Seconds       float64   `json:"seconds"`
	FilesScanned  int64     `json:"filesScanned"`
	FilesUploaded int64     `json:"filesUploaded"`
	FilesCopied   int64     `json:"filesCopied"`
	FilesSkipped  int64     `json:"filesSkipped"`
	FilesFailed   int64     `json:"filesFailed"`
	BytesScanned  int64     `json:"bytesScanned"`
	BytesUploaded int64     `json:"bytesUploaded"`
	BytesCopied   int64     `json:"bytesCopied"`
}

// Statuses are the final statuses avault_job_last_run_status reports, one
// series each, 1 for the last run's.
var Statuses = []string{"SUCCESS", "PARTIAL_SUCCESS", "FAILED", "CANCELLED"}

var (
	jobLabels = []string{"job_id", "job_name"}

	descInfo     = prometheus.NewDesc("avault_build_info", "Avault's version; always 1.", []string{"version"}, nil)
	descJob      = prometheus.NewDesc("avault_job_enabled", "Whether the job runs on its schedule (1) or is paused (0).", jobLabels, nil)
	descLastRun  = prometheus.NewDesc("avault_job_last_run_timestamp_seconds", "When the job's newest finished run started, in Unix seconds.", jobLabels, nil)
	descStatus   = prometheus.NewDesc("avault_job_last_run_status", "1 for the final status of the job's newest finished run, 0 for the others.", append(jobLabels[:2:2], "status"), nil)
	descDuration = prometheus.NewDesc("avault_job_last_run_duration_seconds", "How long the job's newest finished run took.", jobLabels, nil)
	descFiles    = prometheus.NewDesc("avault_job_last_run_files", "Files of the newest finished run: scanned, sent (uploaded), copied (unchanged, copied on the destination's side), skipped, failed.", append(jobLabels[:2:2], "kind"), nil)
	descBytes    = prometheus.NewDesc("avault_job_last_run_bytes", "Bytes of the newest finished run: scanned, sent (uploaded), copied (on the destination's side).", append(jobLabels[:2:2], "kind"), nil)
	descStored   = prometheus.NewDesc("avault_job_stored_bytes", "Bytes the job keeps at its destination, all versions together, as last measured.", jobLabels, nil)
	descVersions = prometheus.NewDesc("avault_job_versions", "Versions the job keeps at its destination, as last counted.", jobLabels, nil)
	descSuccess  = prometheus.NewDesc("avault_job_last_success_timestamp_seconds", "When the job's newest successful run started, in Unix seconds.", jobLabels, nil)
	descSince    = prometheus.NewDesc("avault_job_seconds_since_last_success", "Seconds since the job's newest successful run started.", jobLabels, nil)
	descRunning  = prometheus.NewDesc("avault_runs_running", "Backup runs going now.", nil, nil)
	descWaiting  = prometheus.NewDesc("avault_runs_waiting", "Backup runs waiting for a free slot.", nil, nil)
	descUp       = prometheus.NewDesc("avault_up", "1 when Avault's state could be read for this scrape, 0 when not.", nil, nil)
)

// collector turns a Snapshot taken at each scrape into metrics.
type collector struct {
	get     func(ctx context.Context) (Snapshot, error)
	timeout time.Duration
	log     *slog.Logger
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInfo, descJob, descLastRun, descStatus, descDuration, descFiles, descBytes,
		descStored, descVersions, descSuccess, descSince, descRunning, descWaiting, descUp} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	s, err := c.get(ctx)
	if err != nil {
		c.log.Warn("metrics: reading the state", "err", err)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descUp, 1)
	gauge(descInfo, 1, s.Version)
	gauge(descRunning, float64(s.Running))
	gauge(descWaiting, float64(s.Waiting))
	for _, j := range s.Jobs {
		id, name := j.ID, j.Name
		gauge(descJob, boolValue(j.Enabled), id, name)
		if r := j.LastRun; r != nil {
			gauge(descLastRun, unix(r.StartedAt), id, name)
			for _, st := range Statuses {
				gauge(descStatus, boolValue(r.Status == st), id, name, st)
			}
			gauge(descDuration, r.Seconds, id, name)
			for kind, n := range map[string]int64{"scanned": r.FilesScanned, "sent": r.FilesUploaded, "copied": r.FilesCopied, "skipped": r.FilesSkipped, "failed": r.FilesFailed} {
				gauge(descFiles, float64(n), id, name, kind)
			}
			for kind, n := range map[string]int64{"scanned": r.BytesScanned, "sent": r.BytesUploaded, "copied": r.BytesCopied} {
				gauge(descBytes, float64(n), id, name, kind)
			}
		}
		if j.StoredBytes != nil {
			gauge(descStored, float64(*j.StoredBytes), id, name)
		}
		if j.Versions != nil {
			gauge(descVersions, float64(*j.Versions), id, name)
		}
		if j.LastSuccess != nil {
			gauge(descSuccess, unix(*j.LastSuccess), id, name)
			gauge(descSince, max(s.Now.Sub(*j.LastSuccess).Seconds(), 0), id, name)
		}
	}
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Handler serves the metrics of the snapshot get returns at each scrape,
// in the Prometheus text format (or OpenMetrics when asked). It does no
// authentication: the caller puts it behind its own.
func Handler(get func(ctx context.Context) (Snapshot, error), log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(&collector{get: get, timeout: 20 * time.Second, log: log})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slogAdapter{log}, ErrorHandling: promhttp.ContinueOnError})
}

type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Println(v ...any) { a.l.Warn("metrics", "err", v) }
