//go:build torture

package torture

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
)

// The encrypted S3 destination's passwords, planted: they must never
// appear in any output, log or file Avault writes.
var (
	cryptPassword = "torture-crypt-password-" + randomHex(6)
	cryptSalt     = "torture-crypt-salt-" + randomHex(6)
)

// cryptS3Target is the S3 server with "Encrypt before upload": the
// campaign inspects and reads it as stock rclone would, decrypting names
// and contents with the passwords (storage/crypt's cipher, nothing of
// Avault's engine or destinations).
type cryptS3Target struct {
	*s3Target
	c *crypt.Cipher
}

func newCryptS3Target(t *testing.T, w *world, faults bool) *cryptS3Target {
	t.Helper()
	plant("encryption password", cryptPassword)
	plant("encryption salt password", cryptSalt)
	c, err := crypt.NewCipher(cryptPassword, cryptSalt)
	if err != nil {
		t.Fatal(err)
	}
	return &cryptS3Target{s3Target: newS3Target(t, w, faults), c: c}
}

func (s *cryptS3Target) kind() string { return "s3 encrypted" }

func (s *cryptS3Target) connect(w *world) string {
	r := w.cli(s.srv.SecretKey+"\n", "cred", "add", "s3", "--name", "S3 key", "--access-key-id", s.srv.AccessKey, "--secret-stdin")
	if r.code != 0 {
		w.t.Fatalf("%s", r)
	}
	r = w.cli(cryptPassword+"\n"+cryptSalt+"\n", "dest", "add", "--name", "S3", "--kind", "s3", "--remote", s.srv.Bucket, "--folder", "backups/nas",
		"--credential", "S3 key", "--opt", "endpoint="+s.endpoint(), "--opt", "pathStyle=true", "--opt", "region="+s.srv.Region,
		"--opt", "encrypt=true", "--password-stdin")
	if r.code != 0 {
		w.t.Fatalf("%s", r)
	}
	return "S3"
}

// inspect lists versions and leftovers by their decrypted names; a name
// that does not decrypt is not the job's.
func (s *cryptS3Target) inspect(jobID string) ([]string, []leftover, error) {
	committed, left, err := s.s3Target.inspect(jobID)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, n := range committed {
		if p, err := s.c.DecryptSegment(n); err == nil {
			names = append(names, p)
		}
	}
	var lefts []leftover
	for _, l := range left {
		if p, err := s.c.DecryptSegment(l.name); err == nil {
			l.name = p
			lefts = append(lefts, l)
		}
	}
	return names, lefts, nil
}

// read reads a version's files, decrypting names and contents; a file
// that does not decrypt is an error.
func (s *cryptS3Target) read(version string) (snapshot, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	prefix := "backups/nas/" + s.c.EncryptSegment(version) + "/"
	snap := snapshot{}
	p := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{Bucket: aws.String(s.srv.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			rel := strings.TrimPrefix(aws.ToString(o.Key), prefix)
			if strings.HasPrefix(rel, storage.MetaDir+"/") || strings.HasSuffix(rel, "/") {
				continue
			}
			name, err := s.c.DecryptPath(rel)
			if err != nil {
				return nil, err
			}
			out, err := s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(s.srv.Bucket), Key: o.Key})
			if err != nil {
				return nil, err
			}
			plain, err := s.c.DecryptReader(out.Body)
			if err != nil {
				out.Body.Close()
				return nil, err
			}
			snap[name], err = sumReader(plain)
			plain.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return snap, nil
}

// TestCrashS3Encrypted and TestFaultsS3Encrypted are the S3 kill and fault
// rounds on an encrypted destination.
func TestCrashS3Encrypted(t *testing.T)  { crashCampaign(t, "s3-encrypted", layoutFull) }
func TestFaultsS3Encrypted(t *testing.T) { faultsS3On(t, layoutFull, true) }
