//go:build torture

package torture

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/store"
)

func testingShort() bool { return testing.Short() }

// campaign is one job on one destination, with the bookkeeping that lets
// every version be checked against the source as it was when the version
// was made.
type campaign struct {
	t       *testing.T
	w       *world
	tg      target
	name    string // the destination kind, for the report
	jobName string
	jobID   string
	keep    int
	src     *source
	rnd     *rand.Rand
	snaps   map[string]snapshot // run id → the source during that run
	checked map[string]bool     // versions verified and compared
	restore int                 // restores made, for folder names
	last    timing              // of the last run that ended by itself
	spec    treeSpec
	// restoreEvery restores every n-th version checked (1: all); the
	// others are compared as the destination stores them only.
	restoreEvery int
	lastNote     string // what the last fault scenario saw, for the report
	expect       int    // files in the source during the current run
	// ch, for a current+history job, reads the job's folder by hand; tg
	// is then ch, and ch.rawTarget the destination. chRun is what the
	// folder held as the current run began.
	ch           *chTarget
	chRun        *chRun
	areaReported bool   // a misplaced area.json was reported
	checkedFP    string // the job's folder when its versions were last checked
}

// The layouts a campaign's job keeps its versions in, as `avault job add
// --layout` takes them. Every campaign names its layout: the default
// depends on the kind of destination (docs/FORMAT.md).
const (
	layoutFull           = "full"
	layoutCurrentHistory = "current-history"
)

// newCampaign connects w to tg and adds a job that keeps keep versions of
// a source tree of spec as full copies.
func newCampaign(t *testing.T, w *world, tg target, spec treeSpec, keep int) *campaign {
	t.Helper()
	return newCampaignAt(t, w, tg, spec, keep, "share")
}

// newCampaignAt is newCampaign with the source at rel under the NAS root.
func newCampaignAt(t *testing.T, w *world, tg target, spec treeSpec, keep int, rel string) *campaign {
	t.Helper()
	return newCampaignLayout(t, w, tg, spec, keep, rel, layoutFull)
}

// newCampaignLayout is newCampaignAt with the job's layout. With
// layoutCurrentHistory, tg must offer raw file access (rawTarget): the
// campaign then inspects and reads the job's folder by the rule of
// docs/FORMAT.md (chTarget).
func newCampaignLayout(t *testing.T, w *world, tg target, spec treeSpec, keep int, rel, layout string) *campaign {
	t.Helper()
	c := &campaign{t: t, w: w, tg: tg, name: tg.kind(), jobName: "Job " + tg.kind(), keep: keep, spec: spec,
		rnd: rand.New(rand.NewPCG(seed, uint64(len(t.Name())))), snaps: map[string]snapshot{}, checked: map[string]bool{}}
	c.src = newSource(filepath.Join(w.nas, filepath.FromSlash(rel)), c.rnd, spec)
	c.last = timing{upload: 150 * time.Millisecond, scan: 100 * time.Millisecond, transfer: time.Second, rotate: 50 * time.Millisecond}
	dest := tg.connect(w)
	args := []string{"job", "add", "--name", c.jobName, "--source", rel, "--dest", dest, "--layout", layout,
		"--retention", "VERSION_COUNT", "--keep", fmt.Sprint(keep), "--enabled=false"}
	if layout == layoutCurrentHistory {
		args = append(args, "--folder", chFolder)
	}
	var j job.Job
	w.jsonOK(&j, args...)
	c.jobID = j.ID
	if layout == layoutCurrentHistory {
		raw, ok := tg.(rawTarget)
		if !ok {
			t.Fatalf("%s: no raw file access to inspect a current+history job's folder", tg.kind())
		}
		if j.Layout != job.LayoutCurrentHistory || j.Folder != chFolder {
			t.Fatalf("avault job add --layout %s --folder %s made a job with layout %q, folder %q", layout, chFolder, j.Layout, j.Folder)
		}
		c.ch = &chTarget{rawTarget: raw, folder: chFolder, jobID: j.ID}
		c.tg, c.name = c.ch, tg.kind()+" current+history"
	}
	return c
}

// history returns the job's runs, newest first.
func (c *campaign) history() []job.Run {
	var page store.HistoryPage
	c.w.jsonOK(&page, "history", "--job", c.jobID, "--limit", "100")
	return page.Items
}

func runIDs(runs []job.Run) map[string]bool {
	ids := map[string]bool{}
	for _, r := range runs {
		ids[r.ID] = true
	}
	return ids
}

// versions returns the job's versions as the command line lists them.
func (c *campaign) versions() []storage.VersionInfo {
	var vs []storage.VersionInfo
	c.w.jsonOK(&vs, "versions", c.jobID)
	return vs
}

