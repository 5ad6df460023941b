package manifest

import (
	"encoding/base64"
	"fmt"
	"unicode/utf8"
)

// EscapeQuote starts the escape of a byte that is not valid UTF-8 in a
// name: the byte 0xE9 of a Latin-1 "é" becomes "‛E9". It is the quote
// character rclone uses for the same purpose, so that rclone lists such a
// name on the source disk exactly as Avault stores it at the destination.
const EscapeQuote = '‛' // U+201B

// EscapeName returns the name, or slash-separated path, a source name is
// stored under at a destination: valid UTF-8 is kept as it is, and each
// byte that is not part of valid UTF-8 becomes EscapeQuote followed by the
// byte in two upper-case hex digits. A valid name is returned unchanged.
// Slashes are ASCII and never escaped, so a path's folders map one to one.
func EscapeName(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(raw)+8)
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if r == utf8.RuneError && size == 1 {
			b = utf8.AppendRune(b, EscapeQuote)
			b = append(b, hex[raw[i]>>4], hex[raw[i]&0xf])
			i++
			continue
		}
		b = append(b, raw[i:i+size]...)
		i += size
	}
	return string(b)
}

// encodeRaw is what a manifest keeps of a path that is not valid UTF-8:
// its bytes in standard base64 (JSON strings hold only text).
func encodeRaw(raw string) string {
	if utf8.ValidString(raw) {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(raw))
}

// RawField returns the value of a "raw" field for the source path raw: its
// bytes in base64 when it is not valid UTF-8, else "" (no field).
func RawField(raw string) string { return encodeRaw(raw) }

// SourcePath returns the source's own bytes of a path stored as path,
// with raw its "raw" field: path itself when raw is empty.
func SourcePath(path, raw string) string {
	if raw == "" {
		return path
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return path // checkRaw refuses such a manifest before it gets here
	}
	return string(b)
}

// checkRaw reports what is wrong with a "raw" field for path: it must be
// base64 of bytes that are not valid UTF-8 and that escape to path.
func checkRaw(path, raw string) error {
	if raw == "" {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%q: raw name is not base64", path)
	case utf8.Valid(b):
		return fmt.Errorf("%q: raw name is valid UTF-8, so it needs no raw field", path)
	case EscapeName(string(b)) != path:
		return fmt.Errorf("%q: raw name escapes to %q, not to the path", path, EscapeName(string(b)))
	}
	return nil
}
