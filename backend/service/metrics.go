package service

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/metrics"
	"github.com/avault/avault/backend/store"
)

// usageCache keeps what each job stores at its destination, measured after
// its runs: listing a destination at every scrape would cost requests to
// Drive or S3 every few seconds.
type usageCache struct {
	mu      sync.Mutex
	used    bool // metrics were asked for: measure after each run
	byJob   map[string]usageEntry
	pending map[string]bool // a measurement is under way
}

type usageEntry struct {
	stored   int64
	versions int
	at       time.Time
}

// usageRetry is how long after a failed or missing measurement a scrape
// may start another.
const usageRetry = 10 * time.Minute

// measureUsage measures job id's storage in the background, unless a
// measurement is under way or one was made (or tried) within usageRetry
// and force is false.
func (s *Service) measureUsage(id string, force bool) {
	c := &s.usage
	c.mu.Lock()
	if c.byJob == nil {
		c.byJob, c.pending = map[string]usageEntry{}, map[string]bool{}
	}
	e, ok := c.byJob[id]
	if c.pending[id] || (!force && ok && s.now().Sub(e.at) < usageRetry) {
		c.mu.Unlock()
		return
	}
	c.pending[id] = true
	c.mu.Unlock()
	started := s.notes.goSend(5*time.Minute, func(ctx context.Context) {
		u, err := s.JobStorage(ctx, id)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, id)
		if err != nil {
			old := c.byJob[id]
			old.at = s.now() // try again after usageRetry; keep the last figures
			c.byJob[id] = old
			if !ok {
				c.byJob[id] = usageEntry{stored: -1, versions: -1, at: s.now()}
			}
			return
		}
		c.byJob[id] = usageEntry{stored: u.Stored, versions: len(u.Versions), at: s.now()}
	})
	if !started {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}
}

// remeasureUsage measures a job's storage again after a run, once metrics
// have been asked for.
func (s *Service) remeasureUsage(id string) {
	s.usage.mu.Lock()
	used := s.usage.used
	s.usage.mu.Unlock()
	if used {
		s.measureUsage(id, true)
	}
}

func (s *Service) cachedUsage(id string) (usageEntry, bool) {
	s.usage.mu.Lock()
	defer s.usage.mu.Unlock()
	e, ok := s.usage.byJob[id]
	return e, ok && e.stored >= 0
}

// Metrics returns what /metrics reports: each job's newest finished run,
// last success and stored bytes and versions (as last measured; a job not
// measured yet is measured in the background), and the runs going and
// waiting.
func (s *Service) Metrics(ctx context.Context) (metrics.Snapshot, error) {
	jobs, err := s.store.ListJobs()
	if err != nil {
		return metrics.Snapshot{}, err
	}
	s.usage.mu.Lock()
	s.usage.used = true
	s.usage.mu.Unlock()
	now := s.now()
	q := s.QueueStats()
	out := metrics.Snapshot{Version: s.opts.Version, Running: q.Active, Waiting: q.Waiting, Now: now, Jobs: make([]metrics.Job, 0, len(jobs))}
	for _, j := range jobs {
		if err := ctx.Err(); err != nil {
			return metrics.Snapshot{}, err
		}
		m := metrics.Job{ID: j.ID, Name: j.Name, Enabled: j.Enabled}
		if m.LastSuccess, err = s.lastSuccess(j.ID, now); err != nil {
			return metrics.Snapshot{}, err
		}
		if r, ok, err := s.lastFinished(j.ID); err != nil {
			return metrics.Snapshot{}, err
		} else if ok {
			m.LastRun = &metrics.LastRun{
				Status: string(r.Status), StartedAt: r.StartedAt, Seconds: r.CompletedAt.Sub(r.StartedAt).Seconds(),
				FilesScanned: r.FilesScanned, FilesUploaded: r.FilesUploaded, FilesCopied: r.FilesCopied,
				FilesSkipped: r.FilesSkipped, FilesFailed: r.FilesFailed,
				BytesScanned: r.BytesScanned, BytesUploaded: r.BytesUploaded, BytesCopied: r.BytesCopied,
			}
		}
		if u, ok := s.cachedUsage(j.ID); ok {
			m.StoredBytes, m.Versions = &u.stored, &u.versions
		} else {
			s.measureUsage(j.ID, false)
		}
		out.Jobs = append(out.Jobs, m)
	}
	return out, nil
}

// lastFinished returns the job's newest run that has ended.
func (s *Service) lastFinished(jobID string) (job.Run, bool, error) {
	page, err := s.store.ListRuns(store.HistoryFilter{JobID: jobID, Limit: 20})
	if err != nil {
		return job.Run{}, false, err
	}
	for _, r := range page.Items {
		if r.Status.IsFinal() && r.CompletedAt != nil {
			return r, true, nil
		}
	}
	return job.Run{}, false, nil
}

// metricsServer is the loopback listener of Settings' MetricsPort, in the
// background process (Options.Schedules).
type metricsServer struct {
	mu   sync.Mutex
	port int
	srv  *http.Server
}

// metricsAddr is where MetricsPort listens: loopback only.
func metricsAddr(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// listenMetrics opens the listener for port, so that a port in use is
// refused before the setting is saved.
func (s *Service) listenMetrics(port int) (net.Listener, error) {
	s.metricsSrv.mu.Lock()
	same := s.metricsSrv.port == port && s.metricsSrv.srv != nil
	s.metricsSrv.mu.Unlock()
	if port == 0 || same || !s.opts.Schedules {
		return nil, nil
	}
	ln, err := net.Listen("tcp", metricsAddr(port))
	if err != nil {
		return nil, fmt.Errorf("metricsPort: %s cannot be used: %w", metricsAddr(port), errors.Unwrap(err))
	}
	return ln, nil
}

// serveMetrics serves /metrics on ln for port (nil ln: keep what runs if
// it is the same port, stop it when port is 0).
func (s *Service) serveMetrics(port int, ln net.Listener) {
	m := &s.metricsSrv
	m.mu.Lock()
	defer m.mu.Unlock()
	if ln == nil && port == m.port {
		return
	}
	if m.srv != nil {
		_ = m.srv.Close()
		m.srv, m.port = nil, 0
	}
	if ln == nil {
		return
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(s.Metrics, s.log))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	m.srv, m.port = srv, port
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Warn("metrics listener", "addr", ln.Addr().String(), "err", err)
		}
	}()
}
