package service

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
)

// encryptionSealID is the record id the encryption passwords are sealed
// under (the data key binds each sealed value to an id).
const encryptionSealID = "destination-encryption"

// encryptionSecret is what OptionEncryptionKey holds, sealed.
type encryptionSecret struct {
	Password string `json:"password"`
	Salt     string `json:"salt,omitempty"`
}

// sealEncryption turns the write-only passwords a form sent into the
// sealed OptionEncryptionKey and drops them, keeps the sealed passwords of
// the stored destination (old, when saved before) when none were sent,
// and drops them when encryption is off. The passwords are never stored
// or returned in the clear.
func (s *Service) sealEncryption(d *job.Destination, old *job.Destination) error {
	pw, salt := d.Options[job.OptionEncryptPassword], d.Options[job.OptionEncryptSalt]
	_, sentPw := d.Options[job.OptionEncryptPassword]
	_, sentSalt := d.Options[job.OptionEncryptSalt]
	if !sentPw && !sentSalt && !d.Encrypted() && d.Options[job.OptionEncryptionKey] == "" {
		return nil
	}
	opts := make(map[string]string, len(d.Options))
	for k, v := range d.Options {
		opts[k] = v
	}
	delete(opts, job.OptionEncryptPassword)
	delete(opts, job.OptionEncryptSalt)
	d.Options = opts
	switch {
	case !d.Encrypted():
		delete(opts, job.OptionEncryptionKey)
		if len(opts) == 0 {
			d.Options = nil
		}
		return nil
	case pw != "":
		if strings.TrimSpace(pw) != pw || strings.TrimSpace(salt) != salt {
			return errors.New("options: the encryption password and salt password must not start or end with spaces")
		}
		plain, err := json.Marshal(encryptionSecret{Password: pw, Salt: salt})
		if err != nil {
			return err
		}
		blob, err := s.sealBytes(encryptionSealID, plain)
		if err != nil {
			return fmt.Errorf("sealing the encryption password: %w", err)
		}
		opts[job.OptionEncryptionKey] = base64.StdEncoding.EncodeToString(blob)
	case salt != "":
		return errors.New("options: a salt password was given without the password; enter both")
	case opts[job.OptionEncryptionKey] == "" && old != nil:
		if k := old.Options[job.OptionEncryptionKey]; k != "" {
			opts[job.OptionEncryptionKey] = k
		}
	}
	return nil
}

// ciphers keeps the keys derived per sealed value: scrypt takes a moment
// on purpose, and a destination is opened for every run, listing and restore.
var ciphers sync.Map // sealed value -> *crypt.Cipher

// encryptionOf unseals d's passwords.
func (s *Service) encryptionOf(d job.Destination) (encryptionSecret, error) {
	var sec encryptionSecret
	blob, err := base64.StdEncoding.DecodeString(d.Options[job.OptionEncryptionKey])
	if err != nil || len(blob) == 0 {
		return sec, fmt.Errorf("destination %q: encryption is on but its password is not set; enter it again", d.Name)
	}
	plain, err := s.openBytes(encryptionSealID, blob)
	if err != nil {
		return sec, fmt.Errorf("destination %q: cannot open the sealed encryption password: %w", d.Name, err)
	}
	if err := json.Unmarshal(plain, &sec); err != nil || sec.Password == "" {
		return sec, fmt.Errorf("destination %q: the sealed encryption password is not readable", d.Name)
	}
	return sec, nil
}

// cipherOf returns the keys of an encrypted destination.
func (s *Service) cipherOf(d job.Destination) (*crypt.Cipher, error) {
	key := d.Options[job.OptionEncryptionKey]
	if c, ok := ciphers.Load(key); ok {
		return c.(*crypt.Cipher), nil
	}
	sec, err := s.encryptionOf(d)
	if err != nil {
		return nil, err
	}
	c, err := crypt.NewCipher(sec.Password, sec.Salt)
	if err != nil {
		return nil, err
	}
	ciphers.Store(key, c)
	return c, nil
}

// encrypted wraps dest in the encryption layer when d has encryption on.
func (s *Service) encrypted(d job.Destination, dest storage.Destination) (storage.Destination, error) {
	if !d.Encrypted() {
		return dest, nil
	}
	c, err := s.cipherOf(d)
	if err != nil {
		dest.Close()
		return nil, err
	}
	return crypt.Wrap(dest, c, fmt.Sprintf("destination %q", d.Name)), nil
}

// hideSealedOptions leaves the sealed passwords out of the kinds' fields:
// the form asks for passwords instead, and the service seals them.
func hideSealedOptions(kinds []storage.Kind) []storage.Kind {
	out := make([]storage.Kind, len(kinds))
	for i, k := range kinds {
		fields := make([]storage.Field, 0, len(k.Fields))
		for _, f := range k.Fields {
			if f.Key != job.OptionEncryptionKey {
				fields = append(fields, f)
			}
		}
		k.Fields = fields
		out[i] = k
	}
	return out
}

// RcloneConfig returns the lines of an rclone configuration that reads
// back what Avault wrote to the encrypted destination id: a crypt remote
// named after it, with the passwords obscured as `rclone config` writes
// them (obscured, not encrypted: whoever has these lines can read the
// backups). For S3 and Drive the crypt remote sits on a remote the person
// configures with the store's own keys, named in a comment.
func (s *Service) RcloneConfig(id string) (string, error) {
	d, err := s.store.GetDestination(id)
	if err != nil {
		return "", err
	}
	if !d.Encrypted() {
		return "", fmt.Errorf("destination %q is not encrypted", d.Name)
	}
	sec, err := s.encryptionOf(d)
	if err != nil {
		return "", err
	}
	var remote, note string
	switch d.Kind {
	case job.KindLocal:
		remote = filepath.Join(d.RemoteID, filepath.FromSlash(d.FolderPath))
	case job.KindS3:
		remote = strings.TrimSuffix("s3:"+d.RemoteID+"/"+d.FolderPath, "/")
		note = "# \"s3\" is an rclone S3 remote with this bucket's endpoint and access key (rclone config create s3 s3 ...)\n"
	default:
		remote = strings.TrimSuffix("drive:"+d.FolderPath, ":")
		note = fmt.Sprintf("# \"drive\" is an rclone Google Drive remote whose root_folder_id is %s\n", d.RemoteID)
	}
	lines, err := crypt.RcloneConfig(rcloneRemoteName(d.Name), remote, sec.Password, sec.Salt)
	if err != nil {
		return "", err
	}
	return "# Avault destination " + fmt.Sprintf("%q", d.Name) + ": rclone lsf " + rcloneRemoteName(d.Name) + ": lists its versions\n" + note + lines, nil
}

// rcloneRemoteName makes a remote name rclone accepts from a destination's name.
func rcloneRemoteName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	n := strings.Trim(b.String(), "-")
	if n == "" {
		n = "avault"
	}
	return n + "-crypt"
}

// storedDestination returns the saved destination id, or nil.
func (s *Service) storedDestination(id string) *job.Destination {
	if id == "" {
		return nil
	}
	d, err := s.store.GetDestination(id)
	if err != nil {
		return nil
	}
	return &d
}
