//go:build live

package engine

// The live run (make test-live) backs up through the engine to real Google
// Drive and a real S3 service, named by the same AVAULT_LIVE_* variables as
// the storage packages' live tests, each test in a fresh folder or prefix
// it removes afterwards. README: "Testing against real Google Drive and S3".

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"
	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/oauth"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/s3"
)

// liveDests open a live destination as the service does (the registry's
// kind, behind the retry decorator), or skip naming the missing variables.
var liveDests = []struct {
	name string
	open func(t *testing.T) storage.Destination
}{
	{"s3", openLiveS3},
	{"gdrive", openLiveDrive},
}

// TestLiveCurrentHistory runs a job that keeps current + history: a first
// backup (a file of two parts or chunks, unicode, names that differ only in
// case), changes, a run with nothing changed, retention handing files on to
// the versions it keeps, and a run stopped after each of its writes in turn
// until one gets through. Every committed version restores exactly and
// verifies, deep too, and the current folder holds the newest.
func TestLiveCurrentHistory(t *testing.T) {
	for _, d := range liveDests {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			raw := d.open(t)
			big := make([]byte, 9<<20)
			rand.Read(big)
			c := newCHEnvOn(t, map[string]string{"a.txt": "a1", "b/b.txt": "b1", "Case.txt": "upper", "case.txt": "lower",
				"ü ñ/ünïcödé #1.txt": "u1", "big/video.bin": string(big)}, raw)
			c.job.RetentionType, c.job.RetentionCount = job.RetentionVersionCount, 3
			c.reopen(nil)
			c.backup(job.StatusSuccess)
			writeFiles(t, c.src, map[string]string{"a.txt": "a2", "new.txt": "n2", "case.txt": "lower 2"})
			os.Remove(filepath.Join(c.src, "b", "b.txt"))
			c.backup(job.StatusSuccess)
			if same := c.backup(job.StatusSuccess); same.FilesUploaded != 0 {
				t.Errorf("a run with nothing changed uploaded %d files", same.FilesUploaded)
			}
			writeFiles(t, c.src, map[string]string{"Case.txt": "upper 2", "b/b.txt": "b4"})
			fourth := c.backup(job.StatusSuccess)
			if len(fourth.Deleted) != 1 {
				t.Errorf("retention keeping 3 of 4 versions deleted %q", fourth.Deleted)
			}
			for _, n := range fourth.Deleted {
				delete(c.want, n)
			}
			c.checkAll()
			writeFiles(t, c.src, map[string]string{"a.txt": "a9", "e.txt": "e9"})
			os.Remove(filepath.Join(c.src, "case.txt"))
			liveStopEachWrite(t, c)
			c.checkAll()
		})
	}
}

// liveStopEachWrite runs the job stopped after its first write, then after
// its second, and so on until a run gets through; after each stop the
// committed versions must be exactly those before. The versions are
// restored once at the end only, to keep the run's downloads small.
func liveStopEachWrite(t *testing.T, c *chEnv) {
	t.Helper()
	after := treeOf(t, c.src)
	for stopAfter := 1; stopAfter < 60; stopAfter++ {
		c.reopen(&faultyFiles{stopAfter: stopAfter})
		res := c.run(Options{Transfers: 2})
		c.reopen(nil)
		if res.Status == job.StatusSuccess {
			c.want[res.Version] = after
			for _, n := range res.Deleted {
				delete(c.want, n)
			}
			t.Logf("a run stopped after each of its first %d writes, then got through", stopAfter-1)
			return
		}
		vs, err := Versions(context.Background(), c.dest, c.job.ID)
		if err != nil {
			t.Fatalf("after stopping at write %d: %v", stopAfter, err)
		}
		var got []string
		for _, v := range vs {
			got = append(got, v.Name)
		}
		slices.Sort(got)
		if want := slices.Sorted(maps.Keys(c.want)); !slices.Equal(got, want) {
			t.Fatalf("after stopping at write %d: versions %q, want %q", stopAfter, got, want)
		}
	}
	t.Fatal("the run never got through")
}

