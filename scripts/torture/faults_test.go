//go:build torture

package torture

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

// faultRuns is how many runs each fault scenario makes.
func faultRuns() int {
	if testing.Short() {
		return 1
	}
	return 3
}

// TestFaultsS3 puts the fault proxy between Avault and the S3 server, at
// 10 % of requests: 500, 503 and 429 answers, connections reset in the
// request or the response, slow answers. Every run must still succeed and
// every version verify, read and restore through the same faults.
func TestFaultsS3(t *testing.T) { faultsS3(t, layoutFull) }

func faultsS3(t *testing.T, layout string) { faultsS3On(t, layout, false) }

// faultsS3On runs the S3 fault rounds, on an encrypted destination when
// encrypted is set.
func faultsS3On(t *testing.T, layout string, encrypted bool) {
	t.Parallel()
	name, label := "S3 (versitygw, HTTPS)", "faults s3"
	if encrypted {
		name, label = "S3 encrypted (versitygw, HTTPS)", "faults s3 encrypted"
	}
	defer elapsed(layoutLabel(label, layout), time.Now())
	w := newWorld(t)
	var tg target
	var s3t *s3Target
	if encrypted {
		ct := newCryptS3Target(t, w, true)
		tg, s3t = ct, ct.s3Target
	} else {
		s3t = newS3Target(t, w, true)
		tg = s3t
	}
	c := newCampaignLayout(t, w, tg, treeSpec{Small: 300, Medium: 6, BigBytes: 20 << 20}, 3, "share", layout)
	s3t.proxy.SetFaults(faultproxy.Faults{Rate: 0.10, Seed: seed, RetryAfter: time.Second, SlowDelay: 300 * time.Millisecond})
	good := 0
	for i := 0; i < faultRuns(); i++ {
		if i > 0 {
			c.src.mutate(0.3)
		}
		run := c.runOK()
		_, vok := c.checkVersions(fmt.Sprintf("faulty S3 run %d", i+1))
		if run.Status == job.StatusSuccess && vok && c.checkClean("faulty S3") && c.checkCurrent("faulty S3") {
			good++
		}
	}
	injected := 0
	var kinds []string
	for k, n := range s3t.proxy.Counts() {
		injected += n
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	report.addFault(FaultRow{Scenario: layoutLabel(name+" behind the fault proxy, 10 % of requests", layout), Injected: injected,
		Runs: faultRuns(), Good: good, Note: "runs, deep verifies and restores all through the faults; " + strings.Join(sortedStrings(kinds), ", ")})
	if injected == 0 {
		t.Error("no fault was injected")
	}
}

// TestFaultsDrive turns on the Drive fake's own fault injection at 10 %:
// rate limits (403 and 429), 500, 503, resets before and after the request
// took effect, stalls, stray 401s; on top of the strict fake's ways
// (driveStrict).
func TestFaultsDrive(t *testing.T) { faultsDrive(t, layoutFull) }

func faultsDrive(t *testing.T, layout string) {
	t.Parallel()
	defer elapsed(layoutLabel("faults gdrive", layout), time.Now())
	w := newWorld(t)
	tg := newDriveTarget(t, w)
	c := newCampaignLayout(t, w, tg, driveSpecFor(layout), 3, "share", layout)
	kinds := []drivefake.Fault{drivefake.RateLimit, drivefake.TooManyRequests, drivefake.InternalError,
		drivefake.Unavailable, drivefake.ResetBefore, drivefake.ResetAfter, drivefake.Stall, drivefake.Unauthorized}
	tg.drive.SetFaults(drivefake.FaultPlan{Rate: 0.10, Seed: seed, Kinds: kinds, RetryAfter: time.Second, Stall: 500 * time.Millisecond})
	good := 0
	for i := 0; i < faultRuns(); i++ {
		if i > 0 {
			c.src.mutate(0.3)
		}
		run := c.runOK()
		_, vok := c.checkVersions(fmt.Sprintf("faulty Drive run %d", i+1))
		if run.Status == job.StatusSuccess && vok && c.checkClean("faulty Drive") && c.checkCurrent("faulty Drive") {
			good++
		}
	}
	injected := 0
	var counts []string
	for _, k := range kinds {
		injected += tg.drive.Injected(k)
		counts = append(counts, fmt.Sprintf("%s %d", k, tg.drive.Injected(k)))
	}
	counts = append(counts, fmt.Sprintf("creations refused by the fake's limit %d", tg.drive.RefusedCreates()),
		fmt.Sprintf("resumable chunks %d", tg.drive.Calls("upload.chunk")))
	report.addFault(FaultRow{Scenario: layoutLabel("Google Drive fake (strict) with its fault injection, 10 % of requests", layout), Injected: injected,
		Runs: faultRuns(), Good: good, Note: "runs, deep verifies and restores all through the faults; " + strings.Join(counts, ", ")})
	if injected == 0 {
		t.Error("no fault was injected")
	}
}

// mountTmpfs mounts a tmpfs of size at dir, or skips the test where
// mounting is not allowed. It is unmounted when the test ends.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	mountOrSkip(t, "a tmpfs at "+filepath.Base(dir), "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir)
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
}

