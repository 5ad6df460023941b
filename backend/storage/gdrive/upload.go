package gdrive

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"

	"github.com/avault/avault/backend/storage"
)

// uploadFields are the fields asked for after an upload or copy.
const uploadFields = "id,size,md5Checksum,createdTime"

// errShort is returned when a reader ends before the size it was given.
var errShort = storage.NewError(storage.ErrInvalid, "the file ended before its size (did it change while being read?)", nil)

// final marks an error that do must not retry (the request cannot be sent
// again), while keeping its classification for the caller.
type final struct{ error }

func (f final) Unwrap() error { return f.error }

// upload stores exactly size bytes of r as name in folder parent: as one
// multipart request up to MultipartMax (buffered, so it can be sent again),
// as a resumable upload in ChunkSize chunks above it (resumable.go). Drive's
// MD5 of what it stored must match the MD5 of what was read.
func (d *Dest) upload(ctx context.Context, parent, name, what string, r io.Reader, size int64, progress func(int64)) (*drive.File, error) {
	if size < 0 {
		return nil, storage.NewError(storage.ErrInvalid, "negative size", nil)
	}
	if size <= d.o.MultipartMax {
		return d.uploadSmall(ctx, parent, name, what, r, size, progress)
	}
	return d.uploadLarge(ctx, parent, name, what, r, size, progress)
}

func (d *Dest) uploadSmall(ctx context.Context, parent, name, what string, r io.Reader, size int64, progress func(int64)) (*drive.File, error) {
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("upload %s: %w", what, errShort)
		}
		return nil, fmt.Errorf("upload %s: read: %w", what, err)
	}
	sum := md5.Sum(buf)
	want := hex.EncodeToString(sum[:])
	var f *drive.File
	kind := smallUpload
	kind.body = size
	err := d.do(ctx, "upload "+what, kind, func(ctx context.Context, again bool) error {
		if again { // the last attempt may have stored it after all
			found, err := d.findFile(ctx, parent, name, want, size)
			if err != nil || found != nil {
				f = found
				return err
			}
		}
		var err error
		f, err = d.svc.Files.Create(&drive.File{Name: name, Parents: []string{parent}}).
			Media(bytes.NewReader(buf), googleapi.ChunkSize(0), googleapi.ContentType("application/octet-stream")).
			SupportsAllDrives(true).Fields(uploadFields).Context(ctx).Do()
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := d.verify(ctx, f, want, size, what); err != nil {
		return nil, err
	}
	if progress != nil && size > 0 {
		progress(size)
	}
	return f, nil
}

// exactReader reads exactly left bytes from r, hashing them; it fails with
// errShort when r ends sooner.
type exactReader struct {
	r    io.Reader
	left int64
	h    hash.Hash
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.h.Write(p[:n])
	e.left -= int64(n)
	switch {
	case err == io.EOF && e.left > 0:
		return n, errShort
	case err == io.EOF:
		return n, nil
	}
	return n, err
}

// verify checks the size and MD5 Drive reports for what it stored; a file
// that does not match is removed.
func (d *Dest) verify(ctx context.Context, f *drive.File, md5hex string, size int64, what string) error {
	if f.Size == size && (f.Md5Checksum == "" || f.Md5Checksum == md5hex) {
		return nil
	}
	d.remove(ctx, f.Id, "remove the damaged "+what, false)
	return storage.NewError(storage.ErrUnavailable, fmt.Sprintf(
		"upload %s: Google Drive stored %d bytes with MD5 %s, but %d bytes with MD5 %s were sent",
		what, f.Size, f.Md5Checksum, size, md5hex), nil)
}

// findFile returns the newest live file called name in parent with the
// given MD5 and size, or nil. It looks after a request whose answer was
// lost, for what that request made a moment ago: so it lists the folder,
// which a name search might not show yet.
func (d *Dest) findFile(ctx context.Context, parent, name, md5hex string, size int64) (*drive.File, error) {
	fs, err := d.listedFiles(ctx, parent, name, "look for "+name)
	if err != nil {
		return nil, err
	}
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].Size == size && fs[i].Md5Checksum == md5hex {
			return fs[i], nil
		}
	}
	return nil, nil
}
