// Package drivefake is a local stand-in for the Google Drive v3 REST API,
// for tests. It serves the part of the API a backup tool uses, with the same
// paths, parameters, JSON and errors as Google:
//
//   - files.create (metadata only, uploadType=multipart, uploadType=resumable
//     with POSTed chunks answered 200 + "X-HTTP-Status-Code-Override: 308"
//     and a Range header while unfinished), files.get (metadata and
//     alt=media), files.list (q with name, mimeType, trashed, 'id' in
//     parents, properties has, and/or/not; paging; corpora and the
//     shared-drive parameters checked as Google does), files.update (rename,
//     properties, trashed, addParents/removeParents), files.copy,
//     files.delete, drives.list, drives.get and about.get;
//   - partial responses: the fields parameter selects what is returned,
//     and unknown fields are rejected;
//   - errors in Google's JSON shape, bearer tokens checked on every call,
//     md5Checksum and size computed from what was stored, duplicate names
//     allowed;
//   - injectable faults (rate limits, 5xx, a stray 401, connection resets
//     before or after the request takes effect, stalls), a storage quota, Shared Drive item
//     limits, the daily upload cap and a limit on creations a second.
//
// Where Google is less kind than a plain in-memory store, the fake can be
// too, each behaviour switched on by its own option (Strict turns on all):
// names compared without regard to case, name searches that lag behind
// writes, creations refused with the daily cap's words, the 100-level
// folder depth limit, files flagged as abusive, resumable sessions that
// expire and chunks accepted in part. In a Shared Drive the signed-in
// user's role (SetDriveRole) decides, by Google's permission table, who
// may add, trash, move and delete.
//
// State is kept in memory; a Server is safe for concurrent use.
package drivefake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. Zero values mean: no token accepted unless
// listed, no quota, no limits.
type Options struct {
	// Tokens are the bearer tokens the server accepts.
	Tokens []string
	// Authorize, when set, decides instead whether a bearer token is valid
	// (for example an oauthfake server's Valid).
	Authorize func(token string) bool
	// QuotaBytes is the My Drive storage limit (trash counts); 0 is unlimited.
	QuotaBytes int64
	// DailyUploadBytes is the per-user daily upload cap (Google's is 750 GB);
	// 0 is unlimited.
	DailyUploadBytes int64
	// SharedDriveItemLimit caps the items of one Shared Drive (Google's is
	// 400,000); 0 is unlimited.
	SharedDriveItemLimit int
	// FolderChildLimit caps the direct children of a folder other than a
	// drive's root (Google's is 500,000); 0 is unlimited.
	FolderChildLimit int
	// User is the account about.get reports; zero means a made-up one.
	User User
	// FileScopeOnly answers as Google does to a token with only the
	// drive.file scope where it matters here: drives.list is refused.
	FileScopeOnly bool
	// FileScopeVisibility shows the client only what the drive.file scope
	// shows on Google: the items it created through the API, and those
	// granted with GrantFile (opened with the app); drive roots too. Other
	// items (made in the web UI, by another OAuth client, or with Create)
	// are missing from files.list and answered 404 by files.get, update,
	// delete and copy, and as a parent. Strict leaves it off, since tests
	// make their roots with Create.
	FileScopeVisibility bool
	// CreatesPerSecond limits the requests that make an item (files.create
	// of files and folders, uploads included, and files.copy), as Google
	// limits one account's writes to a few a second; 0 is unlimited. It is a
	// token bucket whose burst is the rate rounded up. A request beyond it
	// is refused before it takes effect (see RefusedCreates).
	CreatesPerSecond float64
	// CreatesRefusedLikeCap answers a creation beyond CreatesPerSecond as
	// Google does: 403 userRateLimitExceeded "User rate limit exceeded.",
	// the very words of the daily upload cap. Without it the fake answers
	// 429 rateLimitExceeded, which no client can take for the cap.
	CreatesRefusedLikeCap bool

	// CaseInsensitiveNames makes name = 'x' (and != and contains) in
	// files.list ignore case, as Drive does: name = 'a.txt' finds A.txt.
	CaseInsensitiveNames bool
	// NameSearchLag is how long a new or renamed item takes to reach the
	// search index behind name terms in files.list: until then a name
	// term does not find a new item, and finds a renamed one by its old
	// name only. files.get and listings without a name term are current at
	// once, as on Drive, whose name search is eventually consistent. 0 is
	// no lag.
	NameSearchLag time.Duration
	// Clock is the time the fake's limits and lags go by (CreatesPerSecond,
	// NameSearchLag); nil means time.Now. Items' createdTime and
	// modifiedTime always use the real time (createdTime one millisecond
	// past the item made before, when the clock has not moved on).
	Clock func() time.Time

	// MaxFolderDepth refuses a folder that would lie deeper than this many
	// levels below the top of My Drive or of a Shared Drive, as Google
	// does at 100 (myDriveHierarchyDepthLimitExceeded in My Drive,
	// teamDriveHierarchyTooDeep in a Shared Drive); 0 is unlimited.
	MaxFolderDepth int
	// FlagAbusive, when set, is asked about every file created through the
	// API; the files it accepts are flagged as Drive flags malware or spam
	// (see FlagAbuse).
	FlagAbusive func(name string) bool

	// ExpireSessions makes the first resumable session of every file (by
	// folder and name) expire after it took one chunk: the next request to
	// it is answered 404, as from a session Google dropped; a session
	// begun again for the same file lives.
	ExpireSessions bool
	// PartialChunks makes every chunk of more than 256 KiB be stored only
	// in part (its first half, rounded down to 256 KiB), answered with 308
	// and a Range that ends before what was sent, which Google may do.
	PartialChunks bool
}

