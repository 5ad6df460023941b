// Package gdrive is the Google Drive destination: versions are folders in
// My Drive or in a Shared Drive, written through the Drive v3 API.
//
// Layout under the root folder:
//
//	.tmp-NAME/                 pending version (properties avault=pending, owner)
//	    .avault/owner.json     who began it
//	    ...files...
//	NAME/                      committed version (properties avault=version,
//	    .avault/manifest.json.gz   owner, created, files, bytes)
//	    ...files...
//
// Commit is one files.update that renames .tmp-NAME to NAME and stores the
// version record in the folder's properties, so a version appears whole or
// not at all. The record uses public properties, not appProperties, so a
// version stays recognisable when the person signs in again with another
// OAuth client.
//
// Every request passes a pacer (a steady rate with a burst, slowed further
// by rate-limit answers) and a retry loop; errors are translated once into
// the storage package's sentinels. Rate limits are waited out for minutes;
// Google's daily upload cap, told from a rate limit in the same words by
// how long it lasts (capwatch.go), is reported as a *DailyCapError with the
// time uploads may resume and the reason it was taken for the cap.
//
// Drive is not a plain store, and the destination copes with the ways it
// differs:
//   - Names in files.list queries match without regard to case, and the
//     search behind them lags behind writes by seconds to minutes, while
//     files.get and a folder's listing ('id' in parents) are current. So
//     folders are found by listing their parent and comparing names
//     exactly; versions by listing the root; a retry after an answer that
//     was lost looks in the parent's listing; plain files are looked up by
//     name (cheap) but what this destination wrote lately is known by id,
//     and a file the name search does not find is looked for in a
//     listing. Every name a query returns is compared exactly.
//   - Files Google flags as malware or spam download only with
//     acknowledgeAbuse=true: a download refused so is asked again with it,
//     logged, and its reader's Note says so.
//   - Folders nest at most 100 levels deep: the error names the limit and
//     the folder.
//   - Resumable uploads (resumable.go) follow the Range the server
//     acknowledged, which may end before what was sent, and start again
//     when a session expired.
//   - In a Shared Drive, a backup removes files, which takes at least the
//     Content manager role (a Contributor may add files but not trash or
//     move them), and deleting for good the Manager role: Check reads the
//     account's capabilities on the root and refuses a role that cannot
//     remove files, naming the role needed; for a Content manager deletes
//     go to the trash.
//   - With the drive.file scope Google shows only what this OAuth client
//     created: a chosen folder it cannot see is reported with that reason.
//   - Google now and then refuses an access token before it expires (a
//     401): the token is refreshed and the request tried once more before
//     the person is asked to sign in again. The token endpoint's own
//     failures (5xx) are retried, and an OAuth client Google no longer
//     accepts is named as such: signing in again would not help.
package gdrive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/retry"
	"github.com/avault/avault/backend/storage"
)

