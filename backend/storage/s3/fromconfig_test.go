package s3

import (
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// TestFromConfigChecksumCompat checks that the option a saved destination
// carries for stores that reject the newer checksum headers (the key the
// window's Backblaze and R2 presets set, and the only one job.Destination
// accepts) turns the compatible mode on.
func TestFromConfigChecksumCompat(t *testing.T) {
	if _, ok := job.DestinationOptions[job.KindS3]["checksumCompat"]; !ok {
		t.Fatal("job.DestinationOptions has no checksumCompat option for S3 any more; update this test")
	}
	sec := storage.NewSecret(map[string]string{"accessKeyId": "AKIA", "secretAccessKey": "s"})
	for opts, want := range map[string]bool{"": false, "checksumCompat=true": true, "checksumCompat=false": false, "checksum=whenRequired": true} {
		cfg := storage.Config{Kind: "s3", Bucket: "b", Secret: sec, Options: map[string]string{}}
		if k, v, ok := strings.Cut(opts, "="); ok {
			cfg.Options[k] = v
		}
		o, err := FromConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if o.ChecksumWhenRequired != want {
			t.Errorf("options %q: ChecksumWhenRequired = %v, want %v", opts, o.ChecksumWhenRequired, want)
		}
	}
}
