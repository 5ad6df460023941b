package drivefake_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// strictService starts a fake with options o and a real drive/v3 client
// for it.
func strictService(t *testing.T, o drivefake.Options) (*drivefake.Server, *drive.Service, *http.Client) {
	t.Helper()
	o.Tokens = []string{"good"}
	fake := drivefake.New(o)
	t.Cleanup(fake.Close)
	client := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "good"})}}
	svc, err := drive.NewService(context.Background(), option.WithEndpoint(fake.URL()+"/drive/v3/"), option.WithHTTPClient(client))
	if err != nil {
		t.Fatal(err)
	}
	return fake, svc, client
}

func names(t *testing.T, svc *drive.Service, q string) string {
	t.Helper()
	l, err := svc.Files.List().Q(q).Fields("files(name)").Do()
	if err != nil {
		t.Fatalf("list %s: %v", q, err)
	}
	var out []string
	for _, f := range l.Files {
		out = append(out, f.Name)
	}
	return strings.Join(out, ",")
}

func TestCaseInsensitiveNames(t *testing.T) {
	for _, insensitive := range []bool{false, true} {
		fake, svc, _ := strictService(t, drivefake.Options{CaseInsensitiveNames: insensitive})
		fake.Create("root", "A.txt", "text/plain", nil, nil)
		fake.Create("root", "b.txt", "text/plain", nil, nil)
		want := map[bool]string{false: "", true: "A.txt"}[insensitive]
		if got := names(t, svc, "name = 'a.txt'"); got != want {
			t.Errorf("insensitive=%v: name = 'a.txt' finds %q, want %q", insensitive, got, want)
		}
		if got := names(t, svc, "name != 'B.TXT'"); got != map[bool]string{false: "A.txt,b.txt", true: "A.txt"}[insensitive] {
			t.Errorf("insensitive=%v: name != 'B.TXT' finds %q", insensitive, got)
		}
	}
}

// testClock is a clock a test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestNameSearchLags(t *testing.T) {
	clock := &testClock{t: time.Now()}
	fake, svc, _ := strictService(t, drivefake.Options{NameSearchLag: time.Minute, Clock: clock.now})
	dir := fake.Create("root", "dir", drivefake.FolderMime, nil, nil)
	id := fake.Create(dir, "new.txt", "text/plain", []byte("x"), nil)
	if got := names(t, svc, "name = 'new.txt'"); got != "" {
		t.Errorf("a new file is found by name at once: %q", got)
	}
	if got := names(t, svc, fmt.Sprintf("'%s' in parents", dir)); got != "new.txt" {
		t.Errorf("the folder's listing shows %q, want new.txt at once", got)
	}
	if _, err := svc.Files.Get(id).Do(); err != nil {
		t.Errorf("files.get of a new file: %v", err)
	}
	clock.add(time.Minute)
	if got := names(t, svc, "name = 'new.txt'"); got != "new.txt" {
		t.Errorf("after the lag the name search finds %q", got)
	}
	if _, err := svc.Files.Update(id, &drive.File{Name: "renamed.txt"}).Do(); err != nil {
		t.Fatal(err)
	}
	if got := names(t, svc, "name = 'new.txt'"); got != "renamed.txt" {
		t.Errorf("just after a rename the old name finds %q, want the renamed file", got)
	}
	if got := names(t, svc, "name = 'renamed.txt'"); got != "" {
		t.Errorf("just after a rename the new name finds %q", got)
	}
	clock.add(time.Minute)
	if got := names(t, svc, "name = 'renamed.txt'") + "|" + names(t, svc, "name = 'new.txt'"); got != "renamed.txt|" {
		t.Errorf("after the lag: %q", got)
	}
}

func TestCreationsRefusedLikeCap(t *testing.T) {
	_, svc, _ := strictService(t, drivefake.Options{CreatesPerSecond: 1, CreatesRefusedLikeCap: true})
	var err error
	for i := 0; i < 5 && err == nil; i++ {
		_, err = svc.Files.Create(&drive.File{Name: fmt.Sprint(i)}).Media(strings.NewReader("x")).Do()
	}
	ge, _ := err.(*googleapi.Error)
	if ge == nil || ge.Code != 403 || ge.Errors[0].Reason != "userRateLimitExceeded" || ge.Message != "User rate limit exceeded." {
		t.Fatalf("a creation beyond the limit: %v, want the daily cap's 403", err)
	}
}