// GoogleMaxFolderDepth is how many levels of folders Drive allows.
const GoogleMaxFolderDepth = 100

// Strict returns options with every behaviour in which Google is less
// kind than a plain store turned on, at Google's values: names that ignore
// case, a name search that lags an hour (longer than any test: it never
// finds what a test just wrote), 3 creations a second refused with the
// daily cap's words, the 100-level folder depth, every file flagged as
// abusive, expiring sessions and partial chunks. Tokens and the like are
// the caller's to add; a test may scale CreatesPerSecond to its size.
func Strict() Options {
	return Options{
		CaseInsensitiveNames:  true,
		NameSearchLag:         time.Hour,
		CreatesPerSecond:      3,
		CreatesRefusedLikeCap: true,
		MaxFolderDepth:        GoogleMaxFolderDepth,
		FlagAbusive:           func(string) bool { return true },
		ExpireSessions:        true,
		PartialChunks:         true,
	}
}

// User is the signed-in account as about.get reports it.
type User struct {
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
}

// MaxMultipartBytes is the largest media a multipart upload may carry here
// (Google documents multipart uploads for files of 5 MB or less).
const MaxMultipartBytes = 5 << 20

// Server is a fake Drive API server.
type Server struct {
	opts Options
	ts   *httptest.Server

	mu        sync.Mutex
	files     map[string]*file
	drives    []*sharedDrive
	sessions  map[string]*session
	done      map[string]finished // finished session id → the file it made
	expired   map[string]bool     // folder id + "/" + name: a session of it expired
	seq       int64
	lastStamp time.Time // the createdTime of the item made last (stamp)
	uploaded  int64     // bytes counted against the daily cap
	faults    *faultPlan

	requests atomic.Int64
	byMethod sync.Map // method name → *atomic.Int64
	limiter  *bucket  // nil when creations are not limited
	creates  atomic.Int64
	refused  atomic.Int64
}

// RootID is the id of My Drive's root folder (alias "root").
const RootID = "0AMyDriveRootFolder"

// New starts a fake Drive server. Close it when done.
func New(opts Options) *Server {
	s := &Server{
		opts:     opts,
		files:    map[string]*file{},
		sessions: map[string]*session{},
		done:     map[string]finished{},
		expired:  map[string]bool{},
	}
	if s.opts.User.EmailAddress == "" {
		s.opts.User = User{DisplayName: "Test User", EmailAddress: "test.user@example.com"}
	}
	if opts.CreatesPerSecond > 0 {
		s.limiter = newBucket(opts.CreatesPerSecond, s.now())
	}
	now := time.Now().UTC()
	s.files[RootID] = &file{ID: RootID, Name: "My Drive", MimeType: FolderMime, Created: now, Modified: now}
	s.ts = httptest.NewServer(s.handler())
	return s
}

// now is the fake's clock (Options.Clock).
func (s *Server) now() time.Time {
	if s.opts.Clock != nil {
		return s.opts.Clock()
	}
	return time.Now()
}

// URL is the server's base URL; the API lives under URL+"/drive/v3/" and
// uploads under URL+"/upload/drive/v3/".
func (s *Server) URL() string { return s.ts.URL }

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// Requests returns how many API requests reached the server (including
// refused and faulted ones).
func (s *Server) Requests() int64 { return s.requests.Load() }

