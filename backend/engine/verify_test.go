package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

func TestVerifyIntactVersion(t *testing.T) {
	e := newEnv(t, sample)
	v := e.mustRun(job.StatusSuccess).Version
	for _, o := range []VerifyOptions{{}, {Deep: true}, {Deep: true, Sample: 2}} {
		rep, err := Verify(context.Background(), e.dest, v, o)
		want := int64(6)
		if o.Sample > 0 {
			want = int64(o.Sample)
		}
		if err != nil || !rep.OK() || rep.FilesChecked != want || rep.Extra != 0 {
			t.Errorf("%+v: %+v, %v", o, rep, err)
		}
	}
}

func TestVerifyFindsDamage(t *testing.T) {
	e := newEnv(t, sample)
	v := e.mustRun(job.StatusSuccess).Version
	dir := filepath.Join(e.destDir, v)
	os.Remove(filepath.Join(dir, "docs", "report.pdf"))                             // missing
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("ALPHA"), 0o644)               // same size, other bytes
	os.WriteFile(filepath.Join(dir, "unicodé ✓", "ñ.txt"), []byte("longer"), 0o644) // other size
	os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("x"), 0o644)               // not in the manifest

	quick, err := Verify(context.Background(), e.dest, v, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if quick.Mode != "quick" || quick.Missing != 1 || quick.Mismatched != 1 || quick.Extra != 1 || quick.OK() {
		t.Errorf("quick %+v", quick)
	}
	deep, err := Verify(context.Background(), e.dest, v, VerifyOptions{Deep: true})
	if err != nil {
		t.Fatal(err)
	}
	if deep.Mode != "full" || deep.Missing != 1 || deep.Mismatched != 2 || deep.OK() {
		t.Errorf("deep %+v", deep)
	}
	if got := reasonOf(deep.Problems, "a.txt"); !strings.Contains(got, "SHA-256") {
		t.Errorf("a.txt: %q", got)
	}
}

// hashLister is a destination whose listing carries MD5s, as S3 does.
type hashLister struct {
	storage.Destination
	files []storage.FileInfo
}

func (h hashLister) ListFiles(context.Context, string) ([]storage.FileInfo, error) {
	return h.files, nil
}

func TestQuickVerifyComparesDestinationHashes(t *testing.T) {
	e := newEnv(t, map[string]string{"a": "a", "b": "b"})
	md5s := map[string]string{"a": "0cc175b9c0f1b6a831c399e269772661", "b": "92eb5ffee6ae2fec3ad71c777531578f"}
	e.dest = &hookDest{Destination: e.dest, putResult: func(p string, res storage.PutResult) storage.PutResult {
		return storage.PutResult{Size: res.Size, Hash: storage.Hash{Algo: "md5", Value: md5s[p]}}
	}}
	v := e.mustRun(job.StatusSuccess).Version
	_, es := e.manifestOf(v)
	if es[0].DestHash == nil || es[0].DestHash.Value != md5s["a"] {
		t.Fatalf("entry %+v", es[0])
	}
	d := hashLister{Destination: e.dest, files: []storage.FileInfo{
		{Path: "a", Size: 1, Hash: storage.Hash{Algo: "md5", Value: md5s["a"]}},
		{Path: "b", Size: 1, Hash: storage.Hash{Algo: "md5", Value: md5s["a"]}}, // damaged
	}}
	rep, err := Verify(context.Background(), d, v, VerifyOptions{})
	if err != nil || rep.Mismatched != 1 || reasonOf(rep.Problems, "b") == "" {
		t.Errorf("%+v, %v", rep, err)
	}
}

func TestQuickVerifyUnsupported(t *testing.T) {
	e := newEnv(t, map[string]string{"a": "a"})
	v := e.mustRun(job.StatusSuccess).Version
	plain := struct{ storage.Destination }{e.dest}
	if _, err := Verify(context.Background(), plain, v, VerifyOptions{}); !errors.Is(err, ErrQuickVerifyUnsupported) {
		t.Errorf("err %v", err)
	}
	if _, err := Verify(context.Background(), e.dest, "no-such-version", VerifyOptions{}); err == nil {
		t.Error("a missing version verified")
	}
}