// mountOrSkip runs mount with args, or skips the test (and says so in the
// report) where mounting is not allowed.
func mountOrSkip(t *testing.T, what string, args ...string) {
	t.Helper()
	if out, err := exec.Command("mount", args...).CombinedOutput(); err != nil {
		report.addCheck("faults", "mount "+what, false, "skipped: "+strings.TrimSpace(string(out)))
		t.Skipf("cannot mount %s (needs root): %v: %s", what, err, out)
	}
}

// TestDiskFull backs up into a 2 MiB tmpfs: a version that fits, then a
// source that does not. The run must fail saying the destination is
// full, leave the older version as it was, and the next run, once the
// source fits again, must succeed and clean up.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	defer elapsed("faults disk full", time.Now())
	w := newWorld(t)
	tg := newLocalTarget(t, w)
	mountTmpfs(t, tg.dir, "2m")
	c := newCampaign(t, w, tg, treeSpec{Small: 20}, 3)
	c.runOK()
	c.checkVersions("fits")
	good := 0
	c.src.grow(3 << 20)
	run, k := c.runExpectFail("disk full")
	full := run.Status == job.StatusFailed && strings.Contains(run.ErrorMessage, "destination full")
	if !full {
		t.Errorf("a run into a full disk: exit %d, %s %q; want FAILED \"destination full…\"", k.code, run.Status, run.ErrorMessage)
	}
	if c.recheckAll("after the disk filled up") && full {
		good++
	}
	os.RemoveAll(filepath.Join(c.src.dir, "growth"))
	if c.recoverRun("disk has room again", c.versions()) {
		good++
	}
	report.addFault(FaultRow{Scenario: "local destination disk full (2 MiB tmpfs, 3 MiB to write)", Injected: 1, Runs: 2, Good: good,
		Note: fmt.Sprintf("history says %q; the older version verified and restored unchanged; the next run succeeded and left nothing behind", shorten(w, run.ErrorMessage))})
}

