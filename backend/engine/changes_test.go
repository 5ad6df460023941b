package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/avault/avault/backend/engine/area"
	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// chEnv is an env whose job keeps current + history, with the states of
// the source each version was made from.
type chEnv struct {
	*env
	raw    storage.Destination
	faults *faultyFiles // nil unless the test injects faults
	want   map[string]map[string]string
}

func newCHEnv(t *testing.T, files map[string]string) *chEnv {
	t.Helper()
	return newCHEnvOn(t, files, nil)
}

// newCHEnvOn is newCHEnv on the destination raw, a local folder when nil.
func newCHEnvOn(t *testing.T, files map[string]string, raw storage.Destination) *chEnv {
	t.Helper()
	e := newEnv(t, files)
	if raw == nil {
		raw = e.dest
	}
	e.dest = raw
	e.job.Layout, e.job.Folder = job.LayoutCurrentHistory, "Photos"
	c := &chEnv{env: e, raw: raw, want: map[string]map[string]string{}}
	c.reopen(nil)
	return c
}

// reopen sets the destination the runs use, through faults when not nil.
func (c *chEnv) reopen(f *faultyFiles) {
	c.faults = f
	var d storage.Destination = c.raw
	if f != nil {
		d = &filesDest{Destination: c.raw, f: f}
	}
	c.dest = JobDestination(d, c.job, nil)
}

// backup runs the job, expects want, and remembers the source it saw.
func (c *chEnv) backup(want job.Status) Result {
	c.t.Helper()
	before := treeOf(c.t, c.src)
	res := c.mustRun(want)
	if res.Version != "" {
		c.want[res.Version] = before
	}
	return res
}

// currentTree reads the job's current folder through plain file access.
func (c *chEnv) currentTree() map[string]string {
	return c.plainTree(c.job.Folder + "/" + area.CurrentDir)
}

