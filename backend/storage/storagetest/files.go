package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

// filesTests are the subtests for destinations that offer storage.Files;
// they are skipped for the others.
func (s *suite) filesTests() []struct {
	name string
	fn   func(t *testing.T)
} {
	return []struct {
		name string
		fn   func(t *testing.T)
	}{
		{"Files/PutAndWalk", s.testFilesPut},
		{"Files/ReplaceAndShortReader", s.testFilesReplace},
		{"Files/Move", s.testFilesMove},
		{"Files/Copy", s.testFilesCopy},
		{"Files/Delete", s.testFilesDelete},
		{"Files/WalkPastOnePage", s.testFilesMany},
		{"Files/InvalidPaths", s.testFilesInvalid},
		{"Files/NotVersionsNorLeftovers", s.testFilesApart},
		{"Files/CancelMidUpload", s.testFilesCancel},
		{"Files/EmptyFolders", s.testFilesFolders},
	}
}

// openFiles opens a fresh destination and its Files, or skips.
func (s *suite) openFiles(t *testing.T) (storage.Destination, storage.Files) {
	t.Helper()
	d := s.open(t)
	f := storage.FilesOf(d)
	if f == nil {
		t.Skip("this destination offers no plain file access")
	}
	return d, f
}

// putFile stores data at p and checks what Put reports.
func putFile(t *testing.T, f storage.Files, p string, data []byte) storage.PutResult {
	t.Helper()
	var progressed int64
	res, err := f.Put(context.Background(), p, bytes.NewReader(data), int64(len(data)), func(n int64) { progressed += n })
	if err != nil {
		t.Fatalf("Files.Put(%q, %d bytes): %v", p, len(data), err)
	}
	if res.Size != int64(len(data)) {
		t.Errorf("Files.Put(%q) size = %d, want %d", p, res.Size, len(data))
	}
	if progressed != int64(len(data)) {
		t.Errorf("Files.Put(%q) progress added up to %d, want %d", p, progressed, len(data))
	}
	checkHash(t, p, res.Hash, data)
	return res
}

