package gdrive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/avault/avault/backend/storage"
)

// Check finds the root (creating FolderPath when needed) and checks that it
// is a live folder the account may add to. In a Shared Drive it also reads
// what the account's role lets it do there: a backup removes files
// (interrupted runs, replaced files, retention), which takes at least the
// Content manager role; a Contributor may add files but not remove them,
// and is refused here, by name, rather than failing later at cleanup.
// Deleting for good takes the Manager role: for a Content manager deletes
// go to the trash instead (see Options.Trash), which Check logs.
func (d *Dest) Check(ctx context.Context) error {
	id, err := d.root(ctx, true)
	if err != nil {
		return err
	}
	var f *drive.File
	err = d.do(ctx, "check the root folder", metaCall, func(ctx context.Context, _ bool) error {
		f, err = d.svc.Files.Get(id).SupportsAllDrives(true).
			Fields("id,mimeType,trashed,driveId,capabilities(canAddChildren,canTrashChildren,canDeleteChildren)").
			Context(ctx).Do()
		return err
	})
	switch {
	case err != nil:
		return err
	case f.MimeType != folderMime || f.Trashed:
		return storage.NewError(storage.ErrNotFound, "Google Drive: the root is not a folder, or is in the trash", nil)
	case f.DriveId != "":
		return d.checkRole(f.Capabilities)
	case f.Capabilities == nil || !f.Capabilities.CanAddChildren:
		return storage.NewError(storage.ErrPermission, "Google Drive: this account may not add files to the root folder", nil)
	}
	return nil
}

// checkRole checks that the account's role in a Shared Drive, as its
// capabilities on the root folder tell, lets it add and remove files.
func (d *Dest) checkRole(c *drive.FileCapabilities) error {
	if c == nil {
		c = &drive.FileCapabilities{}
	}
	const ask = "; ask a Manager of the Shared Drive to make this account at least a Content manager"
	switch {
	case !c.CanAddChildren:
		return storage.NewError(storage.ErrPermission,
			"Google Drive: this account may only view or comment in the Shared Drive (Viewer or Commenter), "+
				"and backups need to add and remove files"+ask, nil)
	case !c.CanTrashChildren:
		return storage.NewError(storage.ErrPermission,
			"Google Drive: this account is a Contributor in the Shared Drive: it may add files but not remove them, "+
				"and backups remove files (leftovers of interrupted runs, replaced files, old versions)"+ask, nil)
	case !c.CanDeleteChildren && !d.o.Trash:
		d.log().Warn("Google Drive: this account is a Content manager in the Shared Drive: deleting for good needs the Manager role, " +
			"so deleted files go to the Shared Drive's trash instead (Google empties it after 30 days)")
	}
	return nil
}

// Begin creates .tmp-NAME with Avault's mark and owner, and .avault/owner.json
// in it. A pending place of exactly this owner is returned again.
func (d *Dest) Begin(ctx context.Context, name string, owner storage.Owner) (storage.Pending, error) {
	if err := storage.ValidateName(name); err != nil {
		return nil, err
	}
	if len(propJob)+len(owner.JobID) > 124 || len(propRun)+len(owner.RunID) > 124 {
		return nil, storage.NewError(storage.ErrInvalid, "Google Drive: job or run id longer than 110 bytes", nil)
	}
	root, err := d.root(ctx, true)
	if err != nil {
		return nil, err
	}
	tmp := storage.TmpPrefix + name
	all, err := d.folders(ctx, root, "begin "+name)
	if err != nil {
		return nil, err
	}
	taken := false
	for _, f := range all {
		switch {
		case f.Name == tmp && f.Properties[propMark] == markPending && ownerOf(f) == owner:
			return d.newPending(name, owner, f.Id, false), nil
		case f.Name == tmp || f.Name == name:
			taken = true
		}
	}
	if taken {
		return nil, storage.NewError(storage.ErrExists, fmt.Sprintf("Google Drive: %q or %q already exists", name, tmp), nil)
	}
	return d.beginNew(ctx, root, name, owner)
}

