package job

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OptionType says how the value of a destination option is written.
type OptionType string

// The option types.
const (
	OptionText   OptionType = "text"   // one line of text
	OptionLines  OptionType = "lines"  // text of several lines, such as a PEM certificate
	OptionBool   OptionType = "bool"   // "true" or "false"
	OptionInt    OptionType = "int"    // a whole number from Min to Max
	OptionChoice OptionType = "choice" // one of the values of Choices
)

// OptionValue is one value an OptionChoice accepts, and how a person
// reads it.
type OptionValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// OptionWhen names another option of the same kind and the value it must
// have for an option to apply ("sse" = "aws:kms" for a KMS key).
type OptionWhen struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Option declares one option of a destination kind: a key of
// Destination.Options. DestinationOptions holds the one declaration of
// each; the validation of a destination, the command line's help
// (`avault dest add -h`) and the window's destination form (through the
// storage kind's fields) all read it, and the storage kind reads the value.
//
// An empty value means the option is not set, and the kind uses its
// default. Options are never secret: they are stored and shown in the
// clear, and secrets belong to credentials.
type Option struct {
	Key     string     `json:"key"`
	Label   string     `json:"label"`
	Help    string     `json:"help"`
	Type    OptionType `json:"type"`
	Default string     `json:"default,omitempty"` // what an empty value means, as a person reads it ("us-east-1", "the bucket's default")
	Example string     `json:"example,omitempty"` // a valid value, for placeholders and help
	// Choices lists the values an OptionChoice accepts.
	Choices []OptionValue `json:"choices,omitempty"`
	// Min and Max bound an OptionInt.
	Min int `json:"min,omitempty"`
	Max int `json:"max,omitempty"`
	// When, if set, is the condition under which the option applies; set
	// otherwise, it is refused, and the form hides it.
	When *OptionWhen `json:"when,omitempty"`
	// Advanced marks an option few people need; the form folds it away.
	Advanced bool `json:"advanced,omitempty"`
	// check adds the option's own rules to those of its Type.
	check func(v string) error
}

// DestinationOptions declares, per kind and in the order a form shows
// them, the options a destination accepts. A key that is not declared is
// refused, so a typo does not pass silently.
var DestinationOptions = withEncryption(map[Kind][]Option{
	KindLocal: {},
	KindS3: {
		{Key: "endpoint", Label: "Endpoint URL", Type: OptionText, Example: "https://s3.eu-central-003.backblazeb2.com",
			Help: "The address of an S3-compatible store; empty for Amazon S3.", check: checkEndpoint},
		{Key: "region", Label: "Region", Type: OptionText, Default: "us-east-1", Example: "eu-central-1",
			Help: "The region the bucket is in.", check: checkRegion},
		{Key: "storageClass", Label: "Storage class", Type: OptionText, Default: "the bucket's default", Example: "STANDARD_IA",
			Help: "The storage class of new objects.", check: checkStorageClass},
		{Key: "sse", Label: "Server-side encryption", Type: OptionChoice, Default: "the bucket's default",
			Help: "How the store encrypts the objects it keeps.", Choices: []OptionValue{
				{Value: "AES256", Label: "AES256 (keys managed by the store)"},
				{Value: "aws:kms", Label: "aws:kms (keys in AWS KMS)"},
			}},
		{Key: "sseKmsKeyId", Label: "KMS key ID", Type: OptionText, Default: "the account's default key", Example: "1234abcd-12ab-34cd-56ef-1234567890ab",
			Help: "The AWS KMS key that encrypts new objects.", When: &OptionWhen{Key: "sse", Value: "aws:kms"}},
		{Key: "pathStyle", Label: "Path-style addressing", Type: OptionBool,
			Help: "Puts the bucket in the path (https://host/bucket) instead of the host name. Most S3-compatible stores need it."},
		{Key: "checksumCompat", Label: "Send checksums only when required", Type: OptionBool,
			Help: "For S3-compatible stores that reject the newer checksum headers. Files over 1 MiB are then read twice, first for their MD5."},
		{Key: "md5Pass", Label: "Store the MD5 of large files", Type: OptionBool, Advanced: true,
			Help: "Reads files over 1 MiB twice, first for their MD5, so that every object carries it for rclone check. Slower."},
		{Key: "partSizeMiB", Label: "Part size (MiB)", Type: OptionInt, Default: "16", Example: "64", Min: 5, Max: 5120, Advanced: true,
			Help: "Large files are uploaded in parts of this size; larger parts suit fast links."},
		{Key: "caPem", Label: "Extra CA certificate (PEM)", Type: OptionLines, Advanced: true,
			Example: "-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----",
			Help:    "A private certificate authority to trust, such as that of a self-signed MinIO or Ceph.", check: checkPEM},
	},
	KindGDrive: {
		{Key: "trash", Label: "Move old versions to the trash", Type: OptionBool,
			Help: "Retention then moves versions to Drive's trash (emptied after 30 days) instead of deleting them; they count against your storage until then."},
	},
})

// OptionOf returns the declaration of kind k's option key.
func OptionOf(k Kind, key string) (Option, bool) {
	for _, o := range DestinationOptions[k] {
		if o.Key == key {
			return o, true
		}
	}
	return Option{}, false
}

// Check reports what is wrong with v as a value of o, by o's type and own
// rules; "" (not set) is always accepted.
func (o Option) Check(v string) error {
	if v == "" {
		return nil
	}
	if err := o.Type.check(v, o); err != nil {
		return err
	}
	if o.check != nil {
		return o.check(v)
	}
	return nil
}

func (t OptionType) check(v string, o Option) error {
	switch t {
	case OptionBool:
		if v != "true" && v != "false" {
			return fmt.Errorf("must be true or false, not %q", v)
		}
	case OptionInt:
		if n, err := strconv.Atoi(v); err != nil || n < o.Min || n > o.Max {
			return fmt.Errorf("must be a whole number from %d to %d, not %q", o.Min, o.Max, v)
		}
	case OptionChoice:
		values := make([]string, len(o.Choices))
		for i, c := range o.Choices {
			if c.Value == v {
				return nil
			}
			values[i] = c.Value
		}
		return fmt.Errorf("must be %s, not %q", orList(values), v)
	case OptionLines:
		if len(v) > 64<<10 || !utf8.ValidString(v) || strings.IndexFunc(v, notLinesRune) >= 0 {
			return fmt.Errorf("must be text of at most 64 KiB")
		}
	default:
		if len(v) > 2048 || !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return fmt.Errorf("must be a single line of text")
		}
	}
	return nil
}

func notLinesRune(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }

// orList joins values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

func checkEndpoint(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
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

func checkPEM(v string) error {
	if !strings.Contains(v, "-----BEGIN CERTIFICATE-----") {
		return fmt.Errorf("must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)")
	}
	return nil
}
