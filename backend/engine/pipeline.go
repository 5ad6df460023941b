package engine

import (
	"context"
	"io"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/engine/scan"
	"github.com/avault/avault/backend/job"
)

// queueLen bounds the files scanned ahead of the transfers, and the
// outcomes waiting for the collector.
const queueLen = 256

// task is a file on its way to the destination. prev is its entry in the
// previous version when it is unchanged since (same size, mtime and mode).
type task struct {
	seq  int64
	item scan.Item
	prev *manifest.Entry
	// inBase is set, in a current+history run, when the base version has
	// the file (its copy moves to history when the file changed).
	inBase bool
	// gone, in a current+history run, is a file of the base version that
	// the new version does not have; item is empty then.
	gone *manifest.Entry
}

// outcome is what became of a scanned item. seq is the task's number, or
// -1 for items that no transfer saw (skipped or failed by the scan).
type outcome struct {
	seq   int64
	entry *manifest.Entry // what was stored; nil when nothing was
	fail  *job.FileFailure
	skip  *job.FileFailure
}

// transfer scans the source and, at the same time, sends or copies every
// file into the pending version with Transfers workers, writing the
// manifest in scan order as outcomes arrive. The first error that concerns
// the whole run (the destination, the source folder, a cancel) stops
// everything; a file's own failure is listed and the run goes on.
func (r *runner) transfer(ctx context.Context) error {
	start := time.Now()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(cctx)
	tasks := make(chan *task, queueLen)
	results := make(chan outcome, queueLen)
	var cur *cursor
	if r.prev != nil && (r.req.Job.Incremental || r.prev.base) {
		cur = newCursor(r.prev.manifest, r.log)
		if r.prev.base && cur.damaged {
			return failf(nil, "the manifest of %s, which the current folder holds, is damaged", r.prev.info.Name)
		}
	}
	tr := &tree{mw: r.mw}
	if r.arun != nil {
		tr.seen = map[string]bool{}
	}
	g.Go(func() error {
		defer close(tasks)
		return r.scanInto(gctx, cur, tr, tasks, results)
	})
	for range r.o.Transfers {
		g.Go(func() error { return r.work(gctx, tasks, results) })
	}
	var gerr error
	done := make(chan struct{})
	go func() {
		gerr = g.Wait()
		close(results)
		close(done)
	}()
	cerr := r.collect(results, cancel)
	<-done
	r.res.Timings.Transfer = time.Since(start)
	r.res.Timings.Scan = r.scanned
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case gerr != nil:
		return gerr
	case cerr != nil:
		return cerr
	}
	return r.folders(ctx, tr, cur)
}

