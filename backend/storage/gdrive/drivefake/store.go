package drivefake

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FolderMime is the MIME type of a Drive folder.
const FolderMime = "application/vnd.google-apps.folder"

// timeFormat is how Drive writes times (RFC 3339, milliseconds, UTC).
const timeFormat = "2006-01-02T15:04:05.000Z"

// file is one Drive item. A file has at most one parent, as in Drive since
// 2020; drive roots have none.
type file struct {
	ID, Name, MimeType string
	Parent             string
	DriveID            string            // "" in My Drive
	Props              map[string]string // public properties, visible to every app
	AppProps           map[string]string // private to the app that set them
	Trashed            bool              // explicitly trashed
	Created, Modified  time.Time
	Content            []byte
	MD5                string
	seq                int64
	// The search index behind name terms (Options.NameSearchLag): until
	// settle it holds oldName (nothing at all unless hasOld), after it Name.
	oldName string
	hasOld  bool
	settle  time.Time
	abusive bool // flagged as malware or spam (FlagAbuse)
	byApp   bool // created through the API (by this OAuth client), or granted (GrantFile)
}

type sharedDrive struct {
	ID, Name string
	Created  time.Time
	Role     string // the signed-in user's role (RoleOrganizer, ...)
}

func (f *file) folder() bool { return f.MimeType == FolderMime }

// setContent stores data and the checksums Drive computes on it.
func (f *file) setContent(data []byte) {
	f.Content = data
	sum := md5.Sum(data)
	f.MD5 = hex.EncodeToString(sum[:])
}

// lookup resolves id ("root" is My Drive's root). Items in Shared Drives are
// invisible unless the request said supportsAllDrives=true, as in Google.
// The caller holds s.mu.
func (s *Server) lookup(id string, allDrives bool) (*file, bool) {
	if id == "root" {
		id = RootID
	}
	f, ok := s.files[id]
	if !ok || (f.DriveID != "" && !allDrives) || !s.visible(f) {
		return nil, false
	}
	return f, true
}

// visible reports whether the client may see f: always, unless
// Options.FileScopeVisibility hides what it did not create. Drive roots
// are always visible. The caller holds s.mu.
func (s *Server) visible(f *file) bool {
	return !s.opts.FileScopeVisibility || f.byApp || f.Parent == ""
}

// GrantFile makes the item id visible to a client limited by
// FileScopeVisibility, as when the person opens it with the app (in
// Google's file picker).
func (s *Server) GrantFile(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.files[id]; ok {
		f.byApp = true
	}
}

// trashed reports whether f or one of its ancestors is in the trash.
func (s *Server) trashed(f *file) bool {
	for f != nil {
		if f.Trashed {
			return true
		}
		f = s.files[f.Parent]
	}
	return false
}

// toMap renders f as Drive's JSON file resource (every field the fake knows;
// the fields parameter then selects).
func (s *Server) toMap(f *file) map[string]any {
	m := map[string]any{
		"kind":              "drive#file",
		"id":                f.ID,
		"name":              f.Name,
		"mimeType":          f.MimeType,
		"trashed":           s.trashed(f),
		"explicitlyTrashed": f.Trashed,
		"createdTime":       f.Created.Format(timeFormat),
		"modifiedTime":      f.Modified.Format(timeFormat),
	}
	if f.Parent != "" {
		m["parents"] = []any{f.Parent}
	}
	if f.DriveID != "" {
		m["driveId"] = f.DriveID
	}
	for key, props := range map[string]map[string]string{"properties": f.Props, "appProperties": f.AppProps} {
		if len(props) > 0 {
			out := map[string]any{}
			for k, v := range props {
				out[k] = v
			}
			m[key] = out
		}
	}
	m["capabilities"] = s.capabilities(f)
	if !f.folder() {
		m["size"] = strconv.Itoa(len(f.Content))
		m["md5Checksum"] = f.MD5
	}
	return m
}

