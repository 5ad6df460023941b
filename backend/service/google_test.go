package service

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/oauth/oauthfake"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// googleService is a service whose Google endpoints are local fakes.
func googleService(t *testing.T) (*Service, string, *oauthfake.Server, *drivefake.Server) {
	s, nas := newTestService(t)
	auth := oauthfake.New("client-123.apps.googleusercontent.com", "client-secret-xyz")
	t.Cleanup(auth.Close)
	drive := drivefake.New(drivefake.Options{Authorize: auth.Valid})
	t.Cleanup(drive.Close)
	s.opts.GoogleOAuth = oauth.Config{AuthURL: auth.AuthURL(), TokenURL: auth.TokenURL(), RevokeURL: auth.RevokeURL()}
	s.opts.DriveBase = gdrive.Options{Endpoint: drive.URL() + "/"}
	s.kinds = s.newRegistry()
	// The "browser": follows the fake's redirect to the loopback callback.
	s.opts.OpenURL = func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	return s, nas, auth, drive
}

func TestGoogleSignInBackupAndReauth(t *testing.T) {
	s, nas, auth, drive := googleService(t)
	ctx := context.Background()
	if _, err := s.ConnectGoogle(ctx, GoogleConnectInput{Name: "Drive"}); err == nil || !strings.Contains(err.Error(), "Settings") {
		t.Fatalf("without a client, want a pointer to Settings, got %v", err)
	}
	if _, err := s.UpdateSettings(job.Settings{NASRoot: nas, GoogleClientID: "client-123.apps.googleusercontent.com", GoogleClientSecret: "client-secret-xyz"}); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Settings()
	if st.GoogleClientSecret != "" || !st.GoogleClientSecretSet {
		t.Fatalf("the client secret must be write-only: %+v", st)
	}
	cred, err := s.ConnectGoogle(ctx, GoogleConnectInput{Name: "My Drive"})
	if err != nil {
		t.Fatal(err)
	}
	if cred.Provider != job.KindGDrive || !strings.Contains(cred.Metadata["scopes"], "drive.file") {
		t.Fatalf("credential = %+v", cred)
	}

	d, err := s.CreateDestination(job.Destination{Name: "Drive", Kind: job.KindGDrive, CredentialID: cred.ID, RemoteID: "root", FolderPath: "Backups/NAS"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TestDestination(ctx, d); err != nil {
		t.Fatalf("TestDestination: %v", err)
	}
	j, _ := localJob(t, s, nas, 5)
	j.DestinationID = d.ID
	if j, err = s.UpdateJob(j); err != nil {
		t.Fatal(err)
	}
	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if r := waitFinal(t, s, run.ID); r.Status != job.StatusSuccess || r.FilesUploaded != 5 {
		t.Fatalf("Drive run: %+v", r)
	}
	if drive.Requests() == 0 {
		t.Fatal("nothing reached the Drive fake")
	}

	// The refresh token is revoked: the next run fails and asks to sign in again.
	sec, err := s.unseal(cred.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := gdrive.DecodeToken(sec.Get(gdrive.SecretToken))
	auth.RevokeRefresh(tok.RefreshToken)
	auth.SetAccessTTL(time.Nanosecond)
	expired := *tok
	expired.Expiry = time.Now().Add(-time.Hour)
	s.saveRefreshedToken(storageConfig(d, sec), &expired)
	run, err = s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	r := waitFinal(t, s, run.ID)
	if r.Status != job.StatusFailed || !strings.Contains(r.ErrorMessage, "sign in to Google again") {
		t.Fatalf("run after revocation: %s %q", r.Status, r.ErrorMessage)
	}
	got, _ := s.store.GetCredential(cred.ID)
	if got.Status != job.CredentialReauth {
		t.Fatalf("credential status = %q, want reauth", got.Status)
	}

	// Signing in again replaces the token in place: same account, same
	// destination, and the next run succeeds.
	auth.SetAccessTTL(time.Hour)
	again, err := s.ConnectGoogle(ctx, GoogleConnectInput{CredentialID: cred.ID, Name: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != cred.ID || again.Name != "My Drive" || again.Status != job.CredentialOK {
		t.Fatalf("signed in again: %+v", again)
	}
	if all, _ := s.ListCredentials(); len(all) != 1 {
		t.Fatalf("%d credentials after signing in again, want the same one", len(all))
	}
	sec2, err := s.unseal(cred.ID)
	if err != nil {
		t.Fatal(err)
	}
	if tok2, _ := gdrive.DecodeToken(sec2.Get(gdrive.SecretToken)); tok2 == nil || tok2.RefreshToken == tok.RefreshToken {
		t.Fatal("the token was not replaced")
	}
	run, err = s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	if r := waitFinal(t, s, run.ID); r.Status != job.StatusSuccess {
		t.Fatalf("run after signing in again: %s %q", r.Status, r.ErrorMessage)
	}

	// Only Google accounts can sign in again; unknown ids are refused.
	s3c, err := s.AddS3Credential(S3CredentialInput{Name: "S3", AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret-value-123"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConnectGoogle(ctx, GoogleConnectInput{CredentialID: s3c.ID}); err == nil || !strings.Contains(err.Error(), "not a Google account") {
		t.Errorf("signing an S3 account in to Google: %v", err)
	}
	if _, err := s.ConnectGoogle(ctx, GoogleConnectInput{CredentialID: "no-such-id"}); err == nil {
		t.Error("signing in again an unknown account succeeded")
	}
}

// TestGoogleSignInTask: the window's sign-in is a task; it ends with the
// account it connected, and one cancelled while Google's page waits ends
// CANCELLED and stores nothing.
func TestGoogleSignInTask(t *testing.T) {
	s, nas, _, _ := googleService(t)
	if _, err := s.StartConnectGoogle(GoogleConnectInput{Name: "Drive"}); err == nil || !strings.Contains(err.Error(), "Settings") {
		t.Fatalf("without a client the task must not start: %v", err)
	}
	if _, err := s.UpdateSettings(job.Settings{NASRoot: nas, GoogleClientID: "client-123.apps.googleusercontent.com", GoogleClientSecret: "client-secret-xyz"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartConnectGoogle(GoogleConnectInput{CredentialID: "missing"}); err == nil {
		t.Fatal("signing in again an account that does not exist started a task")
	}
	task, err := s.StartConnectGoogle(GoogleConnectInput{Name: "My Drive"})
	if err != nil {
		t.Fatal(err)
	}
	if task.Kind != TaskSignIn || task.Status != TaskRunning || !strings.Contains(task.Title, "My Drive") {
		t.Fatalf("started %+v", task)
	}
	done := waitTask(t, s, task.ID)
	if done.Status != TaskSuccess || done.Credential == nil || done.Credential.Name != "My Drive" || done.Credential.Provider != job.KindGDrive {
		t.Fatalf("ended %+v", done)
	}

	// A browser that never comes back: the person cancels.
	s.opts.OpenURL = func(string) error { return nil }
	task, err = s.StartConnectGoogle(GoogleConnectInput{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CancelTask(task.ID); err != nil {
		t.Fatal(err)
	}
	if done := waitTask(t, s, task.ID); done.Status != TaskCancelled || done.Credential != nil {
		t.Fatalf("cancelled sign-in ended %+v", done)
	}
	if all, _ := s.ListCredentials(); len(all) != 1 {
		t.Fatalf("%d credentials after a cancelled sign-in, want 1", len(all))
	}
}