// beginNew creates a fresh pending place.
func (d *Dest) beginNew(ctx context.Context, root, name string, owner storage.Owner) (storage.Pending, error) {
	props := map[string]string{propMark: markPending, propJob: owner.JobID, propRun: owner.RunID}
	id, err := d.folder(ctx, root, storage.TmpPrefix+name, storage.TmpPrefix+name, props, false, true)
	if err != nil {
		return nil, err
	}
	p := d.newPending(name, owner, id, true)
	rec, _ := json.Marshal(owner)
	if _, err := p.store(ctx, storage.MetaDir+"/owner.json", bytes.NewReader(rec), int64(len(rec)), nil); err != nil {
		return nil, err
	}
	return p, nil
}

func ownerOf(f *drive.File) storage.Owner {
	return storage.Owner{JobID: f.Properties[propJob], RunID: f.Properties[propRun]}
}

// marked lists the root's live folders carrying mark, oldest first, called
// exactly name when name is not empty. It lists the root and picks them
// out itself, as a search by name or property may not find a folder
// committed a moment ago, and a search by name finds v1 for V1. A root
// that does not exist yet holds nothing.
func (d *Dest) marked(ctx context.Context, mark, name string) ([]*drive.File, error) {
	root, err := d.root(ctx, false)
	if errors.Is(err, errNoFolder) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	all, err := d.folders(ctx, root, "list "+mark+" folders")
	var fs []*drive.File
	for _, f := range all {
		if f.Properties[propMark] == mark && (name == "" || f.Name == name) {
			fs = append(fs, f)
		}
	}
	return fs, err
}