// TestDestinationUnmounted backs up to a local destination on a "disk"
// (a folder bind-mounted at the destination's path), then unmounts it, as
// when a USB disk is not plugged in: the mount point is an empty folder
// on the system disk. The run must fail asking whether the disk is
// mounted and write nothing there; once the disk is back, the versions on
// it must be intact and the next run must succeed.
func TestDestinationUnmounted(t *testing.T) {
	t.Parallel()
	defer elapsed("faults destination unmounted", time.Now())
	w := newWorld(t)
	tg := newLocalTarget(t, w)
	disk := filepath.Join(w.dir, "usb-disk")
	if err := os.MkdirAll(disk, 0o755); err != nil {
		t.Fatal(err)
	}
	mount := func() { mountOrSkip(t, "a folder with --bind", "--bind", disk, tg.dir) }
	mount()
	t.Cleanup(func() { exec.Command("umount", "-l", tg.dir).Run() })
	c := newCampaign(t, w, tg, treeSpec{Small: 40, Medium: 2}, 2)
	c.runOK()
	c.src.mutate(0.2)
	c.runOK()
	vsBefore, _ := c.checkVersions("before")
	if out, err := exec.Command("umount", tg.dir).CombinedOutput(); err != nil {
		t.Fatalf("unmounting: %v: %s", err, out)
	}
	good := 0
	run, k := c.runExpectFail("disk unmounted")
	refused := run.Status == job.StatusFailed && strings.Contains(run.ErrorMessage, "is its disk mounted?")
	if !refused {
		t.Errorf("a run to the unmounted disk: exit %d, %s %q; want FAILED asking whether the disk is mounted", k.code, run.Status, run.ErrorMessage)
	}
	entries, _ := os.ReadDir(tg.dir)
	if len(entries) != 0 {
		t.Errorf("the run wrote %d entries into the empty mount point on the system disk", len(entries))
	}
	mount()
	kept := countKept(vsBefore, c.versions())
	if c.recheckAll("disk back") && refused && len(entries) == 0 && kept == len(vsBefore) {
		good++
	}
	if c.recoverRun("disk mounted again", c.versions()) {
		good++
	}
	report.addFault(FaultRow{Scenario: "local destination disk unmounted (a bind mount taken away)", Injected: 1, Runs: 2, Good: good,
		Note: fmt.Sprintf("history says %q; nothing written to the mount point; %d of %d versions on the disk verified afterwards; the next run succeeded",
			shorten(w, run.ErrorMessage), kept, len(vsBefore))})
}

// runExpectFail runs the job, which must fail (exit 1), and returns its
// history row.
func (c *campaign) runExpectFail(when string) (job.Run, killed) {
	c.t.Helper()
	before := runIDs(c.history())
	snap := c.src.snapshot()
	k, err := c.w.runAndKill(c.jobID, func(observed) bool { return false }, 0)
	if err != nil {
		c.t.Fatal(err)
	}
	var run job.Run
	for _, r := range c.history() {
		if !before[r.ID] {
			run = r
			c.snaps[r.ID] = snap
		}
	}
	if k.code != 1 {
		c.t.Errorf("%s: exit %d, want 1 (FAILED)", when, k.code)
	}
	return run, k
}

// recheckAll verifies every version again, deep, and compares each with
// its source.
func (c *campaign) recheckAll(when string) bool {
	c.checked = map[string]bool{}
	_, ok := c.checkVersions(when)
	return ok
}

// TestSourceGone takes the NAS share away in the middle of a run: the
// share (a tmpfs) unmounted with umount -l, as when the NAS disappears;
// the share's folder renamed away; the share emptied. The older versions
// must all still be there afterwards, intact, and the run after the share
// is back must succeed.
func TestSourceGone(t *testing.T) {
	t.Parallel()
	defer elapsed("faults source gone", time.Now())
	w := newWorld(t)
	tg := newLocalTarget(t, w)
	vol := filepath.Join(w.nas, "vol")
	mountTmpfs(t, vol, "256m")
	c := newCampaignAt(t, w, tg, treeSpec{Small: 600, Medium: 10}.orShort(treeSpec{Small: 300, Medium: 4, Full: true}), 2, "vol/share")
	share := c.src.dir
	c.runOK()
	c.src.mutate(0.2)
	c.runOK()
	c.checkVersions("before")
	backup := filepath.Join(w.dir, "share-copy")
	if out, err := exec.Command("cp", "-a", share, backup).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	bringBack := func() {
		exec.Command("umount", "-l", vol).Run()
		exec.Command("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", vol).Run()
		if out, err := exec.Command("cp", "-a", backup, share).CombinedOutput(); err != nil {
			t.Fatalf("bringing the share back: %v: %s", err, out)
		}
	}
	variants := []struct {
		name string
		act  func() error
	}{
		{"NAS share unmounted mid-run (umount -l)", func() error { return exec.Command("umount", "-l", vol).Run() }},
		{"NAS share folder renamed away mid-run", func() error { return os.Rename(share, share+"-away") }},
		{"NAS share emptied mid-run", func() error {
			entries, err := os.ReadDir(share)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(share, e.Name()))
			}
			return err
		}},
	}
	for _, v := range variants {
		good := c.sourceGone(v.name, v.act)
		bringBack()
		if c.recoverRun(v.name+", share back", c.versions()) {
			good++
		}
		report.addFault(FaultRow{Scenario: v.name, Injected: 1, Runs: 2, Good: good, Note: c.lastNote})
	}
}

