package service

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// TestGoogleStray401AndDeletedClient: a single 401 mid-run neither fails
// the run nor marks the account for signing in again; an OAuth client
// deleted in Google Cloud fails the run with a pointer to Settings, and
// does not mark it either (signing in again would not help).
func TestGoogleStray401AndDeletedClient(t *testing.T) {
	s, nas, auth, drive := googleService(t)
	ctx := context.Background()
	if _, err := s.UpdateSettings(job.Settings{NASRoot: nas, GoogleClientID: "client-123.apps.googleusercontent.com", GoogleClientSecret: "client-secret-xyz"}); err != nil {
		t.Fatal(err)
	}
	cred, err := s.ConnectGoogle(ctx, GoogleConnectInput{Name: "My Drive"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.CreateDestination(job.Destination{Name: "Drive", Kind: job.KindGDrive, CredentialID: cred.ID, RemoteID: "root", FolderPath: "Backups/NAS"})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := localJob(t, s, nas, 3)
	j.DestinationID = d.ID
	if j, err = s.UpdateJob(j); err != nil {
		t.Fatal(err)
	}

	drive.FailNext(1, drivefake.Unauthorized, "files.create.upload")
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if r := waitFinal(t, s, run.ID); r.Status != job.StatusSuccess {
		t.Fatalf("run with one stray 401: %s %q", r.Status, r.ErrorMessage)
	}
	if drive.Injected(drivefake.Unauthorized) != 1 {
		t.Fatal("the stray 401 was never sent")
	}
	if got, _ := s.store.GetCredential(cred.ID); got.Status != job.CredentialOK {
		t.Fatalf("after a stray 401 the credential is %q", got.Status)
	}

	// The OAuth client is deleted in Google Cloud; the token must refresh.
	sec, err := s.unseal(cred.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := gdrive.DecodeToken(sec.Get(gdrive.SecretToken))
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Hour)
	s.saveRefreshedToken(storageConfig(d, sec), &expired)
	auth.SetClientDeleted(true)
	run, err = s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	r := waitFinal(t, s, run.ID)
	if r.Status != job.StatusFailed || !strings.Contains(r.ErrorMessage, "enter the client id and secret again in Settings") {
		t.Fatalf("run with a deleted client: %s %q", r.Status, r.ErrorMessage)
	}
	if got, _ := s.store.GetCredential(cred.ID); got.Status != job.CredentialOK {
		t.Fatalf("a deleted client marked the credential %q", got.Status)
	}
}
