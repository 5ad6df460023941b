// Package events names what Avault tells the window while it works, and the
// payloads it sends. The same payloads travel over Wails' runtime events in
// the desktop app and over the web mode's event stream.
package events

import (
	"sync"
	"time"
)

// Event names.
const (
	BackupProgress = "backup:progress"
	BackupStatus   = "backup:status"
	QueueStats     = "queue:stats"
	// DataChanged tells the window that jobs, destinations or settings changed
	// outside it (CLI, tray, schedule), so it reloads what it shows.
	DataChanged = "data:changed"
	// RunNotice tells the window that a run failed or ended with files
	// missing, in the words of the desktop notification, so that the
	// window can say so on whatever page is open.
	RunNotice = "backup:notice"
	// TaskUpdate tells the window how a restore, a verification or a job's
	// preview started by the window (a task) goes. Its payload is the whole
	// task (service.Task: id, kind, title, status, files and bytes done of
	// their totals, time left, and once it ended its error or result). It is
	// sent when the task starts, at most 5 times a second while it works,
	// and always once when it ends.
	TaskUpdate = "task:update"
)

// Progress is the payload of backup:progress.
type Progress struct {
	JobID                  string  `json:"jobId"`
	HistoryID              string  `json:"historyId"`
	Status                 string  `json:"status"`
	FilesScanned           int64   `json:"filesScanned"`
	BytesScanned           int64   `json:"bytesScanned"`
	ScanDone               bool    `json:"scanDone"`
	FilesUploaded          int64   `json:"filesUploaded"`
	FilesCopied            int64   `json:"filesCopied"`
	FilesFailed            int64   `json:"filesFailed"`
	BytesUploaded          int64   `json:"bytesUploaded"`
	BytesDone              int64   `json:"bytesDone"`
	CurrentFile            string  `json:"currentFile"`
	UploadSpeed            float64 `json:"uploadSpeed"`            // bytes per second
	EstimatedTimeRemaining float64 `json:"estimatedTimeRemaining"` // seconds; -1 while unknown
	Timestamp              int64   `json:"timestamp"`              // Unix milliseconds
}

// Status is the payload of backup:status.
type Status struct {
	JobID     string `json:"jobId"`
	HistoryID string `json:"historyId"`
	Status    string `json:"status"`
	Message   string `json:"message"`
	Timestamp int64  `json:"timestamp"`
}

// Notice is the payload of backup:notice.
type Notice struct {
	JobID     string `json:"jobId"`
	HistoryID string `json:"historyId"`
	Status    string `json:"status"` // FAILED or PARTIAL_SUCCESS
	Title     string `json:"title"`
	Body      string `json:"body"`
	Timestamp int64  `json:"timestamp"` // Unix milliseconds
}

// Queue is the payload of queue:stats.
type Queue struct {
	Waiting   int   `json:"waiting"`
	Active    int   `json:"active"`
	Completed int   `json:"completed"`
	Failed    int   `json:"failed"`
	Timestamp int64 `json:"timestamp"`
}

// Emitter sends an event to whoever listens. Emit must not block for long.
type Emitter interface {
	Emit(name string, payload any)
}

// Discard drops every event.
type Discard struct{}

// Emit implements Emitter.
func (Discard) Emit(string, any) {}

// Multi sends each event to all of its emitters.
type Multi []Emitter

// Emit implements Emitter.
func (m Multi) Emit(name string, payload any) {
	for _, e := range m {
		e.Emit(name, payload)
	}
}

// Fanout sends each event to the emitters added to it; they come and go
// (a command line that watches its run, for as long as it runs).
type Fanout struct {
	mu   sync.Mutex
	next int
	subs map[int]Emitter
}

// Add starts sending events to e until the returned function is called.
func (f *Fanout) Add(e Emitter) (remove func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[int]Emitter{}
	}
	f.next++
	id := f.next
	f.subs[id] = e
	return func() {
		f.mu.Lock()
		delete(f.subs, id)
		f.mu.Unlock()
	}
}

// Emit implements Emitter.
func (f *Fanout) Emit(name string, payload any) {
	f.mu.Lock()
	subs := make([]Emitter, 0, len(f.subs))
	for _, e := range f.subs {
		subs = append(subs, e)
	}
	f.mu.Unlock()
	for _, e := range subs {
		e.Emit(name, payload)
	}
}

// Throttle passes on at most one event per interval; the last event held
// back is sent by Flush, so the final state is never lost.
type Throttle struct {
	every time.Duration
	now   func() time.Time

	mu      sync.Mutex
	last    time.Time
	pending func()
}

// NewThrottle lets an event through at most every interval (250 ms when zero).
func NewThrottle(every time.Duration) *Throttle {
	if every <= 0 {
		every = 250 * time.Millisecond
	}
	return &Throttle{every: every, now: time.Now}
}

// Do runs send now if the interval has passed since the last send;
// otherwise it keeps send as the pending one for Flush.
func (t *Throttle) Do(send func()) {
	t.mu.Lock()
	now := t.now()
	if now.Sub(t.last) < t.every {
		t.pending = send
		t.mu.Unlock()
		return
	}
	t.last = now
	t.pending = nil
	t.mu.Unlock()
	send()
}

// Flush sends the event held back, if any.
func (t *Throttle) Flush() {
	t.mu.Lock()
	p := t.pending
	t.pending = nil
	t.last = t.now()
	t.mu.Unlock()
	if p != nil {
		p()
	}
}
