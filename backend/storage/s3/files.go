package s3

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/storage"
)

// Files returns plain file access below the prefix: the object key of a
// path is the prefix, a slash, and the path.
func (d *Dest) Files() storage.Files { return files{d: d} }

// files is storage.Files on the bucket. S3 has no folders, so none are
// created or removed: a key's slashes are its folders. A PUT or a copy
// replaces an object at once, so a reader sees the old content or the new.
//
// Nothing here can make a folder look like a version or a leftover to
// ListVersions and ListLeftovers, which look only for <name>/.avault/
// owner.json and <name>/.avault/manifest.json.gz, unless a caller writes
// exactly those paths.
type files struct{ d *Dest }

// key checks a Files path and returns its object key.
func (f files) key(p string) (string, error) {
	if err := storage.ValidateFilePath(p); err != nil {
		return "", err
	}
	return f.d.base() + p, nil
}

// keys checks two Files paths and returns their object keys.
func (f files) keys(from, to string) (string, string, error) {
	src, err := f.key(from)
	dst, err2 := f.key(to)
	return src, dst, errors.Join(err, err2)
}

// Put uploads the file as a version's files are uploaded (see upload): in
// one request up to the part size, else in parts, aborted when one fails,
// so that a failed Put leaves the object as it was.
func (f files) Put(ctx context.Context, p string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	key, err := f.key(p)
	if err != nil {
		return storage.PutResult{}, err
	}
	return f.d.upload(ctx, key, r, size, progress)
}

// Move copies from to to on the server, then deletes from. A crash in
// between leaves both, never neither.
func (f files) Move(ctx context.Context, from, to string) error {
	src, dst, err := f.keys(from, to)
	if err != nil {
		return err
	}
	if src == dst { // S3 refuses to copy an object onto itself unchanged
		_, err := f.d.head(ctx, src)
		return err
	}
	// One CopyObject does for all but objects over 5 GiB: a missing source
	// answers NoSuchKey, so no HEAD is spent first. A refused copy (too
	// large for one request) goes the multipart way.
	err = f.d.copyOne(ctx, src, dst)
	if errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err != nil {
		head, herr := f.d.head(ctx, src)
		if herr != nil {
			return herr
		}
		if aws.ToInt64(head.ContentLength) <= copyLimit {
			return err
		}
		if _, err := f.d.copyObject(ctx, src, dst, head); err != nil {
			return err
		}
	}
	return f.d.deleteKey(ctx, src)
}

// Copy copies from to to on the server, keeping the object's metadata.
func (f files) Copy(ctx context.Context, from, to string) (storage.PutResult, error) {
	src, dst, err := f.keys(from, to)
	if err != nil {
		return storage.PutResult{}, err
	}
	head, err := f.d.head(ctx, src)
	if err != nil {
		return storage.PutResult{}, err
	}
	if src == dst {
		return storage.PutResult{Size: aws.ToInt64(head.ContentLength), Hash: f.d.storedMD5(head.Metadata[md5Meta], head.ETag)}, nil
	}
	return f.d.copyObject(ctx, src, dst, head)
}

// Delete deletes the object at p. S3 answers a delete of a missing key
// with success, so a HEAD first tells ErrNotFound.
func (f files) Delete(ctx context.Context, p string) error {
	key, err := f.key(p)
	if err != nil {
		return err
	}
	if _, err := f.d.head(ctx, key); err != nil {
		return err
	}
	return f.d.deleteKey(ctx, key)
}

// deleteKey deletes one object.
func (d *Dest) deleteKey(ctx context.Context, key string) error {
	_, err := d.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &d.o.Bucket, Key: &key})
	return translate(err, "S3: deleting "+key)
}

// Open streams the object at p.
func (f files) Open(ctx context.Context, p string) (io.ReadCloser, error) {
	key, err := f.key(p)
	if err != nil {
		return nil, err
	}
	out, err := f.d.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &f.d.o.Bucket, Key: &key})
	if err != nil {
		return nil, translate(err, "S3: reading "+key)
	}
	return out.Body, nil
}

// Walk lists every object under dir, page by page, in key order. The hash
// is the MD5 when the ETag is one, as for ListFiles. Keys that no Files
// path names are skipped: the "folder" markers some tools create (ending
// in a slash) and keys with empty, "." or ".." elements.
func (f files) Walk(ctx context.Context, dir string, fn func(storage.FileInfo) error) error {
	if err := storage.ValidateDirPath(dir); err != nil {
		return err
	}
	prefix := f.d.base()
	if dir != "" {
		prefix += dir + "/"
	}
	pages := s3.NewListObjectsV2Paginator(f.d.c, &s3.ListObjectsV2Input{Bucket: &f.d.o.Bucket, Prefix: &prefix, MaxKeys: &f.d.o.ListPageSize})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return translate(err, "S3: listing "+prefix)
		}
		for _, o := range page.Contents {
			rel, ok := strings.CutPrefix(aws.ToString(o.Key), prefix)
			if !ok || storage.ValidateFilePath(rel) != nil {
				continue
			}
			if err := fn(storage.FileInfo{Path: rel, Size: aws.ToInt64(o.Size), Hash: f.d.storedMD5("", o.ETag)}); err != nil {
				return err
			}
		}
	}
	return nil
}

var _ storage.Files = files{}
var _ storage.FileStore = (*Dest)(nil)
