// Package storagetest is the conformance suite every destination passes.
// A destination's test file hands an opener to Run:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storage.Destination {
//			return openOnFreshRoot(t)
//		}, storagetest.Options{PartSize: 5 << 20})
//	}
//
// The suite covers zero-length, multi-part and oddly named files, deep
// paths, listings past one page, commit visibility, delete (another version
// and the user's own files survive), server-side copy, hashes, name
// clashes, reading back, cancellation mid-upload and, for HTTP
// destinations, injected faults.
package storagetest

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

// Opener returns a destination on a fresh, empty root that nothing else
// uses. It registers its own clean-up with t.Cleanup.
type Opener func(t *testing.T) storage.Destination

// Options tells the suite what the destination under test can do.
type Options struct {
	// PartSize is the destination's multi-part upload part size, 0 when it
	// has none. The large-file test then uses 3.5 parts; otherwise 17 MiB.
	PartSize int64
	// PageSize is the number of entries per listing page the opener set;
	// 0 means 1000. The listing tests go past it.
	PageSize int
	// PutUserFile stores data at path (slash-separated, relative to d's
	// root) the way a user would, without Avault. nil skips the checks that
	// a user's own files are never listed nor deleted.
	PutUserFile func(t *testing.T, d storage.Destination, path string, data []byte)
	// ReadUserFile reads back what PutUserFile stored.
	ReadUserFile func(t *testing.T, d storage.Destination, path string) ([]byte, error)
	// Faulty, when not nil, opens a destination on a fresh root whose HTTP
	// traffic passes through the returned fault proxy; the suite turns
	// faults on and off. nil skips the fault tests (a local folder).
	Faulty func(t *testing.T) (storage.Destination, *faultproxy.Proxy)
	// FolderExists reports whether the folder at path (slash-separated,
	// relative to d's root) exists, as a user would see it; nil skips the
	// checks that empty folders are there and go when they should.
	FolderExists func(t *testing.T, d storage.Destination, path string) bool
	// Retry configures the retry decorator in the fault tests; without
	// MaxAttempts and BaseDelay it uses 10 attempts and fast delays.
	Retry storage.RetryOptions
}

func (o Options) largeSize() int64 {
	if o.PartSize > 0 {
		return 3*o.PartSize + o.PartSize/2
	}
	return 17 << 20
}

func (o Options) manyFiles() int {
	if o.PageSize > 0 {
		return 2*o.PageSize + 3
	}
	return 1003
}

// Run runs the conformance suite as subtests of t.
func Run(t *testing.T, open Opener, o Options) {
	s := &suite{open: open, o: o}
	tests := []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"ZeroLength", s.testZeroLength},
		{"LargeMultipart", s.testLarge},
		{"OddNames", s.testOddNames},
		{"DeepPath", s.testDeepPath},
		{"ReplaceAndShortReader", s.testReplaceAndShort},
		{"InvalidNames", s.testInvalidNames},
		{"ManyFilesPastOnePage", s.testManyFiles},
		{"ManyVersionsPastOnePage", s.testManyVersions},
		{"CommitVisibility", s.testCommitVisibility},
		{"Exists", s.testExists},
		{"ReadBack", s.testReadBack},
		{"DeleteVersion", s.testDelete},
		{"Abort", s.testAbort},
		{"ServerSideCopy", s.testCopy},
		{"CancelMidUpload", s.testCancel},
		{"EmptyFolders", s.testFolders},
	}
	if o.PutUserFile != nil {
		tests = append(tests, struct {
			name string
			fn   func(t *testing.T)
		}{"UserDataUntouched", s.testUserData})
	}
	if o.Faulty != nil {
		tests = append(tests, struct {
			name string
			fn   func(t *testing.T)
		}{"Faults", s.testFaults})
	}
	tests = append(tests, s.filesTests()...)
	if o.Faulty != nil {
		tests = append(tests, struct {
			name string
			fn   func(t *testing.T)
		}{"Files/Faults", s.testFilesFaults})
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.fn)
	}
}

type suite struct {
	open Opener
	o    Options
}

var owner = storage.Owner{JobID: "job-1", RunID: "run-1"}

// content returns n deterministic pseudo-random bytes for seed.
func content(seed uint64, n int64) []byte {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	r := rand.NewChaCha8(s)
	b := make([]byte, n)
	r.Read(b)
	return b
}

// file is one file the suite puts and later expects.
type file struct {
	path string
	data []byte
}

func files(fs ...file) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range fs {
		m[f.path] = f.data
	}
	return m
}

// put stores data at path and checks what Put reports.
func put(t *testing.T, ctx context.Context, p storage.Pending, path string, data []byte) storage.PutResult {
	t.Helper()
	var progressed int64
	res, err := p.Put(ctx, path, bytes.NewReader(data), int64(len(data)), func(n int64) { progressed += n })
	if err != nil {
		t.Fatalf("Put(%q, %d bytes): %v", path, len(data), err)
	}
	if res.Size != int64(len(data)) {
		t.Errorf("Put(%q) size = %d, want %d", path, res.Size, len(data))
	}
	if progressed != int64(len(data)) {
		t.Errorf("Put(%q) progress added up to %d, want %d", path, progressed, len(data))
	}
	checkHash(t, path, res.Hash, data)
	return res
}

