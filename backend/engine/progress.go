package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/avault/avault/backend/job"
)

// progressEvery is how often progress is reported while counters change.
const progressEvery = 100 * time.Millisecond

// counters are a run's totals, updated by the scanner and the transfers.
type counters struct {
	filesScanned, bytesScanned   atomic.Int64
	filesUploaded, bytesUploaded atomic.Int64
	filesCopied, bytesCopied     atomic.Int64
	filesFailed, bytesFailed     atomic.Int64
	filesSkipped, filesExcluded  atomic.Int64
	filesRemoved                 atomic.Int64 // moved into history: gone from the source
	hashNanos                    atomic.Int64
	scanDone                     atomic.Bool
	current                      atomic.Pointer[string]
}

// reporter sends progress snapshots from a ticker, so that transfers never
// wait for the callback.
type reporter struct {
	fn  func(Progress)
	now func() time.Time
	c   *counters

	mu       sync.Mutex
	status   job.Status
	phase    Phase
	resumeAt *time.Time
	last     Progress
	speed    float64 // smoothed bytes per second
	sample   int64   // bytes uploaded at the previous tick
	sampleAt time.Time

	stop chan struct{}
	done chan struct{}
}

func newReporter(fn func(Progress), now func() time.Time, c *counters) *reporter {
	return &reporter{fn: fn, now: now, c: c, phase: PhasePreparing, status: job.StatusRunning,
		stop: make(chan struct{}), done: make(chan struct{})}
}

// start reports every progressEvery until finish.
func (r *reporter) start() {
	r.sampleAt = r.now()
	go func() {
		defer close(r.done)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-r.stop:
				return
			case <-t.C:
				r.tick(false)
			}
		}
	}()
}

// set changes the status or phase and reports it at once.
func (r *reporter) set(status job.Status, phase Phase, resumeAt *time.Time) {
	r.mu.Lock()
	if status != "" {
		r.status = status
	}
	r.phase, r.resumeAt = phase, resumeAt
	r.mu.Unlock()
	r.tick(true)
}

// finish stops the ticker and sends the final snapshot.
func (r *reporter) finish(status job.Status) {
	close(r.stop)
	<-r.done
	r.mu.Lock()
	r.status, r.phase, r.resumeAt = status, PhaseDone, nil
	r.mu.Unlock()
	r.tick(true)
}

// tick builds a snapshot and sends it when it differs from the last one,
// or always when force is set. The callback runs under r.mu, so calls
// never overlap and arrive in order.
func (r *reporter) tick(force bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.snapshot()
	if force || p != r.last {
		r.last = p
		r.fn(p)
	}
}

// snapshot reads the counters and updates the speed; r.mu is held.
func (r *reporter) snapshot() Progress {
	c := r.c
	p := Progress{
		Status: r.status, Phase: r.phase, ResumeAt: r.resumeAt,
		FilesScanned: c.filesScanned.Load(), BytesScanned: c.bytesScanned.Load(), ScanDone: c.scanDone.Load(),
		FilesUploaded: c.filesUploaded.Load(), FilesCopied: c.filesCopied.Load(),
		FilesFailed: c.filesFailed.Load(), FilesSkipped: c.filesSkipped.Load(),
		BytesUploaded: c.bytesUploaded.Load(), BytesCopied: c.bytesCopied.Load(),
		EstimatedTimeRemaining: -1,
	}
	if cur := c.current.Load(); cur != nil {
		p.CurrentFile = *cur
	}
	now := r.now()
	if dt := now.Sub(r.sampleAt).Seconds(); dt >= progressEvery.Seconds()/2 {
		inst := float64(p.BytesUploaded-r.sample) / dt
		if r.speed == 0 {
			r.speed = inst
		} else {
			r.speed = 0.2*inst + 0.8*r.speed
		}
		r.sample, r.sampleAt = p.BytesUploaded, now
	}
	p.UploadSpeed = r.speed
	if p.ScanDone && r.speed > 0 {
		left := p.BytesScanned - p.BytesUploaded - p.BytesCopied - c.bytesFailed.Load()
		p.EstimatedTimeRemaining = int64(float64(max(left, 0))/r.speed + 0.5)
	}
	return p
}
