package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

func wantErr(t *testing.T, what string, err error, sentinel error, text string) {
	t.Helper()
	if err == nil || (sentinel != nil && !errors.Is(err, sentinel)) || !strings.Contains(err.Error(), text) {
		t.Errorf("%s: got %v, want %v containing %q", what, err, sentinel, text)
	}
}

func TestCreateCredential(t *testing.T) {
	s := openTest(t, t.TempDir())
	c, _, _ := seed(t, s)
	if len(c.ID) != 26 || c.Status != job.CredentialOK || !c.CreatedAt.Equal(t0) || !c.UpdatedAt.Equal(t0) {
		t.Errorf("created credential: %+v", c)
	}
	_, err := s.CreateCredential(job.Credential{Name: "aws", Provider: job.KindS3}, nil)
	wantErr(t, "duplicate name", err, ErrConflict, `a credential named "AWS" already exists`)

	// A caller that sealed with the id first passes it in.
	id := NewID()
	g := must(s.CreateCredential(job.Credential{ID: id, Name: "Google", Provider: job.KindGDrive}, []byte("g-sealed")))
	if g.ID != id {
		t.Errorf("given id not kept: %s", g.ID)
	}
	_, err = s.CreateCredential(job.Credential{ID: id, Name: "Other", Provider: job.KindGDrive}, nil)
	wantErr(t, "duplicate id", err, nil, "already exists")
	_, err = s.CreateCredential(job.Credential{ID: "no/slash", Name: "Other", Provider: job.KindGDrive}, nil)
	wantErr(t, "bad id", err, nil, "is not a valid credential id")

	list := must(s.ListCredentials())
	if len(list) != 2 || list[0].Name != "AWS" || list[1].Name != "Google" {
		t.Fatalf("ListCredentials = %+v", list)
	}
	if raw, _ := json.Marshal(list); strings.Contains(string(raw), "sealed") {
		t.Errorf("list carries sealed bytes: %s", raw)
	}
	if got := string(must(s.SealedCredential(g.ID))); got != "g-sealed" {
		t.Errorf("SealedCredential = %q", got)
	}

}

func TestUpdateCredential(t *testing.T) {
	s := openTest(t, t.TempDir())
	seed(t, s)
	g := must(s.CreateCredential(job.Credential{Name: "Google", Provider: job.KindGDrive}, []byte("g-sealed")))
	// nil keeps the secret; a new one replaces it; the provider is fixed.
	s.now = func() time.Time { return t0.Add(time.Hour) }
	g.Name, g.Metadata = "Google (work)", map[string]string{"email": "a@example.com"}
	g = must(s.UpdateCredential(g, nil))
	if !g.CreatedAt.Equal(t0) || !g.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("update stamps: %v %v", g.CreatedAt, g.UpdatedAt)
	}
	if got := string(must(s.SealedCredential(g.ID))); got != "g-sealed" {
		t.Errorf("nil sealed replaced the secret: %q", got)
	}
	must(s.UpdateCredential(g, []byte("new")))
	if got := string(must(s.SealedCredential(g.ID))); got != "new" {
		t.Errorf("secret not replaced: %q", got)
	}
	g.Provider = job.KindS3
	_, err := s.UpdateCredential(g, nil)
	wantErr(t, "provider change", err, nil, "provider: cannot change")
	if got := must(s.GetCredential(g.ID)); got.Provider != job.KindGDrive {
		t.Errorf("refused update was stored: %+v", got)
	}

	ok(t, s.SetCredentialStatus(g.ID, job.CredentialReauth))
	if got := must(s.GetCredential(g.ID)); got.Status != job.CredentialReauth {
		t.Errorf("status = %s", got.Status)
	}
	_, err = s.GetCredential("missing")
	wantErr(t, "get missing", err, ErrNotFound, `credential "missing" not found`)
}

func TestHasSealedCredentials(t *testing.T) {
	s := openTest(t, t.TempDir())
	if must(s.HasSealedCredentials()) {
		t.Error("empty store has sealed credentials")
	}
	plain := must(s.CreateCredential(job.Credential{Name: "Local", Provider: job.KindLocal}, nil))
	if must(s.HasSealedCredentials()) {
		t.Error("a credential without secret counts as sealed")
	}
	c := must(s.CreateCredential(job.Credential{Name: "S3", Provider: job.KindS3}, []byte{1, 2}))
	if !must(s.HasSealedCredentials()) {
		t.Error("sealed credential not seen")
	}
	ok(t, s.DeleteCredential(c.ID))
	ok(t, s.DeleteCredential(plain.ID))
	if must(s.HasSealedCredentials()) {
		t.Error("deleting the credential left its secret")
	}
}

func TestDeleteRefusedWhileInUse(t *testing.T) {
	s := openTest(t, t.TempDir())
	c, d, j := seed(t, s)
	d2 := must(s.CreateDestination(job.Destination{Name: "Archive", Kind: job.KindS3, CredentialID: c.ID, RemoteID: "archive"}))
	err := s.DeleteCredential(c.ID)
	wantErr(t, "credential in use", err, ErrInUse,
		`credential "AWS" is used by destinations "Archive", "Bucket"; change or delete them first`)
	err = s.DeleteDestination(d.ID)
	wantErr(t, "destination in use", err, ErrInUse, `destination "Bucket" is used by job "Photos"; change or delete it first`)
	ok(t, s.DeleteJob(j.ID, DeleteJobOptions{}))
	ok(t, s.DeleteDestination(d.ID))
	ok(t, s.DeleteDestination(d2.ID))
	ok(t, s.DeleteCredential(c.ID))
	_, err = s.SealedCredential(c.ID)
	wantErr(t, "sealed after delete", err, ErrNotFound, "not found")
}