func TestFolderDepthLimit(t *testing.T) {
	fake, svc, _ := strictService(t, drivefake.Options{MaxFolderDepth: 3})
	team := fake.AddSharedDrive("Team", true)
	for top, reason := range map[string]string{"root": "myDriveHierarchyDepthLimitExceeded", team: "teamDriveHierarchyTooDeep"} {
		parent := top
		var err error
		for level := 1; level <= 4; level++ {
			var f *drive.File
			f, err = svc.Files.Create(&drive.File{Name: fmt.Sprint("l", level), MimeType: drivefake.FolderMime,
				Parents: []string{parent}}).SupportsAllDrives(true).Do()
			if err != nil {
				if level != 4 {
					t.Fatalf("%s: level %d refused: %v", reason, level, err)
				}
				break
			}
			parent = f.Id
		}
		if ge, _ := err.(*googleapi.Error); ge == nil || ge.Code != 403 || ge.Errors[0].Reason != reason {
			t.Errorf("a fourth level below %s: %v, want %s", top, err, reason)
		}
		if _, err := svc.Files.Create(&drive.File{Name: "f", Parents: []string{parent}}).SupportsAllDrives(true).
			Media(strings.NewReader("x")).Do(); err != nil {
			t.Errorf("a file in the deepest folder: %v", err)
		}
	}
}

func TestAbusiveFiles(t *testing.T) {
	fake, svc, _ := strictService(t, drivefake.Options{})
	id := fake.Create("root", "tool.exe", "application/octet-stream", []byte("MZ"), nil)
	fake.FlagAbuse(id)
	_, err := svc.Files.Get(id).Download()
	if ge, _ := err.(*googleapi.Error); ge == nil || ge.Code != 403 || ge.Errors[0].Reason != "cannotDownloadAbusiveFile" {
		t.Fatalf("download of a flagged file: %v", err)
	}
	resp, err := svc.Files.Get(id).AcknowledgeAbuse(true).Download()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(data) != "MZ" {
		t.Errorf("read %q", data)
	}
}

// session begins a resumable upload of size bytes and returns its URL.
func session(t *testing.T, fake *drivefake.Server, client *http.Client, name string, size int) string {
	t.Helper()
	req, _ := http.NewRequest("POST", fake.URL()+"/upload/drive/v3/files?uploadType=resumable&fields=id,size",
		strings.NewReader(`{"name":"`+name+`"}`))
	req.Header.Set("X-Upload-Content-Length", fmt.Sprint(size))
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("begin a session: %v %v", resp, err)
	}
	resp.Body.Close()
	return resp.Header.Get("Location")
}

// chunk PUTs data as the bytes from off of size to session loc.
func chunk(t *testing.T, client *http.Client, loc string, data []byte, off, size int) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("PUT", loc, bytes.NewReader(data))
	if data == nil {
		req.Header.Set("Content-Range", fmt.Sprintf("bytes */%d", size))
	} else {
		req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, off+len(data)-1, size))
	}
	req.Header.Set("X-GUploader-No-308", "yes")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestPartialChunksAndExpiringSessions(t *testing.T) {
	const kib = 1 << 10
	data := bytes.Repeat([]byte("x"), 1024*kib)
	fake, _, client := strictService(t, drivefake.Options{PartialChunks: true, ExpireSessions: true})
	loc := session(t, fake, client, "big", len(data))
	resp := chunk(t, client, loc, data[:768*kib], 0, len(data))
	if resp.Header.Get("X-Http-Status-Code-Override") != "308" || resp.Header.Get("Range") != "bytes=0-262143" {
		t.Fatalf("768 KiB sent: %d %v, want 308 holding the first 256 KiB", resp.StatusCode, resp.Header)
	}
	if resp := chunk(t, client, loc, nil, 0, len(data)); resp.StatusCode != 404 {
		t.Fatalf("the first session of big after a chunk: %d, want 404", resp.StatusCode)
	}
	loc = session(t, fake, client, "big", len(data))
	for off := 0; off < len(data); {
		resp := chunk(t, client, loc, data[off:], off, len(data))
		if resp.StatusCode == 200 && resp.Header.Get("X-Http-Status-Code-Override") == "" {
			break
		}
		var last int
		fmt.Sscanf(resp.Header.Get("Range"), "bytes=0-%d", &last)
		if last+1 <= off {
			t.Fatalf("no progress at %d: %v", off, resp.Header)
		}
		off = last + 1
	}
	if resp := chunk(t, client, loc, nil, 0, len(data)); resp.StatusCode != 200 || resp.Header.Get("X-Http-Status-Code-Override") != "" {
		t.Errorf("asking a finished session: %d %v, want 200 with the file", resp.StatusCode, resp.Header)
	}
	if kids := fake.Children("root"); len(kids) != 1 || kids[0].Size != int64(len(data)) {
		t.Errorf("root holds %+v, want big once, whole", kids)
	}
}
