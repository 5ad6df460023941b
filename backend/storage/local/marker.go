package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/avault/avault/backend/storage"
)

// MarkerName is the file that says a folder is an Avault destination. It
// is written when the destination is saved, and when a run finds
// versions but no marker (folders used before markers existed). A run on
// a destination opened with RequireMarker refuses to write where neither
// the marker nor any version is: that is what an unmounted disk's empty
// mount point looks like, and writing there would fill the system disk
// with a backup that vanishes under the disk once it is mounted again.
const MarkerName = ".avault-destination.json"

// OptionRequireMarker is the storage.Config option that makes the local
// kind open a destination with RequireMarker. The service sets it; it is
// not stored with a destination.
const OptionRequireMarker = "_requireMarker"

// marker is the content of MarkerName.
type marker struct {
	Avault  string    `json:"avault"`
	Created time.Time `json:"created"`
	About   string    `json:"about"`
}

// Mark writes the marker into the folder dir, if it is not there yet.
func Mark(dir string) error {
	d, err := New(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.mark()
}

func (d *Dest) mark() error {
	if _, err := d.root.Stat(MarkerName); err == nil {
		return nil
	}
	return d.writeJSON(MarkerName, marker{Avault: "destination", Created: time.Now().UTC().Truncate(time.Second),
		About: "Avault keeps backups in this folder. It checks for this file before writing, to tell that the disk is mounted."})
}

// checkMarker is Begin's check under RequireMarker: the marker is there,
// or versions are (and the marker is written then).
func (d *Dest) checkMarker(ctx context.Context) error {
	_, err := d.root.Stat(MarkerName)
	if err == nil {
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return d.err(MarkerName, err)
	}
	versions, err := d.ListVersions(ctx)
	if err != nil {
		return err
	}
	if len(versions) > 0 {
		return d.mark()
	}
	return storage.NewError(storage.ErrNotFound, fmt.Sprintf("the destination folder %s holds neither backups nor Avault's marker file %s: "+
		"is its disk mounted? Nothing was written. If the folder is meant to be empty, save the destination again to mark it",
		d.dir, MarkerName), nil)
}
