package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// EnvKey is the environment variable that may hold the data key, as 64
// hexadecimal characters, for machines without a keyring.
const EnvKey = "AVAULT_ENCRYPTION_KEY"

// Source says where the data key came from.
type Source string

// The sources, in the order Load tries them.
const (
	SourceKeyring     Source = "keyring"
	SourceEnvironment Source = "environment"
	SourceFile        Source = "file"
)

// Options configure Load and SaveKey. Zero values mean the defaults.
type Options struct {
	// Dir is the data directory, where the key file lives.
	Dir string
	// UseFile says the user chose the key file instead of the OS keyring:
	// the keyring is then not consulted at all.
	UseFile bool
	// KeyringTimeout bounds each keyring call. Default: DefaultKeyringTimeout.
	KeyringTimeout time.Duration
	// Keyring is the keyring to use. Default: the OS keyring.
	Keyring Keyring
	// Getenv reads the environment. Default: os.Getenv.
	Getenv func(string) string
}

func (o Options) withDefaults() Options {
	if o.KeyringTimeout <= 0 {
		o.KeyringTimeout = DefaultKeyringTimeout
	}
	if o.Keyring == nil {
		o.Keyring = osKeyring{}
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	return o
}

// State is what the store knows about the key: the check value of the key
// that sealed its credentials (nil before any key), and whether any sealed
// credential exists.
type State struct {
	Check  []byte
	Sealed bool
}

// Loaded is a usable data key and where it came from.
type Loaded struct {
	Key    *Key
	Source Source
	// Check is Key's check value. When CheckChanged the caller must store
	// it (the key is new, or no check value was stored before).
	Check        []byte
	CheckChanged bool
	// Created is true when Load made a new key (first start).
	Created bool
}

// Attempt is what one source said when Load asked it for the key.
type Attempt struct {
	Source Source `json:"source"`
	// Outcome is "found", "wrong key", or why the source gave no key, in a
	// few words a person understands.
	Outcome string `json:"outcome"`
	// Absent means the source answered and simply has no key.
	Absent bool  `json:"-"`
	Err    error `json:"-"`
	key    *Key
}

func (a Attempt) String() string { return string(a.Source) + ": " + a.Outcome }

// Sentinels matched by a *LoadError.
var (
	ErrKeyUnavailable = errors.New("the data key cannot be read")
	ErrWrongKey       = errors.New("the data key does not match the stored credentials")
)

// LoadError says why Load returned no key, listing each source it tried.
// It matches ErrWrongKey when some source had a key that did not match the
// stored check value and ErrKeyUnavailable otherwise.
type LoadError struct {
	Sealed   bool // sealed credentials exist
	Wrong    bool // a key was found, but not the one that sealed them
	Attempts []Attempt
	Cause    error // set when a step other than reading failed (storing a new key)
}

func (e *LoadError) Error() string {
	tried := make([]string, len(e.Attempts))
	for i, a := range e.Attempts {
		tried[i] = a.String()
	}
	var b strings.Builder
	switch {
	case e.Sealed && e.Wrong:
		b.WriteString("the data key found is not the one that sealed the stored credentials (was the key replaced?)")
	case e.Sealed:
		b.WriteString("credentials are stored sealed, but the data key cannot be read")
	case e.Cause != nil:
		fmt.Fprintf(&b, "a new data key could not be stored: %v", e.Cause)
	default:
		b.WriteString("no data key was found, and none was created because not every source could be read")
	}
	fmt.Fprintf(&b, "; tried %s. Nothing was changed", strings.Join(tried, "; "))
	if e.Sealed || e.Cause == nil {
		fmt.Fprintf(&b, ". Unlock the keyring or set %s, then start Avault again", EnvKey)
	}
	return b.String()
}

// Is matches ErrWrongKey or ErrKeyUnavailable.
func (e *LoadError) Is(target error) bool {
	return target == ErrWrongKey && e.Wrong || target == ErrKeyUnavailable && !e.Wrong
}

// Unwrap returns the cause, if any.
func (e *LoadError) Unwrap() error { return e.Cause }

// Load finds the data key. It asks, in order, the OS keyring (unless
// opts.UseFile), the environment (EnvKey), and the key file (only with
// opts.UseFile), and returns the first key that matches st.Check, or the
// first key found when there is no check value yet.
//
// When no key matches:
//   - with sealed credentials (st.Sealed) it returns a *LoadError naming
//     every source and what it said; it never makes a new key;
//   - without, a key found that does not match the stale check value is
//     used (nothing depends on the old one);
//   - without, when every source answered that it has no key, it creates
//     one and stores it in the keyring, or in the key file with
//     opts.UseFile (first start);
//   - otherwise (a source did not answer: locked, timed out, no bus) it
//     returns a *LoadError rather than risk replacing a key it could not see.
//
// A malformed EnvKey is an error whatever else holds a key.
func Load(ctx context.Context, st State, opts Options) (Loaded, error) {
	opts = opts.withDefaults()
	if text := opts.Getenv(EnvKey); text != "" {
		if _, err := ParseKey(text); err != nil {
			return Loaded{}, fmt.Errorf("%s is set but unusable: %w", EnvKey, err)
		}
	}
	var attempts []Attempt
	for _, src := range opts.sources() {
		a := readSource(ctx, src, opts)
		if a.key != nil && (st.Check == nil || a.key.Matches(st.Check)) {
			return Loaded{Key: a.key, Source: src, Check: a.key.Check(), CheckChanged: st.Check == nil}, nil
		}
		if a.key != nil {
			a.Outcome = "a different key"
		}
		attempts = append(attempts, a)
	}
	return settle(ctx, st, opts, attempts)
}

// settle decides, once no source had the matching key, between using a
// mismatched key, creating a new one, and failing.
func settle(ctx context.Context, st State, opts Options, attempts []Attempt) (Loaded, error) {
	wrong, allAbsent := false, true
	for _, a := range attempts {
		wrong = wrong || a.key != nil
		allAbsent = allAbsent && a.Absent
	}
	if st.Sealed {
		return Loaded{}, &LoadError{Sealed: true, Wrong: wrong, Attempts: attempts}
	}
	for _, a := range attempts {
		if a.key != nil {
			return Loaded{Key: a.key, Source: a.Source, Check: a.key.Check(), CheckChanged: true}, nil
		}
	}
	if !allAbsent {
		return Loaded{}, &LoadError{Attempts: attempts}
	}
	k, err := NewKey()
	if err != nil {
		return Loaded{}, err
	}
	dest := SourceKeyring
	if opts.UseFile {
		dest = SourceFile
	}
	if err := SaveKey(ctx, k, dest, opts); err != nil {
		return Loaded{}, &LoadError{Attempts: attempts, Cause: err}
	}
	return Loaded{Key: k, Source: dest, Check: k.Check(), CheckChanged: true, Created: true}, nil
}

func (o Options) sources() []Source {
	if o.UseFile {
		return []Source{SourceEnvironment, SourceFile}
	}
	return []Source{SourceKeyring, SourceEnvironment}
}

// readSource asks one source for the key.
func readSource(ctx context.Context, src Source, opts Options) Attempt {
	var text string
	var err error
	switch src {
	case SourceKeyring:
		text, err = withTimeout(ctx, opts.KeyringTimeout, func() (string, error) {
			return opts.Keyring.Get(KeyringService, KeyringUser)
		})
	case SourceEnvironment:
		if text = opts.Getenv(EnvKey); text == "" {
			return Attempt{Source: src, Outcome: EnvKey + " is not set", Absent: true}
		}
	case SourceFile:
		text, err = readKeyFile(opts.Dir)
	}
	return attemptOf(src, text, err)
}

func attemptOf(src Source, text string, err error) Attempt {
	switch {
	case err == nil:
		k, perr := ParseKey(text)
		if perr != nil {
			// Ours but unreadable: replaceable when nothing is sealed.
			return Attempt{Source: src, Outcome: "holds a malformed key", Absent: true, Err: perr}
		}
		return Attempt{Source: src, Outcome: "found", key: k}
	case src == SourceFile && errors.Is(err, os.ErrNotExist):
		return Attempt{Source: src, Outcome: "no key file", Absent: true, Err: err}
	case src == SourceFile:
		return Attempt{Source: src, Outcome: "cannot read the key file: " + err.Error(), Err: err}
	case errors.Is(err, ErrKeyNotFound):
		return Attempt{Source: src, Outcome: describeKeyringError(err), Absent: true, Err: err}
	}
	return Attempt{Source: src, Outcome: describeKeyringError(err), Err: err}
}

// SaveKey stores k in the keyring or the key file (SourceEnvironment
// cannot be written), replacing what was there. The service uses it to
// move the key when the user changes where it is kept.
func SaveKey(ctx context.Context, k *Key, to Source, opts Options) error {
	opts = opts.withDefaults()
	switch to {
	case SourceKeyring:
		_, err := withTimeout(ctx, opts.KeyringTimeout, func() (struct{}, error) {
			return struct{}{}, opts.Keyring.Set(KeyringService, KeyringUser, k.text())
		})
		if err != nil {
			return &keyringError{msg: "keyring: " + describeKeyringError(err), err: err}
		}
		return nil
	case SourceFile:
		return writeKeyFile(opts.Dir, k)
	}
	return fmt.Errorf("the data key cannot be saved to %q", to)
}

// keyringError words a keyring failure for people and keeps the cause for
// errors.Is.
type keyringError struct {
	msg string
	err error
}

func (e *keyringError) Error() string { return e.msg }
func (e *keyringError) Unwrap() error { return e.err }
