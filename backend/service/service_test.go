package service

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/store"
)

const testKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

// newTestService opens a service on a fresh data folder, with the data key
// from the environment and no keyring (no session bus).
func newTestService(t *testing.T) (*Service, string) {
	t.Helper()
	return newTestServiceAt(t, nil)
}

// newTestServiceAt is newTestService with the clock now (time.Now when nil).
func newTestServiceAt(t *testing.T, now func() time.Time) (*Service, string) {
	t.Helper()
	return openTestService(t, Options{Version: "1.0.0", Now: now})
}

func TestOpenCreatesPrivateDataDirAndReportsStatus(t *testing.T) {
	s, _ := newTestService(t)
	fi, err := os.Stat(s.opts.DataDir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data dir: %v %v, want mode 0700", fi, err)
	}
	st := s.Status()
	if st.Version != "1.0.0" || st.KeySource != "environment" || st.KeyError != "" {
		t.Fatalf("Status() = %+v", st)
	}
}

func TestCredentialSecretIsSealedAndNeverListed(t *testing.T) {
	s, _ := newTestService(t)
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
	c, err := s.AddS3Credential(S3CredentialInput{Name: "aws", AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: secret})
	if err != nil {
		t.Fatal(err)
	}
	if c.Metadata["accessKeyId"] != "AKIA…MPLE" {
		t.Fatalf("masked key id = %q", c.Metadata["accessKeyId"])
	}
	raw, err := os.ReadFile(filepath.Join(s.opts.DataDir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), secret) || strings.Contains(string(raw), "AKIAIOSFODNN7EXAMPLE") {
		t.Fatal("the database holds the secret in the clear")
	}
	sec, err := s.unseal(c.ID)
	if err != nil || sec.Get("secretAccessKey") != secret {
		t.Fatalf("unseal: %v", err)
	}
	if _, err := s.AddS3Credential(S3CredentialInput{Name: "x", AccessKeyID: "A"}); err == nil {
		t.Fatal("a credential without a secret must be refused")
	}
}

func TestWrongKeyIsReportedAndNothingIsLost(t *testing.T) {
	s, _ := newTestService(t)
	c, err := s.AddS3Credential(S3CredentialInput{Name: "aws", AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "s3cr3t"})
	if err != nil {
		t.Fatal(err)
	}
	dir := s.opts.DataDir
	s.Close()
	t.Setenv("AVAULT_ENCRYPTION_KEY", strings.Repeat("ab", 32))
	s2, err := Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	st := s2.Status()
	if st.KeyError == "" || !strings.Contains(st.KeyError, "not the one that sealed") {
		t.Fatalf("want a wrong-key message, got %+v", st)
	}
	if _, err := s2.unseal(c.ID); err == nil {
		t.Fatal("unseal must fail with the wrong key")
	}
	creds, err := s2.ListCredentials()
	if err != nil || len(creds) != 1 {
		t.Fatalf("the credential must still be there: %v %v", creds, err)
	}
}

func TestDestinationsAndJobsKeepTheirReferences(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	disk := t.TempDir()
	d := job.Destination{Name: "Disk", Kind: job.KindLocal, RemoteID: disk}
	if err := s.TestDestination(ctx, d); err != nil {
		t.Fatalf("TestDestination: %v", err)
	}
	if err := s.TestDestination(ctx, job.Destination{Name: "Gone", Kind: job.KindLocal, RemoteID: filepath.Join(disk, "missing")}); err == nil {
		t.Fatal("a missing folder must fail the test")
	}
	d, err := s.CreateDestination(d)
	if err != nil {
		t.Fatal(err)
	}
	j := s.NewJobDefaults()
	j.Name, j.SourcePath, j.DestinationID = "Photos", "photos", d.ID
	j, err = s.CreateJob(j)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDestination(d.ID); err == nil || !strings.Contains(err.Error(), "Photos") {
		t.Fatalf("deleting a used destination must be refused naming the job, got %v", err)
	}
	bad := s.NewJobDefaults()
	bad.Name, bad.SourcePath, bad.DestinationID = "Escape", "../etc", d.ID
	if _, err := s.CreateJob(bad); err == nil {
		t.Fatal("a source outside the NAS root must be refused")
	}
	bad.SourcePath = "nope"
	if _, err := s.CreateJob(bad); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a missing source must be refused as not existing, got %v", err)
	}
	if err := s.DeleteJob(j.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDestination(d.ID); err != nil {
		t.Fatalf("an unused destination can be deleted: %v", err)
	}
}

func TestSettingsRefuseAMissingNASRoot(t *testing.T) {
	s, _ := newTestService(t)
	if _, err := s.UpdateSettings(job.Settings{NASRoot: "/definitely/not/here"}); err == nil || !strings.Contains(err.Error(), "mounted") {
		t.Fatalf("want a 'is the share mounted' error, got %v", err)
	}
	if _, err := s.UpdateSettings(job.Settings{NASRoot: "relative/path"}); err == nil {
		t.Fatal("a relative NAS root must be refused")
	}
	st, _ := s.Settings()
	if st.NASRoot == "" {
		t.Fatal("a refused change must keep the old settings")
	}
}

func TestHistoryFilterIsChecked(t *testing.T) {
	s, _ := newTestService(t)
	if _, err := s.ListHistory(store.HistoryFilter{Status: "BOGUS"}); err == nil {
		t.Fatal("an unknown status must be refused")
	}
	if _, err := s.ListHistory(store.HistoryFilter{Offset: -1}); err == nil {
		t.Fatal("a negative offset must be refused")
	}
	page, err := s.ListHistory(store.HistoryFilter{})
	if err != nil || page.Total != 0 {
		t.Fatalf("empty history: %+v %v", page, err)
	}
}

func removeAll(p string) error { return os.RemoveAll(p) }
