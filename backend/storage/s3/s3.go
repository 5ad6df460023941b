// Package s3 stores versions in an Amazon S3 bucket or an S3-compatible
// store (MinIO, Wasabi, Backblaze B2, Cloudflare R2, Ceph).
//
// Layout under the bucket and prefix:
//
//	<prefix>/<name>/...                      the version's files, as plain objects
//	<prefix>/<name>/.avault/owner.json       written first, by Begin
//	<prefix>/<name>/.avault/manifest.json.gz written last, by Commit
//
// S3 cannot rename, so a version's objects go to their final keys at once
// and the manifest object is the commit: a prefix with it is a version (its
// VersionInfo rides in the manifest's metadata); a prefix with only the
// owner record is a leftover; a prefix with neither is the user's and is
// never listed nor deleted.
//
// Files (plain file access) stores a path at <prefix>/<path>, as given.
package s3

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/avault/avault/backend/storage"
)

const (
	ownerKey    = storage.MetaDir + "/owner.json"
	manifestKey = storage.MetaDir + "/" + storage.ManifestName
	infoMeta    = "avault-version" // manifest metadata: base64url JSON of VersionInfo
	md5Meta     = "md5chksum"      // whole-file MD5, base64, as rclone reads it
)

// Dest is an S3 bucket (and prefix) holding versions.
type Dest struct {
	o   Options
	c   *s3.Client
	hc  *http.Client
	mem *semaphore.Weighted // bytes buffered by uploads in flight
}

// New returns a destination for o. It does not contact the service; Check
// does.
func New(_ context.Context, o Options) (*Dest, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	if o.HTTPClient == nil {
		hc, err := newHTTPClient(o)
		if err != nil {
			return nil, err
		}
		o.HTTPClient = hc
	}
	return &Dest{o: o, c: newClient(o), hc: o.HTTPClient, mem: semaphore.NewWeighted(o.MemoryLimit)}, nil
}

// Bucket returns the bucket name.
func (d *Dest) Bucket() string { return d.o.Bucket }

// Prefix returns the key prefix without slashes at the ends ("" for none).
func (d *Dest) Prefix() string { return d.o.Prefix }

// Client returns the SDK client, for tests and tools.
func (d *Dest) Client() *s3.Client { return d.c }

// base is the key prefix versions live under, "" or ending in "/".
func (d *Dest) base() string {
	if d.o.Prefix == "" {
		return ""
	}
	return d.o.Prefix + "/"
}

// dir returns the key prefix of version name, ending in "/".
func (d *Dest) dir(name string) string { return d.base() + name + "/" }

// where names the bucket and prefix in messages.
func (d *Dest) where() string { return "s3://" + d.o.Bucket + "/" + d.base() }

// Check verifies the credentials, that the bucket exists, and that a small
// object can be written and deleted under the prefix.
func (d *Dest) Check(ctx context.Context) error {
	if d.o.Bucket == "" {
		return storage.NewError(storage.ErrInvalid, "S3: no bucket chosen", nil)
	}
	// A listing, unlike HeadBucket, answers with an error code (wrong key,
	// bad signature, no such bucket) a person can act on.
	in := &s3.ListObjectsV2Input{Bucket: &d.o.Bucket, Prefix: aws.String(d.base()), MaxKeys: aws.Int32(1)}
	if _, err := d.c.ListObjectsV2(ctx, in); err != nil {
		err = translate(err, "S3: bucket "+d.o.Bucket)
		if errors.Is(err, storage.ErrNotFound) {
			return storage.NewError(storage.ErrNotFound, fmt.Sprintf("S3: bucket %s does not exist", d.o.Bucket), err)
		}
		return err
	}
	key := d.base() + ".avault-check-" + randomName()
	if err := d.putSmall(ctx, key, []byte("avault"), nil); err != nil {
		return err
	}
	if _, err := d.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &d.o.Bucket, Key: &key}); err != nil {
		return translate(err, "S3: deleting a test object (old versions could not be rotated away)")
	}
	return nil
}

// Begin writes <name>/.avault/owner.json, after checking that nothing is
// stored under <name>/ yet, or only the owner record of this same run.
func (d *Dest) Begin(ctx context.Context, name string, owner storage.Owner) (storage.Pending, error) {
	if err := storage.ValidateName(name); err != nil {
		return nil, err
	}
	p := &pending{d: d, name: name, owner: owner}
	out, err := d.c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &d.o.Bucket, Prefix: aws.String(d.dir(name)), MaxKeys: aws.Int32(1)})
	if err != nil {
		return nil, translate(err, "S3: listing "+d.dir(name))
	}
	if len(out.Contents) > 0 {
		e, err := d.examine(ctx, name, true)
		if err != nil {
			return nil, err
		}
		if !e.committed && e.hasOwner && e.owner == owner {
			return p, nil // a retried Begin of the same run
		}
		return nil, storage.NewError(storage.ErrExists, fmt.Sprintf("S3: %s already holds %s", d.where(), name), nil)
	}
	b, err := json.Marshal(owner)
	if err != nil {
		return nil, err
	}
	return p, d.putSmall(ctx, d.dir(name)+ownerKey, b, nil)
}

// entry is what examine learns of one name under the prefix.
type entry struct {
	name      string
	committed bool
	infoOK    bool // the manifest's metadata held a readable VersionInfo
	info      storage.VersionInfo
	hasOwner  bool
	owner     storage.Owner
}

