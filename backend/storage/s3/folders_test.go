package s3

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/s3/s3test"
	"github.com/avault/avault/backend/storage/storagetest"
)

// TestFolderMarkers runs the empty-folder tests, where a folder exists as
// an S3 console shows one: keys below it, or the marker "<folder>/" alone.
func TestFolderMarkers(t *testing.T) {
	srv := s3test.Start(t, s3test.Options{})
	storagetest.RunFolders(t, func(t *testing.T) storage.Destination {
		return openTest(t, srv, srv.Endpoint, freshPrefix(srv))
	}, storagetest.Options{
		FolderExists: func(t *testing.T, sd storage.Destination, path string) bool {
			d := sd.(*Dest)
			one := int32(1)
			out, err := d.c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
				Bucket: &d.o.Bucket, Prefix: aws.String(d.base() + path + "/"), MaxKeys: &one})
			if err != nil {
				t.Fatal(err)
			}
			return len(out.Contents) > 0
		},
	})
}