// runOK runs the job to the end; it must succeed. It returns the run.
func (c *campaign) runOK() job.Run {
	c.t.Helper()
	before := runIDs(c.history())
	snap := c.src.snapshot()
	k, err := c.w.runAndKill(c.jobID, func(observed) bool { return false }, 0)
	if err != nil {
		c.t.Fatal(err)
	}
	c.learn(k)
	runs := c.history()
	var run job.Run
	for _, x := range runs {
		if !before[x.ID] {
			c.snaps[x.ID] = snap
			run = x
		}
	}
	if k.code != 0 || run.Status != job.StatusSuccess {
		c.t.Errorf("the run must succeed: exit %d, %s %q\n%s", k.code, run.Status, run.ErrorMessage, clip(k.stderr, 2000))
	}
	return run
}

// checkClean checks that the job left no pending place (and, on S3, no
// open multipart upload) at the destination.
func (c *campaign) checkClean(when string) bool {
	c.t.Helper()
	_, left, err := c.tg.inspect(c.jobID)
	if err != nil {
		c.t.Errorf("%s: inspecting the destination: %v", when, err)
		return false
	}
	ok := true
	if len(left) > 0 {
		c.t.Errorf("%s: leftovers of the job remain at the destination: %v", when, left)
		ok = false
	}
	if s, isS3 := c.dest().(interface{ uploads() ([]string, error) }); isS3 { // S3, encrypted or not
		if ups, err := s.uploads(); err != nil || len(ups) > 0 {
			c.t.Errorf("%s: multipart uploads still open: %v %v", when, ups, err)
			ok = false
		}
	}
	return ok
}

// dest returns the destination itself (tg, or the one ch reads).
func (c *campaign) dest() target {
	if c.ch != nil {
		return c.ch.rawTarget
	}
	return c.tg
}

// checkVersions checks that the command line lists exactly the versions
// the destination holds committed, and verifies each version not checked
// yet: deep verify, then a restore compared byte for byte with the source
// as it was during the run that made it. It returns the versions. A
// current+history job's versions share their files (a run moves those of
// the older ones), so all of them are checked again whenever anything in
// the job's folder changed since they were.
func (c *campaign) checkVersions(when string) ([]storage.VersionInfo, bool) {
	c.t.Helper()
	if c.ch != nil {
		if fp := c.ch.fingerprint(); fp == "" || fp != c.checkedFP {
			c.checked, c.checkedFP = map[string]bool{}, fp
		}
	}
	vs := c.versions()
	committed, _, err := c.tg.inspect(c.jobID)
	if err != nil {
		c.t.Errorf("%s: inspecting the destination: %v", when, err)
		return vs, false
	}
	listed := make([]string, len(vs))
	for i, v := range vs {
		listed[i] = v.Name
	}
	slices.Sort(listed)
	slices.Sort(committed)
	ok := true
	if !slices.Equal(listed, committed) {
		c.t.Errorf("%s: 'avault versions' lists %v, the destination holds committed %v", when, listed, committed)
		ok = false
	}
	for _, v := range vs {
		if c.checked[v.Name] {
			continue
		}
		if !c.checkVersion(when, v) {
			ok = false
		}
		c.checked[v.Name] = true
	}
	return vs, ok
}

// checkVersion verifies one version deep and compares a restore of it with
// the source as it was.
func (c *campaign) checkVersion(when string, v storage.VersionInfo) bool {
	c.t.Helper()
	snap, known := c.snaps[v.Owner.RunID]
	if !known {
		c.t.Errorf("%s: version %s was made by run %s, which the harness never started", when, v.Name, v.Owner.RunID)
		report.addLost(fmt.Sprintf("%s: version %s of an unknown run", c.name, v.Name))
		return false
	}
	var rep engine.VerifyReport
	r := c.w.cli("", "verify", c.jobID, v.Name, "--deep", "--json")
	if r.code != 0 {
		c.t.Errorf("%s: verify --deep of %s: %s", when, v.Name, r)
		report.addLost(fmt.Sprintf("%s: version %s fails verify --deep", c.name, v.Name))
		return false
	}
	if err := jsonDecode(r.stdout, &rep); err != nil || !rep.OK() || rep.Extra > 0 || rep.FilesChecked != int64(len(snap)) {
		c.t.Errorf("%s: verify --deep of %s: %+v (want %d files)", when, v.Name, rep, len(snap))
		report.addLost(fmt.Sprintf("%s: version %s does not match its manifest", c.name, v.Name))
		return false
	}
	if c.tg.kind() == "gdrive" {
		if bad := flaggedNoted(snap, rep.Notes); bad != "" {
			c.t.Errorf("%s: verify --deep of %s: %s", when, v.Name, bad)
		}
	}
	stored, err := c.tg.read(v.Name)
	if err != nil {
		c.t.Errorf("%s: reading %s from the destination: %v", when, v.Name, err)
		return false
	}
	if d := snap.diff(stored); len(d) > 0 {
		c.t.Errorf("%s: version %s as stored differs from the source at the time: %v", when, v.Name, d)
		report.addLost(fmt.Sprintf("%s: version %s as stored differs from its source: %s", c.name, v.Name, strings.Join(d, ", ")))
		return false
	}
	c.restore++
	if c.restoreEvery > 1 && c.restore%c.restoreEvery != 1 {
		report.addVerified(c.name, 1)
		return true
	}
	dir := filepath.Join(c.w.dir, fmt.Sprintf("restore-%d", c.restore))
	defer os.RemoveAll(dir)
	r = c.w.cli("", "restore", c.jobID, v.Name, "--to", dir, "--json")
	if r.code != 0 {
		c.t.Errorf("%s: restore of %s: %s", when, v.Name, r)
		report.addLost(fmt.Sprintf("%s: version %s cannot be restored", c.name, v.Name))
		return false
	}
	if c.tg.kind() == "gdrive" {
		var res struct{ Notes []string }
		if err := jsonDecode(r.stdout, &res); err != nil {
			c.t.Errorf("%s: restore of %s: %v", when, v.Name, err)
		} else if bad := flaggedNoted(snap, res.Notes); bad != "" {
			c.t.Errorf("%s: restore of %s: %s", when, v.Name, bad)
		}
	}
	if d := snap.diff(snapshotOf(dir)); len(d) > 0 {
		c.t.Errorf("%s: version %s restores different from the source at the time: %v", when, v.Name, d)
		report.addLost(fmt.Sprintf("%s: version %s restores different from its source: %s", c.name, v.Name, strings.Join(d, ", ")))
		return false
	}
	report.addVerified(c.name, 1)
	return true
}

