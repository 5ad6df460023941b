package s3

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/storage"
)

// Objects up to copyLimit are copied with one CopyObject (S3 allows 5 GiB);
// larger ones with UploadPartCopy parts of at least copyPartSize. Tests
// lower both.
var (
	copyLimit    int64 = 5 << 30
	copyPartSize int64 = 512 << 20
)

// CopyFrom copies a file of a committed version on the server, keeping its
// metadata (and so its md5chksum). The hash returned is the stored MD5 when
// the object has one.
func (p *pending) CopyFrom(ctx context.Context, fromVersion, fromPath, toPath string, size int64) (storage.PutResult, error) {
	src, err := p.d.fileKey(fromVersion, fromPath)
	if err != nil {
		return storage.PutResult{}, err
	}
	dst, err := p.d.fileKey(p.name, toPath)
	if err != nil {
		return storage.PutResult{}, err
	}
	head, err := p.d.head(ctx, src)
	if err != nil {
		return storage.PutResult{}, err
	}
	if got := aws.ToInt64(head.ContentLength); got != size {
		return storage.PutResult{}, storage.NewError(storage.ErrInvalid, fmt.Sprintf("S3: cannot copy %s: it has %d bytes, not %d", src, got, size), nil)
	}
	return p.d.copyObject(ctx, src, dst, head)
}

// head returns the metadata of the object at key, or ErrNotFound.
func (d *Dest) head(ctx context.Context, key string) (*s3.HeadObjectOutput, error) {
	out, err := d.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &d.o.Bucket, Key: &key})
	if err != nil {
		return nil, translate(err, "S3: reading "+key)
	}
	return out, nil
}

// copyObject copies the object at src, whose metadata head holds, to dst
// on the server, in one request or in parts, keeping its metadata (and so
// its md5chksum). The hash returned is the source's MD5 when it has one.
func (d *Dest) copyObject(ctx context.Context, src, dst string, head *s3.HeadObjectOutput) (storage.PutResult, error) {
	size := aws.ToInt64(head.ContentLength)
	var err error
	if size <= copyLimit {
		err = d.copyOne(ctx, src, dst)
	} else {
		err = d.copyMultipart(ctx, src, dst, size, head)
	}
	if err != nil {
		return storage.PutResult{}, err
	}
	return storage.PutResult{Size: size, Hash: d.storedMD5(head.Metadata[md5Meta], head.ETag)}, nil
}

// copyOne copies src to dst with one CopyObject, keeping its metadata.
func (d *Dest) copyOne(ctx context.Context, src, dst string) error {
	in := &s3.CopyObjectInput{
		Bucket:            &d.o.Bucket,
		Key:               &dst,
		CopySource:        aws.String(copySource(d.o.Bucket, src)),
		MetadataDirective: types.MetadataDirectiveCopy,
		StorageClass:      types.StorageClass(d.o.StorageClass),
	}
	d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	_, err := d.c.CopyObject(ctx, in)
	return translate(err, "S3: copying "+src+" to "+dst)
}

// copyMultipart copies an object too large for CopyObject part by part,
// giving the copy the source's metadata and content type.
func (d *Dest) copyMultipart(ctx context.Context, src, dst string, size int64, head *s3.HeadObjectOutput) error {
	in := &s3.CreateMultipartUploadInput{
		Bucket: &d.o.Bucket, Key: &dst, Metadata: head.Metadata, ContentType: head.ContentType,
		StorageClass: types.StorageClass(d.o.StorageClass),
	}
	d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	up, err := d.c.CreateMultipartUpload(ctx, in)
	if err != nil {
		return translate(err, "S3: starting the copy of "+src)
	}
	m := &multipart{d: d, key: dst, id: up.UploadId}
	if err = m.copyParts(ctx, src, size); err == nil {
		err = m.complete(ctx)
	}
	if err != nil {
		m.abort(ctx)
	}
	return err
}

// copyParts copies src into the upload with UploadPartCopy, a few parts at
// a time.
func (m *multipart) copyParts(ctx context.Context, src string, size int64) error {
	partSize := max(copyPartSize, (size+maxParts-1)/maxParts)
	n := int((size + partSize - 1) / partSize)
	m.parts = make([]types.CompletedPart, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(m.d.o.Concurrency)
	for i := range n {
		first := int64(i) * partSize
		last := min(first+partSize, size) - 1
		g.Go(func() error {
			out, err := m.d.c.UploadPartCopy(gctx, &s3.UploadPartCopyInput{
				Bucket: &m.d.o.Bucket, Key: &m.key, UploadId: m.id, PartNumber: aws.Int32(int32(i + 1)),
				CopySource:      aws.String(copySource(m.d.o.Bucket, src)),
				CopySourceRange: aws.String(fmt.Sprintf("bytes=%d-%d", first, last)),
			})
			if err != nil {
				return translate(err, fmt.Sprintf("S3: copying part %d of %s", i+1, src))
			}
			m.parts[i] = types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.CopyPartResult.ETag}
			return nil
		})
	}
	return g.Wait()
}

// copySource is the x-amz-copy-source value: bucket/key, URL-encoded
// except for slashes.
func copySource(bucket, key string) string {
	var b strings.Builder
	b.WriteString(bucket)
	b.WriteByte('/')
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// storedMD5 returns an object's MD5: from its md5chksum metadata, else from
// an ETag that is one (a single-part upload without KMS encryption), else
// a zero Hash.
func (d *Dest) storedMD5(meta string, etag *string) storage.Hash {
	if raw, err := base64.StdEncoding.DecodeString(meta); err == nil && len(raw) == 16 {
		return storage.Hash{Algo: "md5", Value: hex.EncodeToString(raw)}
	}
	e := strings.Trim(aws.ToString(etag), `"`)
	if _, err := hex.DecodeString(e); err == nil && len(e) == 32 && d.o.SSE != "aws:kms" {
		return storage.Hash{Algo: "md5", Value: strings.ToLower(e)}
	}
	return storage.Hash{}
}
