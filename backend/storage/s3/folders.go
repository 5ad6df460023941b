package s3

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/storage"
)

// S3 has no folders: a folder exists through the keys below it. An empty
// one is kept as a zero-byte object named after it with a trailing slash,
// the marker S3 consoles and rclone (--create-empty-src-dirs) make and
// show as a folder. Listings of files (ListFiles, Walk) leave markers out.

// MakeDir stores the marker of an empty folder in the version.
func (p *pending) MakeDir(ctx context.Context, dir string) error {
	key, err := p.d.fileKey(p.name, dir)
	if err != nil {
		return err
	}
	return p.d.putSmall(ctx, key+"/", nil, nil)
}

// RemoveDir deletes the marker of a folder of the version that holds
// nothing else.
func (p *pending) RemoveDir(ctx context.Context, dir string) error {
	key, err := p.d.fileKey(p.name, dir)
	if err != nil {
		return err
	}
	return p.d.removeMarker(ctx, key+"/")
}

// MakeDir stores the marker of the folder p.
func (f files) MakeDir(ctx context.Context, p string) error {
	key, err := f.key(p)
	if err != nil {
		return err
	}
	return f.d.putSmall(ctx, key+"/", nil, nil)
}

// RemoveDir deletes the marker of the folder p when nothing else is below
// it.
func (f files) RemoveDir(ctx context.Context, p string) error {
	key, err := f.key(p)
	if err != nil {
		return err
	}
	return f.d.removeMarker(ctx, key+"/")
}

// removeMarker deletes the marker dir (ending in a slash) when it is the
// only key below dir.
func (d *Dest) removeMarker(ctx context.Context, dir string) error {
	two := int32(2)
	out, err := d.c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &d.o.Bucket, Prefix: &dir, MaxKeys: &two})
	if err != nil {
		return translate(err, "S3: listing "+dir)
	}
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != dir {
		return nil // nothing there, or more than the marker
	}
	return d.deleteKey(ctx, dir)
}

var _ storage.Folders = (*pending)(nil)
var _ storage.Folders = files{}
