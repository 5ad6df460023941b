package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// putSmall stores data at key in one request with its Content-MD5, using
// the bucket's default storage class (Avault's own records must stay
// readable at once whatever class the files use).
func (d *Dest) putSmall(ctx context.Context, key string, data []byte, meta map[string]string) error {
	sum := md5.Sum(data)
	in := &s3.PutObjectInput{
		Bucket:        &d.o.Bucket,
		Key:           &key,
		Body:          bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))),
		ContentMD5:    aws.String(base64.StdEncoding.EncodeToString(sum[:])),
		Metadata:      meta,
	}
	d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	if _, err := d.c.PutObject(ctx, in); err != nil {
		return translate(err, "S3: writing "+key)
	}
	return nil
}

// readSmall reads a whole object (owner record, manifest).
func (d *Dest) readSmall(ctx context.Context, key string) ([]byte, error) {
	out, err := d.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &d.o.Bucket, Key: &key})
	if err != nil {
		return nil, translate(err, "S3: reading "+key)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, translate(err, "S3: reading "+key)
	}
	return b, nil
}

// encrypt sets the server-side encryption fields of a request.
func (d *Dest) encrypt(sse *types.ServerSideEncryption, kmsKey **string) {
	if d.o.SSE == "" {
		return
	}
	*sse = types.ServerSideEncryption(d.o.SSE)
	if d.o.SSEKMSKeyID != "" {
		*kmsKey = aws.String(d.o.SSEKMSKeyID)
	}
}

// deleteAll deletes every object under dir (which ends in "/"), page by
// page with DeleteObjects, its owner record last so that an interrupted
// delete stays recognisable as Avault's leftover; then it aborts unfinished
// multipart uploads under dir.
func (d *Dest) deleteAll(ctx context.Context, dir string) error {
	owner := dir + ownerKey
	in := &s3.ListObjectsV2Input{Bucket: &d.o.Bucket, Prefix: &dir, MaxKeys: &d.o.ListPageSize}
	for {
		page, err := d.c.ListObjectsV2(ctx, in)
		if err != nil {
			return translate(err, "S3: listing "+dir)
		}
		var keys []string
		for _, o := range page.Contents {
			if k := aws.ToString(o.Key); k != owner && strings.HasPrefix(k, dir) {
				keys = append(keys, k)
			}
		}
		if err := d.deleteKeys(ctx, keys); err != nil {
			return err
		}
		if !aws.ToBool(page.IsTruncated) || len(page.Contents) == 0 {
			break
		}
		in.StartAfter = page.Contents[len(page.Contents)-1].Key
	}
	if err := d.abortUploads(ctx, dir); err != nil {
		return err
	}
	_, err := d.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &d.o.Bucket, Key: &owner})
	return translate(err, "S3: deleting "+owner)
}

// deleteKeys deletes keys in batches of at most 1,000 and fails when any
// single key could not be deleted.
func (d *Dest) deleteKeys(ctx context.Context, keys []string) error {
	for len(keys) > 0 {
		n := min(len(keys), 1000)
		objs := make([]types.ObjectIdentifier, n)
		for i, k := range keys[:n] {
			objs[i] = types.ObjectIdentifier{Key: aws.String(k)}
		}
		out, err := d.c.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: &d.o.Bucket,
			Delete: &types.Delete{Objects: objs, Quiet: aws.Bool(true)},
		}, withContentMD5)
		if err != nil {
			return translate(err, fmt.Sprintf("S3: deleting %d objects", n))
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return translate(&deleteError{e}, fmt.Sprintf("S3: %d of %d objects not deleted, first %s", len(out.Errors), n, aws.ToString(e.Key)))
		}
		keys = keys[n:]
	}
	return nil
}

// withContentMD5 adds a Content-MD5 header to a request. Many
// S3-compatible stores still require it on DeleteObjects, where the SDK
// now sends only its newer CRC checksum.
func withContentMD5(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, smithyhttp.AddContentChecksumMiddleware)
}

// deleteError is one key's failure inside a DeleteObjects answer; it
// carries the S3 code so translate maps it like any other error.
type deleteError struct{ e types.Error }

func (e *deleteError) Error() string {
	return fmt.Sprintf("%s: %s", aws.ToString(e.e.Code), aws.ToString(e.e.Message))
}
func (e *deleteError) ErrorCode() string             { return aws.ToString(e.e.Code) }
func (e *deleteError) ErrorMessage() string          { return aws.ToString(e.e.Message) }
func (e *deleteError) ErrorFault() smithy.ErrorFault { return smithy.FaultUnknown }

// abortUploads aborts every unfinished multipart upload under dir, so an
// interrupted run leaves no invisible parts that are billed.
func (d *Dest) abortUploads(ctx context.Context, dir string) error {
	in := &s3.ListMultipartUploadsInput{Bucket: &d.o.Bucket, Prefix: &dir}
	for {
		out, err := d.c.ListMultipartUploads(ctx, in)
		if err != nil {
			return translate(err, "S3: listing unfinished uploads under "+dir)
		}
		for _, u := range out.Uploads {
			_, err := d.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &d.o.Bucket, Key: u.Key, UploadId: u.UploadId})
			if err != nil && !isNotFound(err) {
				return translate(err, "S3: aborting the upload of "+aws.ToString(u.Key))
			}
		}
		if !aws.ToBool(out.IsTruncated) {
			return nil
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}

// randomName returns 16 random hex digits.
func randomName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
