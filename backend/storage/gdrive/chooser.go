package gdrive

import (
	"context"
	"errors"
	"slices"
	"strings"

	"google.golang.org/api/drive/v3"

	"github.com/avault/avault/backend/storage"
)

// MyDrive is the Choice id of the person's My Drive.
const MyDrive = "root"

// ListChoices lists what a person can pick a root from. At the top level
// (parent "") that is My Drive and every Shared Drive the account belongs
// to (listing Shared Drives needs the full drive scope; with drive.file
// only My Drive is offered). Below a drive or folder id it is the folders
// there, by name, each saying whether it has folders inside.
func (d *Dest) ListChoices(ctx context.Context, parent string) ([]storage.Choice, error) {
	if parent == "" {
		return d.drives(ctx)
	}
	q := inFolder(parent) + " and mimeType = '" + folderMime + "'"
	fs, err := d.listAcross(ctx, "list folders", q, "id,name")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(fs, func(a, b *drive.File) int { return strings.Compare(a.Name, b.Name) })
	withSub, err := d.haveSubfolders(ctx, fs)
	if err != nil {
		return nil, err
	}
	out := []storage.Choice{}
	for _, f := range fs {
		out = append(out, storage.Choice{ID: f.Id, Name: f.Name, Kind: "folder", HasSub: withSub[f.Id]})
	}
	return out, nil
}

// drives lists My Drive and the Shared Drives.
func (d *Dest) drives(ctx context.Context) ([]storage.Choice, error) {
	out := []storage.Choice{{ID: MyDrive, Name: "My Drive", Kind: "drive", HasSub: true}}
	token := ""
	for {
		var page *drive.DriveList
		err := d.do(ctx, "list shared drives", metaCall, func(ctx context.Context, _ bool) error {
			c := d.svc.Drives.List().PageSize(100).Fields("nextPageToken,drives(id,name)").Context(ctx)
			if token != "" {
				c.PageToken(token)
			}
			var err error
			page, err = c.Do()
			return err
		})
		if errors.Is(err, storage.ErrPermission) {
			return out, nil // drive.file cannot list Shared Drives
		}
		if err != nil {
			return nil, err
		}
		for _, dr := range page.Drives {
			out = append(out, storage.Choice{ID: dr.Id, Name: dr.Name, Kind: "drive", HasSub: true})
		}
		if token = page.NextPageToken; token == "" {
			return out, nil
		}
	}
}

// haveSubfolders reports which of fs contain folders, asking about up to
// 40 folders per listing.
func (d *Dest) haveSubfolders(ctx context.Context, fs []*drive.File) (map[string]bool, error) {
	has := map[string]bool{}
	for batch := range slices.Chunk(fs, 40) {
		var ors []string
		for _, f := range batch {
			ors = append(ors, quote(f.Id)+" in parents")
		}
		q := "mimeType = '" + folderMime + "' and trashed = false and (" + strings.Join(ors, " or ") + ")"
		subs, err := d.listAcross(ctx, "look for subfolders", q, "parents")
		if err != nil {
			return nil, err
		}
		for _, s := range subs {
			for _, p := range s.Parents {
				has[p] = true
			}
		}
	}
	return has, nil
}

// listAcross collects a listing across My Drive and every Shared Drive.
func (d *Dest) listAcross(ctx context.Context, what, q, fields string) ([]*drive.File, error) {
	var all []*drive.File
	err := d.pages(ctx, what, q, fields, true, func(fs []*drive.File) { all = append(all, fs...) })
	return all, err
}
