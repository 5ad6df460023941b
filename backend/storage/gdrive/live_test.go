//go:build live

package gdrive_test

// The live run (make test-live) passes the conformance suite against real
// Google Drive, signed in with AVAULT_LIVE_GOOGLE_*, each test in a fresh
// folder it removes afterwards. README: "Testing against real Google Drive
// and S3".

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/storagetest"
)

// liveGoogleVars must be set for a live run. Optional:
// AVAULT_LIVE_GOOGLE_FOLDER_ID (the folder the test folders go in; My
// Drive's top level without it) and AVAULT_LIVE_GOOGLE_DRIVE_ID (a Shared
// Drive).
var liveGoogleVars = []string{"AVAULT_LIVE_GOOGLE_CLIENT_ID", "AVAULT_LIVE_GOOGLE_CLIENT_SECRET",
	"AVAULT_LIVE_GOOGLE_REFRESH_TOKEN"}

const (
	liveChunk      = 8 << 20 // the adapter's default chunk size, named for the suite
	livePageSize   = 10      // listings go past a page with a few dozen files
	liveFolderMime = "application/vnd.google-apps.folder"
)

// TestLiveConformance runs the conformance suite, Files included, with the
// adapter's default pacing and retries. The fault tests are left out:
// Google's upload sessions send the client straight to Google, past any
// proxy.
func TestLiveConformance(t *testing.T) {
	g := openLiveGoogle(t)
	var roots sync.Map // storage.Destination → *liveRoot
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		r := g.folder(t)
		d := g.dest(t, r.id)
		roots.Store(storage.Destination(d), r)
		return d
	}, storagetest.Options{
		PartSize: liveChunk,
		PageSize: livePageSize,
		PutUserFile: func(t *testing.T, d storage.Destination, p string, data []byte) {
			r, _ := roots.Load(d)
			r.(*liveRoot).putUserFile(t, p, data)
		},
		ReadUserFile: func(t *testing.T, d storage.Destination, p string) ([]byte, error) {
			r, _ := roots.Load(d)
			return r.(*liveRoot).readUserFile(p)
		},
	})
}

