package drivefake_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

func TestCreatesPerSecond(t *testing.T) {
	fake := drivefake.New(drivefake.Options{Tokens: []string{"good"}, CreatesPerSecond: 3})
	defer fake.Close()
	svc, err := drive.NewService(context.Background(), option.WithEndpoint(fake.URL()+"/drive/v3/"),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "good"})))
	if err != nil {
		t.Fatal(err)
	}
	src := fake.Create("root", "src", "text/plain", []byte("source"), nil) // not an API request: not limited
	creates := []func(i int) error{
		func(i int) error {
			_, err := svc.Files.Create(&drive.File{Name: fmt.Sprint("folder", i), MimeType: drivefake.FolderMime}).Do()
			return err
		},
		func(i int) error {
			_, err := svc.Files.Create(&drive.File{Name: fmt.Sprint("file", i)}).Media(strings.NewReader("x")).Do()
			return err
		},
		func(i int) error {
			_, err := svc.Files.Copy(src, &drive.File{Name: fmt.Sprint("copy", i)}).Do()
			return err
		},
	}
	accepted, refused := 0, 0
	start := time.Now()
	for i := range 9 {
		switch err := creates[i%3](i); {
		case err == nil:
			accepted++
		case isRateLimit(err):
			refused++
		default:
			t.Fatalf("create %d: %v", i, err)
		}
	}
	// The burst of 3, and the tokens that came while the requests ran.
	most := 3 + int(time.Since(start).Seconds()*3)
	if accepted < 3 || accepted > most || refused == 0 {
		t.Errorf("%d of 9 quick creations went through, want 3 to %d", accepted, most)
	}
	if _, err := svc.Files.List().Do(); err != nil {
		t.Errorf("a listing was limited too: %v", err)
	}
	time.Sleep(400 * time.Millisecond) // more than one token's worth at 3 a second
	if err := creates[0](99); err != nil {
		t.Errorf("a creation after a pause: %v", err)
	} else {
		accepted++
	}
	if got := fake.Creates(); got != int64(accepted) {
		t.Errorf("Creates() = %d, want %d", got, accepted)
	}
	if got := fake.RefusedCreates(); got != int64(refused) {
		t.Errorf("RefusedCreates() = %d, want %d", got, refused)
	}
	if kids := fake.Children("root"); len(kids) != 1+accepted {
		t.Errorf("root holds %d items, want %d: a refused creation took effect", len(kids), 1+accepted)
	}
}

// isRateLimit reports whether err is Google's 429 rateLimitExceeded, not
// the 403 of the daily upload cap.
func isRateLimit(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == 429 && len(ge.Errors) == 1 &&
		ge.Errors[0].Reason == "rateLimitExceeded" && ge.Message == "Rate Limit Exceeded"
}
