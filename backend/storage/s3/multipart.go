package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/retry"
	"github.com/avault/avault/backend/storage"
)

// multipart is one multipart upload in progress.
type multipart struct {
	d     *Dest
	key   string
	id    *string
	crc   bool // parts carry the SDK's CRC32 instead of a Content-MD5
	parts []types.CompletedPart
}

// putMultipart uploads a file larger than one part; see upload.
func (d *Dest) putMultipart(ctx context.Context, key string, src source, progress func(int64)) (storage.PutResult, error) {
	partSize := d.partSize(src.size)
	var sums *sums
	if src.s != nil && d.md5Pass() {
		var err error
		if sums, err = hashParts(ctx, src, partSize); err != nil {
			return storage.PutResult{}, err
		}
	}
	m := &multipart{d: d, key: key, crc: sums == nil && src.ra != nil && !d.o.ChecksumWhenRequired}
	if err := m.create(ctx, sums); err != nil {
		return storage.PutResult{}, err
	}
	var whole []byte
	var err error
	if src.ra != nil {
		err = m.uploadSections(ctx, src, partSize, sums, progress)
	} else {
		whole, err = m.uploadBuffered(ctx, src, partSize, sums, progress)
	}
	if err == nil {
		err = m.complete(ctx)
	}
	if err != nil {
		m.abort(ctx)
		return storage.PutResult{}, err
	}
	if sums != nil {
		whole = sums.whole[:]
	}
	return storage.PutResult{Size: src.size, Hash: md5Hash(whole)}, nil
}

// create starts the upload, with the whole file's MD5 as metadata when known.
func (m *multipart) create(ctx context.Context, sums *sums) error {
	in := &s3.CreateMultipartUploadInput{Bucket: &m.d.o.Bucket, Key: &m.key, StorageClass: types.StorageClass(m.d.o.StorageClass)}
	if sums != nil {
		in.Metadata = map[string]string{md5Meta: base64.StdEncoding.EncodeToString(sums.whole[:])}
	}
	if m.crc {
		in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
	}
	m.d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	out, err := m.d.c.CreateMultipartUpload(ctx, in)
	if err != nil {
		return translate(err, "S3: starting the upload of "+m.key)
	}
	m.id = out.UploadId
	return nil
}

// uploadSections sends the parts straight from the source, a few at a time,
// each with its MD5 from the first pass when there was one.
func (m *multipart) uploadSections(ctx context.Context, src source, partSize int64, sums *sums, progress func(int64)) error {
	n := int((src.size + partSize - 1) / partSize)
	m.parts = make([]types.CompletedPart, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(m.d.o.Concurrency)
	for i := range n {
		off := int64(i) * partSize
		length := min(partSize, src.size-off)
		g.Go(func() error {
			var sum *[md5.Size]byte
			if sums != nil {
				sum = &sums.parts[i]
			}
			if err := m.sendPart(gctx, i, src.section(off, length), length, sum); err != nil {
				return err
			}
			progress(length)
			return nil
		})
	}
	return g.Wait()
}

// uploadBuffered reads the source part by part into buffers and sends them,
// a few at a time. It returns the MD5 of all it read; a file whose parts
// differ from the first pass is refused.
func (m *multipart) uploadBuffered(ctx context.Context, src source, partSize int64, sums *sums, progress func(int64)) ([]byte, error) {
	n := int((src.size + partSize - 1) / partSize)
	m.parts = make([]types.CompletedPart, n)
	whole := md5.New()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(m.d.o.Concurrency)
	var readErr error
	for i := range n {
		length := min(partSize, src.size-int64(i)*partSize)
		buf, release, err := m.d.buffer(gctx, length)
		if err == nil {
			if err = readFull(gctx, src.r, buf); err != nil {
				release()
			}
		}
		sum := md5.Sum(buf)
		if err == nil && sums != nil && sum != sums.parts[i] {
			err = storage.NewError(storage.ErrInvalid, fmt.Sprintf("S3: %s changed while it was read", m.key), nil)
			release()
		}
		if err != nil {
			readErr = err
			break
		}
		whole.Write(buf)
		g.Go(func() error {
			defer release()
			if err := m.sendPart(gctx, i, bytes.NewReader(buf), length, &sum); err != nil {
				return err
			}
			progress(length)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err // a failed part cancelled gctx: readErr says only that
	}
	return whole.Sum(nil), readErr
}

// sendPart uploads part i (0-based) with a checksum the server verifies:
// its Content-MD5 when sum is known, else the SDK's CRC32 (the SDK sends no
// CRC when a Content-MD5 is set, so never both).
func (m *multipart) sendPart(ctx context.Context, i int, body io.ReadSeeker, length int64, sum *[md5.Size]byte) error {
	in := &s3.UploadPartInput{
		Bucket:        &m.d.o.Bucket,
		Key:           &m.key,
		UploadId:      m.id,
		PartNumber:    aws.Int32(int32(i + 1)),
		Body:          body,
		ContentLength: aws.Int64(length),
	}
	if sum != nil {
		in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum[:]))
	}
	if m.crc {
		in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
	}
	out, err := m.d.c.UploadPart(ctx, in)
	if err != nil {
		return translateDigest(err, m.key, fmt.Sprintf("S3: uploading part %d of %s", i+1, m.key))
	}
	m.parts[i] = types.CompletedPart{PartNumber: in.PartNumber, ETag: out.ETag}
	if m.crc { // only an upload created with an algorithm lists part checksums
		m.parts[i].ChecksumCRC32 = out.ChecksumCRC32
	}
	return nil
}

func (m *multipart) complete(ctx context.Context) error {
	_, err := m.d.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &m.d.o.Bucket, Key: &m.key, UploadId: m.id,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: m.parts},
	})
	return translate(err, "S3: completing the upload of "+m.key)
}

// abort abandons the upload so its parts are not kept (and billed), even
// when ctx was cancelled. A part still arriving at the server when the
// upload is aborted can bring it back, as the S3 documentation warns, so
// abort checks and aborts again a few times.
func (m *multipart) abort(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	for i := range 4 {
		_, err := m.d.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &m.d.o.Bucket, Key: &m.key, UploadId: m.id})
		if err != nil && !isNotFound(err) {
			return // the next run's clean-up aborts what is left under the version
		}
		if retry.Sleep(ctx, time.Duration(i+1)*100*time.Millisecond) != nil {
			return
		}
		_, err = m.d.c.ListParts(ctx, &s3.ListPartsInput{Bucket: &m.d.o.Bucket, Key: &m.key, UploadId: m.id, MaxParts: aws.Int32(1)})
		if isNotFound(err) {
			return
		}
	}
}

// partSize returns the part size for a file of size bytes: the configured
// one, grown to whole MiB so the file needs at most 10,000 parts.
func (d *Dest) partSize(size int64) int64 {
	ps := d.o.PartSize
	if size > ps*maxParts {
		ps = (size + maxParts - 1) / maxParts
		ps = (ps + 1<<20 - 1) &^ (1<<20 - 1)
	}
	return ps
}