// openLiveS3 opens the live S3 service under a fresh prefix, removed with
// all it holds when t ends.
func openLiveS3(t *testing.T) storage.Destination {
	t.Helper()
	env := liveEnv(t, "S3", "AVAULT_LIVE_S3_REGION", "AVAULT_LIVE_S3_BUCKET",
		"AVAULT_LIVE_S3_ACCESS_KEY_ID", "AVAULT_LIVE_S3_SECRET_ACCESS_KEY")
	opts := map[string]string{"endpoint": os.Getenv("AVAULT_LIVE_S3_ENDPOINT"), "region": env["AVAULT_LIVE_S3_REGION"], "partSizeMiB": "5"}
	for v, key := range map[string]string{"AVAULT_LIVE_S3_PATH_STYLE": "pathStyle", "AVAULT_LIVE_S3_CHECKSUM_COMPAT": "checksumCompat"} {
		if s := os.Getenv(v); s != "" {
			on, err := strconv.ParseBool(s)
			if err != nil {
				t.Fatalf("%s=%q is not true or false", v, s)
			}
			opts[key] = strconv.FormatBool(on)
		}
	}
	cfg := storage.Config{Kind: "s3", Bucket: env["AVAULT_LIVE_S3_BUCKET"],
		Prefix:  path.Join(strings.Trim(os.Getenv("AVAULT_LIVE_S3_PREFIX"), "/"), liveName()),
		Options: opts,
		Secret: storage.NewSecret(map[string]string{"accessKeyId": env["AVAULT_LIVE_S3_ACCESS_KEY_ID"],
			"secretAccessKey": env["AVAULT_LIVE_S3_SECRET_ACCESS_KEY"]}),
	}
	d := liveOpen(t, s3.Kind(), cfg)
	raw := d.(*s3.Dest)
	t.Cleanup(func() {
		n, err := liveRemoveAll(context.Background(), t.Logf, raw.Client(), raw.Bucket(), raw.Prefix()+"/")
		t.Logf("removed %d objects and object versions under s3://%s/%s/", n, raw.Bucket(), raw.Prefix())
		if err != nil {
			t.Errorf("removing s3://%s/%s/: %v; remove it by hand", raw.Bucket(), raw.Prefix(), err)
		}
	})
	t.Logf("S3: bucket %s, endpoint %s; working under %s/", cfg.Bucket, cmp.Or(opts["endpoint"], "AWS"), cfg.Prefix)
	return storage.WithRetry(d, storage.RetryOptions{})
}

