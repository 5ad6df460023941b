package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

// ErrQuickVerifyUnsupported is returned by a quick Verify on a destination
// that cannot list a version's files (no storage.FileLister): only a deep
// verify can check it.
var ErrQuickVerifyUnsupported = errors.New("this destination cannot list a version's files; run a full verify, which reads them back")

// VerifyOptions chooses how deep Verify looks.
type VerifyOptions struct {
	// Deep reads every file back (or Sample of them) and checks its size
	// and SHA-256 against the manifest. Otherwise the destination's
	// listing is compared with the manifest: sizes, and the destination's
	// own hashes where the manifest has one of the same kind.
	Deep bool
	// Sample, for a deep verify, is how many files are read, chosen at
	// random; 0 means all.
	Sample int
	// Transfers is how many files a deep verify reads at once; 0 means
	// DefaultTransfers.
	Transfers int
	// Now returns the current time for CheckedAt; nil means time.Now.
	Now func() time.Time
	// Rand returns a number in [0, n) for sampling; nil means math/rand/v2.
	Rand func(n int) int
	// OnProgress is told as files are checked (a deep verify: also as
	// bytes are read back); calls never overlap. nil ignores them.
	OnProgress func(VerifyProgress)
}

// VerifyProgress counts what a verification has checked. A quick verify
// counts a file's bytes as checked when its listed size was compared.
type VerifyProgress struct {
	Files       int64  `json:"files"` // to check
	Bytes       int64  `json:"bytes"`
	FilesDone   int64  `json:"filesDone"`
	BytesDone   int64  `json:"bytesDone"`
	CurrentFile string `json:"currentFile"`
}

// verifyMeter reports a verification's progress to OnProgress.
type verifyMeter struct {
	fn   func(VerifyProgress)
	mu   sync.Mutex
	prog VerifyProgress
}

// add counts files and bytes checked, and reports.
func (m *verifyMeter) add(files, bytes int64, path string) {
	if m.fn == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prog.FilesDone += files
	m.prog.BytesDone += bytes
	m.prog.CurrentFile = path
	m.fn(m.prog)
}

// readCounter counts the bytes of one file read back, and stops the read
// as soon as ctx ends.
type readCounter struct {
	ctx  context.Context
	m    *verifyMeter
	path string
	n    int64
}

func (w *readCounter) Write(b []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	w.n += int64(len(b))
	w.m.add(0, int64(len(b)), w.path)
	return len(b), nil
}

// VerifyReport is a verification's outcome: job.VerifyResult, plus the
// files in the version that its manifest does not list (Extra), which are
// also listed among the problems.
type VerifyReport struct {
	job.VerifyResult
	Extra int64 `json:"extra"`
}

func (r *VerifyReport) problem(path, reason string) {
	if len(r.Problems) < job.MaxFailures {
		r.Problems = append(r.Problems, job.FileFailure{Path: path, Reason: reason})
	}
}

// Verify checks the committed version at dest against its manifest and
// reports missing, damaged and extra files. It fails only when it cannot
// check: the version or its manifest cannot be read, the destination
// fails, ctx ends, or a quick verify is not possible
// (ErrQuickVerifyUnsupported).
func Verify(ctx context.Context, dest storage.Destination, version string, o VerifyOptions) (VerifyReport, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	data, err := dest.ReadManifest(ctx, version)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("cannot read the manifest of %s: %w", version, err)
	}
	if o.Deep {
		return verifyDeep(ctx, dest, version, data, o)
	}
	return verifyQuick(ctx, dest, version, data, o)
}

// verifyQuick compares the destination's listing with the manifest.
func verifyQuick(ctx context.Context, dest storage.Destination, version string, data []byte, o VerifyOptions) (VerifyReport, error) {
	rep := VerifyReport{VerifyResult: job.VerifyResult{Mode: "quick", CheckedAt: o.Now()}}
	if _, ok := dest.(storage.FileLister); !ok {
		return rep, ErrQuickVerifyUnsupported
	}
	// The listing and the manifest are compared as two sorted lists, not
	// through a map of the listing's paths; the listing is put in manifest
	// order in runs kept in temporary files, so a version of any size is
	// compared in the same memory.
	sorter := &listingSorter{}
	defer sorter.close()
	if err := storage.WalkFiles(ctx, dest, version, sorter.add); err != nil {
		return rep, fmt.Errorf("cannot list the files of %s: %w", version, err)
	}
	nextFile, err := sorter.sorted()
	if err != nil {
		return rep, fmt.Errorf("cannot list the files of %s: %w", version, err)
	}
	var cur storage.FileInfo
	have := false
	advance := func() error {
		var err error
		cur, have, err = nextFile()
		return err
	}
	if err := advance(); err != nil {
		return rep, err
	}
	var listErr error
	extra := func(until string, all bool) {
		for ; listErr == nil && have && (all || manifest.Compare(cur.Path, until) < 0); listErr = advance() {
			rep.Extra++
			rep.problem(cur.Path, "in the version but not in its manifest")
		}
	}
	r, err := manifest.NewReader(bytes.NewReader(data))
	if err != nil {
		return rep, err
	}
	m := &verifyMeter{fn: o.OnProgress}
	if h, err := manifest.ReadHeader(data); err == nil {
		m.prog.Files, m.prog.Bytes = h.Files, h.Bytes
	}
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rep, err
		}
		rep.FilesChecked++
		extra(e.Path, false)
		var f storage.FileInfo
		ok := false
		for ; listErr == nil && have && cur.Path == e.Path; listErr = advance() { // the last of a path listed twice
			f, ok = cur, true
		}
		if listErr != nil {
			return rep, listErr
		}
		rep.compareListed(&e, f, ok)
		m.add(1, e.Size, e.Path)
	}
	extra("", true)
	return rep, listErr
}