func TestDestinations(t *testing.T) {
	s := openTest(t, t.TempDir())
	c, d, _ := seed(t, s)
	_, err := s.CreateDestination(job.Destination{Name: "BUCKET", Kind: job.KindLocal, RemoteID: "/mnt/usb"})
	wantErr(t, "duplicate name", err, ErrConflict, `a destination named "Bucket" already exists`)
	_, err = s.CreateDestination(job.Destination{Name: "Drive", Kind: job.KindGDrive, CredentialID: c.ID, RemoteID: "root"})
	wantErr(t, "wrong provider", err, nil, `credentialId: credential "AWS" is for S3, not Google Drive`)
	_, err = s.CreateDestination(job.Destination{Name: "Drive", Kind: job.KindGDrive, CredentialID: "nope", RemoteID: "root"})
	wantErr(t, "missing credential", err, ErrNotFound, `credential "nope" not found`)
	_, err = s.CreateDestination(job.Destination{Name: "Bad", Kind: job.KindS3, CredentialID: c.ID})
	wantErr(t, "invalid", err, nil, "remoteId: enter the bucket name")

	local := must(s.CreateDestination(job.Destination{Name: "USB", Kind: job.KindLocal, RemoteID: "/mnt/usb"}))
	d.FolderPath = "/nas"
	d = must(s.UpdateDestination(d))
	if got := must(s.GetDestination(d.ID)); got.FolderPath != "/nas" {
		t.Errorf("update lost: %+v", got)
	}
	local.Kind, local.CredentialID, local.RemoteID = job.KindS3, c.ID, "bucket"
	_, err = s.UpdateDestination(local)
	wantErr(t, "kind change", err, nil, "kind: cannot change")
	d.Name = "usb"
	_, err = s.UpdateDestination(d)
	wantErr(t, "rename onto another", err, ErrConflict, `a destination named "USB" already exists`)
	if list := must(s.ListDestinations()); len(list) != 2 || list[0].Name != "Bucket" || list[1].Name != "USB" {
		t.Errorf("ListDestinations = %+v", list)
	}
}

func TestJobs(t *testing.T) {
	s := openTest(t, t.TempDir())
	_, d, j := seed(t, s)
	_, err := s.CreateJob(func() job.Job { x := j; x.ID = ""; x.Name = "PHOTOS"; return x }())
	wantErr(t, "duplicate name", err, ErrConflict, `a job named "Photos" already exists`)
	x := j
	x.ID, x.Name, x.DestinationID = "", "Other", "nope"
	_, err = s.CreateJob(x)
	wantErr(t, "missing destination", err, ErrNotFound, `destination "nope" not found`)
	x.Schedule = "every day"
	_, err = s.CreateJob(x)
	wantErr(t, "invalid", err, nil, "schedule:")

	last, next := t0.Add(-time.Hour), t0.Add(23*time.Hour)
	ok(t, s.SetJobLastRun(j.ID, last))
	ok(t, s.SetJobNextRun(j.ID, &next))
	edit := j
	edit.Description, edit.LastRunAt, edit.NextRunAt = "edited", nil, nil
	s.now = func() time.Time { return t0.Add(time.Minute) }
	must(s.UpdateJob(edit))
	got := must(s.GetJob(j.ID))
	if got.Description != "edited" || got.LastRunAt == nil || !got.LastRunAt.Equal(last) ||
		got.NextRunAt == nil || !got.NextRunAt.Equal(next) || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after edit: %+v", got)
	}
	ok(t, s.SetJobNextRun(j.ID, nil))
	if got := must(s.GetJob(j.ID)); got.NextRunAt != nil {
		t.Errorf("NextRunAt not cleared")
	}
	newJob(t, s, "Archive", d.ID)
	if list := must(s.ListJobs()); len(list) != 2 || list[0].Name != "Archive" {
		t.Errorf("ListJobs = %+v", list)
	}
}

func TestSettings(t *testing.T) {
	s := openTest(t, t.TempDir())
	st := must(s.GetSettings())
	if st.WorkerConcurrency != 2 || st.TransfersPerRun != 4 || st.KeySource != job.KeySourceKeyring {
		t.Errorf("defaults: %+v", st)
	}
	st.NASRoot, st.WorkerConcurrency = "/mnt/nas", 3
	ok(t, s.PutSettings(st))
	if got := must(s.GetSettings()); got.NASRoot != "/mnt/nas" || got.WorkerConcurrency != 3 {
		t.Errorf("stored: %+v", got)
	}
	wantErr(t, "invalid", s.PutSettings(job.Settings{NASRoot: "relative"}), nil, "nasRoot: must be an absolute path")
}

func TestKeyCheck(t *testing.T) {
	s := openTest(t, t.TempDir())
	if got := must(s.KeyCheck()); got != nil {
		t.Errorf("new store has key check %x", got)
	}
	ok(t, s.SetKeyCheck([]byte{9}))
	ok(t, s.SetKeyCheck(nil))
	if got := must(s.KeyCheck()); got != nil {
		t.Errorf("removed key check is %x", got)
	}
}
