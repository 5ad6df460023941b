package drivefake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// meta is the writable part of a file resource in a request body.
type meta struct {
	Name          *string            `json:"name"`
	MimeType      string             `json:"mimeType"`
	Parents       []string           `json:"parents"`
	Properties    map[string]*string `json:"properties"`
	AppProperties map[string]*string `json:"appProperties"`
	Trashed       *bool              `json:"trashed"`
}

func decodeMeta(r io.Reader) (meta, error) {
	var m meta
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		return m, err
	}
	return m, json.Unmarshal(data, &m)
}

var listSchema = schema{"kind": nil, "nextPageToken": nil, "incompleteSearch": nil, "files": fileFields}

// checkCorpora applies Google's rules for the shared-drive parameters of
// files.list and returns the message of the error to answer, if any.
func checkCorpora(q url.Values) string {
	corpora, driveID := q.Get("corpora"), q.Get("driveId")
	all := q.Get("includeItemsFromAllDrives") == "true"
	switch {
	case corpora != "" && corpora != "user" && corpora != "drive" && corpora != "allDrives":
		return "Invalid Value"
	case driveID != "" && corpora != "drive":
		return "The corpora parameter must be drive when driveId is specified."
	case corpora == "drive" && driveID == "":
		return "The driveId parameter is required when corpora is drive."
	case (corpora == "drive" || corpora == "allDrives") && !all:
		return "The includeItemsFromAllDrives parameter must be true when searching shared drives."
	case all && q.Get("supportsAllDrives") != "true":
		return "The includeItemsFromAllDrives parameter is only supported when supportsAllDrives is true."
	}
	return ""
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if msg := checkCorpora(q); msg != "" {
		writeParamError(w, "corpora", msg)
		return
	}
	match, err := parseQuery(q.Get("q"))
	if err != nil {
		writeParamError(w, "q", "Invalid Value")
		return
	}
	size, offset, ok := pageParams(w, q, 100, 1000)
	if !ok {
		return
	}
	less, err := orderBy(q.Get("orderBy"))
	if err != nil {
		writeParamError(w, "orderBy", err.Error())
		return
	}
	s.mu.Lock()
	if d := q.Get("driveId"); d != "" && s.drive(d) == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "notFound", "Shared drive not found: "+d)
		return
	}
	hits := s.match(q, match)
	slices.SortStableFunc(hits, less)
	resp := map[string]any{"kind": "drive#fileList", "incompleteSearch": false}
	page := []any{}
	for _, f := range hits[min(offset, len(hits)):min(offset+size, len(hits))] {
		page = append(page, s.toMap(f))
	}
	s.mu.Unlock()
	resp["files"] = page
	if offset+size < len(hits) {
		resp["nextPageToken"] = pageToken(offset + size)
	}
	writeSelected(w, r, resp, listSchema, "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)")
}

// match returns the items of the requested corpus that satisfy the query;
// the caller holds s.mu.
func (s *Server) match(q url.Values, match pred) []*file {
	driveID := q.Get("driveId")
	all := q.Get("includeItemsFromAllDrives") == "true"
	var hits []*file
	for _, f := range s.files {
		switch {
		case f.Parent == "": // drive roots are never listed
		case driveID != "" && f.DriveID != driveID:
		case driveID == "" && f.DriveID != "" && !all:
		case !s.visible(f):
		case match(s, f):
			hits = append(hits, f)
		}
	}
	slices.SortFunc(hits, func(a, b *file) int { return int(a.seq - b.seq) })
	return hits
}

// orderBy supports "name", "createdTime" and "modifiedTime", each with an
// optional " desc", comma-separated.
func orderBy(spec string) (func(a, b *file) int, error) {
	var keys []func(a, b *file) int
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		field, dir, _ := strings.Cut(part, " ")
		var k func(a, b *file) int
		switch field {
		case "name":
			k = func(a, b *file) int { return strings.Compare(a.Name, b.Name) }
		case "createdTime":
			k = func(a, b *file) int { return a.Created.Compare(b.Created) }
		case "modifiedTime":
			k = func(a, b *file) int { return a.Modified.Compare(b.Modified) }
		default:
			return nil, fmt.Errorf("Invalid orderBy field %q", field)
		}
		if strings.TrimSpace(dir) == "desc" {
			asc := k
			k = func(a, b *file) int { return -asc(a, b) }
		}
		keys = append(keys, k)
	}
	return func(a, b *file) int {
		for _, k := range keys {
			if c := k(a, b); c != 0 {
				return c
			}
		}
		return 0
	}, nil
}

