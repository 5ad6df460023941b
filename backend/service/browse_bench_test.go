package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage/s3/s3test"
)

// BenchmarkRestoreBrowserS3 lists one folder of a 20,000-file version on
// the local S3 server, as the restore browser does on each click: "first"
// reads the manifest from the bucket (the cache emptied before each click),
// "another-folder" opens a folder not listed before from the kept manifest,
// "back-to-a-folder" one listed before.
//
//	go test -run '^$' -bench RestoreBrowserS3 -benchtime 20x ./backend/service
func BenchmarkRestoreBrowserS3(b *testing.B) {
	srv := s3test.Start(b, s3test.Options{})
	s, nas := openTestService(b, Options{Version: "1.0.0"})
	ctx := context.Background()
	for d := range 100 {
		dir := filepath.Join(nas, "photos", fmt.Sprintf("d%03d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 200 {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("img%04d.jpg", f)), []byte(fmt.Sprint(d, f)), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	key, err := s.AddS3Credential(S3CredentialInput{Name: "versitygw", AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey})
	if err != nil {
		b.Fatal(err)
	}
	dest, err := s.CreateDestination(job.Destination{Name: "bucket", Kind: job.KindS3, CredentialID: key.ID, RemoteID: srv.Bucket,
		Options: map[string]string{"endpoint": srv.Endpoint, "region": srv.Region, "pathStyle": "true"}})
	if err != nil {
		b.Fatal(err)
	}
	j := s.NewJobDefaults()
	j.Name, j.SourcePath, j.DestinationID = "Photos", "photos", dest.ID
	if j, err = s.CreateJob(j); err != nil {
		b.Fatal(err)
	}
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		b.Fatal(err)
	}
	var done job.Run
	for deadline := time.Now().Add(10 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if done, err = s.GetRun(run.ID); err != nil || done.Status.IsFinal() || time.Now().After(deadline) {
			break
		}
	}
	if done.Status != job.StatusSuccess {
		b.Fatalf("backup: %s %s %v", done.Status, done.ErrorMessage, err)
	}
	list := func(b *testing.B, dir string) {
		entries, err := s.ListVersionFiles(ctx, j.ID, done.RemotePath, dir)
		if err != nil || len(entries) != 200 {
			b.Fatalf("%s: %d entries, %v", dir, len(entries), err)
		}
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			s.manifests.clear()
			list(b, "d042")
		}
	})
	b.Run("another-folder", func(b *testing.B) { // manifest kept, folder new (at most 100 iterations)
		s.manifests.clear()
		list(b, "d099")
		i := 0
		for b.Loop() {
			list(b, fmt.Sprintf("d%03d", i%99))
			i++
		}
		b.ReportMetric(float64(len(s.manifests.entries[manifestKey{dest: dest.ID, job: j.ID, version: done.RemotePath}].data)), "manifest-bytes")
	})
	b.Run("back-to-a-folder", func(b *testing.B) {
		list(b, "d042")
		for b.Loop() {
			list(b, "d042")
		}
	})
}
