package s3

import (
	"maps"
	"reflect"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// TestFromConfigReadsEveryDeclaredOption: every option job.DestinationOptions
// declares for S3 (the ones a destination may be saved with) changes what
// FromConfig makes of a Config, so none is accepted on save only to be
// ignored.
func TestFromConfigReadsEveryDeclaredOption(t *testing.T) {
	sec := storage.NewSecret(map[string]string{"accessKeyId": "AKIA", "secretAccessKey": "s"})
	from := func(opts map[string]string) Options {
		o, err := FromConfig(storage.Config{Kind: "s3", Bucket: "b", Secret: sec, Options: opts})
		if err != nil {
			t.Fatalf("options %v: %v", opts, err)
		}
		return o
	}
	for _, opt := range job.DestinationOptions[job.KindS3] {
		if opt.Key == job.OptionEncrypt || opt.Key == job.OptionEncryptionKey {
			continue // every kind's, read where a destination opens (storage/crypt), not by FromConfig
		}
		v := opt.Example
		switch opt.Type {
		case job.OptionBool:
			v = "true"
		case job.OptionChoice:
			v = opt.Choices[len(opt.Choices)-1].Value
		}
		without := map[string]string{}
		if opt.When != nil {
			without[opt.When.Key] = opt.When.Value
		}
		with := maps.Clone(without)
		with[opt.Key] = v
		if reflect.DeepEqual(from(without), from(with)) {
			t.Errorf("%s=%q changes nothing", opt.Key, v)
		}
	}
}

// TestFromConfigChecksumCompat checks that the option for stores that
// reject the newer checksum headers (the key the window's Backblaze and R2
// presets set) turns the compatible mode on.
func TestFromConfigChecksumCompat(t *testing.T) {
	sec := storage.NewSecret(map[string]string{"accessKeyId": "AKIA", "secretAccessKey": "s"})
	for v, want := range map[string]bool{"": false, "true": true, "false": false} {
		o, err := FromConfig(storage.Config{Kind: "s3", Bucket: "b", Secret: sec, Options: map[string]string{"checksumCompat": v}})
		if err != nil {
			t.Fatal(err)
		}
		if o.ChecksumWhenRequired != want {
			t.Errorf("checksumCompat=%q: ChecksumWhenRequired = %v, want %v", v, o.ChecksumWhenRequired, want)
		}
	}
}
