package service

import (
	"context"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// TestDestinationTestRefusesAContributor tests a destination in a Shared
// Drive where the account is a Contributor, as 'avault dest test' and the
// window's Test do: it is refused, naming the role held and the one
// needed; as a Content manager the same destination passes.
func TestDestinationTestRefusesAContributor(t *testing.T) {
	s, nas, _, drive := googleService(t)
	ctx := context.Background()
	if _, err := s.UpdateSettings(job.Settings{NASRoot: nas, GoogleClientID: "client-123.apps.googleusercontent.com", GoogleClientSecret: "client-secret-xyz"}); err != nil {
		t.Fatal(err)
	}
	cred, err := s.ConnectGoogle(ctx, GoogleConnectInput{Name: "Drive", SharedDrives: true})
	if err != nil {
		t.Fatal(err)
	}
	team := drive.AddSharedDrive("Team", true)
	drive.SetDriveRole(team, drivefake.RoleWriter)
	d := job.Destination{Name: "Team", Kind: job.KindGDrive, CredentialID: cred.ID, RemoteID: team, FolderPath: "Backups"}
	err = s.TestDestination(ctx, d)
	if err == nil || !strings.Contains(err.Error(), "Contributor") || !strings.Contains(err.Error(), "Content manager") {
		t.Fatalf("testing as a Contributor: %v; want a refusal naming the role held and the one needed", err)
	}
	drive.SetDriveRole(team, drivefake.RoleFileOrganizer)
	if err := s.TestDestination(ctx, d); err != nil {
		t.Fatalf("testing as a Content manager: %v", err)
	}
}
