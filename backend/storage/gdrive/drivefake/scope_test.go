package drivefake_test

import (
	"context"
	"testing"

	"golang.org/x/oauth2"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// serviceFor is a drive/v3 client for fake with token.
func serviceFor(t *testing.T, fake *drivefake.Server, token string) *drive.Service {
	t.Helper()
	svc, err := drive.NewService(context.Background(), option.WithEndpoint(fake.URL()+"/drive/v3/"),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestStray401(t *testing.T) {
	fake, svc := newService(t, "good")
	fake.FailNext(1, drivefake.Unauthorized, "files.list")
	if _, err := svc.Files.Get("root").Do(); err != nil {
		t.Fatalf("files.get met a 401 meant for files.list: %v", err)
	}
	_, err := svc.Files.List().Do()
	if code, reason := apiCode(err); code != 401 || reason != "authError" {
		t.Fatalf("files.list = %v, want a 401 authError", err)
	}
	if _, err := svc.Files.List().Do(); err != nil {
		t.Fatalf("the same token after a stray 401: %v", err)
	}
	if fake.Injected(drivefake.Unauthorized) != 1 {
		t.Fatal("the 401 was not counted")
	}
}

func TestFileScopeVisibility(t *testing.T) {
	fake := drivefake.New(drivefake.Options{Tokens: []string{"good"}, FileScopeVisibility: true})
	t.Cleanup(fake.Close)
	svc := serviceFor(t, fake, "good")
	other := fake.Create("root", "by another app", "text/plain", []byte("x"), nil)
	mine, err := svc.Files.Create(&drive.File{Name: "mine"}).Do()
	if err != nil {
		t.Fatalf("create in My Drive's root: %v", err)
	}
	if _, err := svc.Files.Get(other).Do(); err == nil {
		t.Fatal("an item another app made was visible")
	}
	l, err := svc.Files.List().Do()
	if err != nil || len(l.Files) != 1 || l.Files[0].Id != mine.Id {
		t.Fatalf("files.list = %+v, %v; want only the item this client made", l, err)
	}
	fake.GrantFile(other)
	if _, err := svc.Files.Get(other).Do(); err != nil {
		t.Fatalf("a granted item: %v", err)
	}
}
