package local

import (
	"context"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// Kind describes local folder destinations for the registry. Config.Root is
// the folder's absolute path.
func Kind() storage.Kind {
	return storage.Kind{
		Name:        "local",
		Title:       "Local folder",
		Description: "A folder on another disk, a USB drive or a second NAS mounted on this computer.",
		Fields: append([]storage.Field{
			{Key: "root", Label: "Folder", Help: "Absolute path of an existing folder, e.g. /media/backup or E:\\Backups; Avault puts a small marker file in it, to notice when the disk is not mounted", Required: true},
		}, storage.OptionFields(job.KindLocal)...), // none so far
		Open: func(_ context.Context, cfg storage.Config) (storage.Destination, error) {
			d, err := New(cfg.Root)
			if err != nil {
				return nil, err
			}
			d.RequireMarker = cfg.Options[OptionRequireMarker] == "true"
			return d, nil
		},
	}
}
