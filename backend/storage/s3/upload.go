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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/avault/avault/backend/storage"
)

// bufferLimit is the largest file always read into memory before its
// upload: for small files one read beats two.
const bufferLimit = 1 << 20

// pending is a version being written under <prefix>/<name>/.
type pending struct {
	d     *Dest
	name  string
	owner storage.Owner
}

func (p *pending) Name() string { return p.name }

// Put uploads size bytes from r to <name>/<path>; see upload.
func (p *pending) Put(ctx context.Context, path string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	key, err := p.d.fileKey(p.name, path)
	if err != nil {
		return storage.PutResult{}, err
	}
	return p.d.upload(ctx, key, r, size, progress)
}

// upload stores size bytes from r at key, for Pending.Put and Files.Put.
// Every request carries a checksum the server verifies: a CRC32 the SDK
// computes as it sends, or a Content-MD5.
//
// How r is read depends on what it can do, so that memory stays bounded:
//
//   - a file up to 1 MiB, or up to the part size when r cannot seek, is
//     read into memory and sent in one PutObject with its Content-MD5;
//   - when r is an io.ReaderAt and io.Seeker (an open file), a larger file
//     is read once, in one PutObject or in parts straight from r (up to
//     Options.Concurrency at once), none of it buffered;
//   - any other reader is read once, part by part, into buffers that all
//     Puts together keep within Options.MemoryLimit.
//
// The returned Hash is the MD5 when it is known: computed from a buffer,
// or the ETag of a single-request upload. A multipart object's ETag is not
// an MD5; its Hash is zero unless Options.MD5Pass has a seekable file read
// twice, first for the MD5 of the whole and of each part, stored as
// x-amz-meta-md5chksum (which rclone reads) and sent as each part's
// Content-MD5, so that the server refuses a file that changed in between.
// Reading twice costs local bandwidth, which is far cheaper than the other
// ways to store the MD5 of a multipart object: copying the object onto
// itself afterwards doubles the stored bytes on versioned buckets and on
// stores that bill deleted data for a minimum time.
//
// progress is called after each part (or the whole file), never concurrently.
func (d *Dest) upload(ctx context.Context, key string, r io.Reader, size int64, progress func(int64)) (storage.PutResult, error) {
	if size < 0 {
		return storage.PutResult{}, storage.NewError(storage.ErrInvalid, fmt.Sprintf("S3: negative size for %s", key), nil)
	}
	src, err := newSource(r, size)
	if err != nil {
		return storage.PutResult{}, err
	}
	progress = serialised(progress)
	switch {
	case size <= bufferLimit || (size <= d.o.PartSize && src.ra == nil):
		return d.putBuffered(ctx, key, src, progress)
	case size <= d.o.PartSize:
		return d.putStreamed(ctx, key, src, progress)
	}
	return d.putMultipart(ctx, key, src, progress)
}

// source is upload's reader with what it can do.
type source struct {
	r     io.Reader
	size  int64
	s     io.Seeker   // nil when r cannot seek
	ra    io.ReaderAt // nil unless r can seek and read at offsets
	start int64       // where r stood when upload was called
}

// newSource looks at what r can do. r is read at offsets only when it
// holds size bytes from where it stands: such a body goes out with its
// length declared first, and one cut short on the wire may be stored
// truncated (versitygw does), so a short r fails here with ErrInvalid.
func newSource(r io.Reader, size int64) (source, error) {
	src := source{r: r, size: size}
	s, ok := r.(io.Seeker)
	if !ok {
		return src, nil
	}
	start, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return src, nil
	}
	src.s, src.start = s, start
	ra, ok := r.(io.ReaderAt)
	if !ok {
		return src, nil
	}
	if err := holds(ra, start, size); err != nil {
		return src, err
	}
	src.ra = ra
	return src, nil
}

// holds checks that ra has size bytes from start, by reading the last one
// (which, unlike seeking to the end, leaves r's offset alone).
func holds(ra io.ReaderAt, start, size int64) error {
	if size == 0 {
		return nil
	}
	var b [1]byte
	n, err := ra.ReadAt(b[:], start+size-1)
	switch {
	case n == 1:
		return nil
	case err == nil || err == io.EOF:
		return storage.NewError(storage.ErrInvalid,
			fmt.Sprintf("source holds fewer than %d bytes (did the file change while it was read?)", size), nil)
	}
	return &sourceError{err}
}

// section returns n bytes of the source from off (relative to its start).
func (s source) section(off, n int64) io.ReadSeeker {
	return exactSection{io.NewSectionReader(s.ra, s.start+off, n)}
}

// exactSection is a section of the source that fails with ErrInvalid
// where the source ends sooner (a file truncated while it is sent), so
// that the request fails instead of ending early.
type exactSection struct{ *io.SectionReader }