// pageParams reads pageSize and pageToken, answering 400 when they are bad.
func pageParams(w http.ResponseWriter, q url.Values, def, max int) (size, offset int, ok bool) {
	size = def
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > max {
			writeParamError(w, "pageSize", fmt.Sprintf("Invalid value '%s'. Values must be within the range: [1, %d]", v, max))
			return 0, 0, false
		}
		size = n
	}
	if t := q.Get("pageToken"); t != "" {
		raw, err := base64.RawURLEncoding.DecodeString(t)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || err2 != nil || n < 0 {
			writeParamError(w, "pageToken", "Invalid Value")
			return 0, 0, false
		}
		offset = n
	}
	return size, offset, true
}

func pageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.lookup(r.PathValue("id"), boolParam(r, "supportsAllDrives"))
	if !ok {
		s.mu.Unlock()
		writeNotFound(w, r.PathValue("id"))
		return
	}
	if r.URL.Query().Get("alt") == "media" {
		content, folder, mime, abusive := f.Content, f.folder(), f.MimeType, f.abusive
		s.mu.Unlock()
		if folder {
			writeError(w, http.StatusForbidden, "fileNotDownloadable", "Only files with binary content can be downloaded. Use Export with Docs Editors files.")
			return
		}
		if abusive && !boolParam(r, "acknowledgeAbuse") {
			writeError(w, http.StatusForbidden, "cannotDownloadAbusiveFile",
				"This file has been identified as malware or spam and cannot be downloaded.")
			return
		}
		w.Header().Set("Content-Type", mime)
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Write(content)
		return
	}
	m := s.toMap(f)
	s.mu.Unlock()
	writeSelected(w, r, m, fileFields, fileDefault)
}

func (s *Server) createFile(w http.ResponseWriter, r *http.Request) {
	m, err := decodeMeta(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "parseError", "Parse Error")
		return
	}
	s.finishCreate(w, r, m, nil, r.URL.Query(), nil)
}

// finishCreate creates an item from m (with content unless nil), answering
// with the resource or an error. params are the creating request's query;
// made, when not nil, is told of the new item while s.mu is held.
func (s *Server) finishCreate(w http.ResponseWriter, r *http.Request, m meta, content []byte, params url.Values, made func(*file)) {
	s.mu.Lock()
	f, apiErr := s.create(m, content, params.Get("supportsAllDrives") == "true")
	var out map[string]any
	if apiErr == nil {
		out = s.toMap(f)
		if made != nil {
			made(f)
		}
	}
	s.mu.Unlock()
	if apiErr != nil {
		writeGoogleError(w, apiErr.Code, *apiErr)
		return
	}
	r.URL.RawQuery = params.Encode() // the fields asked for when the upload began
	writeSelected(w, r, out, fileFields, fileDefault)
}

// create checks the rules and limits and inserts the item; the caller holds s.mu.
func (s *Server) create(m meta, content []byte, allDrives bool) (*file, *apiError) {
	parentID := "root"
	switch len(m.Parents) {
	case 0:
	case 1:
		parentID = m.Parents[0]
	default:
		return nil, apiErrorOf(http.StatusForbidden, "global", "cannotAddParent", "Increasing the number of parents is not allowed.")
	}
	parent, ok := s.lookup(parentID, allDrives)
	if !ok {
		return nil, apiErrorOf(http.StatusNotFound, "global", "notFound", "File not found: "+parentID+".")
	}
	if !parent.folder() {
		return nil, apiErrorOf(http.StatusBadRequest, "global", "badRequest", "The parent is not a folder.")
	}
	if !s.allowed(parent, RoleWriter) {
		return nil, insufficient()
	}
	if e := s.checkLimits(parent, int64(len(content)), content != nil); e != nil {
		return nil, e
	}
	props, appProps, e := newProps(m)
	if e != nil {
		return nil, e
	}
	name, mime := "Untitled", m.MimeType
	if m.Name != nil {
		name = *m.Name
	}
	if mime == "" {
		mime = "application/octet-stream"
	}
	if mime == FolderMime && content != nil {
		return nil, apiErrorOf(http.StatusBadRequest, "global", "badRequest", "A folder cannot have content.")
	}
	if mime == FolderMime {
		if e := s.tooDeep(parent, 0); e != nil {
			return nil, e
		}
	}
	f := s.insert(parent, name, mime, props, appProps)
	f.byApp = true
	s.creates.Add(1)
	if !f.folder() {
		f.setContent(content)
		s.uploaded += int64(len(content))
		f.abusive = s.opts.FlagAbusive != nil && s.opts.FlagAbusive(name)
	}
	return f, nil
}