// shorten replaces the world's temporary folder in s with "…".
func shorten(w *world, s string) string { return strings.ReplaceAll(s, w.dir, "…") }

func containsVersion(vs []storage.VersionInfo, name string) bool {
	return slices.ContainsFunc(vs, func(v storage.VersionInfo) bool { return v.Name == name })
}

func countKept(before, after []storage.VersionInfo) int {
	n := 0
	for _, v := range before {
		if containsVersion(after, v.Name) {
			n++
		}
	}
	return n
}

func firstFailures(r job.Run) []string {
	var out []string
	for i, f := range r.Failures {
		if i == 3 {
			break
		}
		out = append(out, f.Path+": "+f.Reason)
	}
	return out
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}

// sourceGone runs the job under an upload limit, does act once the
// upload has begun, and checks the outcome: the run FAILED, and no older
// version deleted or damaged. It returns 1 when all is well, else 0, and leaves a note in c.lastNote.
func (c *campaign) sourceGone(name string, act func() error) int {
	c.t.Helper()
	t := c.t
	vsBefore := c.versions()
	before := runIDs(c.history())
	snap := c.src.snapshot()
	// The upload limit stretches the transfer to about two seconds, so
	// that the share goes away while files are still being read however
	// fast this machine is, and not after the run has read everything.
	limit := max(snap.bytes()/2, 64<<10)
	c.w.mustOK("settings", "--upload-limit", fmt.Sprintf("%dKiB", limit>>10))
	var actErr error
	k, err := c.w.runAndAct(c.jobID, uploading, 30*time.Millisecond, func() { actErr = act() })
	c.w.mustOK("settings", "--upload-limit", "0")
	if err != nil {
		t.Fatal(err)
	}
	if actErr != nil {
		t.Errorf("%s: %v", name, actErr)
	}
	var run job.Run
	for _, r := range c.history() {
		if !before[r.ID] {
			run = r
			c.snaps[r.ID] = snap // a version of this run, if any, must match the share as it was
		}
	}
	good := 0
	vsAfter := c.versions()
	older := true
	for _, v := range vsBefore {
		if !containsVersion(vsAfter, v.Name) {
			older = false
			t.Errorf("%s: older version %s was deleted (run ended %s %q)", name, v.Name, run.Status, run.ErrorMessage)
			report.addLost(fmt.Sprintf("%s: version %s deleted", name, v.Name))
		}
	}
	failed := run.Status == job.StatusFailed
	if !failed {
		t.Errorf("%s: the run ended %s (exit %d), want FAILED; %d files failed: %v", name, run.Status, k.code, run.FilesFailed, firstFailures(run))
	}
	if _, ok := c.checkVersions(name); ok && older && failed {
		good++
	}
	c.t.Logf("%s: %s %q after %s", name, run.Status, run.ErrorMessage, k.after.Round(time.Millisecond))
	c.lastNote = fmt.Sprintf("run ended %s %q (%d files failed); %d of %d older versions kept", run.Status, shorten(c.w, run.ErrorMessage),
		run.FilesFailed, countKept(vsBefore, vsAfter), len(vsBefore))
	return good
}