// ListVersions lists the committed versions by name. Of two version
// folders with the same name, the older one is the version.
func (d *Dest) ListVersions(ctx context.Context) ([]storage.VersionInfo, error) {
	fs, err := d.marked(ctx, markVersion, "")
	if err != nil {
		return nil, err
	}
	out := []storage.VersionInfo{}
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Name] || strings.HasPrefix(f.Name, storage.TmpPrefix) {
			continue
		}
		seen[f.Name] = true
		out = append(out, versionInfo(f))
		d.remember(f.Name, f.Id)
	}
	slices.SortFunc(out, func(a, b storage.VersionInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func versionInfo(f *drive.File) storage.VersionInfo {
	p := f.Properties
	created, _ := time.Parse(time.RFC3339Nano, p[propCreated])
	files, _ := strconv.ParseInt(p[propFiles], 10, 64)
	size, _ := strconv.ParseInt(p[propBytes], 10, 64)
	return storage.VersionInfo{Name: f.Name, Owner: ownerOf(f), Created: created, Files: files, Bytes: size}
}

// ListLeftovers lists the pending places Avault marked, by name.
func (d *Dest) ListLeftovers(ctx context.Context) ([]storage.Leftover, error) {
	fs, err := d.marked(ctx, markPending, "")
	if err != nil {
		return nil, err
	}
	out := []storage.Leftover{}
	seen := map[string]bool{}
	for _, f := range fs {
		name, ok := strings.CutPrefix(f.Name, storage.TmpPrefix)
		if !ok || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, storage.Leftover{Name: name, Owner: ownerOf(f)})
	}
	slices.SortFunc(out, func(a, b storage.Leftover) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// DeleteVersion undoes the commit of every version folder called name
// (renaming it back to .tmp-NAME), then deletes or trashes it.
func (d *Dest) DeleteVersion(ctx context.Context, name string) error {
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	fs, err := d.marked(ctx, markVersion, name)
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("Google Drive: no version %q", name), nil)
	}
	for _, f := range fs {
		d.forget(name, f.Id)
		err := d.do(ctx, "delete version "+name, metaCall, func(ctx context.Context, _ bool) error {
			_, err := d.svc.Files.Update(f.Id, &drive.File{Name: storage.TmpPrefix + name,
				Properties: map[string]string{propMark: markPending}}).
				SupportsAllDrives(true).Fields("id").Context(ctx).Do()
			return err
		})
		if err == nil {
			err = d.remove(ctx, f.Id, "delete version "+name, d.o.Trash)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// DeleteLeftover deletes (or trashes) every marked .tmp-NAME folder.
func (d *Dest) DeleteLeftover(ctx context.Context, name string) error {
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	fs, err := d.marked(ctx, markPending, storage.TmpPrefix+name)
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("Google Drive: no leftover %q", name), nil)
	}
	for _, f := range fs {
		if err := d.remove(ctx, f.Id, "delete leftover "+name, false); err != nil {
			return err
		}
	}
	return nil
}

// Open downloads a file of a committed version.
func (d *Dest) Open(ctx context.Context, version, path string) (io.ReadCloser, error) {
	if err := storage.ValidateName(version); err != nil {
		return nil, err
	}
	if err := storage.ValidatePath(path); err != nil {
		return nil, err
	}
	return d.open(ctx, version, path)
}

func (d *Dest) open(ctx context.Context, version, path string) (io.ReadCloser, error) {
	e, err := d.lookup(ctx, version, path)
	if err != nil {
		return nil, err
	}
	return d.media(ctx, e.id, "open "+version+"/"+path)
}

// media opens the content of file id (alt=media) for reading. A file
// Google flagged as malware or spam is refused unless the request
// acknowledges the risk: it is asked for once more with acknowledgeAbuse,
// as a backup must give back what it was given; the reader's Note says so.
func (d *Dest) media(ctx context.Context, id, what string) (io.ReadCloser, error) {
	var resp *http.Response
	acked := false
	err := d.do(ctx, what, streamCall, func(ctx context.Context, _ bool) error {
		var err error
		resp, err = d.download(ctx, id, acked)
		if !acked && abusive(err) {
			acked = true
			d.log().Warn("Google Drive flagged a file as malware or spam; downloading it with acknowledgeAbuse", "file", what)
			resp, err = d.download(ctx, id, true)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if acked {
		return &notedBody{ReadCloser: resp.Body, note: "flagged by Google Drive as malware or spam; " +
			"downloaded with acknowledgeAbuse, byte for byte as backed up"}, nil
	}
	return resp.Body, nil
}

// download asks for the content of file id.
func (d *Dest) download(ctx context.Context, id string, acknowledgeAbuse bool) (*http.Response, error) {
	c := d.svc.Files.Get(id).SupportsAllDrives(true)
	if acknowledgeAbuse {
		c.AcknowledgeAbuse(true)
	}
	return c.Context(ctx).Download()
}

// abusive reports Google's refusal to download a file flagged as malware
// or spam.
func abusive(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusForbidden && reasonOf(ge) == "cannotDownloadAbusiveFile"
}

// notedBody is a download with a note for the person (storage.Noter):
// restore and verify list it in their results with the files it concerns.
type notedBody struct {
	io.ReadCloser
	note string
}

// Note says what was special about the download.
func (b *notedBody) Note() string { return b.note }

// ReadManifest reads .avault/manifest.json.gz of a committed version.
func (d *Dest) ReadManifest(ctx context.Context, version string) ([]byte, error) {
	if err := storage.ValidateName(version); err != nil {
		return nil, err
	}
	rc, err := d.open(ctx, version, storage.MetaDir+"/"+storage.ManifestName)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, d.translate("read the manifest of "+version, err, false)
	}
	return data, nil
}

// ListFiles lists a committed version's files with Drive's sizes and MD5s.
func (d *Dest) ListFiles(ctx context.Context, version string) ([]storage.FileInfo, error) {
	if err := storage.ValidateName(version); err != nil {
		return nil, err
	}
	idx, err := d.index(ctx, version)
	if err != nil {
		return nil, err
	}
	out := []storage.FileInfo{}
	for p, e := range idx {
		if !strings.HasPrefix(p, storage.MetaDir+"/") {
			out = append(out, storage.FileInfo{Path: p, Size: e.size, Hash: md5Hash(e.md5)})
		}
	}
	slices.SortFunc(out, func(a, b storage.FileInfo) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

func md5Hash(v string) storage.Hash {
	if v == "" {
		return storage.Hash{}
	}
	return storage.Hash{Algo: "md5", Value: v}
}