// Calls returns how many requests a method received, by Google's method
// name ("files.list", "files.create", "upload.chunk", ...).
func (s *Server) Calls(method string) int64 {
	if v, ok := s.byMethod.Load(method); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

func (s *Server) count(method string) {
	v, _ := s.byMethod.LoadOrStore(method, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// route is one API method: its Google name and handler.
type route struct {
	pattern, method string
	h               func(http.ResponseWriter, *http.Request)
}

func (s *Server) handler() http.Handler {
	routes := []route{
		{"GET /drive/v3/files", "files.list", s.listFiles},
		{"POST /drive/v3/files", "files.create", s.createFile},
		{"GET /drive/v3/files/{id}", "files.get", s.getFile},
		{"PATCH /drive/v3/files/{id}", "files.update", s.updateFile},
		{"DELETE /drive/v3/files/{id}", "files.delete", s.deleteFile},
		{"POST /drive/v3/files/{id}/copy", "files.copy", s.copyFile},
		{"GET /drive/v3/drives", "drives.list", s.listDrives},
		{"GET /drive/v3/drives/{id}", "drives.get", s.getDrive},
		{"GET /drive/v3/about", "about.get", s.about},
		{"POST /upload/drive/v3/files", "files.create.upload", s.upload},
		{"PUT /upload/drive/v3/files", "files.create.upload", s.upload},
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.Handle(rt.pattern, s.wrap(rt.method, rt.h))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "notFound", "Not Found")
	})
	return mux
}

// wrap counts, authenticates and injects faults around a method.
func (s *Server) wrap(name string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		method := name // shared by every request: not to be changed here
		if method == "files.create.upload" && r.URL.Query().Get("upload_id") != "" {
			method = "upload.chunk"
		}
		s.count(method)
		if !s.authorized(r) {
			writeUnauthorized(w)
			return
		}
		if s.refuseCreate(w, method) {
			return
		}
		if s.injectFault(w, r, method, h) {
			return
		}
		h(w, r)
	})
}

func (s *Server) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return false
	}
	if s.opts.Authorize != nil {
		return s.opts.Authorize(token)
	}
	for _, t := range s.opts.Tokens {
		if t == token {
			return true
		}
	}
	return false
}

// writeUnauthorized answers as Google does to a bearer token it refuses.
func writeUnauthorized(w http.ResponseWriter) {
	writeGoogleError(w, http.StatusUnauthorized, apiError{
		Message: "Request had invalid authentication credentials. Expected OAuth 2 access token.",
		Errors: []errorItem{{Message: "Invalid Credentials", Domain: "global", Reason: "authError",
			Location: "Authorization", LocationType: "header"}},
	})
}

// apiError is Google's JSON error body: {"error": apiError}.
type apiError struct {
	Code    int         `json:"code"`
	Message string      `json:"message"`
	Errors  []errorItem `json:"errors"`
}

type errorItem struct {
	Message      string `json:"message"`
	Domain       string `json:"domain"`
	Reason       string `json:"reason"`
	Location     string `json:"location,omitempty"`
	LocationType string `json:"locationType,omitempty"`
}

// writeError writes a Google error with one item in the "global" domain.
func writeError(w http.ResponseWriter, code int, reason, msg string) {
	writeGoogleError(w, code, apiError{Message: msg,
		Errors: []errorItem{{Message: msg, Domain: "global", Reason: reason}}})
}

// writeParamError writes a 400 "invalid" error about a query parameter.
func writeParamError(w http.ResponseWriter, param, msg string) {
	writeGoogleError(w, http.StatusBadRequest, apiError{Message: msg,
		Errors: []errorItem{{Message: msg, Domain: "global", Reason: "invalid",
			Location: param, LocationType: "parameter"}}})
}

func writeNotFound(w http.ResponseWriter, id string) {
	msg := fmt.Sprintf("File not found: %s.", id)
	writeGoogleError(w, http.StatusNotFound, apiError{Message: msg,
		Errors: []errorItem{{Message: msg, Domain: "global", Reason: "notFound",
			Location: "fileId", LocationType: "parameter"}}})
}

func writeGoogleError(w http.ResponseWriter, code int, e apiError) {
	e.Code = code
	writeJSON(w, code, map[string]any{"error": e})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// newID returns an id shaped like Drive's (33 URL-safe characters).
func newID() string {
	b := make([]byte, 24)
	rand.Read(b)
	return "1" + base64.RawURLEncoding.EncodeToString(b)[:32]
}

// boolParam reports whether query parameter k is "true".
func boolParam(r *http.Request, k string) bool {
	return r.URL.Query().Get(k) == "true"
}
