//go:build torture

package torture

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/store"
)

// crashSpec is the source of the crash campaign: enough files that the
// scan is still going when uploads start (the scan runs at most 256 files
// ahead), and enough bytes that an upload takes a while.
var crashSpec = treeSpec{Small: 700, Medium: 12, BigBytes: 6 << 20}

// driveSpec is smaller: Avault paces Drive requests at 10 a second, as
// Google wants, so a file costs about a tenth of a second per run, verify
// and restore. Its big file (kept with -short) is sent as a resumable
// upload of two chunks, so the Drive fake's expiring sessions and partial
// chunks (driveStrict) meet every run that sends it.
func driveSpec() treeSpec {
	return treeSpec{Small: 36, Medium: 6, BigBytes: 10 << 20}.orShort(treeSpec{Small: 10, Medium: 1, BigBytes: 10 << 20, Full: true})
}

// driveSpecFor is driveSpec, or for a current+history job a smaller tree:
// each of its commands makes two to twenty times the requests of full
// copies, at 10 a second (docs/RELIABILITY.md).
func driveSpecFor(layout string) treeSpec {
	if layout == layoutCurrentHistory {
		return treeSpec{Small: 12, Medium: 2}.orShort(treeSpec{Small: 4, Medium: 1, Full: true})
	}
	return driveSpec()
}

// aim is a moment of a run to kill it at. plan picks, from the timing of
// the job's last complete run, when the kill is due and a random delay
// after that.
type aim struct {
	name string
	plan func(c *campaign) (trigger, time.Duration)
}

func always(observed) bool      { return true }
func uploading(o observed) bool { return o.status == "uploading" || o.status == "rotating" }
func rotating(o observed) bool  { return o.status == "rotating" }

func between(c *campaign, lo, hi float64, span time.Duration) time.Duration {
	return time.Duration((lo + (hi-lo)*c.rnd.Float64()) * float64(span))
}

var aims = []aim{
	{"start", func(c *campaign) (trigger, time.Duration) { return always, between(c, 0, 1, c.last.upload) }},
	{"scan", func(c *campaign) (trigger, time.Duration) { return uploading, between(c, 0, 1, c.last.scan) }},
	{"upload", func(c *campaign) (trigger, time.Duration) {
		return c.pendingHolds(0.6), between(c, 0, 1, 20*time.Millisecond)
	}},
	{"commit", func(c *campaign) (trigger, time.Duration) {
		return c.pendingComplete(), between(c, 0, 1, 20*time.Millisecond)
	}},
	{"retention", func(c *campaign) (trigger, time.Duration) { return rotating, between(c, 0, 0.9, c.last.rotate) }},
}

// pendingHolds is a trigger that fires once the run's pending place holds
// share of the files, and after the scan's lead (so the scan has ended),
// or when the progress line shows the scan ended, or at the latest when
// retention starts.
func (c *campaign) pendingHolds(share float64) trigger {
	if c.ch != nil {
		return c.changesHold(share)
	}
	var last time.Time
	return func(o observed) bool {
		if o.status == "rotating" || o.scanDone {
			return true
		}
		if o.status != "uploading" || time.Since(last) < 10*time.Millisecond {
			return false
		}
		last = time.Now()
		_, left, err := c.tg.inspect(c.jobID)
		want := max(int(share*float64(c.expect)), c.expect-scanAhead)
		return err == nil && slices.ContainsFunc(left, func(l leftover) bool { return l.files >= want })
	}
}

// pendingComplete is a trigger that looks at the destination while the run
// goes on: it fires once the run's pending place holds every file, or its
// manifest (the commit has begun), or when retention starts (too late).
func (c *campaign) pendingComplete() trigger {
	if c.ch != nil {
		return c.changesComplete()
	}
	var last time.Time
	return func(o observed) bool {
		if o.status == "rotating" {
			return true
		}
		if o.status != "uploading" || time.Since(last) < 10*time.Millisecond {
			return false
		}
		last = time.Now()
		_, left, err := c.tg.inspect(c.jobID)
		return err == nil && slices.ContainsFunc(left, func(l leftover) bool { return l.hasManifest || l.files >= c.expect })
	}
}

// timing is how long the phases of the job's last complete run took.
type timing struct {
	upload   time.Duration // from the start of the process to "uploading"
	scan     time.Duration // from "uploading" to the first progress bar (scan done)
	transfer time.Duration // from "uploading" to "rotating"
	rotate   time.Duration // from "rotating" to the exit
}

// learn takes the timing of a run that ended by itself.
func (c *campaign) learn(k killed) {
	f := k.at.first
	up, okU := f["uploading"]
	rot, okR := f["rotating"]
	if !k.finished || k.code != 0 || !okU || !okR {
		return
	}
	c.last = timing{upload: up, transfer: rot - up, rotate: k.after - rot, scan: (rot - up) / 3}
	if sd, ok := f["scandone"]; ok && sd < rot {
		c.last.scan = sd - up
	}
}

