package gdrive

import (
	"context"
	"errors"
	"slices"
	"strings"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/avault/avault/backend/storage"
)

// Properties that mark Avault's folders (public properties, see the
// package comment). Each key plus value must stay within 124 bytes.
const (
	propMark    = "avault"        // "pending" or "version"
	propJob     = "avaultJob"     // Owner.JobID
	propRun     = "avaultRun"     // Owner.RunID
	propCreated = "avaultCreated" // VersionInfo.Created, RFC 3339 with nanoseconds
	propFiles   = "avaultFiles"   // VersionInfo.Files
	propBytes   = "avaultBytes"   // VersionInfo.Bytes

	markPending = "pending"
	markVersion = "version"
)

// Fields asked for in listings.
const (
	folderFields = "id,name,createdTime,properties"
	fileFields   = "id,name,mimeType,size,md5Checksum,createdTime"
)

// quote returns s as a string literal of Drive's query language: in single
// quotes, with \ and ' escaped by a backslash.
func quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// inFolder is the query for the live (untrashed) items in a folder.
func inFolder(id string) string {
	return quote(id) + " in parents and trashed = false"
}

// list runs files.list for q in the destination's drive, one page at a
// time, handing each page's files to fn. fields are the file fields wanted.
func (d *Dest) list(ctx context.Context, what, q, fields string, fn func([]*drive.File)) error {
	return d.pages(ctx, what, q, fields, false, fn)
}

// pages is list; across searches My Drive and every Shared Drive, for a
// folder whose drive is not known.
func (d *Dest) pages(ctx context.Context, what, q, fields string, across bool, fn func([]*drive.File)) error {
	token := ""
	for {
		var page *drive.FileList
		err := d.do(ctx, what, metaCall, func(ctx context.Context, _ int) error {
			c := d.svc.Files.List().Q(q).PageSize(d.o.PageSize).SupportsAllDrives(true).
				Fields(googleapi.Field("nextPageToken,files(" + fields + ")")).Context(ctx)
			switch id := d.drive(); {
			case across:
				c.Corpora("allDrives").IncludeItemsFromAllDrives(true)
			case id != "":
				c.Corpora("drive").DriveId(id).IncludeItemsFromAllDrives(true)
			default:
				c.Corpora("user")
			}
			if token != "" {
				c.PageToken(token)
			}
			var err error
			page, err = c.Do()
			return err
		})
		if err != nil {
			return err
		}
		fn(page.Files)
		if token = page.NextPageToken; token == "" {
			return nil
		}
	}
}

// listAll collects every file of a listing.
func (d *Dest) listAll(ctx context.Context, what, q, fields string) ([]*drive.File, error) {
	var all []*drive.File
	err := d.list(ctx, what, q, fields, func(fs []*drive.File) { all = append(all, fs...) })
	return all, err
}

// oldestFirst orders Drive items by creation time, then id, so that a
// choice among items of the same name is the same every time.
func oldestFirst(fs []*drive.File) {
	slices.SortStableFunc(fs, func(a, b *drive.File) int {
		if c := strings.Compare(a.CreatedTime, b.CreatedTime); c != 0 {
			return c
		}
		return strings.Compare(a.Id, b.Id)
	})
}

func (d *Dest) drive() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.driveID
}

// root returns the root folder's id, finding FolderPath below FolderID
// (creating missing folders when create is set). Without FolderPath no
// request is made beyond learning a FolderID's Shared Drive.
func (d *Dest) root(ctx context.Context, create bool) (string, error) {
	d.mu.Lock()
	id := d.rootID
	d.mu.Unlock()
	if id != "" {
		return id, nil
	}
	id, err := d.base0(ctx)
	if err != nil {
		return "", err
	}
	for seg := range strings.SplitSeq(strings.Trim(d.o.FolderPath, "/"), "/") {
		if seg == "" {
			continue
		}
		if id, err = d.folder(ctx, id, seg, nil, true, create); err != nil {
			return "", err
		}
	}
	d.mu.Lock()
	d.rootID = id
	d.mu.Unlock()
	return id, nil
}

