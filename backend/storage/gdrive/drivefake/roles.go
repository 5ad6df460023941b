package drivefake

import (
	"net/http"
)

// Roles a member can hold in a Shared Drive, by their API names. Google's
// web UI calls them Manager, Content manager, Contributor, Commenter and
// Viewer.
const (
	RoleOrganizer     = "organizer"     // Manager: everything, deleting for good included
	RoleFileOrganizer = "fileOrganizer" // Content manager: add, edit, move and trash
	RoleWriter        = "writer"        // Contributor: add and edit, but not move out or remove
	RoleCommenter     = "commenter"     // Commenter: read and comment
	RoleReader        = "reader"        // Viewer: read
)

// roleRank orders the roles: each may do what those below it may.
var roleRank = map[string]int{RoleReader: 1, RoleCommenter: 2, RoleWriter: 3, RoleFileOrganizer: 4, RoleOrganizer: 5}

// atLeast reports whether role grants what min does.
func atLeast(role, min string) bool { return roleRank[role] >= roleRank[min] }

// SetDriveRole sets the signed-in user's role in the Shared Drive id (one
// of the Role constants). Every request from then on follows Google's
// permission table for it: a writer (Contributor) may add files and
// folders, rename and edit them, but not trash, delete or move them; a
// fileOrganizer (Content manager) may also trash and move them; only an
// organizer (Manager) may delete for good. Readers and commenters may add
// nothing. The capabilities files.get and drives.get report follow the
// role too.
func (s *Server) SetDriveRole(id, role string) {
	if roleRank[role] == 0 {
		panic("drivefake: unknown Shared Drive role " + role)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.drive(id); d != nil {
		d.Role = role
	}
}

// role is the signed-in user's role for f: organizer in My Drive, where
// the user owns what the fake holds. The caller holds s.mu.
func (s *Server) role(f *file) string {
	if f.DriveID == "" {
		return RoleOrganizer
	}
	return s.drive(f.DriveID).Role
}

// capabilities says what the signed-in user may do with f, as files.get
// reports it: the fields that Google populates only for items in Shared
// Drives are left out in My Drive. The caller holds s.mu.
func (s *Server) capabilities(f *file) map[string]any {
	role, item, folder := s.role(f), f.Parent != "", f.folder()
	c := map[string]any{
		"canAddChildren":  folder && atLeast(role, RoleWriter),
		"canListChildren": folder,
		"canDownload":     !folder,
		"canEdit":         atLeast(role, RoleWriter),
		"canRename":       item && atLeast(role, RoleWriter),
		"canTrash":        item && atLeast(role, RoleFileOrganizer),
		"canDelete":       item && atLeast(role, RoleOrganizer),
	}
	if f.DriveID != "" {
		c["canTrashChildren"] = folder && atLeast(role, RoleFileOrganizer)
		c["canDeleteChildren"] = folder && atLeast(role, RoleOrganizer)
		c["canMoveItemWithinDrive"] = item && atLeast(role, RoleFileOrganizer)
		c["canMoveChildrenWithinDrive"] = folder && atLeast(role, RoleFileOrganizer)
	}
	return c
}

// allowed reports whether the signed-in user's role lets a change of f
// happen (at least min); the caller holds s.mu.
func (s *Server) allowed(f *file, min string) bool { return atLeast(s.role(f), min) }

// insufficient is Google's answer to a change the user's role forbids.
func insufficient() *apiError {
	return apiErrorOf(http.StatusForbidden, "global", "insufficientFilePermissions",
		"The user does not have sufficient permissions for this file.")
}

var driveSchema = schema{"kind": nil, "id": nil, "name": nil, "createdTime": nil, "hidden": nil, "capabilities": nil}

// getDrive is drives.get: the Shared Drive and what the user may do in it.
func (s *Server) getDrive(w http.ResponseWriter, r *http.Request) {
	if s.opts.FileScopeOnly { // drives.get, like drives.list, needs the drive scope
		writeError(w, http.StatusForbidden, "insufficientPermissions",
			"Request had insufficient authentication scopes.")
		return
	}
	s.mu.Lock()
	d := s.drive(r.PathValue("id"))
	var out map[string]any
	if d != nil {
		out = map[string]any{"kind": "drive#drive", "id": d.ID, "name": d.Name,
			"createdTime": d.Created.Format(timeFormat), "hidden": false, "capabilities": driveCapabilities(d.Role)}
	}
	s.mu.Unlock()
	if d == nil {
		writeError(w, http.StatusNotFound, "notFound", "Shared drive not found: "+r.PathValue("id"))
		return
	}
	writeSelected(w, r, out, driveSchema, "kind,id,name")
}

// driveCapabilities is a Shared Drive's capabilities for role.
func driveCapabilities(role string) map[string]any {
	return map[string]any{
		"canAddChildren":    atLeast(role, RoleWriter),
		"canComment":        atLeast(role, RoleCommenter),
		"canCopy":           true,
		"canDownload":       true,
		"canEdit":           atLeast(role, RoleWriter),
		"canListChildren":   true,
		"canRename":         atLeast(role, RoleWriter),
		"canTrashChildren":  atLeast(role, RoleFileOrganizer),
		"canDeleteChildren": atLeast(role, RoleOrganizer),
		"canManageMembers":  atLeast(role, RoleOrganizer),
		"canRenameDrive":    atLeast(role, RoleOrganizer),
		"canDeleteDrive":    atLeast(role, RoleOrganizer),
		"canShare":          atLeast(role, RoleOrganizer),
	}
}
