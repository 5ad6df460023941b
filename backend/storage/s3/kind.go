package s3

import (
	"context"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// Kind describes S3 destinations for the registry. Its options are those
// job.DestinationOptions declares for S3, which FromConfig reads.
func Kind() storage.Kind {
	fields := []storage.Field{
		{Key: "bucket", Label: "Bucket", Help: "Needed to back up; a destination without one can only list buckets"},
		{Key: "prefix", Label: "Folder in the bucket", Help: "Optional, e.g. backups/nas"},
		{Key: "accessKeyId", Label: "Access key ID", Required: true, Secret: true},
		{Key: "secretAccessKey", Label: "Secret access key", Required: true, Secret: true},
	}
	return storage.Kind{
		Name:        "s3",
		Title:       "Amazon S3 or compatible",
		Description: "An S3 bucket on AWS or an S3-compatible store (MinIO, Wasabi, Backblaze B2, Cloudflare R2, Ceph).",
		Fields:      append(fields, storage.OptionFields(job.KindS3)...),
		Open: func(ctx context.Context, cfg storage.Config) (storage.Destination, error) {
			o, err := FromConfig(cfg)
			if err != nil {
				return nil, err
			}
			return New(ctx, o)
		},
	}
}
