package drivefake_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// newService starts a fake and a real drive/v3 client for it.
func newService(t *testing.T, token string) (*drivefake.Server, *drive.Service) {
	t.Helper()
	fake := drivefake.New(drivefake.Options{Tokens: []string{"good"}})
	t.Cleanup(fake.Close)
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})
	svc, err := drive.NewService(context.Background(),
		option.WithEndpoint(fake.URL()+"/drive/v3/"), option.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	return fake, svc
}

func apiCode(err error) (int, string) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return 0, ""
	}
	reason := ""
	if len(ge.Errors) > 0 {
		reason = ge.Errors[0].Reason
	}
	return ge.Code, reason
}

func TestBearerTokenChecked(t *testing.T) {
	_, svc := newService(t, "bad")
	_, err := svc.Files.List().Do()
	if code, reason := apiCode(err); code != 401 || reason != "authError" {
		t.Fatalf("List with a bad token = %v", err)
	}
}

func TestUploadsStoreWhatWasSent(t *testing.T) {
	fake, svc := newService(t, "good")
	for _, size := range []int{0, 1000, 3<<20 + 17} { // the last one in 256 KiB chunks
		data := bytes.Repeat([]byte{byte(size)}, size)
		f, err := svc.Files.Create(&drive.File{Name: fmt.Sprint(size)}).
			Media(bytes.NewReader(data), googleapi.ChunkSize(256<<10)).
			Fields("id,size,md5Checksum").Do()
		if err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum(data)
		if f.Size != int64(size) || f.Md5Checksum != hex.EncodeToString(sum[:]) {
			t.Fatalf("size %d: got %d %s", size, f.Size, f.Md5Checksum)
		}
		got, _ := fake.Content(f.Id)
		if !bytes.Equal(got, data) {
			t.Fatalf("size %d: stored %d bytes that differ", size, len(got))
		}
		resp, err := svc.Files.Get(f.Id).Download()
		if err != nil {
			t.Fatal(err)
		}
		back, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(back, data) {
			t.Fatalf("size %d: download differs", size)
		}
	}
	if fake.Calls("upload.chunk") < 13 {
		t.Fatalf("the large file took %d chunk requests", fake.Calls("upload.chunk"))
	}
}

func TestFieldsSelectAndDefault(t *testing.T) {
	_, svc := newService(t, "good")
	f, err := svc.Files.Create(&drive.File{Name: "a"}).Media(strings.NewReader("x")).Do()
	if err != nil {
		t.Fatal(err)
	}
	if f.Id == "" || f.Md5Checksum != "" || f.Size != 0 {
		t.Fatalf("default fields returned %+v", f)
	}
	if _, err := svc.Files.Get(f.Id).Fields("id,md5Sum").Do(); err == nil {
		t.Fatal("an unknown field was accepted")
	}
	if _, err := svc.About.Get().Do(); err == nil {
		t.Fatal("about.get without fields was accepted")
	}
}

func TestListQueryAndPaging(t *testing.T) {
	fake, svc := newService(t, "good")
	dir := fake.Create("root", "dir", drivefake.FolderMime, nil, nil)
	names := []string{`it's`, `back\slash`, "plain", "plain"}
	for _, n := range names {
		fake.Create(dir, n, "text/plain", []byte(n), nil)
	}
	for i := range 25 {
		fake.Create(dir, fmt.Sprint("f", i), "text/plain", nil, nil)
	}
	q := fmt.Sprintf(`'%s' in parents and name = 'it\'s' and trashed = false`, dir)
	if l, err := svc.Files.List().Q(q).Do(); err != nil || len(l.Files) != 1 {
		t.Fatalf("escaped quote: %v %v", l, err)
	}
	q = fmt.Sprintf(`'%s' in parents and name = 'back\\slash'`, dir)
	if l, err := svc.Files.List().Q(q).Do(); err != nil || len(l.Files) != 1 {
		t.Fatalf("escaped backslash: %v %v", l, err)
	}
	if _, err := svc.Files.List().Q(`name = 'it's'`).Do(); err == nil {
		t.Fatal("an unescaped quote was accepted")
	}
	seen := 0
	err := svc.Files.List().Q(fmt.Sprintf("'%s' in parents", dir)).PageSize(10).
		Pages(context.Background(), func(l *drive.FileList) error { seen += len(l.Files); return nil })
	if err != nil || seen != 29 {
		t.Fatalf("paged through %d items: %v", seen, err)
	}
}

