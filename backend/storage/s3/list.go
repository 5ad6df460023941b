package s3

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/storage"
)

// ListFiles lists a version's objects with their sizes, following every
// page. The hash is the MD5 when the ETag is one (single-part objects
// without KMS encryption); multipart objects get a zero Hash, as their
// md5chksum would need a request per object.
func (d *Dest) ListFiles(ctx context.Context, version string) ([]storage.FileInfo, error) {
	var out []storage.FileInfo
	if err := d.WalkFiles(ctx, version, func(f storage.FileInfo) error { out = append(out, f); return nil }); err != nil {
		return nil, err
	}
	return out, nil
}

// WalkFiles hands fn a version's objects one at a time, a page of the
// listing at a time, as ListFiles lists them.
func (d *Dest) WalkFiles(ctx context.Context, version string, fn func(storage.FileInfo) error) error {
	if err := storage.ValidateName(version); err != nil {
		return err
	}
	dir := d.dir(version)
	meta := dir + storage.MetaDir + "/"
	found := false
	pages := s3.NewListObjectsV2Paginator(d.c, &s3.ListObjectsV2Input{Bucket: &d.o.Bucket, Prefix: &dir, MaxKeys: &d.o.ListPageSize})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return translate(err, "S3: listing "+dir)
		}
		for _, o := range page.Contents {
			found = true
			key := aws.ToString(o.Key)
			if strings.HasPrefix(key, meta) || !strings.HasPrefix(key, dir) || strings.HasSuffix(key, "/") {
				continue // Avault's own files, and folder markers
			}
			if err := fn(storage.FileInfo{Path: key[len(dir):], Size: aws.ToInt64(o.Size), Hash: d.storedMD5("", o.ETag)}); err != nil {
				return err
			}
		}
	}
	if !found {
		return storage.NewError(storage.ErrNotFound, fmt.Sprintf("S3: no version %s in %s", version, d.where()), nil)
	}
	return nil
}

// ListChoices lists the buckets the credentials can see (parent ""), or
// the folders under parent ("bucket" or "bucket/some/prefix"). A Choice's
// ID is the parent to pass next.
func (d *Dest) ListChoices(ctx context.Context, parent string) ([]storage.Choice, error) {
	if parent == "" {
		return d.buckets(ctx)
	}
	bucket, prefix, _ := strings.Cut(strings.Trim(parent, "/"), "/")
	if prefix != "" {
		prefix += "/"
	}
	var out []storage.Choice
	pages := s3.NewListObjectsV2Paginator(d.c, &s3.ListObjectsV2Input{
		Bucket: &bucket, Prefix: &prefix, Delimiter: aws.String("/"), MaxKeys: &d.o.ListPageSize,
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "S3: listing s3://"+bucket+"/"+prefix)
		}
		for _, cp := range page.CommonPrefixes {
			p := aws.ToString(cp.Prefix)
			name := strings.TrimSuffix(strings.TrimPrefix(p, prefix), "/")
			out = append(out, storage.Choice{ID: bucket + "/" + strings.TrimSuffix(p, "/"), Name: name, Kind: "folder", HasSub: true})
		}
	}
	return out, nil
}

func (d *Dest) buckets(ctx context.Context) ([]storage.Choice, error) {
	var out []storage.Choice
	pages := s3.NewListBucketsPaginator(d.c, &s3.ListBucketsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "S3: listing buckets")
		}
		for _, b := range page.Buckets {
			n := aws.ToString(b.Name)
			out = append(out, storage.Choice{ID: n, Name: n, Kind: "bucket", HasSub: true})
		}
	}
	return out, nil
}