// TestCrashLocal, TestCrashS3 and TestCrashDrive kill `avault run` with
// SIGKILL at random moments, and check after every kill that nothing is
// lost and that the next run puts everything right.
func TestCrashLocal(t *testing.T) { crashCampaign(t, "local", layoutFull) }
func TestCrashS3(t *testing.T)    { crashCampaign(t, "s3", layoutFull) }
func TestCrashDrive(t *testing.T) { crashCampaign(t, "gdrive", layoutFull) }

func crashCampaign(t *testing.T, kind, layout string) {
	t.Parallel()
	start := time.Now()
	defer elapsed(layoutLabel("crash "+kind, layout), start)
	w := newWorld(t)
	var tg target
	spec, kills := crashSpec, killsPerDestination()
	switch kind {
	case "local":
		tg = newLocalTarget(t, w)
	case "s3":
		tg = newS3Target(t, w, false)
	case "s3-encrypted":
		tg = newCryptS3Target(t, w, false)
	case "gdrive":
		tg = newDriveTarget(t, w)
		spec = driveSpecFor(layout)
		// Drive paces requests at 10 a second: full copies get 3/5 of the
		// kills, and so does current+history with -short.
		if layout == layoutFull || testing.Short() {
			kills = max(kills*3/5, 1)
		}
	}
	c := newCampaignLayout(t, w, tg, spec, 3, "share", layout)
	if kind == "gdrive" {
		c.restoreEvery = 2
	}
	c.runOK()
	c.checkVersions("first run")
	for i := 0; i < kills; i++ {
		c.killRound(i+1, aims[i%len(aims)])
		if t.Failed() && i >= 2 {
			t.Logf("stopping this destination's kills after failures")
			break
		}
	}
	if _, ok := c.checkVersions("end"); !ok || !c.checkCurrent("end") {
		t.Error("the versions at the end do not check out")
	}
}

// killRound changes the source, starts a run, kills it at the aimed
// moment (trying again, up to five times, when the run ends first, the
// last time as the upload starts), checks the state left behind, and runs
// the job again.
func (c *campaign) killRound(n int, a aim) {
	c.t.Helper()
	for attempt := 1; attempt <= 6; attempt++ {
		if attempt == 6 {
			// The last try aims where a kill cannot miss: the moment the
			// upload starts, without a delay that a fast run could outlast.
			a = aim{"scan", func(*campaign) (trigger, time.Duration) { return uploading, 0 }}
		}
		c.src.mutate(0.3)
		if big := c.spec.scaled().BigBytes; big > 0 && c.rnd.IntN(3) == 0 {
			c.src.write("archive/big.tar", big) // a big upload now and then
		}
		before := c.history()
		vsBefore := c.versions()
		snap := c.src.snapshot()
		c.expect = len(snap)
		if c.ch != nil {
			run, err := c.ch.begin(snap, c.snaps)
			if err != nil {
				c.t.Fatal(err)
			}
			c.chRun = run
		}
		when, delay := a.plan(c)
		k, err := c.w.runAndKill(c.jobID, when, delay)
		if err != nil {
			c.t.Fatal(err)
		}
		what := fmt.Sprintf("kill %d (aimed at %s, %s after start)", n, a.name, k.after.Round(time.Millisecond))
		if k.finished {
			c.learn(k)
			report.addMissed(c.name)
			c.t.Logf("%s: the run ended (exit %d) before the kill; again", what, k.code)
			c.afterFinished(what, before, vsBefore, snap, k)
			continue
		}
		phase, ok := c.afterKill(what, before, vsBefore, snap, k)
		ok = c.recoverRun(what, c.versions()) && ok
		report.addKill(c.name, phase, ok)
		c.t.Logf("%s: hit %s; survived %v", what, phase, ok)
		return
	}
}

// afterFinished checks a run that ended before its kill as a normal run.
func (c *campaign) afterFinished(when string, before []job.Run, vsBefore []storage.VersionInfo, snap snapshot, k killed) {
	runs := c.history()
	for _, r := range runs {
		if !runIDs(before)[r.ID] {
			c.snaps[r.ID] = snap
			if r.Status != job.StatusSuccess {
				c.t.Errorf("%s: the run ended %s %q", when, r.Status, r.ErrorMessage)
			}
		}
	}
	c.checkClean(when)
	after, _ := c.checkVersions(when)
	if k.code == 0 && len(after) > 0 {
		c.expectRetained(when, vsBefore, after, newest(after).Name)
	}
}

