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
	namedFields  = "id,name,size,md5Checksum,createdTime" // uploadFields and the name
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
		err := d.do(ctx, what, metaCall, func(ctx context.Context, _ bool) error {
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
	path := ""
	for seg := range strings.SplitSeq(strings.Trim(d.o.FolderPath, "/"), "/") {
		if seg == "" {
			continue
		}
		path = strings.TrimPrefix(path+"/"+seg, "/")
		if id, err = d.folder(ctx, id, seg, path, nil, true, create); err != nil {
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
		err := d.do(ctx, "find the root folder", metaCall, func(ctx context.Context, _ bool) error {
			var err error
			f, err = d.svc.Files.Get(d.o.FolderID).SupportsAllDrives(true).
				Fields("id,mimeType,trashed,driveId").Context(ctx).Do()
			return err
		})
		if errors.Is(err, storage.ErrNotFound) {
			return "", storage.NewError(storage.ErrNotFound, notSeen, err)
		}
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

// notSeen explains a chosen root folder Google does not show.
const notSeen = "Google Drive: the chosen folder cannot be seen: it was deleted, or it is not shared with this account, " +
	"or the account signed in with access to Avault's own folders only (the drive.file scope, the default), " +
	"which shows only the folders and files Avault created itself, not folders made in Google Drive or by another app: " +
	"give a folder path for Avault to create instead, or sign in again allowing access to existing folders and Shared Drives"

// errNoFolder is returned when a folder that may not be created is missing.
var errNoFolder = storage.NewError(storage.ErrNotFound, "Google Drive: folder not found", nil)

// folder returns the id of the folder name in parent; path names it in
// messages. When lookup is set it first looks for one (the oldest, should
// there be several); when none is found it creates one with props, unless
// create is false. A create whose answer was lost is not repeated blindly:
// the retry looks first. A plain folder (props nil) is never taken for a
// folder carrying Avault's mark, so a folder of plain files beside a
// version of the same name stays apart.
func (d *Dest) folder(ctx context.Context, parent, name, path string, props map[string]string, lookup, create bool) (string, error) {
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
	err := d.do(ctx, "create folder "+path, metaCall, func(ctx context.Context, again bool) error {
		if again {
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

// findFolder returns the oldest live folder called exactly name in parent,
// or ""; when plain is set, the oldest that carries no Avault mark.
func (d *Dest) findFolder(ctx context.Context, parent, name string, plain bool) (string, error) {
	fs, err := d.folders(ctx, parent, "look for folder "+name)
	if err != nil {
		return "", err
	}
	for _, f := range fs {
		if f.Name == name && (!plain || f.Properties[propMark] == "") {
			return f.Id, nil
		}
	}
	return "", nil
}

// folders lists the live folders in parent, oldest first. It lists the
// parent rather than searching by name: Drive's name search ignores case
// and lags behind writes, a folder's listing does neither, so a folder
// made a moment ago (by a request whose answer was lost, or by the run
// before) is found, and Photos is never taken for photos.
func (d *Dest) folders(ctx context.Context, parent, what string) ([]*drive.File, error) {
	q := inFolder(parent) + " and mimeType = '" + folderMime + "'"
	fs, err := d.listAll(ctx, what, q, folderFields)
	oldestFirst(fs)
	return fs, err
}

// searchFiles finds the live files called exactly name in parent with a
// name search, oldest first: one request however full the folder is. Drive
// compares names without regard to case, so what the search returns is
// compared here; and its search lags behind writes, so a file made a
// moment ago may be missing, which callers allow for.
func (d *Dest) searchFiles(ctx context.Context, parent, name, what string) ([]*drive.File, error) {
	q := inFolder(parent) + " and name = " + quote(name) + " and mimeType != '" + folderMime + "'"
	return d.filesNamed(ctx, q, name, what)
}

// listedFiles finds the live files called exactly name in parent in a
// listing of the whole folder, oldest first: current at once, where a
// name search may lag.
func (d *Dest) listedFiles(ctx context.Context, parent, name, what string) ([]*drive.File, error) {
	return d.filesNamed(ctx, inFolder(parent)+" and mimeType != '"+folderMime+"'", name, what)
}

func (d *Dest) filesNamed(ctx context.Context, q, name, what string) ([]*drive.File, error) {
	var out []*drive.File
	err := d.list(ctx, what, q, namedFields, func(fs []*drive.File) {
		for _, f := range fs {
			if f.Name == name {
				out = append(out, f)
			}
		}
	})
	oldestFirst(out)
	return out, err
}

// remove deletes a folder or file for good, or trashes it when trash is
// set or a Shared Drive lets this account only trash. An item already gone
// counts as removed.
func (d *Dest) remove(ctx context.Context, id, what string, trash bool) error {
	for {
		err := d.do(ctx, what, metaCall, func(ctx context.Context, _ bool) error {
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
