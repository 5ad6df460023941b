package gdrive_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/oauth/oauthfake"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// TestSignedInEndToEnd signs in against the fake authorization server,
// opens the destination through the registry with the stored token, backs
// up through refreshes, and sees a revoked sign-in end as ErrAuth that is
// not retried.
func TestSignedInEndToEnd(t *testing.T) {
	auth := oauthfake.New("client-id", "client-secret")
	defer auth.Close()
	auth.SetAccessTTL(time.Second) // x/oauth2 refreshes 10 s early: every call refreshes
	fake := drivefake.New(drivefake.Options{Authorize: auth.Valid})
	defer fake.Close()

	ocfg := oauth.Config{ClientID: "client-id", ClientSecret: "client-secret",
		Scopes:  oauth.DriveScopes(oauth.DriveAppFolders),
		AuthURL: auth.AuthURL(), TokenURL: auth.TokenURL(), RevokeURL: auth.RevokeURL()}
	grant, err := oauth.SignIn(context.Background(), ocfg, visit)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := gdrive.EncodeToken(grant.Token)
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	saved := 0
	reg := storage.NewRegistry()
	base := testOptions(fake.URL(), "")
	base.TokenSource = nil
	if err := reg.Register(gdrive.Kind(gdrive.KindOptions{
		OAuth: oauth.Config{TokenURL: auth.TokenURL()},
		Save:  func(storage.Config, *oauth2.Token) { mu.Lock(); saved++; mu.Unlock() },
		Base:  base,
	})); err != nil {
		t.Fatal(err)
	}
	cfg := storage.Config{Kind: "gdrive", Root: gdrive.MyDrive,
		Options: map[string]string{gdrive.OptionFolderPath: "Avault/NAS"},
		Secret: storage.NewSecret(map[string]string{gdrive.SecretClientID: "client-id",
			gdrive.SecretClientSecret: "client-secret", gdrive.SecretToken: stored})}
	d, err := reg.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	writeVersion(t, d, "v1", map[string][]byte{"a.txt": []byte("a")})
	mu.Lock()
	if saved == 0 {
		t.Error("refreshed tokens were never handed back to be saved")
	}
	mu.Unlock()

	auth.RevokeRefresh(grant.Token.RefreshToken)
	calls := fake.Requests()
	_, err = d.ListVersions(context.Background())
	if !errors.Is(err, storage.ErrAuth) || !errors.Is(err, oauth.ErrReauth) || storage.IsRetryable(err) {
		t.Fatalf("after revoke: %v, want a permanent ErrAuth matching oauth.ErrReauth", err)
	}
	if fake.Requests() != calls {
		t.Error("requests went to Drive without a valid token")
	}
}

// visit plays the browser for SignIn.
func visit(authURL string) error {
	go func() {
		resp, err := http.Get(authURL)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	return nil
}

func TestKindRejectsAMissingToken(t *testing.T) {
	k := gdrive.Kind(gdrive.KindOptions{})
	_, err := k.Open(context.Background(), storage.Config{Kind: "gdrive", Root: "root",
		Secret: storage.NewSecret(map[string]string{gdrive.SecretToken: "{}"})})
	if !errors.Is(err, storage.ErrAuth) {
		t.Fatalf("Open without a token = %v, want ErrAuth", err)
	}
}
