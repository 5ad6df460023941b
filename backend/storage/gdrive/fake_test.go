package gdrive_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

const token = "ya29.test-token"

// env is a fake Drive with a destination rooted in a fresh folder.
type env struct {
	fake   *drivefake.Server
	rootID string
	dest   *gdrive.Dest
}

// testOptions are fast options for tests: no pacing, short backoff,
// 1 MiB chunks, 50 entries a page.
func testOptions(endpoint, folderID string) gdrive.Options {
	return gdrive.Options{
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}),
		Endpoint:    endpoint, FolderID: folderID,
		ChunkSize: 1 << 20, PageSize: 50, CallsPerSecond: -1,
		BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond,
	}
}

// newEnv starts a fake and opens a destination on a new folder in My Drive;
// edit may change the options first.
func newEnv(t testing.TB, fo drivefake.Options, edit func(*gdrive.Options)) *env {
	t.Helper()
	fo.Tokens = append(fo.Tokens, token)
	fake := drivefake.New(fo)
	t.Cleanup(fake.Close)
	root := fake.Create("root", "Backups", drivefake.FolderMime, nil, nil)
	o := testOptions(fake.URL(), root)
	if edit != nil {
		edit(&o)
	}
	d, err := gdrive.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return &env{fake: fake, rootID: root, dest: d}
}

// faulty opens a destination whose traffic passes a fault proxy, on a
// fake with options fo.
func faulty(t *testing.T, fo drivefake.Options) (storage.Destination, *faultproxy.Proxy) {
	fo.Tokens = append(fo.Tokens, token)
	fake := drivefake.New(fo)
	t.Cleanup(fake.Close)
	proxy, err := faultproxy.New(fake.URL(), faultproxy.Options{ErrorBody: googleErrorBody})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { proxy.Close() })
	o := testOptions(proxy.URL, fake.Create("root", "Backups", drivefake.FolderMime, nil, nil))
	o.MaxAttempts = 10 // this loop is the one retry layer; a quarter of requests fail here
	d, err := gdrive.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, proxy
}

// clock is a test clock whose Sleep moves it on at once.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return nil
}

// googleErrorBody makes the proxy's injected errors look like Google's.
func googleErrorBody(status int) (string, []byte) {
	reason := map[int]string{429: "rateLimitExceeded", 500: "backendError", 503: "backendError"}[status]
	body, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": status, "message": http.StatusText(status),
		"errors": []map[string]string{{"domain": "global", "reason": reason, "message": http.StatusText(status)}},
	}})
	return "application/json; charset=UTF-8", body
}

// folderPath finds (creating when asked) the folders of dir below root.
func (e *env) folderPath(t *testing.T, dir string, create bool) (string, error) {
	id := e.rootID
	for seg := range strings.SplitSeq(dir, "/") {
		if seg == "" {
			continue
		}
		next := ""
		for _, it := range e.fake.Children(id) {
			if it.Name == seg && it.MimeType == drivefake.FolderMime && !it.Trashed {
				next = it.ID
				break
			}
		}
		if next == "" && !create {
			return "", fmt.Errorf("no folder %s", seg)
		}
		if next == "" {
			next = e.fake.Create(id, seg, drivefake.FolderMime, nil, nil)
		}
		id = next
	}
	return id, nil
}

// putUserFile stores a file below the root as a person would in the web UI.
func (e *env) putUserFile(t *testing.T, path string, data []byte) {
	dir, base := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		dir, base = path[:i], path[i+1:]
	}
	parent, _ := e.folderPath(t, dir, true)
	e.fake.Create(parent, base, "application/octet-stream", data, nil)
}

func (e *env) readUserFile(t *testing.T, path string) ([]byte, error) {
	dir, base := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		dir, base = path[:i], path[i+1:]
	}
	parent, err := e.folderPath(t, dir, false)
	if err != nil {
		return nil, err
	}
	for _, it := range e.fake.Children(parent) {
		if it.Name == base && !it.Trashed {
			data, _ := e.fake.Content(it.ID)
			return data, nil
		}
	}
	return nil, errors.New("no such file")
}
