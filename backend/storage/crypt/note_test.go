package crypt_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
	"github.com/avault/avault/backend/storage/local"
)

// notingDest gives every file it opens a note, as Google Drive does to a
// file it flagged as abusive.
type notingDest struct{ storage.Destination }

type notedReader struct{ io.ReadCloser }

func (notedReader) Note() string { return "flagged" }

func (d notingDest) Open(ctx context.Context, version, p string) (io.ReadCloser, error) {
	rc, err := d.Destination.Open(ctx, version, p)
	if err != nil {
		return nil, err
	}
	return notedReader{rc}, nil
}

// TestNotePassesThrough: the note of the ciphertext's reader reaches the
// reader of the plaintext, so restore and verify of an encrypted Drive
// destination still say which files Drive flagged.
func TestNotePassesThrough(t *testing.T) {
	inner, err := local.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inner.Close() })
	d := crypt.Wrap(notingDest{inner}, testCipher, "noted")
	ctx := context.Background()
	owner := storage.Owner{JobID: "j1", RunID: "r1"}
	p, err := d.Begin(ctx, "v1", owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Put(ctx, "tool.exe", strings.NewReader("MZ tool"), 7, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(ctx, []byte("manifest"), storage.VersionInfo{Name: "v1", Owner: owner, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	rc, err := d.Open(ctx, "v1", "tool.exe")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if data, _ := io.ReadAll(rc); string(data) != "MZ tool" || storage.NoteOf(rc) != "flagged" {
		t.Fatalf("read %q, note %q; want the plaintext and the destination's note", data, storage.NoteOf(rc))
	}
}