// plainTree reads every file below dir at the destination.
func (c *chEnv) plainTree(dir string) map[string]string {
	c.t.Helper()
	f := storage.FilesOf(c.raw)
	out := map[string]string{}
	err := f.Walk(context.Background(), dir, func(fi storage.FileInfo) error {
		rc, err := f.Open(context.Background(), dir+"/"+fi.Path)
		if err != nil {
			return err
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		out[fi.Path] = string(b)
		return err
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// checkAll checks that every committed version restores exactly the
// source it was made from, verifies quick and deep, and that the current
// folder holds the newest.
func (c *chEnv) checkAll() {
	c.t.Helper()
	ctx := context.Background()
	versions, err := Versions(ctx, c.dest, c.job.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, v := range versions {
		want, ok := c.want[v.Name]
		if !ok {
			c.t.Fatalf("version %s was never committed by a run", v.Name)
		}
		to := c.t.TempDir()
		if _, err := Restore(ctx, c.dest, v.Name, "", to, RestoreOptions{}); err != nil {
			c.t.Errorf("restore %s: %v", v.Name, err)
		} else if got := treeOf(c.t, to); !equalTrees(got, want) {
			c.t.Errorf("restore of %s = %v, want %v", v.Name, got, want)
		}
		for _, deep := range []bool{false, true} {
			rep, err := Verify(ctx, c.dest, v.Name, VerifyOptions{Deep: deep})
			if err != nil || !rep.OK() {
				c.t.Errorf("verify %s (deep %v): %v, %+v", v.Name, deep, err, rep.Problems)
			}
		}
	}
	want := map[string]string{}
	if n := newestCH(c.t, c.dest); n != "" {
		want = c.want[n]
	}
	if got := c.currentTree(); !equalTrees(got, want) {
		c.t.Errorf("current/ = %v, want the newest version %v", got, want)
	}
}

// newestCH returns the name of the newest current+history version, or "".
func newestCH(t *testing.T, d storage.Destination) string {
	t.Helper()
	st, err := area.Of(d).State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Newest() == nil {
		return ""
	}
	return st.Newest().Name
}

func TestCurrentHistoryKeepsOnlyChanges(t *testing.T) {
	c := newCHEnv(t, map[string]string{"a.txt": "alpha", "b/b.txt": "bravo", "d.txt": "delta", "e/deep/e.txt": "echo"})
	first := c.backup(job.StatusSuccess)
	if first.FilesUploaded != 4 || first.FilesCopied != 0 {
		t.Errorf("first run: uploaded %d copied %d, want 4 and 0", first.FilesUploaded, first.FilesCopied)
	}
	c.now = c.now.Add(1)
	writeFiles(t, c.src, map[string]string{"a.txt": "alpha 2", "c.txt": "charlie"})
	os.RemoveAll(filepath.Join(c.src, "b"))
	second := c.backup(job.StatusSuccess)
	if second.FilesUploaded != 2 || second.FilesCopied != 2 {
		t.Errorf("second run: uploaded %d kept %d, want 2 and 2", second.FilesUploaded, second.FilesCopied)
	}
	hist := c.plainTree("Photos/" + area.HistoryDir + "/" + first.Version)
	if want := map[string]string{"a.txt": "alpha", "b/b.txt": "bravo"}; !equalTrees(hist, want) {
		t.Errorf("history of %s = %v, want %v", first.Version, hist, want)
	}
	third := c.backup(job.StatusSuccess) // nothing changed: no request but the records
	if third.FilesUploaded != 0 || third.FilesCopied != 4 {
		t.Errorf("third run: uploaded %d kept %d, want 0 and 4", third.FilesUploaded, third.FilesCopied)
	}
	h, es := c.manifestOf(third.Version)
	if h.Layout != manifest.LayoutCurrentHistory || h.Gen != 3 || h.Base != second.Version {
		t.Errorf("header: layout %q gen %d base %q", h.Layout, h.Gen, h.Base)
	}
	for _, e := range es {
		want := first.Version
		if e.Path == "a.txt" || e.Path == "c.txt" {
			want = second.Version
		}
		if e.Since != want {
			t.Errorf("%s: since %q, want %q", e.Path, e.Since, want)
		}
	}
	c.checkAll()
}

func TestCurrentHistoryRetentionHandsNeededFilesToOlderVersions(t *testing.T) {
	c := newCHEnv(t, map[string]string{"keep.txt": "k", "x.txt": "x1", "y.txt": "y1"})
	c.job.RetentionType, c.job.RetentionCount = job.RetentionVersionCount, 10
	var names []string
	for i := 2; i <= 5; i++ {
		names = append(names, c.backup(job.StatusSuccess).Version)
		writeFiles(t, c.src, map[string]string{"x.txt": fmt.Sprintf("x%d", i)})
		if i == 3 {
			writeFiles(t, c.src, map[string]string{"y.txt": "y3"})
		}
	}
	names = append(names, c.backup(job.StatusSuccess).Version)
	// Delete the second and third versions, keeping the first: the first's
	// y.txt is in the third's history folder and must move to the first's.
	for _, n := range []string{names[1], names[2]} {
		if err := c.dest.DeleteVersion(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		delete(c.want, n)
	}
	c.checkAll()
	hist := c.plainTree("Photos/" + area.HistoryDir + "/" + names[0])
	if want := map[string]string{"x.txt": "x1", "y.txt": "y1"}; !equalTrees(hist, want) {
		t.Errorf("history of the first version = %v, want %v", hist, want)
	}
	for _, n := range names[1:3] {
		if got := c.plainTree("Photos/" + area.HistoryDir + "/" + n); len(got) != 0 {
			t.Errorf("history folder of deleted %s still holds %v", n, got)
		}
	}
	// Retention in a run: keep 2.
	c.job.RetentionCount = 2
	c.reopen(nil)
	writeFiles(t, c.src, map[string]string{"z.txt": "z"})
	res := c.backup(job.StatusSuccess)
	if len(res.Deleted) != 2 {
		t.Fatalf("deleted %v, want 2 versions", res.Deleted)
	}
	for _, n := range res.Deleted {
		delete(c.want, n)
	}
	c.checkAll()
}

func TestCurrentHistoryDeleteNewestPutsCurrentBack(t *testing.T) {
	c := newCHEnv(t, map[string]string{"a.txt": "1"})
	c.backup(job.StatusSuccess)
	writeFiles(t, c.src, map[string]string{"a.txt": "2", "new.txt": "n"})
	second := c.backup(job.StatusSuccess)
	if err := c.dest.DeleteVersion(context.Background(), second.Version); err != nil {
		t.Fatal(err)
	}
	delete(c.want, second.Version)
	c.checkAll()
	if got := c.currentTree(); !equalTrees(got, map[string]string{"a.txt": "1"}) {
		t.Errorf("current/ after deleting the newest = %v", got)
	}
	for n := range c.want {
		if err := c.dest.DeleteVersion(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.currentTree(); len(got) != 0 {
		t.Errorf("current/ after deleting every version = %v", got)
	}
}

func TestSwitchingLayoutsKeepsEveryVersion(t *testing.T) {
	c := newCHEnv(t, map[string]string{"a.txt": "1", "b.txt": "b"})
	c.job.Layout = job.LayoutFull
	c.reopen(nil)
	full := c.backup(job.StatusSuccess)
	c.job.Layout = job.LayoutCurrentHistory
	c.reopen(nil)
	writeFiles(t, c.src, map[string]string{"a.txt": "2"})
	ch := c.backup(job.StatusSuccess)
	if ch.FilesCopied != 1 || ch.FilesUploaded != 1 {
		t.Errorf("first current+history run after full copies: copied %d uploaded %d, want 1 and 1", ch.FilesCopied, ch.FilesUploaded)
	}
	c.job.Layout = job.LayoutFull
	c.reopen(nil)
	writeFiles(t, c.src, map[string]string{"a.txt": "3"})
	c.backup(job.StatusSuccess)
	c.checkAll()
	if got := c.versionNames(); len(got) != 3 {
		t.Errorf("versions %v, want 3", got)
	}
	c.job.RetentionCount = 1
	c.reopen(nil)
	last := c.backup(job.StatusSuccess)
	for _, n := range last.Deleted {
		delete(c.want, n)
	}
	if len(last.Deleted) != 3 {
		t.Errorf("deleted %v, want the 3 older versions, %s among them", last.Deleted, full.Version)
	}
	c.checkAll()
	if got := c.currentTree(); len(got) != 0 {
		t.Errorf("the job folder keeps files after its last version went: %v", got)
	}
}

func TestCurrentHistoryRefusesAnotherJobsFolder(t *testing.T) {
	c := newCHEnv(t, map[string]string{"a.txt": "1"})
	c.backup(job.StatusSuccess)
	other := newEnv(t, map[string]string{"o.txt": "o"})
	other.destDir = c.destDir
	other.job.ID, other.job.Name = "job2", "Other"
	other.job.Layout, other.job.Folder = job.LayoutCurrentHistory, "Photos"
	other.dest = JobDestination(c.raw, other.job, nil)
	res := other.run(Options{})
	if res.Status != job.StatusFailed || !strings.Contains(res.ErrorMessage, "belongs to another job") {
		t.Errorf("run into another job's folder: %s %q", res.Status, res.ErrorMessage)
	}
	c.checkAll()
}

// TestCurrentHistoryCrashAtEveryStep stops the destination for good after
// each of a run's writes in turn, as a crash would, then checks that every
// committed version restores exactly, and that the next run repairs the
// current folder and succeeds.
func TestCurrentHistoryCrashAtEveryStep(t *testing.T) {
	for stopAfter := 1; ; stopAfter++ {
		c := newCHEnv(t, map[string]string{"a.txt": "a1", "b.txt": "b1", "c/c.txt": "c1", "d.txt": "d1"})
		c.job.RetentionCount = 2
		c.reopen(nil)
		c.backup(job.StatusSuccess)
		writeFiles(t, c.src, map[string]string{"b.txt": "b2", "e.txt": "e2"})
		c.backup(job.StatusSuccess)
		writeFiles(t, c.src, map[string]string{"a.txt": "a3", "f.txt": "f3"})
		os.Remove(filepath.Join(c.src, "d.txt"))
		before := treeOf(t, c.src)
		c.reopen(&faultyFiles{stopAfter: stopAfter})
		res := c.run(Options{Transfers: 1})
		crashed := c.faults.stopped()
		if res.Status == job.StatusSuccess {
			c.want[res.Version] = before
			for _, n := range res.Deleted {
				delete(c.want, n)
			}
		}
		c.reopen(nil)
		c.checkAllButCurrent()
		if !crashed {
			c.checkAll()
			t.Logf("no write left to stop after %d", stopAfter-1)
			return
		}
		writeFiles(t, c.src, map[string]string{"g.txt": "g"})
		c.backup(job.StatusSuccess)
		c.checkAll()
		if t.Failed() {
			t.Fatalf("after stopping at write %d", stopAfter)
		}
	}
}

// checkAllButCurrent is checkAll without the check of current/, which a
// crashed run may leave as it was.
func (c *chEnv) checkAllButCurrent() {
	c.t.Helper()
	ctx := context.Background()
	versions, err := Versions(ctx, c.dest, c.job.ID)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, v := range versions {
		to := c.t.TempDir()
		if _, err := Restore(ctx, c.dest, v.Name, "", to, RestoreOptions{}); err != nil {
			c.t.Errorf("restore %s after a crash: %v", v.Name, err)
		} else if got := treeOf(c.t, to); !equalTrees(got, c.want[v.Name]) {
			c.t.Errorf("restore of %s after a crash = %v, want %v", v.Name, got, c.want[v.Name])
		}
	}
}

// faultyFiles fails every write from the stopAfter-th on, as if the
// process had died there: nothing after it reaches the destination.
type faultyFiles struct {
	storage.Files
	stopAfter int
	beforePut func(p string) // called before each Put, when set
	mu        sync.Mutex
	writes    int
}

func (f *faultyFiles) write() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if f.writes >= f.stopAfter {
		return storage.NewError(storage.ErrUnavailable, "stopped", nil)
	}
	return nil
}

func (f *faultyFiles) stopped() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes >= f.stopAfter
}

func (f *faultyFiles) Put(ctx context.Context, p string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if err := f.write(); err != nil {
		return storage.PutResult{}, err
	}
	if f.beforePut != nil {
		f.beforePut(p)
	}
	return f.Files.Put(ctx, p, r, size, progress)
}

func (f *faultyFiles) Move(ctx context.Context, from, to string) error {
	if err := f.write(); err != nil {
		return err
	}
	return f.Files.Move(ctx, from, to)
}

func (f *faultyFiles) Copy(ctx context.Context, from, to string) (storage.PutResult, error) {
	if err := f.write(); err != nil {
		return storage.PutResult{}, err
	}
	return f.Files.Copy(ctx, from, to)
}

func (f *faultyFiles) Delete(ctx context.Context, p string) error {
	if err := f.write(); err != nil {
		return err
	}
	return f.Files.Delete(ctx, p)
}

// filesDest is a destination whose Files are replaced.
type filesDest struct {
	storage.Destination
	f *faultyFiles
}

func (d *filesDest) Files() storage.Files {
	if d.f.Files == nil {
		d.f.Files = storage.FilesOf(d.Destination)
	}
	return d.f
}

// TestCurrentHistoryFileChangingWhileReadKeepsTheOldCopy makes a changed
// file change again while it is read, so that it is sent twice: the base
// version's copy must stay in history, not be replaced by the first try.
func TestCurrentHistoryFileChangingWhileReadKeepsTheOldCopy(t *testing.T) {
	c := newCHEnv(t, map[string]string{"a.txt": "old a", "b.txt": "b"})
	c.backup(job.StatusSuccess)
	writeFiles(t, c.src, map[string]string{"a.txt": "new a, first"})
	tries := 0
	c.reopen(&faultyFiles{stopAfter: 1 << 30, beforePut: func(p string) {
		if strings.HasSuffix(p, "current/a.txt") {
			tries++
			if tries == 1 { // the file changes while the first try reads it
				writeFiles(t, c.src, map[string]string{"a.txt": "new a, second!"})
			}
		}
	}})
	before := map[string]string{"a.txt": "new a, second!", "b.txt": "b"}
	res := c.mustRun(job.StatusSuccess)
	c.want[res.Version] = before
	if tries != 2 {
		t.Fatalf("a.txt was sent %d times, want 2", tries)
	}
	c.reopen(nil)
	c.checkAll()
}

// TestTwoCurrentHistoryJobsShareADestination runs two jobs into folders of
// their own at one destination: each keeps its versions, and each folder
// says which job it belongs to.
func TestTwoCurrentHistoryJobsShareADestination(t *testing.T) {
	c := newCHEnv(t, map[string]string{"a.txt": "1"})
	c.backup(job.StatusSuccess)
	other := newCHEnvOn(t, map[string]string{"o.txt": "o"}, c.raw)
	other.job.ID, other.job.Name, other.job.Folder = "job2", "Other", "Other"
	other.reopen(nil)
	other.backup(job.StatusSuccess)
	writeFiles(t, c.src, map[string]string{"a.txt": "2"})
	c.backup(job.StatusSuccess)
	c.checkAll()
	other.checkAll()
	for _, folder := range []string{"Photos", "Other"} {
		if got := c.plainTree(folder + "/.avault"); got["area.json"] == "" {
			t.Errorf("%s/.avault/area.json is missing: %v", folder, got)
		}
	}
	if got := c.plainTree(".avault"); len(got) != 0 {
		t.Errorf("the destination's root holds Avault records of a job folder: %v", got)
	}
}