func (s exactSection) Read(p []byte) (int, error) {
	n, err := s.SectionReader.Read(p)
	if err == io.EOF {
		if pos, _ := s.Seek(0, io.SeekCurrent); pos < s.Size() {
			return n, shortSource(pos, s.Size())
		}
	}
	return n, err
}

// rewind seeks the source back to where it stood.
func (s source) rewind() error {
	if _, err := s.s.Seek(s.start, io.SeekStart); err != nil {
		return &sourceError{err}
	}
	return nil
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

// putBuffered reads the whole file into memory and sends it in one request.
func (d *Dest) putBuffered(ctx context.Context, key string, src source, progress func(int64)) (storage.PutResult, error) {
	buf, release, err := d.buffer(ctx, src.size)
	if err != nil {
		return storage.PutResult{}, err
	}
	defer release()
	if err := readFull(ctx, src.r, buf); err != nil {
		return storage.PutResult{}, err
	}
	return d.putObject(ctx, key, bytes.NewReader(buf), src.size, md5.Sum(buf), progress)
}

// putStreamed sends the file from the source in one request: with the
// SDK's CRC32, or after a first pass for its MD5 when Options.MD5Pass says.
func (d *Dest) putStreamed(ctx context.Context, key string, src source, progress func(int64)) (storage.PutResult, error) {
	if !d.md5Pass() {
		return d.putObjectCRC(ctx, key, src.section(0, src.size), src.size, progress)
	}
	sums, err := hashParts(ctx, src, src.size)
	if err != nil {
		return storage.PutResult{}, err
	}
	return d.putObject(ctx, key, src.section(0, src.size), src.size, sums.whole, progress)
}

// putObject sends body with its MD5 as Content-MD5. The object's ETag is
// then its MD5, except under KMS encryption: only then is the MD5 stored
// as md5chksum too (one less header for the server to store per file).
func (d *Dest) putObject(ctx context.Context, key string, body io.ReadSeeker, size int64, sum [md5.Size]byte, progress func(int64)) (storage.PutResult, error) {
	b64 := base64.StdEncoding.EncodeToString(sum[:])
	in := &s3.PutObjectInput{
		Bucket:        &d.o.Bucket,
		Key:           &key,
		Body:          body,
		ContentLength: aws.Int64(size),
		ContentMD5:    &b64,
		StorageClass:  types.StorageClass(d.o.StorageClass),
	}
	if d.o.SSE == "aws:kms" {
		in.Metadata = map[string]string{md5Meta: b64}
	}
	d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	if _, err := d.c.PutObject(ctx, in); err != nil {
		return storage.PutResult{}, translateDigest(err, key, "S3: uploading "+key)
	}
	progress(size)
	return storage.PutResult{Size: size, Hash: md5Hash(sum[:])}, nil
}

// putObjectCRC sends body with the SDK's CRC32 and returns the MD5 the
// server reports in the ETag (when it is one).
func (d *Dest) putObjectCRC(ctx context.Context, key string, body io.ReadSeeker, size int64, progress func(int64)) (storage.PutResult, error) {
	in := &s3.PutObjectInput{
		Bucket:            &d.o.Bucket,
		Key:               &key,
		Body:              body,
		ContentLength:     aws.Int64(size),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
		StorageClass:      types.StorageClass(d.o.StorageClass),
	}
	d.encrypt(&in.ServerSideEncryption, &in.SSEKMSKeyId)
	out, err := d.c.PutObject(ctx, in)
	if err != nil {
		return storage.PutResult{}, translateDigest(err, key, "S3: uploading "+key)
	}
	progress(size)
	return storage.PutResult{Size: size, Hash: d.storedMD5("", out.ETag)}, nil
}

// md5Pass says whether seekable files are read twice, first for their MD5.
func (d *Dest) md5Pass() bool { return d.o.MD5Pass || d.o.ChecksumWhenRequired }

func md5Hash(sum []byte) storage.Hash {
	if sum == nil {
		return storage.Hash{}
	}
	return storage.Hash{Algo: "md5", Value: hex.EncodeToString(sum)}
}

// sums are the MD5s of a whole file and of each of its parts.
type sums struct {
	whole [md5.Size]byte
	parts [][md5.Size]byte
}

// hashParts reads the source once, in order, for the MD5 of the whole and
// of each partSize part, then seeks back.
func hashParts(ctx context.Context, src source, partSize int64) (*sums, error) {
	s := &sums{}
	whole := md5.New()
	buf := make([]byte, min(src.size, 1<<20))
	for off := int64(0); off < src.size; off += partSize {
		part := md5.New()
		w := io.MultiWriter(whole, part)
		if err := copyExactly(ctx, w, src.r, min(partSize, src.size-off), buf); err != nil {
			return nil, err
		}
		s.parts = append(s.parts, [md5.Size]byte(part.Sum(nil)))
	}
	s.whole = [md5.Size]byte(whole.Sum(nil))
	return s, src.rewind()
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