// afterKill checks what a kill left: the database opens, no run is left
// active, the killed run is FAILED "interrupted" (or, killed during
// retention, names its committed version), only committed versions
// are listed and each verifies, and nothing was deleted that retention
// would keep. It returns the phase the kill hit.
func (c *campaign) afterKill(when string, before []job.Run, vsBefore []storage.VersionInfo, snap snapshot, k killed) (string, bool) {
	c.t.Helper()
	ok := true
	var page store.HistoryPage
	r := c.w.cli("", "history", "--limit", "100", "--json")
	if r.code != 0 || jsonDecode(r.stdout, &page) != nil {
		c.t.Errorf("%s: the database does not open: %s", when, r)
		return "start", false
	}
	for _, run := range page.Items {
		if !run.Status.IsFinal() {
			c.t.Errorf("%s: run %s is still %s", when, run.ID, run.Status)
			ok = false
		}
	}
	var killedRun *job.Run
	for _, run := range c.history() {
		if !runIDs(before)[run.ID] {
			run := run
			killedRun = &run
			c.snaps[run.ID] = snap
		}
	}
	finished, retentionKilled := false, false
	switch {
	case killedRun == nil:
		// Killed before the run was recorded: nothing to see.
	case killedRun.Status == job.StatusFailed && killedRun.ErrorMessage == store.InterruptedMessage:
	case killedRun.ErrorMessage == store.RetentionInterruptedMessage:
		// Killed during retention, after the commit: the run says its
		// version is complete, which the listing below must confirm.
		retentionKilled = true
	case killedRun.Status == job.StatusSuccess:
		finished = true // killed while closing, after the run was recorded
	default:
		c.t.Errorf("%s: the killed run is %s %q, want FAILED %q", when, killedRun.Status, killedRun.ErrorMessage, store.InterruptedMessage)
		ok = false
	}
	vs, vok := c.checkVersions(when)
	ok = ok && vok
	committedByRun, listed := false, false
	for _, v := range vs {
		committedByRun = committedByRun || (killedRun != nil && v.Owner.RunID == killedRun.ID)
		listed = listed || (killedRun != nil && v.Owner.RunID == killedRun.ID && v.Name == killedRun.RemotePath)
	}
	if retentionKilled && !listed {
		c.t.Errorf("%s: the killed run says %s %q is complete, but it is not listed", when, killedRun.Status, killedRun.RemotePath)
		ok = false
	}
	var phase string
	if c.ch != nil {
		var cok bool
		phase, cok = c.changesAfterKill(when, k, finished, committedByRun)
		ok = ok && cok
	} else {
		_, left, _ := c.tg.inspect(c.jobID)
		// The commit had begun when the manifest is there, or every file was.
		phase = classify(k.at, finished, committedByRun, left, len(snap))
	}
	// Versions gone since before the kill: only retention may have taken
	// them, and only those it would delete.
	keepNames := names(newestN(append(slices.Clone(vsBefore), newVersions(vs, vsBefore)...), c.keep))
	for _, v := range vsBefore {
		if slices.ContainsFunc(vs, func(x storage.VersionInfo) bool { return x.Name == v.Name }) {
			continue
		}
		if phase != "retention" && phase != "commit" && phase != "finish" || slices.Contains(keepNames, v.Name) {
			c.t.Errorf("%s: version %s disappeared (phase %s)", when, v.Name, phase)
			report.addLost(fmt.Sprintf("%s: version %s disappeared after a kill in %s", c.name, v.Name, phase))
			ok = false
		}
	}
	return phase, ok
}

// scanAhead is how many files the scan may run ahead of the uploads that
// began: the engine's queue (256) and its transfers (4 by default).
const scanAhead = 256 + 4

// classify names the phase a kill hit, from what the command had shown
// and what the destination holds:
//
//   - start: no pending place of the run yet (opening, clean-up, begin);
//   - scan: files were going up while the scan still listed the source;
//   - upload: the scan had ended, files were still going up (the progress
//     line said so, or so few files were missing that the scan, which
//     runs at most scanAhead files ahead, had listed them all);
//   - commit: every file was stored, or the manifest, or the version was
//     committed before retention began;
//   - retention: the command had shown "rotating";
//   - finish: the run had ended (its history row final) as it was killed.
func classify(at observed, finished, committedByRun bool, left []leftover, files int) string {
	most := 0
	manifest := false
	for _, l := range left {
		most = max(most, l.files)
		manifest = manifest || l.hasManifest
	}
	switch {
	case finished:
		return "finish"
	case at.status == "rotating":
		return "retention"
	case committedByRun || manifest || (len(left) > 0 && most >= files):
		return "commit"
	case len(left) == 0:
		return "start"
	case at.scanDone || most >= files-scanAhead:
		return "upload"
	}
	return "scan"
}

func newVersions(now, before []storage.VersionInfo) []storage.VersionInfo {
	var out []storage.VersionInfo
	for _, v := range now {
		if !slices.ContainsFunc(before, func(b storage.VersionInfo) bool { return b.Name == v.Name }) {
			out = append(out, v)
		}
	}
	return out
}

func newestN(vs []storage.VersionInfo, n int) []storage.VersionInfo {
	slices.SortStableFunc(vs, func(a, b storage.VersionInfo) int {
		if x := b.Created.Compare(a.Created); x != 0 {
			return x
		}
		return strings.Compare(b.Name, a.Name)
	})
	return vs[:min(n, len(vs))]
}

func newest(vs []storage.VersionInfo) storage.VersionInfo {
	return newestN(slices.Clone(vs), 1)[0]
}
