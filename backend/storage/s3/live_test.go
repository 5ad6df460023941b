//go:build live

package s3

// The live run (make test-live) passes the conformance suite against a real
// S3 service named by AVAULT_LIVE_S3_*, under a fresh prefix it removes
// afterwards. README: "Testing against real Google Drive and S3".

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/storagetest"
)

// liveS3Vars must be set for a live run. Optional: AVAULT_LIVE_S3_ENDPOINT
// (empty for AWS), AVAULT_LIVE_S3_PATH_STYLE and
// AVAULT_LIVE_S3_CHECKSUM_COMPAT ("true", as the destination options
// pathStyle and checksumCompat), AVAULT_LIVE_S3_PREFIX (where in the bucket
// the run's own prefix goes).
var liveS3Vars = []string{"AVAULT_LIVE_S3_REGION", "AVAULT_LIVE_S3_BUCKET",
	"AVAULT_LIVE_S3_ACCESS_KEY_ID", "AVAULT_LIVE_S3_SECRET_ACCESS_KEY"}

const (
	livePartSizeMiB = 5 // the least S3 allows: the suite's large files stay small
	livePageSize    = 7 // listings go past a page with a few dozen objects
)

// TestLiveConformance runs the conformance suite, Files included, each
// test under a prefix of its own (some with spaces, "ü" and "#"). The fault
// tests are left out: requests through a fault proxy are signed for the
// proxy's address, which a real service refuses. Multipart copies are made
// to happen at 6 MiB, as in the local tests, so that the service's
// UploadPartCopy is tried too.
func TestLiveConformance(t *testing.T) {
	cfg := liveS3Config(t)
	lowerCopyLimits(t)
	n := 0
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		n++
		c := cfg
		c.Prefix = fmt.Sprintf("%s/%02d", cfg.Prefix, n)
		if n%3 == 0 {
			c.Prefix += "/odd prefix ü #1"
		}
		return liveOpen(t, c)
	}, storagetest.Options{
		PartSize:     livePartSizeMiB << 20,
		PageSize:     livePageSize,
		PutUserFile:  putUserFile,
		ReadUserFile: readUserFile,
	})
}

// liveS3Config returns the destination config for the live service under
// a fresh prefix, removed with all it holds when t ends; without the
// variables it skips t, naming the missing ones.
func liveS3Config(t *testing.T) storage.Config {
	t.Helper()
	env := liveEnv(t, "S3", liveS3Vars...)
	opts := map[string]string{
		"endpoint":    os.Getenv("AVAULT_LIVE_S3_ENDPOINT"),
		"region":      env["AVAULT_LIVE_S3_REGION"],
		"partSizeMiB": strconv.Itoa(livePartSizeMiB),
	}
	for v, key := range map[string]string{"AVAULT_LIVE_S3_PATH_STYLE": "pathStyle", "AVAULT_LIVE_S3_CHECKSUM_COMPAT": "checksumCompat"} {
		if s := os.Getenv(v); s != "" {
			on, err := strconv.ParseBool(s)
			if err != nil {
				t.Fatalf("%s=%q is not true or false", v, s)
			}
			opts[key] = strconv.FormatBool(on)
		}
	}
	cfg := storage.Config{
		Kind:    "s3",
		Bucket:  env["AVAULT_LIVE_S3_BUCKET"],
		Prefix:  path.Join(strings.Trim(os.Getenv("AVAULT_LIVE_S3_PREFIX"), "/"), liveName()),
		Options: opts,
		Secret: storage.NewSecret(map[string]string{
			"accessKeyId":     env["AVAULT_LIVE_S3_ACCESS_KEY_ID"],
			"secretAccessKey": env["AVAULT_LIVE_S3_SECRET_ACCESS_KEY"],
		}),
	}
	d := liveOpen(t, cfg)
	t.Cleanup(func() {
		n, err := liveRemoveAll(context.Background(), t.Logf, d.Client(), d.Bucket(), d.Prefix()+"/")
		t.Logf("removed %d objects and object versions under s3://%s/%s/", n, d.Bucket(), d.Prefix())
		if err != nil {
			t.Errorf("removing s3://%s/%s/: %v; remove it by hand", d.Bucket(), d.Prefix(), err)
		}
	})
	t.Logf("S3: bucket %s, endpoint %s, region %s; working under %s/",
		cfg.Bucket, cmp.Or(opts["endpoint"], "AWS"), opts["region"], cfg.Prefix)
	return cfg
}

// liveOpen opens cfg as the registry would, with short listing pages, and
// checks it.
func liveOpen(t *testing.T, cfg storage.Config) *Dest {
	t.Helper()
	o, err := FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	o.ListPageSize = livePageSize
	return open(t, o)
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

// liveRemoveAll deletes every object under prefix (every version of each,
// in a bucket that keeps versions, so nothing stays billed) and aborts the
// unfinished multipart uploads there. It returns how many objects and
// versions it deleted, and fails when anything is left.
func liveRemoveAll(ctx context.Context, logf func(string, ...any), c *s3.Client, bucket, prefix string) (int, error) {
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
					in := &s3.DeleteObjectInput{Bucket: &bucket, Key: id.Key, VersionId: id.VersionId}
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
	up := &s3.ListMultipartUploadsInput{Bucket: &bucket, Prefix: &prefix}
	for {
		out, err := c.ListMultipartUploads(ctx, up)
		if err != nil {
			return n, fmt.Errorf("listing unfinished uploads: %w", err)
		}
		for _, u := range out.Uploads {
			if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bucket, Key: u.Key, UploadId: u.UploadId}); err != nil {
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
func liveVersions(ctx context.Context, c *s3.Client, bucket, prefix string) ([]types.ObjectIdentifier, error) {
	var ids []types.ObjectIdentifier
	in := &s3.ListObjectVersionsInput{Bucket: &bucket, Prefix: &prefix}
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
func liveKeys(ctx context.Context, c *s3.Client, bucket, prefix string) ([]types.ObjectIdentifier, error) {
	var ids []types.ObjectIdentifier
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
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
