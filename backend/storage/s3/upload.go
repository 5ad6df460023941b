package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/storage"
)

// pending is a version being written under <prefix>/<name>/.
type pending struct {
	d     *Dest
	name  string
	owner storage.Owner
}

func (p *pending) Name() string { return p.name }

// Put uploads size bytes from r to <name>/<path>.
//
// A file up to the part size is read into memory and sent in one PutObject
// with its Content-MD5 and the whole-file MD5 as x-amz-meta-md5chksum.
// A larger file goes as a multipart upload: parts are read one after the
// other into buffers and up to Options.Concurrency of them are sent at once,
// each with a CRC32 (or Content-MD5, see sendPart); the buffers of all Puts together stay within
// Options.MemoryLimit.
//
// The MD5 of a multipart object must be known when the upload starts to be
// stored as metadata. When r is an io.Seeker (a file), Put therefore reads
// it once to hash it, seeks back and reads it again to upload; the second
// read must give the same MD5 or the upload is abandoned (the file changed).
// Reading twice costs local bandwidth, which is far cheaper than the
// alternatives: copying the object onto itself afterwards would double the
// stored bytes on versioned buckets and stores that bill deleted data for a
// minimum time. A reader that cannot seek is read once; its multipart
// object has no md5chksum, and the returned MD5 is then Avault's only record.
//
// progress is called once per part and never concurrently.
func (p *pending) Put(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	key, err := p.d.fileKey(p.name, path)
	if err != nil {
		return storage.PutResult{}, err
	}
	if size < 0 {
		return storage.PutResult{}, storage.NewError(storage.ErrInvalid, fmt.Sprintf("S3: negative size for %s", path), nil)
	}
	progress = serialised(progress)
	if size <= p.d.o.PartSize {
		return p.putOne(ctx, key, r, size, progress)
	}
	return p.putMultipart(ctx, key, r, size, progress)
}

// serialised returns fn guarded by a mutex, or a no-op for nil.
func serialised(fn func(int64)) func(int64) {
	if fn == nil {
		return func(int64) {}
	}
	var mu sync.Mutex
	return func(n int64) {
		mu.Lock()
		defer mu.Unlock()
		fn(n)
	}
}

// putOne uploads a file that fits in one part with a single PutObject.
func (p *pending) putOne(ctx context.Context, key string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	buf, release, err := p.d.buffer(ctx, size)
	if err != nil {
		return storage.PutResult{}, err
	}
	defer release()
	if err := readFull(ctx, r, buf); err != nil {
		return storage.PutResult{}, err
	}
	sum := md5.Sum(buf)
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	in := &s3.PutObjectInput{
		Bucket:        &p.d.o.Bucket,
		Key:           &key,
		Body:          bytes.NewReader(buf),
		ContentLength: aws.Int64(size),
		ContentMD5:    &b64,
		Metadata:      map[string]string{md5Meta: b64},
		StorageClass:  types.StorageClass(p.d.o.StorageClass),
	}
	p.d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	if _, err := p.d.c.PutObject(ctx, in); err != nil {
		return storage.PutResult{}, translate(err, "S3: uploading "+key)
	}
	progress(size)
	return storage.PutResult{Size: size, Hash: storage.Hash{Algo: "md5", Value: hex.EncodeToString(sum[:])}}, nil
}

// putMultipart uploads a file larger than one part; see Put.
func (p *pending) putMultipart(ctx context.Context, key string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	var want []byte
	if s, ok := r.(io.Seeker); ok && !p.d.o.NoMultipartMD5 {
		var err error
		if want, err = md5First(ctx, r, s, size); err != nil {
			return storage.PutResult{}, err
		}
	}
	in := &s3.CreateMultipartUploadInput{Bucket: &p.d.o.Bucket, Key: &key, StorageClass: types.StorageClass(p.d.o.StorageClass)}
	if want != nil {
		in.Metadata = map[string]string{md5Meta: base64.StdEncoding.EncodeToString(want)}
	}
	if !p.d.o.ChecksumWhenRequired {
		in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
	}
	p.d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	up, err := p.d.c.CreateMultipartUpload(ctx, in)
	if err != nil {
		return storage.PutResult{}, translate(err, "S3: starting the upload of "+key)
	}
	mu := &multipart{d: p.d, key: key, id: up.UploadId}
	got, err := mu.upload(ctx, r, size, progress)
	if err == nil && want != nil && !bytes.Equal(got, want) {
		err = storage.NewError(storage.ErrInvalid, fmt.Sprintf("S3: %s changed while it was read", key), nil)
	}
	if err == nil {
		err = mu.complete(ctx)
	}
	if err != nil {
		mu.abort(ctx)
		return storage.PutResult{}, err
	}
	return storage.PutResult{Size: size, Hash: storage.Hash{Algo: "md5", Value: hex.EncodeToString(got)}}, nil
}