// compareListed checks one manifest entry against the listing.
func (r *VerifyReport) compareListed(e *manifest.Entry, f storage.FileInfo, ok bool) {
	want := ""
	switch {
	case f.Hash.Algo == "sha256":
		want = e.SHA256
	case e.DestHash != nil && f.Hash.Algo == e.DestHash.Algo:
		want = e.DestHash.Value
	}
	switch {
	case !ok:
		r.Missing++
		r.problem(e.Path, "missing from the destination")
	case f.Size != e.Size:
		r.Mismatched++
		r.problem(e.Path, fmt.Sprintf("size %d at the destination, %d in the manifest", f.Size, e.Size))
	case want != "" && f.Hash.Value != want:
		r.Mismatched++
		r.problem(e.Path, fmt.Sprintf("the destination's %s differs from the manifest's", f.Hash.Algo))
	}
}

// verifyDeep reads files back and checks their SHA-256.
func verifyDeep(ctx context.Context, dest storage.Destination, version string, data []byte, o VerifyOptions) (VerifyReport, error) {
	rep := VerifyReport{VerifyResult: job.VerifyResult{Mode: "full", CheckedAt: o.Now()}}
	m := &verifyMeter{fn: o.OnProgress}
	var produce func(yield func(*manifest.Entry) error) error
	if o.Sample > 0 {
		entries, err := sampleEntries(data, o.Sample, o.Rand)
		if err != nil {
			return rep, err
		}
		for _, e := range entries {
			m.prog.Files++
			m.prog.Bytes += e.Size
		}
		produce = func(yield func(*manifest.Entry) error) error {
			for i := range entries {
				if err := yield(&entries[i]); err != nil {
					return err
				}
			}
			return nil
		}
	} else {
		// Every file: read one entry at a time and handed to the
		// transfers, not held, so that a version of a million files
		// costs no more memory than a small one.
		h, err := manifest.ReadHeader(data)
		if err != nil {
			return rep, err
		}
		m.prog.Files, m.prog.Bytes = h.Files, h.Bytes
		produce = func(yield func(*manifest.Entry) error) error {
			r, err := manifest.NewReader(bytes.NewReader(data))
			if err != nil {
				return err
			}
			for {
				e, err := r.Next()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
				if err := yield(&e); err != nil {
					return err
				}
			}
		}
	}
	var mu sync.Mutex
	var notes fileNotes
	err := forEachOf(ctx, o.Transfers, produce, func(ctx context.Context, e *manifest.Entry) error {
		count := &readCounter{ctx: ctx, m: m, path: e.Path}
		reason, err := readBack(ctx, dest, version, e, count, &notes)
		if err != nil {
			return err
		}
		m.add(1, e.Size-count.n, e.Path) // a checked file counts its size, however much was read
		mu.Lock()
		defer mu.Unlock()
		rep.FilesChecked++
		switch {
		case reason == "missing":
			rep.Missing++
			rep.problem(e.Path, "missing from the destination")
		case reason != "":
			rep.Mismatched++
			rep.problem(e.Path, reason)
		}
		return nil
	})
	rep.Notes = notes.lines()
	return rep, err
}

// readBack reads one file, counting its bytes in count, and returns ""
// when it matches the manifest, "missing", or what differs. An error is a
// failure to check. What the destination noted of the read goes to notes.
func readBack(ctx context.Context, dest storage.Destination, version string, e *manifest.Entry, count io.Writer, notes *fileNotes) (string, error) {
	rc, err := dest.Open(ctx, version, e.Path)
	if errors.Is(err, storage.ErrNotFound) {
		return "missing", nil
	}
	if errors.Is(err, storage.ErrDamaged) {
		return "the stored file is damaged: " + err.Error(), nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read %s back: %w", e.Path, err)
	}
	defer rc.Close()
	h := sha256.New()
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	n, err := io.CopyBuffer(io.MultiWriter(count, h), rc, *bp)
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if errors.Is(err, storage.ErrDamaged) {
		return "the stored file is damaged: " + err.Error(), nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read %s back: %w", e.Path, err)
	}
	notes.add(storage.NoteOf(rc), e.Path)
	switch {
	case n != e.Size:
		return fmt.Sprintf("%d bytes at the destination, %d in the manifest", n, e.Size), nil
	case hex.EncodeToString(h.Sum(nil)) != e.SHA256:
		return "its SHA-256 differs from the manifest's: the stored file is damaged", nil
	}
	return "", nil
}

// sampleEntries returns every entry of the manifest, or k of them chosen
// uniformly at random (reservoir sampling, so the manifest is read once).
func sampleEntries(data []byte, k int, rnd func(int) int) ([]manifest.Entry, error) {
	if rnd == nil {
		rnd = rand.IntN
	}
	r, err := manifest.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var out []manifest.Entry
	for seen := 0; ; seen++ {
		e, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch {
		case k <= 0 || len(out) < k:
			out = append(out, e)
		default:
			if j := rnd(seen + 1); j < k {
				out[j] = e
			}
		}
	}
}
