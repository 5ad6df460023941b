package service

import (
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/store"
)

// advertised returns the options DestinationKinds shows for each kind:
// what the destination form renders and a person may therefore save.
func advertised(s *Service) map[job.Kind][]job.Option {
	out := map[job.Kind][]job.Option{}
	for _, k := range s.DestinationKinds() {
		out[job.Kind(k.Name)] = []job.Option{}
		for _, f := range k.Fields {
			if f.Option != nil {
				out[job.Kind(k.Name)] = append(out[job.Kind(k.Name)], *f.Option)
			}
		}
	}
	return out
}

// validOptions sets every option in opts to a value its declaration
// accepts, and meets the conditions some of them have.
func validOptions(opts []job.Option) map[string]string {
	out := map[string]string{}
	for _, o := range opts {
		switch o.Type {
		case job.OptionBool:
			out[o.Key] = "true"
		case job.OptionChoice:
			out[o.Key] = o.Choices[0].Value
		default:
			out[o.Key] = o.Example
		}
	}
	for _, o := range opts {
		if o.When != nil {
			out[o.When.Key] = o.When.Value
		}
	}
	return out
}

// wrongValues are values of o its declaration refuses: by its type, and
// by its own rules where it has some.
func wrongValues(o job.Option) []string {
	own := map[string][]string{
		"endpoint":     {"s3.example.com", "ftp://s3.example.com", "https://user:pw@s3.example.com"},
		"region":       {"EU West"},
		"storageClass": {"standard-ia"},
		"caPem":        {"not a certificate"},
	}[o.Key]
	switch o.Type {
	case job.OptionBool:
		return append(own, "yes", "1")
	case job.OptionInt:
		return append(own, strconv.Itoa(o.Min-1), strconv.Itoa(o.Max+1), "16MiB")
	case job.OptionChoice:
		return append(own, "bogus", strings.ToLower(o.Choices[0].Value)+"x")
	case job.OptionLines:
		return append(own, "bad\x00bytes")
	}
	return append(own, "two\nlines")
}

// TestEveryAdvertisedOptionSaves saves a destination of each kind with
// every option DestinationKinds advertises, and checks that it is stored as
// given, that a wrong value of each is refused with a message naming the
// option and leaves the stored destination as it was, and that an option no
// kind declares is refused with the list of those it does.
func TestEveryAdvertisedOptionSaves(t *testing.T) {
	s, _ := newTestService(t)
	s3cred, err := s.AddS3Credential(S3CredentialInput{Name: "key", AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	google, err := s.createCredential(job.Credential{ID: store.NewID(), Name: "Drive", Provider: job.KindGDrive, Status: job.CredentialOK},
		map[string]string{"token": `{"refresh_token":"r"}`})
	if err != nil {
		t.Fatal(err)
	}
	base := map[job.Kind]job.Destination{
		job.KindLocal:  {Name: "Disk", Kind: job.KindLocal, RemoteID: t.TempDir()},
		job.KindS3:     {Name: "Bucket", Kind: job.KindS3, CredentialID: s3cred.ID, RemoteID: "my-bucket"},
		job.KindGDrive: {Name: "Drive", Kind: job.KindGDrive, CredentialID: google.ID, RemoteID: "root"},
	}
	opts := advertised(s)
	if keys := optionKeys(opts[job.KindS3]); !slices.Contains(keys, "md5Pass") || !slices.Contains(keys, "checksumCompat") {
		t.Fatalf("S3 advertises %v", keys)
	}
	for _, k := range job.Kinds {
		t.Run(string(k), func(t *testing.T) {
			d := base[k]
			d.Options = validOptions(opts[k])
			d.Options[job.OptionEncryptPassword] = "a password" // encrypt=true needs one; it is stored sealed
			saved, err := s.CreateDestination(d)
			if err != nil {
				t.Fatalf("saving every advertised option %v: %v", d.Options, err)
			}
			delete(d.Options, job.OptionEncryptPassword)
			if sealed := saved.Options[job.OptionEncryptionKey]; sealed == "" || strings.Contains(sealed, "a password") {
				t.Fatalf("the encryption password is stored as %q", sealed)
			}
			d.Options[job.OptionEncryptionKey] = saved.Options[job.OptionEncryptionKey]
			if got, _ := s.GetDestination(saved.ID); !maps.Equal(got.Options, d.Options) {
				t.Fatalf("stored options %v, want %v", got.Options, d.Options)
			}
			for _, o := range opts[k] {
				for _, v := range wrongValues(o) {
					bad := saved
					bad.Options = maps.Clone(saved.Options)
					bad.Options[o.Key] = v
					if _, err := s.UpdateDestination(bad); err == nil || !strings.Contains(err.Error(), o.Key) {
						t.Errorf("%s=%q: saving gave %v, want a refusal naming %s", o.Key, v, err, o.Key)
					}
				}
			}
			if got, _ := s.GetDestination(saved.ID); !maps.Equal(got.Options, d.Options) {
				t.Fatalf("refused saves changed the options to %v", got.Options)
			}
			d.Name += " 2"
			d.Options = map[string]string{"checksum": "whenRequired"}
			_, err = s.CreateDestination(d)
			if err == nil || !strings.Contains(err.Error(), `"checksum" is not an option`) {
				t.Fatalf("an undeclared option: %v", err)
			}
			for _, key := range optionKeys(opts[k]) {
				if !strings.Contains(err.Error(), key) {
					t.Errorf("the refusal of an undeclared option does not list %s: %v", key, err)
				}
			}
		})
	}
}

// TestREADMEListsTheDeclaredOptions: the README's table of destinations
// names every option each kind declares, and no other.
func TestREADMEListsTheDeclaredOptions(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestService(t)
	quoted := regexp.MustCompile("`([A-Za-z][A-Za-z0-9]*)`")
	for k, opts := range advertised(s) {
		var row string
		for _, line := range strings.Split(string(readme), "\n") {
			if strings.HasPrefix(line, "| "+k.Label()) {
				row = line
			}
		}
		if row == "" {
			t.Errorf("README.md has no row for %s destinations", k.Label())
			continue
		}
		var named []string
		for _, m := range quoted.FindAllStringSubmatch(row, -1) {
			named = append(named, m[1])
		}
		slices.Sort(named)
		want := optionKeys(opts)
		slices.Sort(want)
		if !slices.Equal(named, want) {
			t.Errorf("README.md names the options %v for %s destinations; they are %v", named, k.Label(), want)
		}
	}
}

func optionKeys(opts []job.Option) []string {
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = o.Key
	}
	return keys
}