// Options configure a Drive destination. Zero values mean the defaults
// explained on each field.
type Options struct {
	// TokenSource authorizes every request (see oauth.Config.TokenSource).
	// Required. A request Google answers 401 is tried once more, after
	// oauth.ForceRefresh, before it fails with storage.ErrAuth.
	TokenSource oauth2.TokenSource
	// Endpoint is the API host; empty means https://www.googleapis.com/.
	// The API is under Endpoint+"drive/v3/", uploads under
	// Endpoint+"upload/drive/v3/".
	Endpoint string
	// Transport carries the requests; nil means a clone of
	// http.DefaultTransport that gives up on an answer after CallTimeout.
	Transport http.RoundTripper

	// DriveID selects a Shared Drive; empty means My Drive. It is found by
	// itself when FolderID lies in a Shared Drive.
	DriveID string
	// FolderID is the root folder's id; empty means the drive's top level.
	FolderID string
	// FolderPath is a slash-separated path of folders below FolderID that
	// is the root; missing folders are created by Check and Begin.
	FolderPath string
	// Trash makes DeleteVersion (retention) move versions to the trash
	// instead of deleting them for good. Trashed files still count against
	// the storage quota until the trash is emptied (My Drive empties it
	// after 30 days); deleting for good frees the space at once. Leftovers
	// of interrupted runs and replaced files are always deleted for good.
	// In a Shared Drive only managers and content managers may delete for
	// good: for others every delete falls back to the trash.
	Trash bool

	// ChunkSize is the size of a resumable upload's chunks, rounded down to
	// a multiple of 256 KiB; 0 means 8 MiB. Each upload buffers one chunk.
	ChunkSize int
	// MultipartMax is the largest file sent as one multipart request
	// (buffered whole); 0 means 4 MiB. It is capped at ChunkSize; Google
	// documents multipart uploads for files up to 5 MB.
	MultipartMax int64
	// PageSize is the page size of listings; 0 means 1000 (the most).
	PageSize int64

	// CallsPerSecond paces requests; 0 means 10, negative means no pacing.
	CallsPerSecond float64
	// Burst is how many requests may go at once after a quiet spell; 0
	// means 10.
	Burst int
	// MaxAttempts bounds the attempts of one request that keeps failing in
	// a way that may pass (5xx, a dropped connection, a timeout); 0 means
	// retry.Attempts (5). Rate-limit answers are bounded by Patience
	// instead. The error a request gives up with is marked retry.GaveUp,
	// so that no layer above tries it again.
	MaxAttempts int
	// BaseDelay is the first retry's backoff bound, doubling up to
	// MaxDelay; 0 means 1 s and 30 s.
	BaseDelay, MaxDelay time.Duration
	// CallTimeout bounds one attempt of a metadata request and the wait for
	// an answer's headers; 0 means 2 minutes. An attempt that sends content
	// (a multipart upload, a chunk) gets one more second per 16 KiB.
	CallTimeout time.Duration
	// Patience is how long rate-limit answers are waited out before a
	// request fails with them: waits start at BaseDelay and double up to a
	// quarter of Patience, at most 2 minutes. It also tells the daily
	// upload cap from a rate limit in the same words: only once uploads
	// have been refused so for Patience, none going through, is it the cap
	// (see capwatch.go). 0 means 12 minutes.
	Patience time.Duration
	// Now is the clock for DailyCapError.ResumeAt and for Patience; nil
	// means time.Now.
	Now func() time.Time
	// Sleep waits d between attempts, or less when ctx ends, and returns
	// ctx's error then; nil means a timer. Tests give one that moves their
	// clock on instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger is told what a person may want to know later: refusals taken
	// for the daily cap, a download Google flagged as abusive, an upload
	// session that expired. nil discards it.
	Logger *slog.Logger
}

const (
	folderMime   = "application/vnd.google-apps.folder"
	defaultChunk = 8 << 20
	chunkUnit    = 256 << 10
)

// Dest is a Google Drive destination. It is safe for concurrent use.
type Dest struct {
	o      Options
	svc    *drive.Service
	pacer  *pacer
	calls  atomic.Int64
	base   http.RoundTripper
	http   *http.Client // every request goes through it (resumable uploads directly)
	caps   capWatch
	recent recentFiles // what Files wrote lately, by path

	mu       sync.Mutex
	driveID  string
	rootID   string             // resolved root folder id, "" until known
	versions map[string]string  // committed version name → folder id
	indexes  map[string]index   // version folder id → its files
	sf       singleflight.Group // one index walk per version at a time
	dirs     map[string]string  // Files: folder path below the root → id
	dirsf    singleflight.Group // Files: one lookup or creation per folder path
}

var (
	_ storage.Destination = (*Dest)(nil)
	_ storage.FileLister  = (*Dest)(nil)
	_ storage.Chooser     = (*Dest)(nil)
)

// New returns a Drive destination. It makes no request: Check does.
func New(ctx context.Context, o Options) (*Dest, error) {
	if o.TokenSource == nil {
		return nil, storage.NewError(storage.ErrAuth, "Google Drive: not signed in to Google", nil)
	}
	o = o.withDefaults()
	d := &Dest{o: o, pacer: newPacer(o.CallsPerSecond, o.Burst), driveID: o.DriveID,
		versions: map[string]string{}, indexes: map[string]index{}, dirs: map[string]string{}}
	d.base = o.Transport
	if d.base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = o.CallTimeout
		d.base = t
	}
	client := &http.Client{Transport: &oauth2.Transport{
		Source: o.TokenSource,
		Base:   &pacedTransport{base: d.base, pacer: d.pacer, calls: &d.calls},
	}}
	svc, err := drive.NewService(ctx, option.WithHTTPClient(client),
		option.WithEndpoint(o.Endpoint+"drive/v3/"), option.WithUserAgent("Avault"))
	if err != nil {
		return nil, storage.NewError(storage.ErrInvalid, "Google Drive client", err)
	}
	d.svc, d.http = svc, client
	return d, nil
}

