package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/s3"
	"github.com/avault/avault/backend/storage/s3/s3test"
)

// newS3Env is newEnv with a real S3 server (versitygw over HTTPS) as the
// destination, behind the retry decorator as the service wires it.
func newS3Env(t *testing.T, files map[string]string) (*env, *s3test.Server) {
	t.Helper()
	srv := s3test.Start(t, s3test.Options{TLS: true})
	e := newEnv(t, files)
	var b [6]byte
	rand.Read(b[:])
	d, err := s3.New(context.Background(), s3.Options{
		Bucket: srv.Bucket, Prefix: "nas/" + hex.EncodeToString(b[:]), Endpoint: srv.Endpoint, Region: srv.Region,
		PathStyle: true, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey, CAPEM: srv.Cert.PEM,
		PartSize: 5 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	e.dest = storage.WithRetry(d, storage.RetryOptions{})
	return e, srv
}

func TestS3IncrementalVerifyRestore(t *testing.T) {
	files := map[string]string{}
	for k, v := range sample {
		files[k] = v
	}
	big := make([]byte, 12<<20) // three parts: a multipart upload and copy
	rand.Read(big)
	files["big/blob.bin"] = string(big)
	e, _ := newS3Env(t, files)
	e.job.RetentionCount = 2

	first := e.mustRun(job.StatusSuccess)
	if first.FilesUploaded != 7 || first.BytesUploaded != first.BytesScanned {
		t.Errorf("first: %+v", first)
	}
	_, es := e.manifestOf(first.Version)
	for _, en := range es {
		// A multipart object read in one pass has no MD5 (see the
		// md5Pass option); its SHA-256 in the manifest stands for it.
		if multipart := en.Path == "big/blob.bin"; multipart != (en.DestHash == nil) || !multipart && en.DestHash.Algo != "md5" {
			t.Errorf("entry %s: destination hash %+v", en.Path, en.DestHash)
		}
	}
	second := e.mustRun(job.StatusSuccess)
	if second.FilesCopied != 7 || second.BytesUploaded != 0 {
		t.Errorf("second: copied %d, uploaded %d bytes", second.FilesCopied, second.BytesUploaded)
	}
	writeFiles(t, e.src, map[string]string{"a.txt": "changed"})
	third := e.mustRun(job.StatusSuccess)
	if third.FilesUploaded != 1 || third.FilesCopied != 6 || !slices.Equal(third.Deleted, []string{first.Version}) {
		t.Errorf("third: uploaded %d, copied %d, deleted %v", third.FilesUploaded, third.FilesCopied, third.Deleted)
	}

	ctx := context.Background()
	for _, o := range []VerifyOptions{{}, {Deep: true}} {
		rep, err := Verify(ctx, e.dest, third.Version, o)
		if err != nil || !rep.OK() || rep.FilesChecked != 7 || rep.Extra != 0 {
			t.Errorf("verify %+v: %+v, %v", o, rep, err)
		}
	}
	dir := t.TempDir()
	res, err := Restore(ctx, e.dest, third.Version, "", dir, RestoreOptions{Source: e.src})
	files["a.txt"] = "changed"
	if err != nil || res.Files != 7 || !equalTrees(treeOf(t, dir), files) {
		t.Errorf("restore: %+v, %v", res, err)
	}
}

func TestS3LeftoverAndCancel(t *testing.T) {
	e, _ := newS3Env(t, sample)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "Photos-interrupted", storage.Owner{JobID: "job1", RunID: "old"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Put(ctx, "half.bin", strings.NewReader("half"), 4, nil); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	base := e.dest
	e.dest = &hookDest{Destination: base, beforePut: func(ctx context.Context, p string) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}}
	if res := e.runCtx(cctx, Options{}); res.Status != job.StatusCancelled {
		t.Fatalf("cancelled run: %s %q", res.Status, res.ErrorMessage)
	}
	e.dest = base
	res := e.mustRun(job.StatusSuccess)
	left, _ := e.dest.ListLeftovers(ctx)
	if len(left) != 0 {
		t.Errorf("leftovers %v", left)
	}
	if got := e.versionNames(); !slices.Equal(got, []string{res.Version}) {
		t.Errorf("versions %v", got)
	}
}