// base0 returns the folder FolderPath starts from: FolderID (learning its
// Shared Drive), the Shared Drive, or My Drive's root.
func (d *Dest) base0(ctx context.Context) (string, error) {
	switch {
	case d.o.FolderID != "":
		var f *drive.File
		err := d.do(ctx, "find the root folder", metaCall, func(ctx context.Context, _ int) error {
			var err error
			f, err = d.svc.Files.Get(d.o.FolderID).SupportsAllDrives(true).
				Fields("id,mimeType,trashed,driveId").Context(ctx).Do()
			return err
		})
		if err != nil {
			return "", err
		}
		if f.MimeType != folderMime || f.Trashed {
			return "", storage.NewError(storage.ErrNotFound, "Google Drive: the root is not a folder, or is in the trash", nil)
		}
		d.mu.Lock()
		if d.driveID == "" {
			d.driveID = f.DriveId
		}
		d.mu.Unlock()
		return f.Id, nil
	case d.drive() != "":
		return d.drive(), nil
	}
	return "root", nil
}

// errNoFolder is returned when a folder that may not be created is missing.
var errNoFolder = storage.NewError(storage.ErrNotFound, "Google Drive: folder not found", nil)

// folder returns the id of the folder name in parent. When lookup is set it
// first looks for one (the oldest, should there be several); when none is
// found it creates one with props, unless create is false. A create whose
// answer was lost is not repeated blindly: the retry looks first. A plain
// folder (props nil) is never taken for a folder carrying Avault's mark,
// so a folder of plain files beside a version of the same name stays apart.
func (d *Dest) folder(ctx context.Context, parent, name string, props map[string]string, lookup, create bool) (string, error) {
	plain := props == nil
	if lookup {
		if id, err := d.findFolder(ctx, parent, name, plain); err != nil || id != "" {
			return id, err
		}
	}
	if !create {
		return "", errNoFolder
	}
	var id string
	err := d.do(ctx, "create folder "+name, metaCall, func(ctx context.Context, attempt int) error {
		if attempt > 1 {
			found, err := d.findFolder(ctx, parent, name, plain)
			if err != nil || found != "" {
				id = found
				return err
			}
		}
		f, err := d.svc.Files.Create(&drive.File{Name: name, MimeType: folderMime,
			Parents: []string{parent}, Properties: props}).
			SupportsAllDrives(true).Fields("id").Context(ctx).Do()
		if err == nil {
			id = f.Id
		}
		return err
	})
	return id, err
}

// findFolder returns the oldest live folder called name in parent, or "";
// when plain is set, the oldest that carries no Avault mark.
func (d *Dest) findFolder(ctx context.Context, parent, name string, plain bool) (string, error) {
	q := inFolder(parent) + " and name = " + quote(name) + " and mimeType = '" + folderMime + "'"
	fs, err := d.listAll(ctx, "look for folder "+name, q, folderFields)
	if err != nil {
		return "", err
	}
	oldestFirst(fs)
	for _, f := range fs {
		if !plain || f.Properties[propMark] == "" {
			return f.Id, nil
		}
	}
	return "", nil
}

// remove deletes a folder or file for good, or trashes it when trash is
// set or a Shared Drive lets this account only trash. An item already gone
// counts as removed.
func (d *Dest) remove(ctx context.Context, id, what string, trash bool) error {
	for {
		err := d.do(ctx, what, metaCall, func(ctx context.Context, _ int) error {
			if trash {
				_, err := d.svc.Files.Update(id, &drive.File{Trashed: true}).
					SupportsAllDrives(true).Fields("id").Context(ctx).Do()
				return err
			}
			return d.svc.Files.Delete(id).SupportsAllDrives(true).Context(ctx).Do()
		})
		switch {
		case errors.Is(err, storage.ErrNotFound):
			return nil
		case !trash && d.drive() != "" && errors.Is(err, storage.ErrPermission):
			trash = true // a contributor may trash but not delete for good
			continue
		}
		return err
	}
}
