//go:build torture

package torture

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// The campaign for the "current + history" layout (docs/FORMAT.md): the
// same crashes, faults and full destinations as for full copies, with the
// job's folder inspected and every version rebuilt by hand (chTarget).
// After every kill and scenario: each committed version verifies deep,
// reads back by the rule and restores as the source was when it was made;
// no run is left RUNNING; the next run succeeds, leaves no run mark and no
// unfinished version; and current/ equals the newest version. Whenever the
// folder holds no run mark, current/ must equal the newest version too,
// even right after a kill.

func TestCrashLocalCurrentHistory(t *testing.T) { crashCampaign(t, "local", layoutCurrentHistory) }
func TestCrashS3CurrentHistory(t *testing.T)    { crashCampaign(t, "s3", layoutCurrentHistory) }
func TestCrashDriveCurrentHistory(t *testing.T) { crashCampaign(t, "gdrive", layoutCurrentHistory) }

func TestFaultsS3CurrentHistory(t *testing.T)    { faultsS3(t, layoutCurrentHistory) }
func TestFaultsDriveCurrentHistory(t *testing.T) { faultsDrive(t, layoutCurrentHistory) }

// layoutLabel names a part of the campaign with its layout, when that is
// not full copies.
func layoutLabel(s, layout string) string {
	if layout == layoutFull {
		return s
	}
	return s + ", current+history"
}

// changesHold is pendingHolds for a current+history run: it fires once the
// run has made share of its changes (moves into history/<base>/ and files
// written in current/) and reached the last scanAhead paths of the scan,
// or when the scan ended, the commit began or retention started.
func (c *campaign) changesHold(share float64) trigger {
	var last time.Time
	return func(o observed) bool {
		if o.status == "rotating" || o.scanDone {
			return true
		}
		if o.status != "uploading" || time.Since(last) < 10*time.Millisecond {
			return false
		}
		last = time.Now()
		r := c.chRun
		p, err := c.ch.progress(r)
		want := max(int(share*float64(r.expect)), 1)
		return err == nil && (p.orphan || p.committed || p.done >= want && p.last >= r.files-scanAhead)
	}
}

// changesComplete is pendingComplete for a current+history run: it fires
// once every change is made, or the version's manifest is there without a
// commit record (the commit has begun), or retention starts.
func (c *campaign) changesComplete() trigger {
	var last time.Time
	return func(o observed) bool {
		if o.status == "rotating" {
			return true
		}
		if o.status != "uploading" || time.Since(last) < 10*time.Millisecond {
			return false
		}
		last = time.Now()
		p, err := c.ch.progress(c.chRun)
		return err == nil && (p.orphan || p.committed || p.done >= c.chRun.expect)
	}
}

// changesAfterKill names the phase a kill of a current+history run hit,
// and checks that current/ holds the newest version when no run mark says
// otherwise.
func (c *campaign) changesAfterKill(when string, k killed, finished, committedByRun bool) (string, bool) {
	c.t.Helper()
	p, err := c.ch.progress(c.chRun)
	if err != nil {
		c.t.Errorf("%s: inspecting the job's folder: %v", when, err)
		return "start", false
	}
	phase := c.chRun.classify(k.at, finished, committedByRun, p)
	c.t.Logf("%s: %d of %d changes made, run mark %v, manifest without record %v, new record %v", when, p.done, c.chRun.expect, p.marked, p.orphan, p.committed)
	if p.marked {
		return phase, true
	}
	return phase, c.checkCurrent(when + " (no run mark)")
}

// TestDiskFullCurrentHistory, TestS3FullCurrentHistory and
// TestDriveFullCurrentHistory fill the destination during a
// current+history run: a local folder on a 2 MiB tmpfs, versitygw with its
// bucket on a 2 MiB tmpfs, the Drive fake with a 2 MiB quota; 3 MiB more to
// write, after files were replaced (moved into history). The run must
// fail saying the destination is full, every version stay intact, and the next run, once the source fits
// again, succeed with current/ equal to its version.
func TestDiskFullCurrentHistory(t *testing.T) {
	t.Parallel()
	defer elapsed("faults disk full, current+history", time.Now())
	w := newWorld(t)
	tg := newLocalTarget(t, w)
	mountTmpfs(t, tg.dir, "2m")
	fullDestination(t, w, tg, "local destination disk full (2 MiB tmpfs, 3 MiB to write)")
}

func TestS3FullCurrentHistory(t *testing.T) {
	t.Parallel()
	defer elapsed("faults s3 full, current+history", time.Now())
	w := newWorld(t)
	tg := newS3TargetSized(t, w, false, "2m")
	fullDestination(t, w, tg, "S3 bucket full (versitygw on a 2 MiB tmpfs, 3 MiB to write)")
}

func TestDriveFullCurrentHistory(t *testing.T) {
	t.Parallel()
	defer elapsed("faults gdrive full, current+history", time.Now())
	w := newWorld(t)
	tg := newDriveTargetQuota(t, w, 2<<20)
	fullDestination(t, w, tg, "Google Drive quota reached (2 MiB quota, 3 MiB to write)")
}

// fullDestination runs the full-destination scenario on tg: the failed
// run must say "destination full".
func fullDestination(t *testing.T, w *world, tg target, scenario string) {
	spec := treeSpec{Small: 20, Full: true}
	if tg.kind() == "gdrive" && testing.Short() {
		spec.Small = 8 // Drive is paced at 10 requests a second; every command reads each file
	}
	c := newCampaignLayout(t, w, tg, spec, 3, "share", layoutCurrentHistory)
	if tg.kind() == "gdrive" {
		c.restoreEvery = 2 // Drive is paced at 10 requests a second
	}
	c.runOK()
	c.checkVersions("fits")
	c.checkCurrent("fits")
	if !testing.Short() {
		// An older version with files in history/ too.
		c.src.mutate(0.3)
		c.runOK()
		c.checkVersions("fits, second version")
	}
	good := 0
	c.src.mutate(0.3)
	c.src.grow(3 << 20)
	run, k := c.runExpectFail("destination full")
	failed := run.Status == job.StatusFailed && strings.Contains(run.ErrorMessage, "destination full")
	if !failed {
		t.Errorf("a run into a full destination: exit %d, %s %q; want FAILED \"destination full…\"", k.code, run.Status, run.ErrorMessage)
	}
	_, left, err := c.tg.inspect(c.jobID)
	if err != nil {
		t.Errorf("after the destination filled up: %v", err)
	}
	marked := false
	for _, l := range left {
		marked = marked || l.name == ".avault/run.json"
	}
	current := marked || c.checkCurrent("after the destination filled up (no run mark)")
	if c.recheckAll("after the destination filled up") && failed && current {
		good++
	}
	os.RemoveAll(filepath.Join(c.src.dir, "growth"))
	if c.recoverRun("destination has room again", c.versions()) {
		good++
	}
	note := fmt.Sprintf("history says %q; the run left the run mark: %v; every version verified, read by hand and restored unchanged; the next run succeeded, current/ equal to its version, nothing left behind",
		shorten(w, run.ErrorMessage), marked)
	report.addFault(FaultRow{Scenario: scenario + ", current+history", Injected: 1, Runs: 2, Good: good, Note: note})
}