// fileFields is every field of a file resource the fake can return.
var fileFields = schema{
	"kind": nil, "id": nil, "name": nil, "mimeType": nil, "trashed": nil,
	"explicitlyTrashed": nil, "createdTime": nil, "modifiedTime": nil,
	"parents": nil, "driveId": nil, "properties": nil, "appProperties": nil,
	"size": nil, "md5Checksum": nil, "capabilities": nil,
}

// stamp is the createdTime of a new item: the real time, but a millisecond
// (createdTime's resolution) later than the item made before, so that an
// item made after another is always the younger one and tests need not
// wait for the clock to move on. The caller holds s.mu.
func (s *Server) stamp() time.Time {
	t := time.Now().UTC().Truncate(time.Millisecond)
	if !t.After(s.lastStamp) {
		t = s.lastStamp.Add(time.Millisecond)
	}
	s.lastStamp = t
	return t
}

// fileDefault is what Drive returns for a file when fields is not given.
var fileDefault = "kind,id,name,mimeType"

// insert adds a new item under parent; the caller holds s.mu and has
// checked that parent exists.
func (s *Server) insert(parent *file, name, mime string, props, appProps map[string]string) *file {
	s.seq++
	now := s.stamp()
	f := &file{
		ID: newID(), Name: name, MimeType: mime, Parent: parent.ID, DriveID: parent.DriveID,
		Props: maps.Clone(props), AppProps: maps.Clone(appProps), Created: now, Modified: now, seq: s.seq,
	}
	if s.opts.NameSearchLag > 0 {
		f.settle = s.now().Add(s.opts.NameSearchLag)
	}
	s.files[f.ID] = f
	return f
}

// searchName returns the name the search index holds for f, and false
// while f is not in the index yet (Options.NameSearchLag); the caller
// holds s.mu.
func (s *Server) searchName(f *file) (string, bool) {
	if f.settle.IsZero() || !s.now().Before(f.settle) {
		return f.Name, true
	}
	return f.oldName, f.hasOld
}

// rename gives f a new name, which the search index learns only after
// NameSearchLag; the caller holds s.mu.
func (s *Server) rename(f *file, name string) {
	if name == f.Name {
		return
	}
	if s.opts.NameSearchLag > 0 {
		f.oldName, f.hasOld = s.searchName(f)
		f.settle = s.now().Add(s.opts.NameSearchLag)
	}
	f.Name = name
}