func (o Options) withDefaults() Options {
	if o.Endpoint == "" {
		o.Endpoint = "https://www.googleapis.com/"
	}
	if !strings.HasSuffix(o.Endpoint, "/") {
		o.Endpoint += "/"
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = defaultChunk
	}
	o.ChunkSize = max(o.ChunkSize/chunkUnit*chunkUnit, chunkUnit)
	if o.MultipartMax <= 0 {
		o.MultipartMax = 4 << 20
	}
	o.MultipartMax = min(o.MultipartMax, int64(o.ChunkSize))
	if o.PageSize <= 0 || o.PageSize > 1000 {
		o.PageSize = 1000
	}
	if o.CallsPerSecond == 0 {
		o.CallsPerSecond = 10
	}
	if o.Burst <= 0 {
		o.Burst = 10
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = retry.Attempts
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = time.Second
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 30 * time.Second
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 2 * time.Minute
	}
	if o.Patience <= 0 {
		o.Patience = 12 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Calls returns how many HTTP requests the destination has sent to Google
// (API calls, upload chunks and downloads, retries included).
func (d *Dest) Calls() int64 { return d.calls.Load() }

// Close releases idle connections.
func (d *Dest) Close() error {
	if t, ok := d.base.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
	return nil
}

func (d *Dest) now() time.Time { return d.o.Now() }

func (d *Dest) log() *slog.Logger {
	if d.o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.o.Logger
}

// sleep waits dur between attempts (Options.Sleep).
func (d *Dest) sleep(ctx context.Context, dur time.Duration) error {
	if d.o.Sleep != nil {
		return d.o.Sleep(ctx, dur)
	}
	return retry.Sleep(ctx, dur)
}

// callKind says how a request is bounded and classified.
type callKind struct {
	timeout bool  // each attempt ends after CallTimeout plus time for body
	body    int64 // bytes the request sends
	upload  bool  // it stores content, so it may hit the daily upload cap
}

// slowestLink is the upload rate, in bytes a second, that time limits
// allow for: a request sending n bytes gets n/slowestLink seconds more.
const slowestLink = 16 << 10

// limit is how long one attempt of a request sending body bytes may take.
func (d *Dest) limit(body int64) time.Duration {
	return d.o.CallTimeout + time.Duration(body/slowestLink)*time.Second
}

var (
	metaCall    = callKind{timeout: true}
	smallUpload = callKind{timeout: true, upload: true}
	// uploadCall is a server-side copy (which may take long for a big
	// file).
	uploadCall = callKind{upload: true}
	// streamCall is a download, whose body is read after do returns.
	streamCall = callKind{}
)

// do runs fn, one request, until it succeeds, fails for good, runs out of
// attempts or patience, or ctx ends, pacing and backing off between
// attempts. fn gets the attempt's context and whether an earlier attempt
// may have been carried out even though it failed (a lost answer): a
// request that creates something then looks before it creates again. The
// error is translated.
func (d *Dest) do(ctx context.Context, what string, kind callKind, fn func(ctx context.Context, again bool) error) error {
	var r retries
	for {
		if err := d.pacer.holdoff(ctx); err != nil { // a Retry-After is not the attempt's time
			return fmt.Errorf("%s: %w", what, context.Cause(ctx))
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if kind.timeout {
			actx, cancel = context.WithTimeout(ctx, d.limit(kind.body))
		}
		err := fn(context.WithValue(actx, inAttempt{}, true), r.again)
		cancel()
		if err == nil {
			d.pacer.succeeded()
			if kind.upload {
				d.caps.passed()
			}
			return nil
		}
		if tookEffect(err) {
			r.again = true
			markSuspect(ctx) // Drive may hold a second item now
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", what, context.Cause(ctx))
		}
		var fe final
		if errors.As(err, &fe) {
			return d.translate(what, fe.error, kind.upload)
		}
		if retry.Spent(err) { // the token source retried its endpoint already
			return retry.GaveUp(d.translate(what, err, kind.upload))
		}
		if ctx.Value(inAttempt{}) != nil {
			// A request made within an attempt of another (a look for what a
			// lost answer may have made): that request's loop retries,
			// counting this failure as one of its attempts.
			return fmt.Errorf("%s: %w", what, err)
		}
		wait, err := d.retry(&r, what, kind, err)
		if err != nil {
			return retry.GaveUp(err) // this loop is the request's one retry layer
		}
		if d.sleep(ctx, wait) != nil {
			return fmt.Errorf("%s: %w", what, context.Cause(ctx))
		}
	}
}

// inAttempt is the context key that marks a request's attempt, so that a
// request made within it is tried once and left to the outer loop.
type inAttempt struct{}

// retries is what do knows of one request's failed attempts.
type retries struct {
	again   bool      // an attempt may have been carried out
	failed  int       // transient failures
	limited int       // rate-limit answers
	since   time.Time // the first rate-limit answer
	reauth  bool      // the last attempt's 401 was answered by refreshing the token
}

// retry decides, after a failed attempt, how long to wait before the next
// one, or the (translated) error to give up with.
func (d *Dest) retry(r *retries, what string, kind callKind, err error) (time.Duration, error) {
	f, after := classify(err, kind.upload)
	if f != unauthorized {
		// An answer other than 401 since the refresh: a later 401 is a
		// stray one again, not a token Google keeps refusing.
		r.reauth = false
	}
	switch f {
	case unauthorized:
		// Google refuses an access token now and then before it expires
		// (a stray 401). A new token and one more try come before asking
		// the person to sign in again.
		if r.reauth {
			break
		}
		r.reauth = true
		refreshed := oauth.ForceRefresh(d.o.TokenSource)
		d.log().Info("Google Drive refused the access token; trying once more", "what", what, "newToken", refreshed)
		return 0, nil
	case transient:
		if r.failed++; r.failed >= d.o.MaxAttempts {
			return 0, d.translate(what, err, kind.upload)
		}
		return d.backoff(r.failed, after), nil
	case rateLimited, ambiguous:
		d.pacer.limited(after)
		now := d.now()
		if r.limited == 0 {
			r.since = now
		}
		r.limited++
		if f == ambiguous {
			if reason := d.caps.refused(now, d.o.Patience); reason != "" {
				return 0, d.capError(reason, err)
			}
		}
		if lasted := now.Sub(r.since); lasted >= d.o.Patience {
			msg := fmt.Sprintf("%s: Google Drive kept asking to slow down for %s", what, lasted.Round(time.Second))
			if f == ambiguous {
				msg += "; other uploads went through meanwhile, so this is a rate limit, not the daily upload limit"
			}
			return 0, storage.RateLimitedError(msg, after, err)
		}
		return d.patientBackoff(r.limited, after), nil
	}
	return 0, d.translate(what, err, kind.upload)
}

// backoff is full jitter over an exponential bound, but at least after.
func (d *Dest) backoff(attempt int, after time.Duration) time.Duration {
	return retry.Backoff{Base: d.o.BaseDelay, Max: d.o.MaxDelay}.Delay(attempt, after)
}

// maxPatientWait bounds one wait for a rate limit to pass.
const maxPatientWait = 2 * time.Minute

// patientBackoff is the wait after the nth rate-limit answer to a request:
// between half and all of a bound that doubles from BaseDelay up to a
// quarter of Patience (at most maxPatientWait), but at least after. The
// waits add up, so that Patience passes in a dozen or so attempts.
func (d *Dest) patientBackoff(n int, after time.Duration) time.Duration {
	b := retry.Backoff{Base: d.o.BaseDelay, Max: max(min(d.o.Patience/4, maxPatientWait), d.o.BaseDelay), Half: true}
	return b.Delay(n, after)
}
