package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/local"
)

// day0 is when the first run of a test starts.
var day0 = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

// env is a source folder, a local destination and a job.
type env struct {
	t       *testing.T
	src     string
	destDir string
	dest    storage.Destination
	job     job.Job
	now     time.Time // the injected clock; runs start at it
	runs    int
}

func newEnv(t *testing.T, files map[string]string) *env {
	t.Helper()
	e := &env{t: t, src: t.TempDir(), destDir: t.TempDir(), now: day0}
	d, err := local.New(e.destDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	e.dest = d
	e.job = job.NewJob()
	e.job.ID, e.job.Name = "job1", "Photos"
	writeFiles(t, e.src, files)
	return e
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// run runs the job once at e.now, then moves the clock a day on.
func (e *env) run(o Options) Result {
	e.t.Helper()
	return e.runCtx(context.Background(), o)
}

func (e *env) runCtx(ctx context.Context, o Options) Result {
	e.t.Helper()
	e.runs++
	started := e.now
	if o.Now == nil {
		o.Now = func() time.Time { return started }
	}
	res := Run(ctx, Request{Job: e.job, RunID: "run" + string(rune('0'+e.runs)), Source: e.src,
		Dest: e.dest, Started: started}, o)
	e.now = e.now.Add(24 * time.Hour)
	return res
}

// mustRun runs and fails the test unless the run ends with want.
func (e *env) mustRun(want job.Status) Result {
	e.t.Helper()
	res := e.run(Options{})
	if res.Status != want {
		e.t.Fatalf("run ended %s (%s), want %s; failures %v", res.Status, res.ErrorMessage, want, res.Failures)
	}
	return res
}

func (e *env) versionNames() []string {
	e.t.Helper()
	vs, err := e.dest.ListVersions(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, v := range vs {
		names = append(names, v.Name)
	}
	slices.Sort(names)
	return names
}

func (e *env) manifestOf(version string) (manifest.Header, []manifest.Entry) {
	e.t.Helper()
	data, err := e.dest.ReadManifest(context.Background(), version)
	if err != nil {
		e.t.Fatal(err)
	}
	h, es, err := manifest.All(data)
	if err != nil {
		e.t.Fatal(err)
	}
	return h, es
}

// readVersionFile reads a file of a version through the destination.
func (e *env) readVersionFile(version, p string) string {
	e.t.Helper()
	rc, err := e.dest.Open(context.Background(), version, p)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

func shaHex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// hookDest wraps a destination so that tests can act around Put and
// CopyFrom.
type hookDest struct {
	storage.Destination
	beforePut func(ctx context.Context, path string) error
	putResult func(path string, res storage.PutResult) storage.PutResult
	beforeCp  func(ctx context.Context, path string) error
	mu        sync.Mutex
	puts      []string
}

func (d *hookDest) Begin(ctx context.Context, name string, owner storage.Owner) (storage.Pending, error) {
	p, err := d.Destination.Begin(ctx, name, owner)
	if err != nil {
		return nil, err
	}
	return &hookPending{Pending: p, d: d}, nil
}

type hookPending struct {
	storage.Pending
	d *hookDest
}

func (p *hookPending) Put(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	p.d.mu.Lock()
	p.d.puts = append(p.d.puts, path)
	p.d.mu.Unlock()
	if p.d.beforePut != nil {
		if err := p.d.beforePut(ctx, path); err != nil {
			return storage.PutResult{}, err
		}
	}
	res, err := p.Pending.Put(ctx, path, r, size, progress)
	if err == nil && p.d.putResult != nil {
		res = p.d.putResult(path, res)
	}
	return res, err
}

func (p *hookPending) CopyFrom(ctx context.Context, fromVersion, fromPath, toPath string, size int64) (storage.PutResult, error) {
	if p.d.beforeCp != nil {
		if err := p.d.beforeCp(ctx, toPath); err != nil {
			return storage.PutResult{}, err
		}
	}
	return p.Pending.(storage.Copier).CopyFrom(ctx, fromVersion, fromPath, toPath, size)
}

// treeOf reads every file under dir, skipping Avault's own folder.
func treeOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == storage.MetaDir {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal([]byte(v), []byte(w)) {
			return false
		}
	}
	return true
}

func reasonOf(list []job.FileFailure, path string) string {
	for _, f := range list {
		if f.Path == path {
			return f.Reason
		}
	}
	return ""
}