// openLiveDrive opens Google Drive on a fresh folder, removed with all it
// holds when t ends.
func openLiveDrive(t *testing.T) storage.Destination {
	t.Helper()
	env := liveEnv(t, "Google Drive", "AVAULT_LIVE_GOOGLE_CLIENT_ID", "AVAULT_LIVE_GOOGLE_CLIENT_SECRET",
		"AVAULT_LIVE_GOOGLE_REFRESH_TOKEN")
	tok, err := gdrive.EncodeToken(&oauth2.Token{RefreshToken: env["AVAULT_LIVE_GOOGLE_REFRESH_TOKEN"]})
	if err != nil {
		t.Fatal(err)
	}
	secret := map[string]string{gdrive.SecretClientID: env["AVAULT_LIVE_GOOGLE_CLIENT_ID"],
		gdrive.SecretClientSecret: env["AVAULT_LIVE_GOOGLE_CLIENT_SECRET"], gdrive.SecretToken: tok}
	oc := oauth.Config{ClientID: secret[gdrive.SecretClientID], ClientSecret: secret[gdrive.SecretClientSecret]}
	svc, err := drive.NewService(context.Background(), option.WithUserAgent("Avault live tests"),
		option.WithTokenSource(oc.TokenSource(context.Background(), &oauth2.Token{RefreshToken: env["AVAULT_LIVE_GOOGLE_REFRESH_TOKEN"]}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	name, parent := liveName(), cmp.Or(os.Getenv("AVAULT_LIVE_GOOGLE_FOLDER_ID"), os.Getenv("AVAULT_LIVE_GOOGLE_DRIVE_ID"), "root")
	var f *drive.File
	err = liveDriveCall(func() (err error) {
		f, err = svc.Files.Create(&drive.File{Name: name, MimeType: "application/vnd.google-apps.folder", Parents: []string{parent}}).
			SupportsAllDrives(true).Fields("id").Do()
		return err
	})
	if err != nil {
		t.Fatalf("Google Drive: creating the test folder in %s: %v", parent, err)
	}
	t.Cleanup(func() { liveRemoveFolder(t, svc, f.Id, name) })
	t.Logf("Google Drive: working in the folder %s (id %s) in %s", name, f.Id, parent)
	d := liveOpen(t, gdrive.Kind(gdrive.KindOptions{}), storage.Config{Kind: "gdrive", Root: f.Id, Secret: storage.NewSecret(secret)})
	return storage.WithRetry(d, storage.RetryOptions{})
}

// liveOpen opens cfg with kind and checks it.
func liveOpen(t *testing.T, kind storage.Kind, cfg storage.Config) storage.Destination {
	t.Helper()
	d, err := kind.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
	return d
}

// liveRemoveFolder deletes a test folder and all it holds, or trashes it
// where the account may not delete for good (a Shared Drive's content
// manager).
func liveRemoveFolder(t *testing.T, svc *drive.Service, id, name string) {
	err := liveDriveCall(func() error { return svc.Files.Delete(id).SupportsAllDrives(true).Do() })
	var ge *googleapi.Error
	if errors.As(err, &ge) && ge.Code == http.StatusForbidden {
		err = liveDriveCall(func() error {
			_, err := svc.Files.Update(id, &drive.File{Trashed: true}).SupportsAllDrives(true).Do()
			return err
		})
		if err == nil {
			t.Logf("moved the test folder %s to the trash: this account may not delete for good", name)
		}
	}
	if err != nil {
		t.Errorf("removing the test folder %s (id %s): %v; remove it by hand", name, id, err)
	}
}

// liveDriveCall runs one plain Drive request, again after a rate limit or
// a server error.
func liveDriveCall(do func() error) error {
	for attempt := 0; ; attempt++ {
		err := do()
		var ge *googleapi.Error
		if err == nil || attempt == 5 || !errors.As(err, &ge) {
			return err
		}
		limited := ge.Code == http.StatusTooManyRequests || ge.Code >= 500
		for _, it := range ge.Errors {
			limited = limited || it.Reason == "rateLimitExceeded" || it.Reason == "userRateLimitExceeded"
		}
		if !limited {
			return err
		}
		time.Sleep(time.Second << attempt)
	}
}

// liveRemoveAll deletes every object under prefix (every version of each,
// in a bucket that keeps versions, so nothing stays billed) and aborts the
// unfinished multipart uploads there. It returns how many objects and
// versions it deleted, and fails when anything is left.
func liveRemoveAll(ctx context.Context, logf func(string, ...any), c *awss3.Client, bucket, prefix string) (int, error) {
	list := liveVersions
	ids, err := list(ctx, c, bucket, prefix)
	if err != nil { // a store without versions (R2), or a key that may not list them
		logf("listing object versions failed, so only current objects are deleted: %v", err)
		list = liveKeys
		if ids, err = list(ctx, c, bucket, prefix); err != nil {
			return 0, err
		}
	}
	n := 0
	// The versions of one key are deleted one after the other, in the order
	// listed: versitygw loses track of some when they go at once. A store
	// may bring an older version back as a newer one goes, so what is left
	// is deleted again, a few times at most.
	for round := 0; len(ids) > 0 && round < 3; round++ {
		byKey := map[string][]types.ObjectIdentifier{}
		for _, id := range ids {
			byKey[aws.ToString(id.Key)] = append(byKey[aws.ToString(id.Key)], id)
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(8)
		for _, versions := range byKey {
			g.Go(func() error {
				for _, id := range versions {
					in := &awss3.DeleteObjectInput{Bucket: &bucket, Key: id.Key, VersionId: id.VersionId}
					if _, err := c.DeleteObject(gctx, in); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return n, err
		}
		n += len(ids)
		if ids, err = list(ctx, c, bucket, prefix); err != nil {
			return n, err
		}
	}
	if len(ids) > 0 {
		return n, fmt.Errorf("%d objects or versions left, the first %s", len(ids), aws.ToString(ids[0].Key))
	}
	up := &awss3.ListMultipartUploadsInput{Bucket: &bucket, Prefix: &prefix}
	for {
		out, err := c.ListMultipartUploads(ctx, up)
		if err != nil {
			return n, fmt.Errorf("listing unfinished uploads: %w", err)
		}
		for _, u := range out.Uploads {
			if _, err := c.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{Bucket: &bucket, Key: u.Key, UploadId: u.UploadId}); err != nil {
				return n, err
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			return n, nil
		}
		up.KeyMarker, up.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}

// liveVersions lists every version and delete marker under prefix.
func liveVersions(ctx context.Context, c *awss3.Client, bucket, prefix string) ([]types.ObjectIdentifier, error) {
	var ids []types.ObjectIdentifier
	in := &awss3.ListObjectVersionsInput{Bucket: &bucket, Prefix: &prefix}
	for {
		out, err := c.ListObjectVersions(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, v := range out.Versions {
			ids = append(ids, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
		}
		for _, m := range out.DeleteMarkers {
			ids = append(ids, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
		}
		if !aws.ToBool(out.IsTruncated) {
			return ids, nil
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
}

// liveKeys lists the keys under prefix.
func liveKeys(ctx context.Context, c *awss3.Client, bucket, prefix string) ([]types.ObjectIdentifier, error) {
	var ids []types.ObjectIdentifier
	p := awss3.NewListObjectsV2Paginator(c, &awss3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range out.Contents {
			ids = append(ids, types.ObjectIdentifier{Key: o.Key})
		}
	}
	return ids, nil
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
