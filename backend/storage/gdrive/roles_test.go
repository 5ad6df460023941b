package gdrive_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// inSharedDrive opens a destination in a folder of a Shared Drive where the
// account holds role; trash sets Options.Trash. log receives what Check
// logs.
func inSharedDrive(t *testing.T, role string, trash bool) (*gdrive.Dest, *drivefake.Server, *bytes.Buffer) {
	t.Helper()
	fake := drivefake.New(drivefake.Options{Tokens: []string{token}})
	t.Cleanup(fake.Close)
	team := fake.AddSharedDrive("Team", true)
	folder := fake.Create(team, "Backups", drivefake.FolderMime, nil, nil)
	fake.SetDriveRole(team, role)
	var log bytes.Buffer
	o := testOptions(fake.URL(), folder)
	o.Trash = trash
	o.Logger = slog.New(slog.NewTextHandler(&log, nil))
	d, err := gdrive.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, fake, &log
}

func TestCheckRefusesRolesThatCannotRemoveFiles(t *testing.T) {
	for _, tc := range []struct {
		role, says string
	}{
		{drivefake.RoleWriter, "is a Contributor"},
		{drivefake.RoleCommenter, "Viewer or Commenter"},
		{drivefake.RoleReader, "Viewer or Commenter"},
	} {
		t.Run(tc.role, func(t *testing.T) {
			d, _, _ := inSharedDrive(t, tc.role, false)
			err := d.Check(context.Background())
			if !errors.Is(err, storage.ErrPermission) {
				t.Fatalf("Check as %s = %v, want ErrPermission", tc.role, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tc.says) || !strings.Contains(msg, "at least a Content manager") {
				t.Fatalf("Check as %s says %q: it should name the role and the one needed", tc.role, msg)
			}
		})
	}
}

func TestContentManagerTrashesInsteadOfDeleting(t *testing.T) {
	ctx := context.Background()
	for _, trash := range []bool{false, true} {
		d, fake, log := inSharedDrive(t, drivefake.RoleFileOrganizer, trash)
		if err := d.Check(ctx); err != nil {
			t.Fatalf("Check as a Content manager: %v", err)
		}
		said := strings.Contains(log.String(), "deleting for good needs the Manager role")
		if said == trash {
			t.Fatalf("trash=%v: Check logged %q; it should say deletes go to the trash only when trash is off", trash, log)
		}
		writeVersion(t, d, "v1", map[string][]byte{"a.txt": []byte("a")})
		if err := d.DeleteVersion(ctx, "v1"); err != nil {
			t.Fatalf("DeleteVersion as a Content manager: %v", err)
		}
		if n := fake.Calls("files.delete"); trash && n != 0 {
			t.Fatalf("with trash on, %d files.delete calls", n)
		}
		if vs, _ := d.ListVersions(ctx); len(vs) != 0 {
			t.Fatalf("versions after delete: %+v", vs)
		}
	}
}

func TestManagerDeletesForGood(t *testing.T) {
	ctx := context.Background()
	d, fake, log := inSharedDrive(t, drivefake.RoleOrganizer, false)
	if err := d.Check(ctx); err != nil || log.Len() != 0 {
		t.Fatalf("Check as a Manager: %v, logged %q", err, log)
	}
	writeVersion(t, d, "v1", map[string][]byte{"a.txt": []byte("a")})
	if err := d.DeleteVersion(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	if fake.Calls("files.delete") == 0 {
		t.Fatal("a Manager's delete did not delete for good")
	}
}

// TestContributorFailsWithoutTheCheck shows why Check refuses a
// Contributor: writing works, removing does not.
func TestContributorFailsWithoutTheCheck(t *testing.T) {
	ctx := context.Background()
	d, _, _ := inSharedDrive(t, drivefake.RoleWriter, false)
	writeVersion(t, d, "v1", map[string][]byte{"a.txt": []byte("a")})
	if err := d.DeleteVersion(ctx, "v1"); !errors.Is(err, storage.ErrPermission) {
		t.Fatalf("DeleteVersion as a Contributor = %v, want ErrPermission", err)
	}
}
