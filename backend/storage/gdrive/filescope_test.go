package gdrive_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// TestDriveFileScopeVisibility: with drive.file, a folder made in the web
// UI cannot be seen; the error says why and what to do. Folders Avault
// creates itself work, and a folder the person opened with the app does.
func TestDriveFileScopeVisibility(t *testing.T) {
	ctx := context.Background()
	fake := drivefake.New(drivefake.Options{Tokens: []string{token}, FileScopeVisibility: true})
	t.Cleanup(fake.Close)
	made := fake.Create("root", "Made in the web UI", drivefake.FolderMime, nil, nil)

	d, err := gdrive.New(ctx, testOptions(fake.URL(), made))
	if err != nil {
		t.Fatal(err)
	}
	err = d.Check(ctx)
	if !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), "drive.file") ||
		!strings.Contains(err.Error(), "only the folders and files Avault created itself") {
		t.Fatalf("Check of a folder drive.file cannot see = %v; want ErrNotFound explaining the scope", err)
	}

	own := testOptions(fake.URL(), "")
	own.FolderPath = "Avault/NAS"
	d, err = gdrive.New(ctx, own)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(ctx); err != nil {
		t.Fatalf("Check of folders Avault creates itself: %v", err)
	}
	writeVersion(t, d, "v1", map[string][]byte{"a.txt": []byte("a")})
	if vs, err := d.ListVersions(ctx); err != nil || len(vs) != 1 {
		t.Fatalf("ListVersions = %+v, %v", vs, err)
	}

	fake.GrantFile(made)
	d, _ = gdrive.New(ctx, testOptions(fake.URL(), made))
	if err := d.Check(ctx); err != nil {
		t.Fatalf("Check of a folder opened with the app: %v", err)
	}
}