// send hands v to ch unless ctx ends first.
func send[T any](ctx context.Context, ch chan<- T, v T) error {
	select {
	case ch <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// scanInto walks the source, matches each file with the previous
// manifest, and queues it; folders and links go to the manifest through tr.
func (r *runner) scanInto(ctx context.Context, cur *cursor, tr *tree, tasks chan<- *task, results chan<- outcome) error {
	start := time.Now()
	var waited time.Duration // blocked on a full queue: the transfers are behind
	defer func() {
		r.scanned = time.Since(start) - waited
		r.c.scanDone.Store(true)
	}()
	queue := func(t *task) error {
		select {
		case tasks <- t:
			return nil
		default:
		}
		w := time.Now()
		defer func() { waited += time.Since(w) }()
		return send(ctx, tasks, t)
	}
	var seq int64
	var gone []*manifest.Entry // base files passed by the cursor: not in the new version
	queueGone := func() error {
		for _, e := range gone {
			if err := queue(&task{seq: seq, gone: e}); err != nil {
				return err
			}
			seq++
		}
		gone = gone[:0]
		return nil
	}
	if cur != nil && r.prev.base {
		cur.onPass = func(e *manifest.Entry) { gone = append(gone, e) }
	}
	err := scan.Walk(ctx, r.src, r.rules, func(it *scan.Item) error {
		if err := tr.item(it); err != nil {
			return err
		}
		switch it.Kind {
		case scan.Dir, scan.Symlink:
			return nil
		case scan.File:
			r.c.filesScanned.Add(1)
			r.c.bytesScanned.Add(it.Size)
			t := &task{seq: seq, item: *it}
			seq++
			if cur != nil {
				t.prev, t.inBase = cur.matchIn(it)
				if !r.req.Job.Incremental {
					t.prev = nil
				}
				t.inBase = t.inBase && r.prev.base
			}
			if err := queueGone(); err != nil {
				return err
			}
			return queue(t)
		case scan.Excluded:
			r.c.filesExcluded.Add(1)
			return nil
		case scan.Skipped:
			r.c.filesSkipped.Add(1)
			return send(ctx, results, outcome{seq: -1, skip: &job.FileFailure{Path: it.Path, Reason: it.Reason}})
		}
		r.c.filesFailed.Add(1)
		return send(ctx, results, outcome{seq: -1, fail: &job.FileFailure{Path: it.Path, Reason: it.Reason}})
	})
	tr.end()
	if err != nil || cur == nil || !r.prev.base {
		return err
	}
	cur.rest()
	return queueGone()
}

// work transfers queued files until there are none or the run stops.
func (r *runner) work(ctx context.Context, tasks <-chan *task, results chan<- outcome) error {
	for {
		var t *task
		select {
		case <-ctx.Done():
			return ctx.Err()
		case next, ok := <-tasks:
			if !ok {
				return nil
			}
			t = next
		}
		o, err := r.handle(ctx, t)
		if err != nil {
			return err
		}
		if o.entry != nil && t.gone == nil { // as the source has it now, whatever entry it came from
			o.entry.Raw, o.entry.HardLink = manifest.RawField(t.item.Raw), t.item.HardLink
		}
		if err := send(ctx, results, o); err != nil {
			return err
		}
	}
}

// collect lists failures and skipped items and writes manifest entries in
// scan order, holding the ones that finish early. It drains results to the
// end; a manifest error cancels the transfers.
func (r *runner) collect(results <-chan outcome, cancel func()) error {
	held := make(map[int64]*manifest.Entry)
	var next int64
	var err error
	for o := range results {
		if o.fail != nil && len(r.res.Failures) < job.MaxFailures {
			r.res.Failures = append(r.res.Failures, *o.fail)
		}
		if o.skip != nil && len(r.res.Skipped) < job.MaxFailures {
			r.res.Skipped = append(r.res.Skipped, *o.skip)
		}
		if o.seq < 0 || err != nil {
			continue
		}
		held[o.seq] = o.entry
		start := time.Now()
		for e, ok := held[next]; ok; e, ok = held[next] {
			delete(held, next)
			next++
			if e == nil {
				continue
			}
			if err = r.mw.Add(*e); err != nil {
				cancel()
				break
			}
		}
		r.res.Timings.Manifest += time.Since(start)
	}
	return err
}

// cursor walks the previous manifest alongside the scan: both come in
// manifest.Compare order, so each file is matched without holding the
// previous manifest's entries in memory.
type cursor struct {
	r       *manifest.Reader
	cur     *manifest.Entry
	log     *slog.Logger
	onPass  func(*manifest.Entry) // told of each entry with no file in the scan, when set
	passed  int64                 // entries with no file in the scan: removed files
	matched int64
	damaged bool // the manifest could not be read to its end
}

func newCursor(data *manifest.Spill, log *slog.Logger) *cursor {
	c := &cursor{log: log}
	rd, err := data.Reader()
	var r *manifest.Reader
	if err == nil {
		r, err = manifest.NewReader(rd)
	}
	if err != nil {
		log.Warn("the previous manifest cannot be read; every file is uploaded", "error", err)
		c.damaged = true
		return c
	}
	c.r = r
	c.advance()
	return c
}

func (c *cursor) advance() {
	e, err := c.r.Next()
	if err != nil {
		if err != io.EOF {
			c.log.Warn("the previous manifest is damaged; the rest of the files are uploaded", "error", err)
			c.damaged = true
		}
		c.cur = nil
		return
	}
	c.cur = &e
}

// pass goes over the current entry, which no file in the scan has.
func (c *cursor) pass() {
	c.passed++
	if c.onPass != nil {
		c.onPass(c.cur)
	}
	c.advance()
}

// find returns the previous entry with path, or nil.
func (c *cursor) find(path string) *manifest.Entry {
	for c.cur != nil && manifest.Compare(c.cur.Path, path) < 0 {
		c.pass()
	}
	if c.cur == nil || c.cur.Path != path {
		return nil
	}
	e := c.cur
	c.advance()
	c.matched++
	return e
}

// match returns the previous entry for the file it when it is unchanged:
// same size, modification time and mode.
func (c *cursor) match(it *scan.Item) *manifest.Entry {
	e, _ := c.matchIn(it)
	return e
}

// matchIn is match, and also reports whether the previous version has the
// path at all.
func (c *cursor) matchIn(it *scan.Item) (*manifest.Entry, bool) {
	e := c.find(it.Path)
	if e == nil || e.Size != it.Size || !e.MTime.Equal(it.ModTime) || e.Mode != uint32(it.Mode.Perm()) || e.Raw != manifest.RawField(it.Raw) {
		return nil, e != nil
	}
	return e, true
}

// rest counts the previous entries after the last file scanned.
func (c *cursor) rest() int64 {
	for c.cur != nil {
		c.pass()
	}
	return c.passed
}
