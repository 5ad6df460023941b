// Package secrets holds Avault's data key and what it protects: it finds
// the key (OS keyring, environment, key file), creates it on first start,
// tells a missing key from a wrong one, seals and opens credential secrets
// with AES-256-GCM, and offers Secret, a string that never prints.
//
// Nothing here logs, prints or returns a secret value in an error. The
// package does not import the store: Load takes the stored key-check value
// and whether sealed credentials exist, and the service layer wires the two.
package secrets

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// Redacted is what a Secret or a Key shows instead of its value.
const Redacted = "**redacted**"

// Secret is a string that prints, formats, marshals and logs as
// "**redacted**". Reveal returns the value; call it only where the value
// must leave the program (a request to the provider, sealing).
type Secret string

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String returns "**redacted**".
func (Secret) String() string { return Redacted }

// GoString returns "**redacted**", for %#v.
func (Secret) GoString() string { return Redacted }

// Format writes "**redacted**" for every verb and flag (%q quotes it).
func (Secret) Format(f fmt.State, verb rune) { writeRedacted(f, verb) }

// MarshalJSON returns "**redacted**" as a JSON string.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(Redacted)), nil }

// MarshalText returns "**redacted**", for encoders that use text.
func (Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// LogValue makes slog write "**redacted**".
func (Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

func writeRedacted(w io.Writer, verb rune) {
	if verb == 'q' {
		io.WriteString(w, strconv.Quote(Redacted))
		return
	}
	io.WriteString(w, Redacted)
}
