package engine

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

func TestNoChangeSkipMakesNoVersion(t *testing.T) {
	e := newEnv(t, sample)
	e.job.OnNoChange = job.NoChangeSkip
	first := e.mustRun(job.StatusSuccess)
	d := &hookDest{Destination: e.dest}
	e.dest = d
	same := e.mustRun(job.StatusSuccess)
	if !same.NoChanges || same.Version != "" || same.FilesScanned != 6 || same.FilesSkipped != 6 || len(d.puts) != 0 {
		t.Errorf("unchanged run: %+v, puts %v", same, d.puts)
	}
	if got := e.versionNames(); len(got) != 1 || got[0] != first.Version {
		t.Errorf("versions %v", got)
	}
	for _, step := range []struct {
		name   string
		change func()
	}{
		{"added", func() { writeFiles(t, e.src, map[string]string{"new": "n"}) }},
		{"removed", func() { os.Remove(filepath.Join(e.src, "new")) }},
		{"touched", func() { os.Chtimes(filepath.Join(e.src, "a.txt"), day0, day0) }},
		{"chmodded", func() { os.Chmod(filepath.Join(e.src, "a.txt"), 0o600) }},
	} {
		name := step.name
		step.change()
		res := e.mustRun(job.StatusSuccess)
		if res.NoChanges || res.Version == "" {
			t.Errorf("%s: no version made", name)
		}
	}
}

func TestNoChangeDefaultMakesCopiedVersion(t *testing.T) {
	e := newEnv(t, sample)
	e.mustRun(job.StatusSuccess)
	res := e.mustRun(job.StatusSuccess)
	if res.NoChanges || res.Version == "" || res.FilesCopied != 6 || res.BytesUploaded != 0 {
		t.Errorf("%+v", res)
	}
}

func TestProgressReportsTotalsAndEnd(t *testing.T) {
	e := newEnv(t, sample)
	var got []Progress
	res := e.run(Options{Now: time.Now, OnProgress: func(p Progress) { got = append(got, p) }})
	if res.Status != job.StatusSuccess || len(got) < 2 {
		t.Fatalf("%s, %d reports", res.Status, len(got))
	}
	last := got[len(got)-1]
	if last.Phase != PhaseDone || last.FilesScanned != 6 || last.BytesScanned != res.BytesScanned ||
		last.BytesUploaded != res.BytesUploaded || last.CurrentFile == "" {
		t.Errorf("last report %+v", last)
	}
	for _, p := range got {
		if p.EstimatedTimeRemaining < -1 || p.UploadSpeed < 0 {
			t.Errorf("report %+v", p)
		}
	}
	if res.Timings.Total <= 0 || res.Timings.Transfer <= 0 || res.Timings.Commit <= 0 {
		t.Errorf("timings %+v", res.Timings)
	}
}

func TestApplyFillsRun(t *testing.T) {
	res := Result{Status: job.StatusPartialSuccess, Version: "v", FilesUploaded: 2, FilesFailed: 1,
		Failures: []job.FileFailure{{Path: "x", Reason: "y"}}}
	var run job.Run
	res.Apply(&run)
	if run.Status != res.Status || run.RemotePath != "v" || run.FilesUploaded != 2 || len(run.Failures) != 1 {
		t.Errorf("%+v", run)
	}
}