// readPlain reads the file at p.
func readPlain(f storage.Files, p string) ([]byte, error) {
	rc, err := f.Open(context.Background(), p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// wantFiles checks that the files below dir are exactly want, by Walk
// (sizes and hashes) and by reading each back.
func wantFiles(t *testing.T, f storage.Files, dir string, want map[string][]byte) {
	t.Helper()
	got := map[string]storage.FileInfo{}
	err := f.Walk(context.Background(), dir, func(fi storage.FileInfo) error {
		if _, dup := got[fi.Path]; dup {
			t.Errorf("Walk(%q) listed %q twice", dir, fi.Path)
		}
		got[fi.Path] = fi
		return nil
	})
	if err != nil {
		t.Fatalf("Walk(%q): %v", dir, err)
	}
	var names []string
	for p, fi := range got {
		names = append(names, p)
		data, ok := want[p]
		if !ok {
			continue
		}
		if fi.Size != int64(len(data)) {
			t.Errorf("Walk(%q): %s size = %d, want %d", dir, p, fi.Size, len(data))
		}
		checkHash(t, p, fi.Hash, data)
	}
	slices.Sort(names)
	if w := sortedKeys(want); !slices.Equal(names, w) {
		t.Errorf("Walk(%q) = %d paths %q, want %d paths %q", dir, len(names), clip(names), len(w), clip(w))
	}
	for _, p := range sortedKeys(want) {
		full := p
		if dir != "" {
			full = dir + "/" + p
		}
		data, err := readPlain(f, full)
		if err != nil {
			t.Errorf("Files.Open(%q): %v", full, err)
		} else if !bytes.Equal(data, want[p]) {
			t.Errorf("Files.Open(%q): read %d bytes, want %d", full, len(data), len(want[p]))
		}
	}
}

func (s *suite) testFilesPut(t *testing.T) {
	_, f := s.openFiles(t)
	fs := files(
		file{"job/current/empty", nil},
		file{"job/current/a.txt", []byte("alpha")},
		file{"job/current/deep/er/still/b.bin", content(40, 70000)},
		file{"job/current/ü ñ #%?&=+ 'q' \"d\".txt", []byte("odd")},
		file{"job/current/large.bin", content(41, s.o.largeSize())},
		file{"job/other/x.txt", []byte("x")},
	)
	for _, p := range sortedKeys(fs) {
		putFile(t, f, p, fs[p])
	}
	current := map[string][]byte{}
	for p, data := range fs {
		if rest, ok := cutPrefix(p, "job/current/"); ok {
			current[rest] = data
		}
	}
	wantFiles(t, f, "job/current", current)
	all := map[string][]byte{}
	for p, data := range fs {
		all[p[len("job/"):]] = data
	}
	wantFiles(t, f, "job", all)
	wantFiles(t, f, "job/missing", nil)
	wantFiles(t, f, "job/current/deep/er", map[string][]byte{"still/b.bin": fs["job/current/deep/er/still/b.bin"]})
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

func (s *suite) testFilesReplace(t *testing.T) {
	_, f := s.openFiles(t)
	putFile(t, f, "j/a.txt", []byte("first version of a"))
	putFile(t, f, "j/a.txt", []byte("second"))
	_, err := f.Put(context.Background(), "j/a.txt", bytes.NewReader([]byte("short")), 10, nil)
	wantErr(t, "Files.Put with a reader shorter than size", err, storage.ErrInvalid)
	_, err = f.Put(context.Background(), "j/new.txt", bytes.NewReader([]byte("short")), 10, nil)
	wantErr(t, "Files.Put of a new file with a short reader", err, storage.ErrInvalid)
	big := content(46, 3<<20) // seekable, past the single-request size, a MiB short
	_, err = f.Put(context.Background(), "j/a.txt", bytes.NewReader(big), int64(len(big))+1<<20, nil)
	wantErr(t, "Files.Put with a large seekable reader shorter than size", err, storage.ErrInvalid)
	wantFiles(t, f, "j", map[string][]byte{"a.txt": []byte("second")})
}

func (s *suite) testFilesMove(t *testing.T) {
	_, f := s.openFiles(t)
	ctx := context.Background()
	large := content(42, s.o.largeSize())
	putFile(t, f, "j/current/a.txt", []byte("a"))
	putFile(t, f, "j/current/sub/b.txt", []byte("bee"))
	putFile(t, f, "j/current/large.bin", large)
	putFile(t, f, "j/current/c.txt", []byte("new c"))
	putFile(t, f, "j/history/v1/c.txt", []byte("old c"))
	for from, to := range map[string]string{
		"j/current/a.txt":     "j/history/v1/a.txt",
		"j/current/sub/b.txt": "j/history/v1/deeper/sub/b.txt",
		"j/current/large.bin": "j/history/v1/large.bin",
		"j/history/v1/c.txt":  "j/current/c.txt", // replaces
	} {
		if err := f.Move(ctx, from, to); err != nil {
			t.Fatalf("Move(%q, %q): %v", from, to, err)
		}
	}
	wantErr(t, "Move of a missing file", f.Move(ctx, "j/current/a.txt", "j/elsewhere.txt"), storage.ErrNotFound)
	wantFiles(t, f, "j", map[string][]byte{
		"current/c.txt":               []byte("old c"),
		"history/v1/a.txt":            []byte("a"),
		"history/v1/deeper/sub/b.txt": []byte("bee"),
		"history/v1/large.bin":        large,
	})
}

func (s *suite) testFilesCopy(t *testing.T) {
	_, f := s.openFiles(t)
	ctx := context.Background()
	large := content(43, s.o.largeSize())
	putFile(t, f, "t/v1/large.bin", large)
	putFile(t, f, "t/v1/a/b.txt", []byte("bee"))
	putFile(t, f, "t/j/current/a/b.txt", []byte("to be replaced"))
	for from, to := range map[string]string{"t/v1/large.bin": "t/j/current/large.bin", "t/v1/a/b.txt": "t/j/current/a/b.txt"} {
		res, err := f.Copy(ctx, from, to)
		if err != nil {
			t.Fatalf("Copy(%q, %q): %v", from, to, err)
		}
		want, _ := readPlain(f, from)
		if res.Size != int64(len(want)) {
			t.Errorf("Copy(%q) size = %d, want %d", from, res.Size, len(want))
		}
		checkHash(t, to, res.Hash, want)
	}
	_, err := f.Copy(ctx, "t/v1/missing", "t/j/current/missing")
	wantErr(t, "Copy of a missing file", err, storage.ErrNotFound)
	wantFiles(t, f, "t", map[string][]byte{
		"v1/large.bin": large, "v1/a/b.txt": []byte("bee"),
		"j/current/large.bin": large, "j/current/a/b.txt": []byte("bee"),
	})
}

func (s *suite) testFilesDelete(t *testing.T) {
	_, f := s.openFiles(t)
	ctx := context.Background()
	putFile(t, f, "j/history/v1/a/b/c.txt", []byte("c"))
	putFile(t, f, "j/history/v1/keep.txt", []byte("k"))
	if err := f.Delete(ctx, "j/history/v1/a/b/c.txt"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantErr(t, "Delete of a missing file", f.Delete(ctx, "j/history/v1/a/b/c.txt"), storage.ErrNotFound)
	wantErr(t, "Open of a deleted file", openErr(f, "j/history/v1/a/b/c.txt"), storage.ErrNotFound)
	wantFiles(t, f, "j", map[string][]byte{"history/v1/keep.txt": []byte("k")})
}

func openErr(f storage.Files, p string) error {
	rc, err := f.Open(context.Background(), p)
	if err == nil {
		rc.Close()
	}
	return err
}

func (s *suite) testFilesMany(t *testing.T) {
	_, f := s.openFiles(t)
	want := map[string][]byte{}
	for i := range s.o.manyFiles() {
		p := fmt.Sprintf("d%d/f%04d.txt", i%3, i)
		want[p] = []byte(p)
	}
	putMany(t, f, "many", want)
	wantFiles(t, f, "many", want)
}

// putMany stores files below dir, a few at a time.
func putMany(t *testing.T, f storage.Files, dir string, fs map[string][]byte) {
	t.Helper()
	keys := sortedKeys(fs)
	errs := make(chan error, len(keys))
	sem := make(chan struct{}, 8)
	for _, p := range keys {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			data := fs[p]
			_, err := f.Put(context.Background(), dir+"/"+p, bytes.NewReader(data), int64(len(data)), nil)
			errs <- err
		}()
	}
	for range keys {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func (s *suite) testFilesInvalid(t *testing.T) {
	_, f := s.openFiles(t)
	ctx := context.Background()
	putFile(t, f, "t/ok.txt", []byte("ok"))
	for _, p := range []string{"", ".", "..", "../x", "/abs", "a//b", "a/./b", "a/../b", "trailing/", "nul\x00"} {
		_, err := f.Put(ctx, p, bytes.NewReader(nil), 0, nil)
		wantErr(t, fmt.Sprintf("Put(%q)", p), err, storage.ErrInvalid)
		wantErr(t, fmt.Sprintf("Move(ok.txt, %q)", p), f.Move(ctx, "t/ok.txt", p), storage.ErrInvalid)
		wantErr(t, fmt.Sprintf("Move(%q, x)", p), f.Move(ctx, p, "t/x.txt"), storage.ErrInvalid)
		_, err = f.Copy(ctx, "t/ok.txt", p)
		wantErr(t, fmt.Sprintf("Copy(ok.txt, %q)", p), err, storage.ErrInvalid)
		wantErr(t, fmt.Sprintf("Delete(%q)", p), f.Delete(ctx, p), storage.ErrInvalid)
		wantErr(t, fmt.Sprintf("Open(%q)", p), openErr(f, p), storage.ErrInvalid)
		if p != "" {
			wantErr(t, fmt.Sprintf("Walk(%q)", p), f.Walk(ctx, p, func(storage.FileInfo) error { return nil }), storage.ErrInvalid)
		}
	}
	wantFiles(t, f, "t", map[string][]byte{"ok.txt": []byte("ok")})
}

// testFilesApart checks that plain files, a job folder with Avault's own
// records included, are never taken for versions or leftovers, and that
// versions' files are not disturbed by plain files beside them.
func (s *suite) testFilesApart(t *testing.T) {
	d, f := s.openFiles(t)
	vfs := files(file{"a.txt", []byte("in a version")})
	vi := commit(t, d, "v1", vfs)
	for _, p := range []string{"Photos/current/a.txt", "Photos/history/v0/a.txt", "Photos/.avault/area.json",
		"Photos/.avault/versions/v0.json", "Photos/.avault/versions/v0.manifest.json.gz", "Photos/.avault/run.json"} {
		putFile(t, f, p, []byte(p))
	}
	if got := versionNames(t, d); !slices.Equal(got, []string{"v1"}) {
		t.Errorf("ListVersions = %q, want [v1]", got)
	}
	if got := leftoverNames(t, d); len(got) != 0 {
		t.Errorf("ListLeftovers = %q, want none: a job's folder is not a leftover", got)
	}
	s.checkVersion(t, d, vi)
	readBack(t, d, "v1", vfs)
	if err := d.DeleteVersion(context.Background(), "v1"); err != nil {
		t.Fatal(err)
	}
	if data, err := readPlain(f, "Photos/current/a.txt"); err != nil || string(data) != "Photos/current/a.txt" {
		t.Errorf("a job folder's file after DeleteVersion of another: %q, %v", data, err)
	}
}

func (s *suite) testFilesCancel(t *testing.T) {
	_, f := s.openFiles(t)
	putFile(t, f, "j/big.bin", []byte("old"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := content(44, s.o.largeSize())
	r := &cancelReader{r: bytes.NewReader(data), after: max(s.o.PartSize, 1<<20) + 1, cancel: cancel}
	_, err := f.Put(ctx, "j/big.bin", struct{ io.Reader }{r}, int64(len(data)), nil)
	wantErr(t, "Files.Put cancelled midway", err, context.Canceled)
	wantFiles(t, f, "j", map[string][]byte{"big.bin": []byte("old")})
}

// testFilesFaults does every Files call through a fault proxy with the
// retry decorator, then checks the result with faults off.
func (s *suite) testFilesFaults(t *testing.T) {
	if s.o.Faulty == nil {
		t.Skip("not an HTTP destination")
	}
	raw, proxy := s.o.Faulty(t)
	if storage.FilesOf(raw) == nil {
		t.Skip("this destination offers no plain file access")
	}
	ro := storage.RetryOptions{MaxAttempts: 10, BaseDelay: 10 * time.Millisecond, MaxDelay: 200 * time.Millisecond}
	f := storage.FilesOf(storage.WithRetry(raw, ro))
	ctx := context.Background()
	want := map[string][]byte{"large.bin": content(45, s.o.largeSize())}
	for i := range 10 {
		want[fmt.Sprintf("small/%02d.txt", i)] = content(uint64(50+i), int64(700*i+1))
	}
	proxy.SetFaults(faultproxy.Faults{Rate: 0.25, Seed: 43, RetryAfter: time.Second})
	for _, p := range sortedKeys(want) {
		data := want[p]
		if _, err := f.Put(ctx, "j/current/"+p, bytes.NewReader(data), int64(len(data)), nil); err != nil {
			t.Fatalf("Put(%q) under faults: %v", p, err)
		}
	}
	for i := range 5 {
		p := fmt.Sprintf("small/%02d.txt", i)
		if err := f.Move(ctx, "j/current/"+p, "j/history/v1/"+p); err != nil {
			t.Fatalf("Move(%q) under faults: %v", p, err)
		}
	}
	if err := f.Delete(ctx, "j/history/v1/small/00.txt"); err != nil {
		t.Fatalf("Delete under faults: %v", err)
	}
	if _, err := f.Copy(ctx, "j/current/large.bin", "j/history/v1/large.bin"); err != nil {
		t.Fatalf("Copy under faults: %v", err)
	}
	n := 0
	if err := f.Walk(ctx, "j", func(storage.FileInfo) error { n++; return nil }); err != nil {
		t.Fatalf("Walk under faults: %v", err)
	}
	if data, err := readPlain(f, "j/current/large.bin"); err != nil || !bytes.Equal(data, want["large.bin"]) {
		t.Errorf("reading under faults: %d bytes, %v", len(data), err)
	}
	counts := proxy.Counts()
	proxy.SetFaults(faultproxy.Faults{})
	t.Logf("faults injected: %v", counts)
	expect := map[string][]byte{}
	for p, data := range want {
		switch {
		case p == "small/00.txt":
		case p < "small/05.txt" && p >= "small/":
			expect["history/v1/"+p] = data
		default:
			expect["current/"+p] = data
		}
	}
	expect["history/v1/large.bin"] = want["large.bin"]
	wantFiles(t, storage.FilesOf(raw), "j", expect)
}
