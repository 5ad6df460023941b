package job

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// OptionSpec describes one destination option: what it does and which
// values it accepts.
type OptionSpec struct {
	Help  string
	Check func(value string) error
}

// DestinationOptions lists, per kind, the options a destination accepts.
// A key that is not listed is refused, so a typo does not pass silently.
var DestinationOptions = map[Kind]map[string]OptionSpec{
	KindLocal: {},
	KindS3: {
		"endpoint":       {"URL of an S3-compatible service (empty for AWS)", checkEndpoint},
		"region":         {"region, e.g. eu-central-1", checkRegion},
		"pathStyle":      {"address the bucket in the path (MinIO, Ceph)", checkBool},
		"storageClass":   {"storage class of new objects, e.g. STANDARD_IA", checkStorageClass},
		"sse":            {"server-side encryption: AES256 or aws:kms", checkSSE},
		"sseKmsKeyId":    {"KMS key id when sse is aws:kms", checkPlain},
		"checksumCompat": {"send checksums only when required (older S3-compatible stores)", checkBool},
		"partSizeMiB":    {"multipart part size in MiB, 5 to 5120 (default 16)", checkPartSize},
		"caPem":          {"PEM certificate of a private CA to trust (a self-signed MinIO or Ceph)", checkPEM},
	},
	KindGDrive: {
		"trash": {"move rotated versions to the trash instead of deleting them", checkBool},
	},
}

// Validate reports every problem with d's own fields. It does not check
// that the credential exists or fits the kind (the store does).
func (d *Destination) Validate() error {
	var p problems
	p.addErr("name", checkName(d.Name))
	d.checkAccess(&p, true)
	return p.err()
}

// ValidateAccess reports the problems with what reaching d's kind needs
// (kind, credential, options), leaving out its name and where in the kind
// it points: enough to list what can be chosen there (ListChoices) while
// the rest of a form is still empty.
func (d *Destination) ValidateAccess() error {
	var p problems
	d.checkAccess(&p, false)
	return p.err()
}

// checkAccess adds the problems of d's kind, credential and options, and
// with where, those of its bucket, drive or folder.
func (d *Destination) checkAccess(p *problems, where bool) {
	if !d.Kind.Valid() {
		p.add("kind", "must be one of local, s3 or gdrive, not %q", d.Kind)
		return
	}
	if d.CredentialID == "" && d.Kind != KindLocal {
		p.add("credentialId", "%s destinations need a credential", d.Kind.Label())
	}
	if where {
		p.addErr("remoteId", checkRemoteID(d.Kind, d.RemoteID))
		p.addErr("folderPath", checkFolderPath(d.FolderPath))
	}
	p.addErr("options", checkOptions(d.Kind, d.Options))
}

var bucketName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$`)

func checkRemoteID(k Kind, id string) error {
	if id == "" {
		switch k {
		case KindLocal:
			return fmt.Errorf("choose the folder to back up into")
		case KindS3:
			return fmt.Errorf("enter the bucket name")
		default:
			return fmt.Errorf("choose My Drive or a shared drive")
		}
	}
	switch {
	case k == KindLocal && !filepath.IsAbs(id):
		return fmt.Errorf("%q is not an absolute folder path", id)
	case k == KindLocal && strings.ContainsRune(id, 0):
		return fmt.Errorf("the folder path must not contain NUL characters")
	case k == KindS3 && !bucketName.MatchString(id):
		return fmt.Errorf("%q is not a bucket name: use 3 to 63 letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit", id)
	case k == KindGDrive && strings.IndexFunc(id, notDriveIDRune) >= 0:
		return fmt.Errorf("%q is not a Google Drive id", id)
	}
	return nil
}

func notDriveIDRune(r rune) bool {
	return !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_'))
}

// checkFolderPath checks the optional subfolder: slash-separated names,
// none empty, "." or "..", no backslashes or control characters. A leading
// or trailing slash is accepted ("/backups").
func checkFolderPath(fp string) error {
	trimmed := strings.Trim(fp, "/")
	if trimmed == "" {
		return nil
	}
	if len(fp) > 1024 {
		return fmt.Errorf("must be at most 1024 characters long")
	}
	for _, seg := range strings.Split(trimmed, "/") {
		switch {
		case seg == "":
			return fmt.Errorf("%q has an empty folder name (two slashes in a row)", fp)
		case seg == "." || seg == "..":
			return fmt.Errorf("%q must not contain %q", fp, seg)
		case strings.ContainsRune(seg, '\\'):
			return fmt.Errorf("%q must use / between folders, not \\", fp)
		case strings.IndexFunc(seg, unicode.IsControl) >= 0:
			return fmt.Errorf("%q must not contain control characters", fp)
		}
	}
	return nil
}

func checkOptions(k Kind, opts map[string]string) error {
	specs := DestinationOptions[k]
	keys := make([]string, 0, len(opts))
	for key := range opts {
		keys = append(keys, key)
	}
	sort.Strings(keys) // report the same problem first every time
	for _, key := range keys {
		spec, ok := specs[key]
		if !ok {
			return fmt.Errorf("%q is not an option of %s destinations%s", key, k.Label(), knownOptions(specs))
		}
		if err := spec.Check(opts[key]); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

func knownOptions(specs map[string]OptionSpec) string {
	if len(specs) == 0 {
		return " (they have none)"
	}
	names := make([]string, 0, len(specs))
	for name := range specs {
		names = append(names, name)
	}
	sort.Strings(names)
	return " (known: " + strings.Join(names, ", ") + ")"
}

func checkBool(v string) error {
	if v != "true" && v != "false" {
		return fmt.Errorf("must be true or false, not %q", v)
	}
	return nil
}

func checkEndpoint(v string) error {
	u, err := url.Parse(v)
	if v == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not a URL such as https://s3.example.com:9000", v)
	}
	if u.User != nil {
		return fmt.Errorf("must not contain a user name or password; use a credential")
	}
	return nil
}

var (
	regionRe       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	storageClassRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,62}$`)
)

func checkRegion(v string) error {
	if !regionRe.MatchString(v) {
		return fmt.Errorf("%q is not a region such as us-east-1", v)
	}
	return nil
}

func checkStorageClass(v string) error {
	if !storageClassRe.MatchString(v) {
		return fmt.Errorf("%q is not a storage class such as STANDARD or STANDARD_IA", v)
	}
	return nil
}

func checkSSE(v string) error {
	if v != "AES256" && v != "aws:kms" {
		return fmt.Errorf("must be AES256 or aws:kms, not %q", v)
	}
	return nil
}

func checkPlain(v string) error {
	if v == "" || len(v) > 2048 || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return fmt.Errorf("must be a single line of text")
	}
	return nil
}

func checkPartSize(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 5 || n > 5120 {
		return fmt.Errorf("must be a whole number of MiB from 5 to 5120")
	}
	return nil
}

func checkPEM(v string) error {
	if len(v) > 64<<10 || !strings.Contains(v, "-----BEGIN CERTIFICATE-----") {
		return fmt.Errorf("must be one or more PEM certificates (-----BEGIN CERTIFICATE-----), at most 64 KiB")
	}
	return nil
}