// expectRetained checks that after a successful run the job holds exactly
// its keep newest versions of all it had: nothing else deleted, no
// uncommitted place counted.
func (c *campaign) expectRetained(when string, before []storage.VersionInfo, after []storage.VersionInfo, newName string) bool {
	c.t.Helper()
	all := slices.Clone(before)
	for _, v := range after {
		if v.Name == newName {
			all = append(all, v)
		}
	}
	slices.SortStableFunc(all, func(a, b storage.VersionInfo) int {
		if x := b.Created.Compare(a.Created); x != 0 {
			return x
		}
		return strings.Compare(b.Name, a.Name)
	})
	want := names(all[:min(c.keep, len(all))])
	got := names(after)
	if !slices.Equal(want, got) {
		c.t.Errorf("%s: retention keeps %v, want the %d newest %v", when, got, c.keep, want)
		return false
	}
	return true
}

func names(vs []storage.VersionInfo) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name
	}
	slices.Sort(out)
	return out
}

// recoverRun is the run after a kill: it must succeed, remove every
// leftover, keep the newest versions, and make a version that verifies.
func (c *campaign) recoverRun(when string, before []storage.VersionInfo) bool {
	c.t.Helper()
	run := c.runOK()
	if run.Status != job.StatusSuccess {
		return false
	}
	ok := c.checkClean(when + ", next run")
	after, vok := c.checkVersions(when + ", next run")
	rok := c.expectRetained(when+", next run", before, after, run.RemotePath)
	return ok && vok && rok && c.checkCurrent(when+", next run")
}

// checkCurrent checks, for a current+history job, that current/ holds
// exactly the newest version: the source as the run that made it saw it,
// file for file, and nothing else.
func (c *campaign) checkCurrent(when string) bool {
	c.t.Helper()
	if c.ch == nil {
		return true
	}
	st, err := c.ch.state()
	if err != nil {
		c.t.Errorf("%s: reading the job's folder: %v", when, err)
		return false
	}
	if st.noArea && !c.areaReported {
		c.areaReported = true
		msg := fmt.Sprintf("%s/.avault holds versions but no area.json (docs/FORMAT.md: %[1]s/.avault/area.json says which job the folder belongs to)", chFolder)
		if _, err := c.ch.rawRead(".avault/area.json"); err == nil {
			msg += "; Avault wrote .avault/area.json at the destination's root instead"
		}
		// Said when the test ends, so that the kills go on meanwhile.
		c.t.Cleanup(func() { c.t.Errorf("%s: %s", when, msg) })
		report.addCheck("format", c.name+": the job's folder says which job it belongs to", false, msg)
	}
	cur, err := c.ch.current()
	if err != nil {
		c.t.Errorf("%s: reading current/: %v", when, err)
		return false
	}
	want := snapshot{}
	if v := st.newest(); v != nil {
		snap, known := c.snaps[v.Version.Owner.RunID]
		if !known {
			c.t.Errorf("%s: the newest version %s was made by run %s, which the harness never started", when, v.name, v.Version.Owner.RunID)
			return false
		}
		want = snap
	}
	if d := want.diff(cur); len(d) > 0 {
		c.t.Errorf("%s: current/ differs from the newest version: %v", when, d)
		report.addLost(fmt.Sprintf("%s: current/ differs from the newest version: %s", c.name, strings.Join(d, ", ")))
		return false
	}
	return true
}

func jsonDecode(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// elapsed records how long a part of the campaign took.
func elapsed(name string, start time.Time) { report.took(name, time.Since(start)) }