// checkHash checks a destination's hash against the content, when it gave one.
func checkHash(t *testing.T, path string, h storage.Hash, data []byte) {
	t.Helper()
	var want string
	switch {
	case h.Algo == "", strings.HasSuffix(h.Algo, "-encrypted"):
		return // none, or a hash of an encrypted form (storage/crypt)
	}
	switch h.Algo {
	case "md5":
		sum := md5.Sum(data)
		want = hex.EncodeToString(sum[:])
	case "sha256":
		sum := sha256.Sum256(data)
		want = hex.EncodeToString(sum[:])
	default:
		t.Errorf("%s: unknown hash algorithm %q", path, h.Algo)
		return
	}
	if h.Value != want {
		t.Errorf("%s: %s = %s, want %s", path, h.Algo, h.Value, want)
	}
}

// info returns the VersionInfo a commit of fs under name records.
func info(name string, fs map[string][]byte) storage.VersionInfo {
	vi := storage.VersionInfo{Name: name, Owner: owner, Created: time.Date(2025, 3, 4, 5, 6, 7, 890000000, time.UTC)}
	for _, data := range fs {
		vi.Files++
		vi.Bytes += int64(len(data))
	}
	return vi
}

// manifestFor returns manifest bytes that differ per version.
func manifestFor(name string) []byte {
	return append([]byte("\x1f\x8bmanifest of "), name...)
}

// commit writes a whole version of fs and commits it.
func commit(t *testing.T, d storage.Destination, name string, fs map[string][]byte) storage.VersionInfo {
	t.Helper()
	ctx := context.Background()
	p, err := d.Begin(ctx, name, owner)
	if err != nil {
		t.Fatalf("Begin(%q): %v", name, err)
	}
	for _, path := range sortedKeys(fs) {
		put(t, ctx, p, path, fs[path])
	}
	vi := info(name, fs)
	if err := p.Commit(ctx, manifestFor(name), vi); err != nil {
		t.Fatalf("Commit(%q): %v", name, err)
	}
	return vi
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readBack checks that every file of fs reads back from the committed
// version identical, and that a FileLister lists exactly fs.
func readBack(t *testing.T, d storage.Destination, version string, fs map[string][]byte) {
	t.Helper()
	readFiles(t, d, version, fs)
	checkListing(t, d, version, fs)
}

// readFiles checks that every file of fs reads back identical.
func readFiles(t *testing.T, d storage.Destination, version string, fs map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	for _, path := range sortedKeys(fs) {
		got, err := readFile(ctx, d, version, path)
		if err != nil {
			t.Errorf("Open(%q, %q): %v", version, path, err)
			continue
		}
		if !bytes.Equal(got, fs[path]) {
			t.Errorf("%s/%s: read %d bytes (sha256 %x), want %d (sha256 %x)", version, path,
				len(got), sha256.Sum256(got), len(fs[path]), sha256.Sum256(fs[path]))
		}
	}
}

func readFile(ctx context.Context, d storage.Destination, version, path string) ([]byte, error) {
	rc, err := d.Open(ctx, version, path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// checkListing compares ListFiles, when the destination has it, with fs.
func checkListing(t *testing.T, d storage.Destination, version string, fs map[string][]byte) {
	t.Helper()
	fl, ok := d.(storage.FileLister)
	if !ok {
		return
	}
	list, err := fl.ListFiles(context.Background(), version)
	if err != nil {
		t.Fatalf("ListFiles(%q): %v", version, err)
	}
	var got []string
	for i, f := range list {
		got = append(got, f.Path)
		if i > 0 && list[i-1].Path >= f.Path {
			t.Errorf("ListFiles not sorted: %q before %q", list[i-1].Path, f.Path)
		}
		data, ok := fs[f.Path]
		if !ok {
			continue
		}
		if f.Size != int64(len(data)) {
			t.Errorf("ListFiles %s size = %d, want %d", f.Path, f.Size, len(data))
		}
		checkHash(t, f.Path, f.Hash, data)
	}
	if want := sortedKeys(fs); !slices.Equal(got, want) {
		t.Errorf("ListFiles(%q) = %d paths %q, want %d paths %q", version, len(got), clip(got), len(want), clip(want))
	}
	// WalkFiles hands over the same files, in any order.
	if _, ok := d.(storage.FileWalker); ok {
		var walked []storage.FileInfo
		if err := storage.WalkFiles(context.Background(), d, version, func(f storage.FileInfo) error {
			walked = append(walked, f)
			return nil
		}); err != nil {
			t.Fatalf("WalkFiles(%q): %v", version, err)
		}
		slices.SortFunc(walked, func(a, b storage.FileInfo) int { return strings.Compare(a.Path, b.Path) })
		if !slices.Equal(walked, list) {
			t.Errorf("WalkFiles(%q) handed %d files, ListFiles lists %d, or they differ", version, len(walked), len(list))
		}
	}
}

// clip shortens long path lists in failure messages.
func clip(s []string) []string {
	if len(s) > 12 {
		return append(slices.Clip(s[:12]), fmt.Sprintf("... %d more", len(s)-12))
	}
	return s
}

// versionNames returns the names ListVersions reports.
func versionNames(t *testing.T, d storage.Destination) []string {
	t.Helper()
	vs, err := d.ListVersions(context.Background())
	if err != nil {
		t.Fatalf("ListVersions: %v", err)
	}
	var names []string
	for _, v := range vs {
		names = append(names, v.Name)
	}
	return names
}

// leftoverNames returns the names ListLeftovers reports.
func leftoverNames(t *testing.T, d storage.Destination) []string {
	t.Helper()
	ls, err := d.ListLeftovers(context.Background())
	if err != nil {
		t.Fatalf("ListLeftovers: %v", err)
	}
	var names []string
	for _, l := range ls {
		names = append(names, l.Name)
	}
	return names
}

// wantErr fails t unless err matches target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want %v", what, err, target)
	}
}
