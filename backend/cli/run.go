package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
)

// runWatcher receives the service's run events; the command picks out its
// own run's by id. Progress may be dropped when the reader lags; status
// events never are.
type runWatcher struct{ ch chan any }

func (w *runWatcher) Emit(name string, payload any) {
	switch p := payload.(type) {
	case events.Progress:
		select {
		case w.ch <- p:
		default:
		}
	case events.Status:
		if name == events.BackupStatus {
			w.ch <- p
		}
	}
}

func cmdRun(ctx context.Context, c *call) error {
	fs := c.flags("run")
	pos, err := c.parse(fs, c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want 'avault run JOB'")
	}
	w := &runWatcher{ch: make(chan any, 256)}
	c.emitter = w
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	j, err := findJob(svc, pos[0])
	if err != nil {
		return err
	}
	run, err := svc.RunJob(j.ID, job.TriggerCLI)
	if err != nil {
		return err
	}

	out := newProgressPrinter(c.env.Stderr, c.env.Terminal && !c.json)
	if err := c.watch(ctx, w, run.ID, out); err != nil {
		return err
	}
	final, err := svc.GetRun(run.ID)
	if err != nil {
		return err
	}
	if err := c.print(service.RunOf(final), func(wr io.Writer) { printRunSummary(wr, final) }); err != nil {
		return err
	}
	return exitError{code: exitCodeOf(final.Status)}
}

// watch prints progress until the run reaches a final status; Ctrl-C
// cancels the run and waits for it to stop.
func (c *call) watch(ctx context.Context, w *runWatcher, runID string, out *progressPrinter) error {
	cancelled := false
	for {
		select {
		case <-ctx.Done():
			if !cancelled {
				cancelled = true
				out.line("cancelling…")
				_ = c.svc.CancelRun(runID)
			}
			ctx = context.Background()
		case ev := <-w.ch:
			switch e := ev.(type) {
			case events.Progress:
				if e.HistoryID == runID {
					out.progress(e)
				}
			case events.Status:
				if e.HistoryID != runID {
					continue
				}
				if job.Status(e.Status).IsFinal() {
					out.done()
					return nil
				}
				out.status(e)
			}
		}
	}
}

func exitCodeOf(s job.Status) int {
	switch s {
	case job.StatusSuccess:
		return ExitOK
	case job.StatusPartialSuccess:
		return ExitPartial
	case job.StatusCancelled:
		return ExitCancel
	}
	return ExitFailed
}

func printRunSummary(w io.Writer, r job.Run) {
	took := "-"
	if r.CompletedAt != nil {
		took = r.CompletedAt.Sub(r.StartedAt).Round(100 * time.Millisecond).String()
	}
	kv(w, [2]string{"status", string(r.Status)}, [2]string{"version", orDash(r.RemotePath)},
		[2]string{"files", fmt.Sprintf("%d scanned, %d uploaded, %d copied unchanged, %d failed", r.FilesScanned, r.FilesUploaded, r.FilesCopied, r.FilesFailed)},
		[2]string{"bytes", fmt.Sprintf("%s sent, %s copied", humanBytes(r.BytesUploaded), humanBytes(r.BytesCopied))},
		[2]string{"took", took})
	if r.ErrorMessage != "" {
		fmt.Fprintf(w, "error: %s\n", r.ErrorMessage)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(w, "failed: %s: %s\n", f.Path, f.Reason)
	}
	if int64(len(r.Failures)) < r.FilesFailed {
		fmt.Fprintf(w, "… and %d more failed files\n", r.FilesFailed-int64(len(r.Failures)))
	}
}

// progressPrinter draws a one-line bar on a terminal, or plain lines every
// few seconds when output goes to a file or a pipe.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	last     time.Time
	drawn    bool
}

func newProgressPrinter(w io.Writer, terminal bool) *progressPrinter {
	return &progressPrinter{w: w, terminal: terminal}
}

func (p *progressPrinter) progress(e events.Progress) {
	every := 2 * time.Second
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if time.Since(p.last) < every {
		return
	}
	p.last = time.Now()
	text := progressText(e)
	if p.terminal {
		const width = 110
		if len(text) > width {
			text = text[:width-1] + "…"
		}
		fmt.Fprintf(p.w, "\r\033[K%s", text)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, text)
}

func (p *progressPrinter) status(e events.Status) {
	p.line(strings.ToLower(e.Status) + optional(": ", e.Message))
}

func (p *progressPrinter) line(s string) {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
	fmt.Fprintln(p.w, s)
}

func (p *progressPrinter) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

func optional(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// progressText is a progress line: bar, files, bytes, speed, ETA, current file.
func progressText(e events.Progress) string {
	files := e.FilesUploaded + e.FilesCopied + e.FilesFailed
	var b strings.Builder
	if e.ScanDone && e.BytesScanned > 0 {
		frac := float64(e.BytesDone) / float64(e.BytesScanned)
		frac = min(max(frac, 0), 1)
		n := int(frac * 20)
		fmt.Fprintf(&b, "[%s%s] %3.0f%%  %d/%d files  %s/%s", strings.Repeat("#", n), strings.Repeat(".", 20-n), frac*100,
			files, e.FilesScanned, humanBytes(e.BytesDone), humanBytes(e.BytesScanned))
	} else {
		fmt.Fprintf(&b, "[scanning…] %d files done, %d found  %s", files, e.FilesScanned, humanBytes(e.BytesDone))
	}
	fmt.Fprintf(&b, "  %s/s", humanBytes(int64(e.UploadSpeed)))
	if e.EstimatedTimeRemaining >= 0 {
		fmt.Fprintf(&b, "  ETA %s", (time.Duration(e.EstimatedTimeRemaining) * time.Second).String())
	}
	if e.FilesFailed > 0 {
		fmt.Fprintf(&b, "  %d failed", e.FilesFailed)
	}
	if e.CurrentFile != "" {
		fmt.Fprintf(&b, "  %s", e.CurrentFile)
	}
	return b.String()
}