// multipart is one multipart upload in progress.
type multipart struct {
	d     *Dest
	key   string
	id    *string
	parts []types.CompletedPart
}

// upload reads r part by part and sends the parts, a few at a time. It
// returns the MD5 of all that it read.
func (m *multipart) upload(ctx context.Context, r io.Reader, size int64, progress func(int64)) ([]byte, error) {
	partSize := m.d.partSize(size)
	n := int((size + partSize - 1) / partSize)
	m.parts = make([]types.CompletedPart, n)
	h := md5.New()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(m.d.o.Concurrency)
	var readErr error
	for i := range n {
		length := min(partSize, size-int64(i)*partSize)
		buf, release, err := m.d.buffer(gctx, length)
		if err == nil {
			if err = readFull(gctx, r, buf); err != nil {
				release()
			}
		}
		if err != nil {
			readErr = err
			break
		}
		h.Write(buf)
		g.Go(func() error {
			defer release()
			if err := m.sendPart(gctx, i, buf); err != nil {
				return err
			}
			progress(length)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err // a failed part cancelled gctx: readErr says only that
	}
	return h.Sum(nil), readErr
}

// sendPart uploads part i (0-based) with a checksum the server verifies:
// the SDK's CRC32, or its Content-MD5 where the CRC checksums are off (the
// SDK sends no CRC trailer when both are set).
func (m *multipart) sendPart(ctx context.Context, i int, buf []byte) error {
	in := &s3.UploadPartInput{
		Bucket:        &m.d.o.Bucket,
		Key:           &m.key,
		UploadId:      m.id,
		PartNumber:    aws.Int32(int32(i + 1)),
		Body:          bytes.NewReader(buf),
		ContentLength: aws.Int64(int64(len(buf))),
	}
	if m.d.o.ChecksumWhenRequired {
		sum := md5.Sum(buf)
		in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum[:]))
	} else {
		in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32
	}
	out, err := m.d.c.UploadPart(ctx, in)
	if err != nil {
		return translate(err, fmt.Sprintf("S3: uploading part %d of %s", i+1, m.key))
	}
	m.parts[i] = types.CompletedPart{PartNumber: in.PartNumber, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32}
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
// when ctx was cancelled.
func (m *multipart) abort(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	m.d.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &m.d.o.Bucket, Key: &m.key, UploadId: m.id})
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

// md5First hashes size bytes of r, then seeks back to where r stood.
func md5First(ctx context.Context, r io.Reader, s io.Seeker, size int64) ([]byte, error) {
	start, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, &sourceError{err}
	}
	h := md5.New()
	if err := copyExactly(ctx, h, r, size); err != nil {
		return nil, err
	}
	if _, err := s.Seek(start, io.SeekStart); err != nil {
		return nil, &sourceError{err}
	}
	return h.Sum(nil), nil
}

// Commit writes the manifest last, with the version's info as metadata.
// Writing it again is harmless, so Commit may be repeated.
func (p *pending) Commit(ctx context.Context, manifest []byte, info storage.VersionInfo) error {
	info.Name = p.name
	meta, err := encodeInfo(info)
	if err != nil {
		return err
	}
	return p.d.putSmall(ctx, p.d.dir(p.name)+manifestKey, manifest, map[string]string{infoMeta: meta})
}

// Abort deletes what was uploaded, unless the version got committed.
func (p *pending) Abort(ctx context.Context) error {
	e, err := p.d.examine(ctx, p.name, false)
	if err != nil || e.committed {
		return err
	}
	return p.d.deleteAll(ctx, p.d.dir(p.name))
}

var _ storage.Pending = (*pending)(nil)
var _ storage.Copier = (*pending)(nil)