// sameName compares names as name terms of files.list do.
func (s *Server) sameName(a, b string) bool {
	if s.opts.CaseInsensitiveNames {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// depth is how many folders deep f lies below the top of its drive (the
// top's children lie at 1); the caller holds s.mu.
func (s *Server) depth(f *file) int {
	n := 0
	for f != nil && f.Parent != "" {
		n++
		f = s.files[f.Parent]
	}
	return n
}

// height is how many levels of folders lie below folder f; the caller
// holds s.mu.
func (s *Server) height(f *file) int {
	h := 0
	for _, c := range s.children(f.ID) {
		if c.folder() {
			h = max(h, 1+s.height(c))
		}
	}
	return h
}

// tooDeep returns Google's error when a folder with levels of folders
// below it cannot go into parent without passing MaxFolderDepth; the
// caller holds s.mu.
func (s *Server) tooDeep(parent *file, levels int) *apiError {
	limit := s.opts.MaxFolderDepth
	if limit <= 0 || s.depth(parent)+1+levels <= limit {
		return nil
	}
	if parent.DriveID != "" {
		return apiErrorOf(http.StatusForbidden, "global", "teamDriveHierarchyTooDeep",
			"The shared drive hierarchy depth will exceed the limit.")
	}
	return apiErrorOf(http.StatusForbidden, "global", "myDriveHierarchyDepthLimitExceeded",
		fmt.Sprintf("Your My Drive can't contain more than %d levels of folders. For details, see "+
			"https://developers.google.com/workspace/drive/api/guides/handle-errors#nested-folder-levels.", limit))
}

// FlagAbuse flags file id as Drive flags malware or spam: it downloads
// only with acknowledgeAbuse=true, and is refused with 403
// cannotDownloadAbusiveFile without it.
func (s *Server) FlagAbuse(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.files[id]; ok {
		f.abusive = true
	}
}

// children returns the items directly in folder id, oldest first; the
// caller holds s.mu.
func (s *Server) children(id string) []*file {
	var out []*file
	for _, f := range s.files {
		if f.Parent == id {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *file) int { return int(a.seq - b.seq) })
	return out
}

// removeTree deletes f and everything below it; the caller holds s.mu.
func (s *Server) removeTree(f *file) {
	for _, c := range s.children(f.ID) {
		s.removeTree(c)
	}
	delete(s.files, f.ID)
}

// usage is the bytes stored in My Drive, trash included; the caller holds s.mu.
func (s *Server) usage() (total, inTrash int64) {
	for _, f := range s.files {
		if f.DriveID == "" {
			total += int64(len(f.Content))
			if s.trashed(f) {
				inTrash += int64(len(f.Content))
			}
		}
	}
	return total, inTrash
}

// driveItems counts the items of a Shared Drive; the caller holds s.mu.
func (s *Server) driveItems(driveID string) int {
	n := 0
	for _, f := range s.files {
		if f.DriveID == driveID && f.ID != driveID {
			n++
		}
	}
	return n
}

// Item is a snapshot of one Drive item, for tests to inspect.
type Item struct {
	ID, Name, MimeType string
	Size               int64
	MD5                string
	Trashed            bool
	Properties         map[string]string
	Created            time.Time
}

// Children lists the items directly in folder id (oldest first), trashed
// ones included.
func (s *Server) Children(id string) []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "root" {
		id = RootID
	}
	var out []Item
	for _, f := range s.children(id) {
		out = append(out, Item{ID: f.ID, Name: f.Name, MimeType: f.MimeType,
			Size: int64(len(f.Content)), MD5: f.MD5, Trashed: s.trashed(f),
			Properties: maps.Clone(f.Props), Created: f.Created})
	}
	return out
}

// Content returns a file's bytes.
func (s *Server) Content(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return nil, false
	}
	return slices.Clone(f.Content), true
}

// Usage returns the bytes stored in My Drive, trash included.
func (s *Server) Usage() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	total, _ := s.usage()
	return total
}

// Create puts an item straight into folder parent (as another client, or a
// person in the web UI, would) and returns its id. content is ignored for
// folders; props are public properties.
func (s *Server) Create(parent, name, mime string, content []byte, props map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if parent == "root" {
		parent = RootID
	}
	p, ok := s.files[parent]
	if !ok {
		panic("drivefake: Create: no folder " + parent)
	}
	f := s.insert(p, name, mime, props, nil)
	if !f.folder() {
		f.setContent(slices.Clone(content))
	}
	return f.ID
}

// AddSharedDrive creates a Shared Drive and returns its id (which is also
// the id of its root folder). canPurge says whether the signed-in user may
// delete permanently there (RoleOrganizer, a Manager) or only trash and
// move (RoleFileOrganizer, a Content manager); SetDriveRole sets any role.
func (s *Server) AddSharedDrive(name string, canPurge bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	id := "0A" + newID()[1:20]
	role := RoleFileOrganizer
	if canPurge {
		role = RoleOrganizer
	}
	s.drives = append(s.drives, &sharedDrive{ID: id, Name: name, Created: now, Role: role})
	s.seq++
	s.files[id] = &file{ID: id, Name: name, MimeType: FolderMime, DriveID: id,
		Created: now, Modified: now, seq: s.seq}
	return id
}

// drive returns the Shared Drive with id; the caller holds s.mu.
func (s *Server) drive(id string) *sharedDrive {
	for _, d := range s.drives {
		if d.ID == id {
			return d
		}
	}
	return nil
}
