package job

import "fmt"

// The options of client-side encryption, which every kind accepts.
const (
	// OptionEncrypt "true" encrypts everything written to the destination
	// in rclone's crypt format (package storage/crypt).
	OptionEncrypt = "encrypt"
	// OptionEncryptionKey holds the password and salt password, sealed
	// with the data key like every credential (never in the clear). The
	// service sets it from the write-only OptionEncryptPassword and
	// OptionEncryptSalt a form sends, which are never stored.
	OptionEncryptionKey = "encryptionKey"
	// OptionEncryptPassword and OptionEncryptSalt carry a new password and
	// salt password from a form to the service, which seals them into
	// OptionEncryptionKey and drops them.
	OptionEncryptPassword = "encryptPassword"
	OptionEncryptSalt     = "encryptSalt"
)

// encryptionOptions are declared for every kind.
var encryptionOptions = []Option{
	{Key: OptionEncrypt, Label: "Encrypt before upload", Type: OptionBool,
		Help: "Encrypts file contents and names before they leave this computer, in rclone's crypt format: " +
			"any version can be read back with rclone and a crypt remote with the same passwords. " +
			"A lost password means lost backups: nobody can decrypt them without it."},
	{Key: OptionEncryptionKey, Label: "Sealed encryption passwords", Type: OptionText, Advanced: true,
		Help: "Set by Avault from the passwords entered; sealed with the data key.", check: checkSealed},
}

// withEncryption declares the encryption options for every kind.
func withEncryption(m map[Kind][]Option) map[Kind][]Option {
	for _, k := range []Kind{KindLocal, KindS3, KindGDrive} {
		m[k] = append(m[k], encryptionOptions...)
	}
	return m
}

// checkSealed refuses a value that is not a sealed blob (a password typed
// where the sealed form belongs).
func checkSealed(v string) error {
	if len(v) < 40 {
		return fmt.Errorf("is not a sealed value; enter the passwords instead")
	}
	return nil
}

// Encrypted reports whether d encrypts what it stores.
func (d Destination) Encrypted() bool { return d.Options[OptionEncrypt] == "true" }

// checkEncryption: encryption on needs its sealed passwords.
func checkEncryption(opts map[string]string) error {
	if opts[OptionEncrypt] == "true" && opts[OptionEncryptionKey] == "" {
		return fmt.Errorf("encryption is on but no password is set")
	}
	return nil
}
