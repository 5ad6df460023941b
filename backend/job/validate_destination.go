package job

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

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
	p.addErr("options", checkEncryption(d.Options))
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

// checkOptions checks opts against the options kind k declares
// (DestinationOptions): every key declared, every value fitting its
// declaration and every condition met. The error names the option.
func checkOptions(k Kind, opts map[string]string) error {
	keys := make([]string, 0, len(opts))
	for key := range opts {
		keys = append(keys, key)
	}
	sort.Strings(keys) // report the same problem first every time
	for _, key := range keys {
		o, ok := OptionOf(k, key)
		if !ok {
			return fmt.Errorf("%q is not an option of %s destinations%s", key, k.Label(), knownOptions(k))
		}
		v := opts[key]
		if err := o.Check(v); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if w := o.When; w != nil && v != "" && opts[w.Key] != w.Value {
			return fmt.Errorf("%s: applies only when %s is %s", key, w.Key, w.Value)
		}
	}
	return nil
}

// knownOptions lists the options kind k declares, for an error message.
func knownOptions(k Kind) string {
	opts := DestinationOptions[k]
	if len(opts) == 0 {
		return " (they have none)"
	}
	names := make([]string, len(opts))
	for i, o := range opts {
		names[i] = o.Key
	}
	sort.Strings(names)
	return " (known: " + strings.Join(names, ", ") + ")"
}