// checkLimits applies folder, Shared Drive, quota and daily-cap limits to a
// new item of size bytes under parent; the caller holds s.mu.
func (s *Server) checkLimits(parent *file, size int64, upload bool) *apiError {
	if n := s.opts.FolderChildLimit; n > 0 && parent.Parent != "" && len(s.children(parent.ID)) >= n {
		return apiErrorOf(http.StatusForbidden, "global", "numChildrenInNonRootLimitExceeded",
			"The limit for this folder's number of children (files and folders) has been exceeded.")
	}
	if n := s.opts.SharedDriveItemLimit; n > 0 && parent.DriveID != "" && s.driveItems(parent.DriveID) >= n {
		return apiErrorOf(http.StatusForbidden, "global", "teamDriveFileLimitExceeded",
			"The file limit for this shared drive has been exceeded.")
	}
	if lim := s.opts.QuotaBytes; lim > 0 && parent.DriveID == "" && size > 0 {
		if used, _ := s.usage(); used+size > lim {
			return apiErrorOf(http.StatusForbidden, "usageLimits", "storageQuotaExceeded",
				"The user's Drive storage quota has been exceeded.")
		}
	}
	if s.capReached(size, upload) {
		return dailyCapError()
	}
	return nil
}

// capReached reports whether size more bytes would pass the daily upload cap.
func (s *Server) capReached(size int64, upload bool) bool {
	lim := s.opts.DailyUploadBytes
	return upload && lim > 0 && s.uploaded+size > lim
}

// dailyCapError is what Drive answers once the daily upload cap is reached:
// a 403 that differs from a per-minute rate limit only in its message.
func dailyCapError() *apiError {
	return apiErrorOf(http.StatusForbidden, "usageLimits", "userRateLimitExceeded", "User rate limit exceeded.")
}

func apiErrorOf(code int, domain, reason, msg string) *apiError {
	return &apiError{Code: code, Message: msg,
		Errors: []errorItem{{Message: msg, Domain: domain, Reason: reason}}}
}

// newProps checks the properties and appProperties of a new item.
func newProps(m meta) (props, appProps map[string]string, e *apiError) {
	if props, e = mergeProps(nil, m.Properties); e == nil {
		appProps, e = mergeProps(nil, m.AppProperties)
	}
	return props, appProps, e
}

// mergeProps applies appProperties changes (a nil value deletes a key) with
// Google's limits: 30 properties, key plus value at most 124 bytes.
func mergeProps(old map[string]string, change map[string]*string) (map[string]string, *apiError) {
	out := map[string]string{}
	for k, v := range old {
		out[k] = v
	}
	for k, v := range change {
		if v == nil {
			delete(out, k)
			continue
		}
		if len(k)+len(*v) > 124 || !utf8.ValidString(k+*v) || k == "" {
			return nil, apiErrorOf(http.StatusBadRequest, "global", "invalidProperty",
				"The property key and value must be at most 124 bytes: "+k)
		}
		out[k] = *v
	}
	if len(out) > 30 {
		return nil, apiErrorOf(http.StatusBadRequest, "global", "invalidProperty", "Too many properties.")
	}
	return out, nil
}

func (s *Server) updateFile(w http.ResponseWriter, r *http.Request) {
	m, err := decodeMeta(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "parseError", "Parse Error")
		return
	}
	s.mu.Lock()
	f, ok := s.lookup(r.PathValue("id"), boolParam(r, "supportsAllDrives"))
	var apiErr *apiError
	if !ok {
		apiErr = apiErrorOf(http.StatusNotFound, "global", "notFound", "File not found: "+r.PathValue("id")+".")
	} else {
		apiErr = s.applyUpdate(f, m, r.URL.Query())
	}
	var out map[string]any
	if apiErr == nil {
		out = s.toMap(f)
	}
	s.mu.Unlock()
	if apiErr != nil {
		writeGoogleError(w, apiErr.Code, *apiErr)
		return
	}
	writeSelected(w, r, out, fileFields, fileDefault)
}

// applyUpdate changes f as a files.update asks; nothing changes on error.
// The caller holds s.mu.
func (s *Server) applyUpdate(f *file, m meta, q url.Values) *apiError {
	if f.Parent == "" {
		return apiErrorOf(http.StatusForbidden, "global", "insufficientFilePermissions", "The root folder cannot be changed.")
	}
	if e := s.mayUpdate(f, m, q); e != nil {
		return e
	}
	props, e := mergeProps(f.Props, m.Properties)
	if e != nil {
		return e
	}
	appProps, e := mergeProps(f.AppProps, m.AppProperties)
	if e != nil {
		return e
	}
	newParent := f.Parent
	if add, remove := q.Get("addParents"), q.Get("removeParents"); add != "" || remove != "" {
		if remove != f.Parent || strings.Contains(add, ",") {
			return apiErrorOf(http.StatusForbidden, "global", "cannotAddParent", "Increasing the number of parents is not allowed.")
		}
		p, ok := s.lookup(add, q.Get("supportsAllDrives") == "true")
		if !ok || !p.folder() || p.DriveID != f.DriveID {
			return apiErrorOf(http.StatusNotFound, "global", "notFound", "File not found: "+add+".")
		}
		if f.folder() && p.ID != f.Parent {
			if e := s.tooDeep(p, s.height(f)); e != nil {
				return e
			}
		}
		newParent = p.ID
	}
	if m.Name != nil {
		s.rename(f, *m.Name)
	}
	if m.Trashed != nil {
		f.Trashed = *m.Trashed
	}
	f.Props, f.AppProps, f.Parent, f.Modified = props, appProps, newParent, time.Now().UTC()
	return nil
}

