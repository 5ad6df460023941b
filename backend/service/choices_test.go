package service

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
	"github.com/avault/avault/backend/storage/s3"
	"github.com/avault/avault/backend/storage/s3/s3test"
)

func choiceNames(cs []storage.Choice) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestListChoicesLocalFolders(t *testing.T) {
	s, _ := newTestService(t)
	ctx := context.Background()
	disk := t.TempDir()
	for _, d := range []string{"backups", "Archive", ".hidden", "backups/nas"} {
		if err := os.MkdirAll(filepath.Join(disk, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(disk, "file.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(disk, "backups"), filepath.Join(disk, "link")); err != nil {
		t.Fatal(err)
	}
	// A form with nothing but the kind filled in can browse.
	d := job.Destination{Kind: job.KindLocal}
	got, err := s.ListChoices(ctx, d, disk)
	if err != nil {
		t.Fatal(err)
	}
	if names := choiceNames(got); !slices.Equal(names, []string{"Archive", "backups", "link", ".hidden"}) {
		t.Errorf("folders of %s: %v", disk, names)
	}
	if got[1].ID != filepath.Join(disk, "backups") || got[1].Kind != "folder" || !got[1].HasSub {
		t.Errorf("a folder's choice: %+v", got[1])
	}
	if sub, err := s.ListChoices(ctx, d, got[1].ID); err != nil || !slices.Equal(choiceNames(sub), []string{"nas"}) {
		t.Errorf("inside backups: %v, %v", choiceNames(sub), err)
	}
	top, err := s.ListChoices(ctx, d, "")
	first := strings.Split(strings.TrimPrefix(disk, string(filepath.Separator)), string(filepath.Separator))[0]
	if err != nil || !slices.Contains(choiceNames(top), first) {
		t.Errorf("the top level must list %q: %v, %v", first, choiceNames(top), err)
	}
	for parent, want := range map[string]string{
		filepath.Join(disk, "missing"):  "does not exist",
		filepath.Join(disk, "file.txt"): "is not a folder",
		"relative/path":                 "not an absolute folder path",
	} {
		if _, err := s.ListChoices(ctx, d, parent); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ListChoices(%q) = %v, want %q", parent, err, want)
		}
	}
	if _, err := s.ListChoices(ctx, job.Destination{Kind: "ftp"}, ""); err == nil || !strings.Contains(err.Error(), "must be one of local, s3 or gdrive") {
		t.Errorf("an unknown kind: %v", err)
	}
}

func TestListChoicesS3(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	s, _ := newTestService(t)
	ctx := context.Background()
	// Something under nas/2024 in the bucket: a committed version.
	d0, err := s3.New(ctx, s3.Options{Bucket: srv.Bucket, Prefix: "nas/2024", Endpoint: srv.Endpoint, Region: srv.Region,
		PathStyle: true, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	defer d0.Close()
	p, err := d0.Begin(ctx, "v1", storage.Owner{JobID: "j", RunID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Put(ctx, "a.txt", strings.NewReader("a"), 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(ctx, []byte("manifest"), storage.VersionInfo{Name: "v1", Owner: storage.Owner{JobID: "j", RunID: "r"}}); err != nil {
		t.Fatal(err)
	}

	opts := map[string]string{"endpoint": srv.Endpoint, "region": srv.Region, "pathStyle": "true"}
	if _, err := s.ListChoices(ctx, job.Destination{Kind: job.KindS3, Options: opts}, ""); err == nil || !strings.Contains(err.Error(), "choose the access key first") {
		t.Errorf("without a key: %v", err)
	}
	key, err := s.AddS3Credential(S3CredentialInput{Name: "versitygw", AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey})
	if err != nil {
		t.Fatal(err)
	}
	// No bucket yet, and a folder that must not matter.
	d := job.Destination{Kind: job.KindS3, CredentialID: key.ID, FolderPath: "not/there", Options: opts}
	buckets, err := s.ListChoices(ctx, d, "")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(buckets, func(c storage.Choice) bool { return c.Name == srv.Bucket })
	if i < 0 || buckets[i].ID != srv.Bucket || buckets[i].Kind != "bucket" {
		t.Fatalf("buckets %+v, want %s", buckets, srv.Bucket)
	}
	folders, err := s.ListChoices(ctx, d, buckets[i].ID)
	if err != nil || !slices.Equal(choiceNames(folders), []string{"nas"}) {
		t.Fatalf("folders in the bucket: %v, %v", choiceNames(folders), err)
	}
	sub, err := s.ListChoices(ctx, d, folders[0].ID)
	if err != nil || !slices.Equal(choiceNames(sub), []string{"2024"}) || sub[0].ID != srv.Bucket+"/nas/2024" {
		t.Fatalf("folders in nas: %+v, %v", sub, err)
	}

	const wrong = "wrong-secret-0123456789"
	bad, err := s.AddS3Credential(S3CredentialInput{Name: "wrong", AccessKeyID: srv.AccessKey, SecretAccessKey: wrong})
	if err != nil {
		t.Fatal(err)
	}
	d.CredentialID = bad.ID
	_, err = s.ListChoices(ctx, d, "")
	if err == nil || strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), srv.AccessKey) {
		t.Errorf("a wrong secret must fail without repeating the credential: %v", err)
	}
}

func TestListChoicesGoogleDrive(t *testing.T) {
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
	archive := drive.Create(team, "Archive", drivefake.FolderMime, nil, nil)
	drive.Create(archive, "2024", drivefake.FolderMime, nil, nil)

	if _, err := s.ListChoices(ctx, job.Destination{Kind: job.KindGDrive}, ""); err == nil || !strings.Contains(err.Error(), "choose the Google account first") {
		t.Errorf("without an account: %v", err)
	}
	d := job.Destination{Kind: job.KindGDrive, CredentialID: cred.ID, FolderPath: "Never/Made"}
	drives, err := s.ListChoices(ctx, d, "")
	if err != nil || !slices.Equal(choiceNames(drives), []string{"My Drive", "Team"}) || drives[1].ID != team {
		t.Fatalf("drives: %+v, %v", drives, err)
	}
	folders, err := s.ListChoices(ctx, d, team)
	if err != nil || !slices.Equal(choiceNames(folders), []string{"Archive"}) || !folders[0].HasSub {
		t.Fatalf("folders in Team: %+v, %v", folders, err)
	}
	if sub, err := s.ListChoices(ctx, d, folders[0].ID); err != nil || !slices.Equal(choiceNames(sub), []string{"2024"}) || sub[0].HasSub {
		t.Fatalf("folders in Archive: %+v, %v", sub, err)
	}
	for _, it := range drive.Children(drivefake.RootID) {
		if it.Name == "Never" {
			t.Error("listing choices created the destination's folder")
		}
	}
}

// chooseIn says so when a destination has nothing to choose from.
func TestChooseInWithoutAChooser(t *testing.T) {
	_, err := chooseIn(context.Background(), struct{ storage.Destination }{}, job.KindS3, "")
	if err == nil || !strings.Contains(err.Error(), "nothing to choose from") {
		t.Errorf("got %v", err)
	}
}