// TestSignInForLiveRun signs in to Google as Avault does (the loopback
// sign-in, with the scope a destination in AVAULT_LIVE_GOOGLE_FOLDER_ID or
// AVAULT_LIVE_GOOGLE_DRIVE_ID needs, else drive.file) and writes the
// refresh token to the file $AVAULT_LIVE_GOOGLE_SIGNIN_FILE, readable by
// its owner only. It prints the address to open, never the token.
// "scripts/test-live.sh google-sign-in FILE" runs it.
func TestSignInForLiveRun(t *testing.T) {
	out := os.Getenv("AVAULT_LIVE_GOOGLE_SIGNIN_FILE")
	if out == "" {
		t.Skip("not asked to sign in: scripts/test-live.sh google-sign-in FILE does")
	}
	env := liveEnv(t, "Google sign-in", liveGoogleVars[:2]...)
	access := oauth.DriveAppFolders
	if os.Getenv("AVAULT_LIVE_GOOGLE_FOLDER_ID") != "" || os.Getenv("AVAULT_LIVE_GOOGLE_DRIVE_ID") != "" {
		access = oauth.DriveExisting
	}
	cfg := oauth.Config{ClientID: env["AVAULT_LIVE_GOOGLE_CLIENT_ID"], ClientSecret: env["AVAULT_LIVE_GOOGLE_CLIENT_SECRET"],
		Scopes: oauth.DriveScopes(access)}
	grant, err := oauth.SignIn(context.Background(), cfg, func(u string) error {
		fmt.Printf("\nOpen this address in a browser on this machine and allow access:\n\n%s\n\n", u)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if grant.Token.RefreshToken == "" {
		t.Fatal("Google sent no refresh token; remove Avault's access in your Google account's settings and sign in again")
	}
	os.Remove(out)
	if err := os.WriteFile(out, []byte(grant.Token.RefreshToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("signed in with scope %s; the refresh token is in %s", strings.Join(grant.Scopes, " "), out)
}

// liveGoogle is a Google account signed in for the live run.
type liveGoogle struct {
	ts      oauth2.TokenSource // what Avault makes of a saved sign-in
	svc     *drive.Service     // plain Drive access, for what a person does without Avault
	parent  string             // where test folders are made
	driveID string
}

// openLiveGoogle signs in with the refresh token, or skips t naming the
// variables that are not set.
func openLiveGoogle(t *testing.T) *liveGoogle {
	t.Helper()
	env := liveEnv(t, "Google Drive", liveGoogleVars...)
	oc := oauth.Config{ClientID: env["AVAULT_LIVE_GOOGLE_CLIENT_ID"], ClientSecret: env["AVAULT_LIVE_GOOGLE_CLIENT_SECRET"]}
	ts := oc.TokenSource(context.Background(), &oauth2.Token{RefreshToken: env["AVAULT_LIVE_GOOGLE_REFRESH_TOKEN"]}, nil)
	if _, err := ts.Token(); err != nil {
		t.Fatalf("Google refused the refresh token (revoked; expired, as it does after 7 days while the consent "+
			"screen is in Testing; or made for another OAuth client): %v", err)
	}
	svc, err := drive.NewService(context.Background(), option.WithTokenSource(ts), option.WithUserAgent("Avault live tests"))
	if err != nil {
		t.Fatal(err)
	}
	g := &liveGoogle{ts: ts, svc: svc, driveID: os.Getenv("AVAULT_LIVE_GOOGLE_DRIVE_ID")}
	g.parent = cmp.Or(os.Getenv("AVAULT_LIVE_GOOGLE_FOLDER_ID"), g.driveID, "root")
	t.Logf("Google Drive: test folders go in %s", g.parent)
	return g
}

// dest opens the adapter on folder id with its default pacing, and checks it.
func (g *liveGoogle) dest(t *testing.T, id string) *gdrive.Dest {
	t.Helper()
	d, err := gdrive.New(context.Background(), gdrive.Options{
		TokenSource: g.ts, DriveID: g.driveID, FolderID: id, ChunkSize: liveChunk, PageSize: livePageSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	return d
}

// liveRoot is one test's folder, and the files a person put in it.
type liveRoot struct {
	g     *liveGoogle
	id    string
	mu    sync.Mutex
	items map[string]liveItem // path below the folder → what putUserFile made
}

type liveItem struct{ id, parent string }

// folder makes a fresh folder for t and removes it, with all it holds,
// when t ends.
func (g *liveGoogle) folder(t *testing.T) *liveRoot {
	t.Helper()
	name := liveName()
	id := g.create(t, g.parent, name, liveFolderMime, nil)
	t.Cleanup(func() {
		ctx := context.Background()
		err := g.call(func() error { return g.svc.Files.Delete(id).SupportsAllDrives(true).Context(ctx).Do() })
		if liveForbidden(err) { // a Shared Drive's content manager may only trash
			err = g.call(func() error {
				_, err := g.svc.Files.Update(id, &drive.File{Trashed: true}).SupportsAllDrives(true).Context(ctx).Do()
				return err
			})
			if err == nil {
				t.Logf("moved the test folder %s to the trash: this account may not delete for good", name)
			}
		}
		if err != nil {
			t.Errorf("removing the test folder %s (id %s): %v; remove it by hand", name, id, err)
		}
	})
	return &liveRoot{g: g, id: id, items: map[string]liveItem{}}
}

// create makes a file (or folder) in parent as a person would, outside
// Avault, and returns its id.
func (g *liveGoogle) create(t *testing.T, parent, name, mime string, data []byte) string {
	t.Helper()
	var f *drive.File
	err := g.call(func() error {
		c := g.svc.Files.Create(&drive.File{Name: name, MimeType: mime, Parents: []string{parent}}).
			SupportsAllDrives(true).Fields("id")
		if mime != liveFolderMime {
			c = c.Media(bytes.NewReader(data))
		}
		var err error
		f, err = c.Do()
		return err
	})
	if err != nil {
		t.Fatalf("creating %s: %v", name, err)
	}
	return f.Id
}

// putUserFile stores data at p below the folder, making its folders.
func (r *liveRoot) putUserFile(t *testing.T, p string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	parent, segs := r.id, strings.Split(p, "/")
	for i, seg := range segs[:len(segs)-1] {
		dir := strings.Join(segs[:i+1], "/")
		it, ok := r.items[dir]
		if !ok {
			it = liveItem{r.g.create(t, parent, seg, liveFolderMime, nil), parent}
			r.items[dir] = it
		}
		parent = it.id
	}
	r.items[p] = liveItem{r.g.create(t, parent, segs[len(segs)-1], "application/octet-stream", data), parent}
}

// readUserFile reads back what putUserFile stored at p, and fails when it
// was trashed or moved.
func (r *liveRoot) readUserFile(p string) ([]byte, error) {
	r.mu.Lock()
	it, ok := r.items[p]
	r.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s was never put", p)
	}
	ctx := context.Background()
	var f *drive.File
	err := r.g.call(func() (err error) {
		f, err = r.g.svc.Files.Get(it.id).SupportsAllDrives(true).Fields("trashed,parents").Context(ctx).Do()
		return err
	})
	switch {
	case err != nil:
		return nil, err
	case f.Trashed:
		return nil, fmt.Errorf("%s is in the trash", p)
	case !slices.Contains(f.Parents, it.parent):
		return nil, fmt.Errorf("%s was moved", p)
	}
	var resp *http.Response
	if err := r.g.call(func() (err error) {
		resp, err = r.g.svc.Files.Get(it.id).SupportsAllDrives(true).Context(ctx).Download()
		return err
	}); err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// call runs one plain Drive request, again after a rate limit or a server
// error, backing off as the adapter does.
func (g *liveGoogle) call(do func() error) error {
	for attempt := 0; ; attempt++ {
		err := do()
		var ge *googleapi.Error
		if err == nil || attempt == 5 || !errors.As(err, &ge) || !liveRetryable(ge) {
			return err
		}
		time.Sleep(time.Second << attempt)
	}
}

func liveRetryable(e *googleapi.Error) bool {
	if e.Code == http.StatusTooManyRequests || e.Code >= 500 {
		return true
	}
	for _, it := range e.Errors {
		if it.Reason == "rateLimitExceeded" || it.Reason == "userRateLimitExceeded" {
			return true
		}
	}
	return false
}

func liveForbidden(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == http.StatusForbidden
}

// liveEnv returns the values of the variables names, or skips t naming the
// ones that are not set.
func liveEnv(t *testing.T, provider string, names ...string) map[string]string {
	t.Helper()
	vals, missing := map[string]string{}, []string(nil)
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			vals[n] = v
		} else {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Skipf("skipped %s: %s not set", provider, strings.Join(missing, ", "))
	}
	return vals
}

// liveName returns a name no other run uses: avault-live-DATE-TIME-RANDOM.
func liveName() string {
	var b [4]byte
	rand.Read(b[:])
	return "avault-live-" + time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}