// mayUpdate applies the role's permissions to a files.update of f: editing
// needs a writer, trashing or untrashing and moving need a fileOrganizer.
// The caller holds s.mu.
func (s *Server) mayUpdate(f *file, m meta, q url.Values) *apiError {
	need := RoleWriter
	if m.Trashed != nil || q.Get("addParents") != "" || q.Get("removeParents") != "" {
		need = RoleFileOrganizer
	}
	if !s.allowed(f, need) {
		return insufficient()
	}
	return nil
}

func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.lookup(r.PathValue("id"), boolParam(r, "supportsAllDrives"))
	switch {
	case !ok:
		writeNotFound(w, r.PathValue("id"))
	case f.Parent == "":
		writeError(w, http.StatusForbidden, "insufficientFilePermissions", "The user does not have sufficient permissions for this file.")
	case !s.allowed(f, RoleOrganizer):
		writeGoogleError(w, http.StatusForbidden, *insufficient())
	default:
		s.removeTree(f)
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) copyFile(w http.ResponseWriter, r *http.Request) {
	m, err := decodeMeta(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "parseError", "Parse Error")
		return
	}
	s.mu.Lock()
	src, ok := s.lookup(r.PathValue("id"), boolParam(r, "supportsAllDrives"))
	if !ok {
		s.mu.Unlock()
		writeNotFound(w, r.PathValue("id"))
		return
	}
	if src.folder() {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "cannotCopyFile", "This file cannot be copied by the user.")
		return
	}
	if m.Name == nil {
		name := "Copy of " + src.Name
		m.Name = &name
	}
	if len(m.Parents) == 0 {
		m.Parents = []string{src.Parent}
	}
	if m.MimeType == "" {
		m.MimeType = src.MimeType
	}
	content := damage(r.Context(), slices.Clone(src.Content))
	if content == nil {
		content = []byte{}
	}
	s.mu.Unlock()
	s.finishCreate(w, r, m, content, r.URL.Query(), nil)
}

var driveListSchema = schema{"kind": nil, "nextPageToken": nil,
	"drives": {"kind": nil, "id": nil, "name": nil, "createdTime": nil, "hidden": nil}}

func (s *Server) listDrives(w http.ResponseWriter, r *http.Request) {
	if s.opts.FileScopeOnly {
		writeError(w, http.StatusForbidden, "insufficientPermissions",
			"Request had insufficient authentication scopes.")
		return
	}
	size, offset, ok := pageParams(w, r.URL.Query(), 10, 100)
	if !ok {
		return
	}
	s.mu.Lock()
	all := []any{}
	for _, d := range s.drives {
		all = append(all, map[string]any{"kind": "drive#drive", "id": d.ID, "name": d.Name,
			"createdTime": d.Created.Format(timeFormat), "hidden": false})
	}
	s.mu.Unlock()
	resp := map[string]any{"kind": "drive#driveList",
		"drives": all[min(offset, len(all)):min(offset+size, len(all))]}
	if offset+size < len(all) {
		resp["nextPageToken"] = pageToken(offset + size)
	}
	writeSelected(w, r, resp, driveListSchema, "kind,nextPageToken,drives(kind,id,name)")
}

var aboutSchema = schema{"kind": nil, "user": nil, "storageQuota": nil}

func (s *Server) about(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("fields") == "" {
		writeParamError(w, "fields", "The 'fields' parameter is required for this method.")
		return
	}
	s.mu.Lock()
	used, trash := s.usage()
	s.mu.Unlock()
	quota := map[string]any{"usage": strconv.FormatInt(used, 10),
		"usageInDrive": strconv.FormatInt(used, 10), "usageInDriveTrash": strconv.FormatInt(trash, 10)}
	if s.opts.QuotaBytes > 0 {
		quota["limit"] = strconv.FormatInt(s.opts.QuotaBytes, 10)
	}
	user := map[string]any{"kind": "drive#user", "displayName": s.opts.User.DisplayName,
		"emailAddress": s.opts.User.EmailAddress}
	writeSelected(w, r, map[string]any{"kind": "drive#about", "user": user, "storageQuota": quota}, aboutSchema, "")
}
