package drivefake_test

import (
	"testing"

	"google.golang.org/api/drive/v3"

	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// TestSharedDriveRoles follows Google's permission table: what each role
// may do to an item in a Shared Drive, and the capabilities reported.
func TestSharedDriveRoles(t *testing.T) {
	type may struct{ add, rename, trash, move, delete bool }
	for _, tc := range []struct {
		role string
		want may
	}{
		{drivefake.RoleOrganizer, may{true, true, true, true, true}},
		{drivefake.RoleFileOrganizer, may{true, true, true, true, false}},
		{drivefake.RoleWriter, may{true, true, false, false, false}},
		{drivefake.RoleCommenter, may{}},
		{drivefake.RoleReader, may{}},
	} {
		t.Run(tc.role, func(t *testing.T) {
			fake, svc := newService(t, "good")
			team := fake.AddSharedDrive("Team", true)
			dir := fake.Create(team, "dir", drivefake.FolderMime, nil, nil)
			other := fake.Create(team, "other", drivefake.FolderMime, nil, nil)
			item := fake.Create(dir, "a.txt", "text/plain", []byte("a"), nil)
			fake.SetDriveRole(team, tc.role)

			f, err := svc.Files.Get(dir).SupportsAllDrives(true).
				Fields("capabilities(canAddChildren,canTrashChildren,canDeleteChildren,canMoveItemWithinDrive)").Do()
			if err != nil {
				t.Fatal(err)
			}
			c := f.Capabilities
			if c.CanAddChildren != tc.want.add || c.CanTrashChildren != tc.want.trash ||
				c.CanDeleteChildren != tc.want.delete || c.CanMoveItemWithinDrive != tc.want.move {
				t.Fatalf("capabilities %+v, want %+v", *c, tc.want)
			}
			d, err := svc.Drives.Get(team).Fields("capabilities(canAddChildren,canTrashChildren,canDeleteChildren)").Do()
			if err != nil || d.Capabilities.CanAddChildren != tc.want.add ||
				d.Capabilities.CanTrashChildren != tc.want.trash || d.Capabilities.CanDeleteChildren != tc.want.delete {
				t.Fatalf("drives.get: %+v %v", d, err)
			}

			_, err = svc.Files.Create(&drive.File{Name: "new", Parents: []string{dir}}).SupportsAllDrives(true).Do()
			check(t, "create", err, tc.want.add)
			_, err = svc.Files.Update(item, &drive.File{Name: "b.txt"}).SupportsAllDrives(true).Do()
			check(t, "rename", err, tc.want.rename)
			_, err = svc.Files.Update(item, &drive.File{}).AddParents(other).RemoveParents(dir).SupportsAllDrives(true).Do()
			check(t, "move", err, tc.want.move)
			_, err = svc.Files.Update(item, &drive.File{Trashed: true}).SupportsAllDrives(true).Do()
			check(t, "trash", err, tc.want.trash)
			err = svc.Files.Delete(item).SupportsAllDrives(true).Do()
			check(t, "delete", err, tc.want.delete)
		})
	}
}

func check(t *testing.T, what string, err error, allowed bool) {
	t.Helper()
	if allowed && err != nil {
		t.Errorf("%s refused: %v", what, err)
	}
	if code, reason := apiCode(err); !allowed && (code != 403 || reason != "insufficientFilePermissions") {
		t.Errorf("%s = %v, want 403 insufficientFilePermissions", what, err)
	}
}

func TestMyDriveCapabilitiesOmitSharedDriveFields(t *testing.T) {
	fake, svc := newService(t, "good")
	dir := fake.Create("root", "dir", drivefake.FolderMime, nil, nil)
	f, err := svc.Files.Get(dir).Fields("capabilities").Do()
	if err != nil {
		t.Fatal(err)
	}
	if c := f.Capabilities; !c.CanAddChildren || !c.CanDelete || !c.CanTrash || c.CanTrashChildren || c.CanDeleteChildren {
		t.Fatalf("My Drive capabilities %+v", *c)
	}
	if _, err := svc.Drives.Get("0Anope").Do(); err == nil {
		t.Fatal("drives.get of an unknown drive worked")
	}
}
