package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/avault/avault/backend/job"
)

// Config is everything needed to open a destination: where it is (Root, or
// Bucket and Prefix), kind-specific Options, and the unsealed Secret. Which
// fields a kind reads is listed in its Kind.Fields.
type Config struct {
	Kind    string            `json:"kind"`
	Root    string            `json:"root,omitempty"`   // a folder path (local) or folder id (Drive)
	Bucket  string            `json:"bucket,omitempty"` // S3 bucket
	Prefix  string            `json:"prefix,omitempty"` // key prefix inside the bucket, without slashes at the ends
	Options map[string]string `json:"options,omitempty"`
	Secret  Secret            `json:"-"` // never serialised with the rest
}

// Option returns Options[key], or "" when it is not set.
func (c Config) Option(key string) string { return c.Options[key] }

// value returns the config value a Field's key names.
func (c Config) value(f Field) string {
	switch {
	case f.Secret:
		return c.Secret.Get(f.Key)
	case f.Key == "root":
		return c.Root
	case f.Key == "bucket":
		return c.Bucket
	case f.Key == "prefix":
		return c.Prefix
	}
	return c.Options[f.Key]
}

const redacted = "**redacted**"

// Secret holds unsealed credential values (a secret access key, an OAuth
// token). It prints, formats, logs and marshals as "**redacted**", so a
// Config can be logged or shown without leaking it; code that needs a value
// asks for it by key.
type Secret struct{ values map[string]string }

// NewSecret returns a Secret holding a copy of values.
func NewSecret(values map[string]string) Secret { return Secret{values: maps.Clone(values)} }

// Get returns the value for key, or "" when there is none.
func (s Secret) Get(key string) string { return s.values[key] }

// Redact returns msg with every value s holds, and every longer string
// inside a value that is a JSON object (an OAuth token), replaced by
// "**redacted**": for a message that might repeat what a service was sent.
// Values shorter than 4 characters are left, since replacing them would
// garble the message and they hide nothing.
func (s Secret) Redact(msg string) string {
	var hidden []string
	for _, v := range s.values {
		hidden = append(hidden, v)
		var obj map[string]any
		if json.Unmarshal([]byte(v), &obj) == nil {
			for _, m := range obj {
				if str, ok := m.(string); ok && len(str) >= 8 {
					hidden = append(hidden, str)
				}
			}
		}
	}
	slices.SortFunc(hidden, func(a, b string) int { return len(b) - len(a) }) // longest first
	for _, h := range hidden {
		if len(h) >= 4 {
			msg = strings.ReplaceAll(msg, h, redacted)
		}
	}
	return msg
}

// IsZero reports whether the Secret holds no values.
func (s Secret) IsZero() bool { return len(s.values) == 0 }

// String returns "**redacted**".
func (Secret) String() string { return redacted }

// GoString returns "**redacted**".
func (Secret) GoString() string { return redacted }

// Format writes "**redacted**" whatever the verb.
func (Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue makes slog print "**redacted**".
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON writes "**redacted**"; secrets are sealed and stored by the
// caller, never through JSON of a Config.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// Field describes one setting of a destination kind, for forms and for
// checking a Config before opening it. Key is "root", "bucket" or "prefix"
// for those Config fields, otherwise a key of Options, or of Secret when
// Secret is true.
type Field struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Help     string `json:"help,omitempty"`
	Required bool   `json:"required"`
	Secret   bool   `json:"secret"`
	// Option, when set, is the declaration of the option this field is: a
	// key of Options a person sets on a destination (see OptionFields).
	Option *job.Option `json:"option,omitempty"`
}

// OptionFields returns the fields of the options kind k declares in
// job.DestinationOptions, in their order: the one declaration a kind's
// Fields, the destination's validation and the command line's help share.
func OptionFields(k job.Kind) []Field {
	opts := job.DestinationOptions[k]
	out := make([]Field, len(opts))
	for i := range opts {
		o := opts[i]
		out[i] = Field{Key: o.Key, Label: o.Label, Help: o.Help, Option: &o}
	}
	return out
}

// Opener opens a destination of one kind. It validates cfg and may contact
// the service; errors are the package's sentinels.
type Opener func(ctx context.Context, cfg Config) (Destination, error)

// Kind is a kind of destination ("local", "s3", "gdrive").
type Kind struct {
	Name        string  `json:"name"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Fields      []Field `json:"fields"`
	Open        Opener  `json:"-"`
}

// Registry maps kind names to their openers. It is filled explicitly by one
// wiring function (see package storage/all), never by init().
type Registry struct {
	mu    sync.RWMutex
	kinds map[string]Kind
	order []string
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry { return &Registry{kinds: map[string]Kind{}} }

// Register adds a kind; a kind without a name or opener, or a name already
// registered, is an error.
func (r *Registry) Register(k Kind) error {
	if k.Name == "" || k.Open == nil {
		return fmt.Errorf("storage: kind %q needs a name and an opener", k.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.kinds[k.Name]; dup {
		return fmt.Errorf("storage: kind %q registered twice", k.Name)
	}
	r.kinds[k.Name] = k
	r.order = append(r.order, k.Name)
	return nil
}

// Kinds returns the registered kinds in registration order.
func (r *Registry) Kinds() []Kind {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Kind, 0, len(r.order))
	for _, n := range r.order {
		out = append(out, r.kinds[n])
	}
	return out
}

// Kind returns the kind registered under name.
func (r *Registry) Kind(name string) (Kind, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	k, ok := r.kinds[name]
	return k, ok
}

// Open checks that cfg names a registered kind and has every required field,
// then opens it. Errors match ErrInvalid for an unknown kind or a missing
// field.
func (r *Registry) Open(ctx context.Context, cfg Config) (Destination, error) {
	k, ok := r.Kind(cfg.Kind)
	if !ok {
		return nil, NewError(ErrInvalid, fmt.Sprintf("unknown destination kind %q", cfg.Kind), nil)
	}
	var missing []string
	for _, f := range k.Fields {
		if f.Required && strings.TrimSpace(cfg.value(f)) == "" {
			missing = append(missing, f.Label)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, NewError(ErrInvalid, fmt.Sprintf("%s destination: missing %s", k.Title, strings.Join(missing, ", ")), nil)
	}
	return k.Open(ctx, cfg)
}