func TestSharedDriveParameters(t *testing.T) {
	fake, svc := newService(t, "good")
	id := fake.AddSharedDrive("Team", true)
	fake.Create(id, "x", "text/plain", []byte("x"), nil)
	if _, err := svc.Files.List().DriveId(id).Do(); err == nil {
		t.Fatal("driveId without corpora=drive was accepted")
	}
	if _, err := svc.Files.List().Corpora("drive").DriveId(id).IncludeItemsFromAllDrives(true).Do(); err == nil {
		t.Fatal("includeItemsFromAllDrives without supportsAllDrives was accepted")
	}
	l, err := svc.Files.List().Corpora("drive").DriveId(id).IncludeItemsFromAllDrives(true).SupportsAllDrives(true).Do()
	if err != nil || len(l.Files) != 1 {
		t.Fatalf("shared drive list: %v %v", l, err)
	}
	if _, err := svc.Files.Get(l.Files[0].Id).Do(); err == nil {
		t.Fatal("a shared drive item was visible without supportsAllDrives")
	}
	drives, err := svc.Drives.List().Do()
	if err != nil || len(drives.Drives) != 1 || drives.Drives[0].Name != "Team" {
		t.Fatalf("drives.list: %v %v", drives, err)
	}
}

func TestFaults(t *testing.T) {
	fake, svc := newService(t, "good")
	fake.FailNext(1, drivefake.TooManyRequests)
	_, err := svc.Files.List().Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != 429 || ge.Header.Get("Retry-After") == "" {
		t.Fatalf("429 fault: %v", err)
	}
	fake.FailNext(1, drivefake.ResetAfter, "files.create")
	if _, err := svc.Files.Create(&drive.File{Name: "lost", MimeType: drivefake.FolderMime}).Do(); err == nil {
		t.Fatal("reset-after fault answered normally")
	}
	if kids := fake.Children("root"); len(kids) != 1 || kids[0].Name != "lost" {
		t.Fatalf("reset-after: the create did not take effect: %+v", kids)
	}
	fake.FailNext(1, drivefake.ResetBefore, "files.create.upload")
	data := bytes.Repeat([]byte("z"), 1<<20)
	if _, err := svc.Files.Create(&drive.File{Name: "gone"}).Media(bytes.NewReader(data)).Do(); err == nil {
		t.Fatal("reset-before fault answered normally")
	}
	if kids := fake.Children("root"); len(kids) != 1 {
		t.Fatalf("reset-before: the upload took effect: %+v", kids)
	}
}

func TestDailyCapAndQuota(t *testing.T) {
	fake := drivefake.New(drivefake.Options{Tokens: []string{"good"}, DailyUploadBytes: 10, QuotaBytes: 100})
	defer fake.Close()
	client := &http.Client{Transport: &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "good"})}}
	svc, _ := drive.NewService(context.Background(), option.WithEndpoint(fake.URL()+"/drive/v3/"), option.WithHTTPClient(client))
	if _, err := svc.Files.Create(&drive.File{Name: "a"}).Media(strings.NewReader("0123456789")).Do(); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Files.Create(&drive.File{Name: "b"}).Media(strings.NewReader("x")).Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != 403 || ge.Errors[0].Reason != "userRateLimitExceeded" || ge.Message != "User rate limit exceeded." {
		t.Fatalf("over the daily cap: %v", err)
	}
}

// TestItemsMadeLaterAreYounger: items made one after another get
// createdTime a millisecond apart at least, however fast they come.
func TestItemsMadeLaterAreYounger(t *testing.T) {
	s := drivefake.New(drivefake.Options{})
	t.Cleanup(s.Close)
	dir := s.Create("root", "d", drivefake.FolderMime, nil, nil)
	for i := range 20 {
		s.Create(dir, fmt.Sprintf("f%02d", i), "text/plain", nil, nil)
	}
	kids := s.Children(dir)
	for i := 1; i < len(kids); i++ {
		if !kids[i].Created.After(kids[i-1].Created) {
			t.Fatalf("%s made at %v, not after %s at %v", kids[i].Name, kids[i].Created, kids[i-1].Name, kids[i-1].Created)
		}
	}
}

// TestStray401sKeptApart: a random plan of nothing but 401s answers the
// first request 401 and lets the next 63 through, so a client's one retry
// after a refresh never meets another.
func TestStray401sKeptApart(t *testing.T) {
	fake, svc := newService(t, "good")
	fake.SetFaults(drivefake.FaultPlan{Rate: 1, Kinds: []drivefake.Fault{drivefake.Unauthorized}})
	var refused []int
	for i := range 130 {
		if _, err := svc.Files.List().Do(); err != nil {
			if code, _ := apiCode(err); code != 401 {
				t.Fatalf("request %d: %v", i, err)
			}
			refused = append(refused, i)
		}
	}
	if fmt.Sprint(refused) != "[0 64 128]" {
		t.Fatalf("401s at requests %v, want [0 64 128]", refused)
	}
}