// examine looks at <name>/: whether the manifest exists (and its info),
// and, when wantOwner, the owner record.
func (d *Dest) examine(ctx context.Context, name string, wantOwner bool) (entry, error) {
	e := entry{name: name}
	head, err := d.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.o.Bucket, Key: aws.String(d.dir(name) + manifestKey)})
	switch {
	case err == nil:
		e.committed = true
		e.info, err = decodeInfo(head.Metadata[infoMeta])
		e.infoOK, e.info.Name = err == nil, name
		return e, nil
	case !isNotFound(err):
		return e, translate(err, "S3: reading the commit of "+name)
	case !wantOwner:
		return e, nil
	}
	b, err := d.readSmall(ctx, d.dir(name)+ownerKey)
	if isNotFound(err) {
		return e, nil
	}
	if err != nil {
		return e, err
	}
	e.hasOwner = true
	_ = json.Unmarshal(b, &e.owner) // an unreadable record leaves Owner zero
	return e, nil
}

func encodeInfo(vi storage.VersionInfo) (string, error) {
	b, err := json.Marshal(vi)
	return base64.RawURLEncoding.EncodeToString(b), err
}

func decodeInfo(s string) (storage.VersionInfo, error) {
	var vi storage.VersionInfo
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &vi)
	}
	if err != nil {
		return vi, fmt.Errorf("S3: unreadable version record: %w", err)
	}
	return vi, nil
}

// scan examines every name directly under the prefix, a few at a time.
func (d *Dest) scan(ctx context.Context, wantOwner bool) ([]entry, error) {
	names, err := d.names(ctx, d.base())
	if err != nil {
		return nil, err
	}
	entries := make([]entry, len(names))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, n := range names {
		g.Go(func() error {
			var err error
			entries[i], err = d.examine(gctx, n, wantOwner)
			return err
		})
	}
	return entries, g.Wait()
}

// names lists the "folders" directly under prefix that are valid version
// names, sorted, following every page.
func (d *Dest) names(ctx context.Context, prefix string) ([]string, error) {
	var names []string
	pages := s3.NewListObjectsV2Paginator(d.c, &s3.ListObjectsV2Input{
		Bucket: &d.o.Bucket, Prefix: &prefix, Delimiter: aws.String("/"), MaxKeys: &d.o.ListPageSize,
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "S3: listing "+d.where())
		}
		for _, cp := range page.CommonPrefixes {
			n := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/")
			if storage.ValidateName(n) == nil {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// ListVersions returns the names whose manifest exists, with the info
// stored in its metadata.
func (d *Dest) ListVersions(ctx context.Context) ([]storage.VersionInfo, error) {
	entries, err := d.scan(ctx, false)
	if err != nil {
		return nil, err
	}
	var out []storage.VersionInfo
	for _, e := range entries {
		if e.committed && e.infoOK { // a version without its record is kept, unlisted
			out = append(out, e.info)
		}
	}
	return out, nil
}

// ListLeftovers returns the names with an owner record but no manifest.
func (d *Dest) ListLeftovers(ctx context.Context) ([]storage.Leftover, error) {
	entries, err := d.scan(ctx, true)
	if err != nil {
		return nil, err
	}
	var out []storage.Leftover
	for _, e := range entries {
		if !e.committed && e.hasOwner {
			out = append(out, storage.Leftover{Name: e.name, Owner: e.owner})
		}
	}
	return out, nil
}

// DeleteVersion deletes the manifest first, which turns the version into a
// leftover, then every other object under <name>/, the owner record last.
func (d *Dest) DeleteVersion(ctx context.Context, name string) error {
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	e, err := d.examine(ctx, name, false)
	if err != nil {
		return err
	}
	if !e.committed {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("S3: no version %s in %s", name, d.where()), nil)
	}
	key := d.dir(name) + manifestKey
	if _, err := d.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &d.o.Bucket, Key: &key}); err != nil {
		return translate(err, "S3: deleting "+key)
	}
	return d.deleteAll(ctx, d.dir(name))
}

// DeleteLeftover deletes everything under <name>/ when it holds an owner
// record and no manifest, and aborts its unfinished multipart uploads.
func (d *Dest) DeleteLeftover(ctx context.Context, name string) error {
	if err := storage.ValidateName(name); err != nil {
		return err
	}
	e, err := d.examine(ctx, name, true)
	if err != nil {
		return err
	}
	if e.committed || !e.hasOwner {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("S3: no unfinished version %s in %s", name, d.where()), nil)
	}
	return d.deleteAll(ctx, d.dir(name))
}

// Open streams a file of a committed version.
func (d *Dest) Open(ctx context.Context, version, path string) (io.ReadCloser, error) {
	key, err := d.fileKey(version, path)
	if err != nil {
		return nil, err
	}
	out, err := d.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &d.o.Bucket, Key: &key})
	if err != nil {
		return nil, translate(err, "S3: reading "+key)
	}
	return out.Body, nil
}

// ReadManifest reads <version>/.avault/manifest.json.gz.
func (d *Dest) ReadManifest(ctx context.Context, version string) ([]byte, error) {
	if err := storage.ValidateName(version); err != nil {
		return nil, err
	}
	return d.readSmall(ctx, d.dir(version)+manifestKey)
}

// fileKey checks a version name and file path and returns the object key.
func (d *Dest) fileKey(version, path string) (string, error) {
	if err := storage.ValidateName(version); err != nil {
		return "", err
	}
	if err := storage.ValidatePath(path); err != nil {
		return "", err
	}
	return d.dir(version) + path, nil
}

// Close releases idle connections.
func (d *Dest) Close() error {
	d.hc.CloseIdleConnections()
	return nil
}

var _ storage.Destination = (*Dest)(nil)
var _ storage.FileWalker = (*Dest)(nil)
var _ storage.Chooser = (*Dest)(nil)
