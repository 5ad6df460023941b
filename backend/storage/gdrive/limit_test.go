package gdrive_test

import (
	"context"
	"testing"

	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// A Shared Drive tells the engine its item limit, so that a run that
// would pass it is refused before it starts; My Drive has none.
func TestItemLimitOfASharedDrive(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, nil)
	if limit, where := e.dest.ItemLimit(); limit != 0 || where != "" {
		t.Errorf("My Drive: ItemLimit = %d, %q; want none", limit, where)
	}
	driveID := e.fake.AddSharedDrive("Team", true)
	d, err := gdrive.New(context.Background(), testOptions(e.fake.URL(), driveID))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Check(context.Background()); err != nil { // finds the root, and the drive it lies in
		t.Fatal(err)
	}
	if limit, where := d.ItemLimit(); limit != 400_000 || where != "a Google Shared Drive" {
		t.Errorf("Shared Drive: ItemLimit = %d, %q; want 400,000 in a Google Shared Drive", limit, where)
	}
}
