package storage

import "io"

// Noter is a file being read that has something to tell the person about
// how it was read: Google Drive's reader of a file Drive flagged as malware
// or spam, which it downloads only when the request acknowledges the risk,
// says so. Restore and verify put the notes of the files they read in
// their results. Decorators that wrap a reader pass its Note on.
type Noter interface {
	Note() string
}

// NoteOf returns r's note, or "" when it has none.
func NoteOf(r io.Reader) string {
	if n, ok := r.(Noter); ok {
		return n.Note()
	}
	return ""
}
