package storagetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/avault/avault/backend/storage"
)

func (s *suite) testZeroLength(t *testing.T) {
	d := s.open(t)
	fs := files(file{"empty.txt", []byte{}}, file{"dir/also-empty", nil}, file{"one.txt", []byte("1")})
	commit(t, d, "zero", fs)
	readBack(t, d, "zero", fs)
}

func (s *suite) testLarge(t *testing.T) {
	d := s.open(t)
	fs := files(
		file{"big.bin", content(1, s.o.largeSize())},
		file{"exactly-one-part.bin", content(2, max(s.o.PartSize, 1<<20))},
		file{"small.txt", []byte("small")},
	)
	commit(t, d, "large", fs)
	readBack(t, d, "large", fs)
}

// oddNames are paths that break naive escaping in URLs, XML, JSON and shells.
var oddNames = []string{
	"unicode/żółć gęślą jaźń.txt",
	"unicode/日本語のファイル.txt",
	"unicode/emoji 🎉.txt",
	"unicode/Ä decomposed A\u0308.txt",
	"spaces/a b  c .txt",
	" leading space.txt",
	"quotes/it's \"quoted\".txt",
	"specials/#1 & 100% + 2=3; [x] {y} (z) ~tilde $dollar @at ,comma.txt",
	"specials/a+b?c=d&e.txt",
	"specials/percent %20 %2F %ZZ.txt",
	"specials/back`tick!.txt",
	".hidden/.dotfile",
	"..double-dot-start",
	"trailing.dot.",
	"xml/<not a tag> &amp;.txt",
}

func (s *suite) testOddNames(t *testing.T) {
	d := s.open(t)
	fs := map[string][]byte{}
	for i, n := range oddNames {
		fs[n] = content(uint64(100+i), int64(10+i))
	}
	commit(t, d, "odd names ä #1 %", fs)
	readBack(t, d, "odd names ä #1 %", fs)
	if names := versionNames(t, d); !slices.Equal(names, []string{"odd names ä #1 %"}) {
		t.Errorf("ListVersions = %q", names)
	}
}

func (s *suite) testDeepPath(t *testing.T) {
	d := s.open(t)
	deep := strings.Repeat("level/", 20) + "deep.txt"
	fs := files(file{deep, []byte("deep")}, file{"level/level/side.txt", []byte("side")}, file{"top.txt", []byte("top")})
	commit(t, d, "deep", fs)
	readBack(t, d, "deep", fs)
}

func (s *suite) testReplaceAndShort(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	p, err := d.Begin(ctx, "replace", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, ctx, p, "x.txt", []byte("first version"))
	put(t, ctx, p, "x.txt", []byte("second"))
	_, err = p.Put(ctx, "short.txt", strings.NewReader("12345"), 10, nil)
	wantErr(t, "Put with a reader shorter than size", err, storage.ErrInvalid)
	fs := files(file{"x.txt", []byte("second")})
	if err := p.Commit(ctx, manifestFor("replace"), info("replace", fs)); err != nil {
		t.Fatal(err)
	}
	readBack(t, d, "replace", fs)
	_, err = d.Open(ctx, "replace", "short.txt")
	wantErr(t, "Open of a file whose Put failed", err, storage.ErrNotFound)
}

func (s *suite) testInvalidNames(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	for _, name := range []string{"", "..", "a/b", `a\b`, storage.TmpPrefix + "x", storage.MetaDir} {
		_, err := d.Begin(ctx, name, owner)
		wantErr(t, fmt.Sprintf("Begin(%q)", name), err, storage.ErrInvalid)
		wantErr(t, fmt.Sprintf("DeleteVersion(%q)", name), d.DeleteVersion(ctx, name), storage.ErrInvalid)
	}
	p, err := d.Begin(ctx, "valid", owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", "../escape.txt", "/abs.txt", "a//b", "a/../../b", storage.MetaDir + "/" + storage.ManifestName} {
		_, err := p.Put(ctx, path, strings.NewReader("x"), 1, nil)
		wantErr(t, fmt.Sprintf("Put(%q)", path), err, storage.ErrInvalid)
	}
	_, err = d.Open(ctx, "valid", "../../etc/passwd")
	wantErr(t, "Open of ../../etc/passwd", err, storage.ErrInvalid)
	if err := p.Abort(ctx); err != nil {
		t.Fatal(err)
	}
}

func (s *suite) testManyFiles(t *testing.T) {
	d := s.open(t)
	fs := map[string][]byte{}
	for i := range s.o.manyFiles() {
		fs[fmt.Sprintf("dir%d/file-%04d.txt", i%3, i)] = []byte(fmt.Sprintf("file %d\n", i))
	}
	commit(t, d, "many", fs)
	checkListing(t, d, "many", fs)
	readFiles(t, d, "many", files(file{"dir0/file-0000.txt", fs["dir0/file-0000.txt"]}))
}

func (s *suite) testManyVersions(t *testing.T) {
	d := s.open(t)
	n := 12
	if s.o.PageSize > 0 {
		n = s.o.PageSize + 2
	}
	var want []string
	for i := range n {
		name := fmt.Sprintf("v%03d", i)
		commit(t, d, name, files(file{"f.txt", []byte(name)}))
		want = append(want, name)
	}
	if got := versionNames(t, d); !slices.Equal(got, want) {
		t.Errorf("ListVersions = %q, want %q", got, want)
	}
	p, err := d.Begin(context.Background(), "zz-pending", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, context.Background(), p, "f.txt", []byte("x"))
	if got := leftoverNames(t, d); !slices.Equal(got, []string{"zz-pending"}) {
		t.Errorf("ListLeftovers = %q, want [zz-pending]", got)
	}
}

func (s *suite) testCommitVisibility(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	commit(t, d, "older", files(file{"a.txt", []byte("a")}))
	p, err := d.Begin(ctx, "vis", owner)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "vis" {
		t.Errorf("Name() = %q", p.Name())
	}
	fs := files(file{"a.txt", []byte("hello")}, file{"b/c.txt", content(3, 4096)})
	for path, data := range fs {
		put(t, ctx, p, path, data)
	}
	if got := versionNames(t, d); !slices.Equal(got, []string{"older"}) {
		t.Errorf("before Commit: ListVersions = %q, want [older]", got)
	}
	ls, err := d.ListLeftovers(ctx)
	if err != nil || len(ls) != 1 || ls[0].Name != "vis" || ls[0].Owner != owner {
		t.Errorf("before Commit: ListLeftovers = %+v, %v; want vis of %+v", ls, err, owner)
	}
	want := info("vis", fs)
	if err := p.Commit(ctx, manifestFor("vis"), want); err != nil {
		t.Fatal(err)
	}
	s.checkVersion(t, d, want)
	if got := leftoverNames(t, d); len(got) != 0 {
		t.Errorf("after Commit: ListLeftovers = %q, want none", got)
	}
	if err := p.Commit(ctx, manifestFor("vis"), want); err != nil {
		t.Errorf("second Commit: %v, want nil", err)
	}
	s.checkVersion(t, d, want)
}

// checkVersion checks that ListVersions reports want exactly.
func (s *suite) checkVersion(t *testing.T, d storage.Destination, want storage.VersionInfo) {
	t.Helper()
	vs, err := d.ListVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Name != want.Name {
			continue
		}
		if v.Owner != want.Owner || !v.Created.Equal(want.Created) || v.Files != want.Files || v.Bytes != want.Bytes {
			t.Errorf("ListVersions reports %+v, want %+v", v, want)
		}
		return
	}
	t.Errorf("ListVersions = %+v, want it to include %q", vs, want.Name)
}

func (s *suite) testExists(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	commit(t, d, "taken", files(file{"a.txt", []byte("a")}))
	_, err := d.Begin(ctx, "taken", owner)
	wantErr(t, "Begin of a committed name", err, storage.ErrExists)

	p1, err := d.Begin(ctx, "pend", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, ctx, p1, "one.txt", []byte("one"))
	_, err = d.Begin(ctx, "pend", storage.Owner{JobID: "job-2", RunID: "run-9"})
	wantErr(t, "Begin of a pending name by another run", err, storage.ErrExists)
	p2, err := d.Begin(ctx, "pend", owner)
	if err != nil {
		t.Fatalf("Begin again by the same run: %v, want the pending place back", err)
	}
	put(t, ctx, p2, "two.txt", []byte("two"))
	fs := files(file{"one.txt", []byte("one")}, file{"two.txt", []byte("two")})
	if err := p2.Commit(ctx, manifestFor("pend"), info("pend", fs)); err != nil {
		t.Fatal(err)
	}
	readBack(t, d, "pend", fs)
}

func (s *suite) testReadBack(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	fs := files(file{"doc.txt", []byte("document")}, file{"sub/img.bin", content(4, 70000)})
	commit(t, d, "rb", fs)
	readBack(t, d, "rb", fs)
	m, err := d.ReadManifest(ctx, "rb")
	if err != nil || !bytes.Equal(m, manifestFor("rb")) {
		t.Errorf("ReadManifest = %q, %v; want %q", m, err, manifestFor("rb"))
	}
	_, err = d.Open(ctx, "rb", "missing.txt")
	wantErr(t, "Open of a missing file", err, storage.ErrNotFound)
	_, err = d.Open(ctx, "nope", "doc.txt")
	wantErr(t, "Open in a missing version", err, storage.ErrNotFound)
	_, err = d.ReadManifest(ctx, "nope")
	wantErr(t, "ReadManifest of a missing version", err, storage.ErrNotFound)
}

func (s *suite) testDelete(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	keep := files(file{"a.txt", []byte("keep a")}, file{"sub/b.txt", []byte("keep b")})
	commit(t, d, "keep", keep)
	commit(t, d, "drop", files(file{"a.txt", []byte("drop a")}, file{"sub/deeper/c.txt", content(5, 9000)}, file{"z.txt", nil}))
	commit(t, d, "drop-suffix", keep) // a name that starts like the deleted one
	p, err := d.Begin(ctx, "pend", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, ctx, p, "a.txt", []byte("pending"))

	wantErr(t, "DeleteVersion of a pending place", d.DeleteVersion(ctx, "pend"), storage.ErrNotFound)
	wantErr(t, "DeleteLeftover of a committed version", d.DeleteLeftover(ctx, "keep"), storage.ErrNotFound)
	if err := d.DeleteVersion(ctx, "drop"); err != nil {
		t.Fatalf("DeleteVersion: %v", err)
	}
	if got := versionNames(t, d); !slices.Equal(got, []string{"drop-suffix", "keep"}) {
		t.Errorf("after delete: ListVersions = %q, want [drop-suffix keep]", got)
	}
	if got := leftoverNames(t, d); !slices.Equal(got, []string{"pend"}) {
		t.Errorf("after delete: ListLeftovers = %q, want [pend]", got)
	}
	_, err = d.Open(ctx, "drop", "a.txt")
	wantErr(t, "Open in a deleted version", err, storage.ErrNotFound)
	wantErr(t, "second DeleteVersion", d.DeleteVersion(ctx, "drop"), storage.ErrNotFound)
	readBack(t, d, "keep", keep)
	readBack(t, d, "drop-suffix", keep)
	put(t, ctx, p, "b.txt", []byte("still writable"))
	if err := d.DeleteLeftover(ctx, "pend"); err != nil {
		t.Fatalf("DeleteLeftover: %v", err)
	}
	if got := leftoverNames(t, d); len(got) != 0 {
		t.Errorf("after DeleteLeftover: ListLeftovers = %q", got)
	}
	wantErr(t, "second DeleteLeftover", d.DeleteLeftover(ctx, "pend"), storage.ErrNotFound)
}

func (s *suite) testUserData(t *testing.T) {
	if s.o.PutUserFile == nil {
		t.Skip("the opener cannot write a user's own files")
	}
	d := s.open(t)
	ctx := context.Background()
	user := files(file{"photos/a.jpg", []byte("jpeg")}, file{"photos/.hidden", []byte("dot")},
		file{"readme.txt", []byte("mine")}, file{"notes/deep/n.txt", []byte("note")})
	for _, path := range sortedKeys(user) {
		s.o.PutUserFile(t, d, path, user[path])
	}
	commit(t, d, "v1", files(file{"a.txt", []byte("a")}))
	if got := versionNames(t, d); !slices.Equal(got, []string{"v1"}) {
		t.Errorf("ListVersions = %q, want [v1]", got)
	}
	for _, name := range []string{"photos", "notes", "readme.txt"} {
		wantErr(t, "DeleteVersion of the user's "+name, d.DeleteVersion(ctx, name), storage.ErrNotFound)
		wantErr(t, "DeleteLeftover of the user's "+name, d.DeleteLeftover(ctx, name), storage.ErrNotFound)
	}
	_, err := d.Begin(ctx, "notes", owner)
	wantErr(t, "Begin on the user's folder", err, storage.ErrExists)
	if got := leftoverNames(t, d); slices.Contains(got, "notes") {
		t.Errorf("ListLeftovers = %q lists the user's folder", got)
	}
	if err := d.DeleteVersion(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	for _, path := range sortedKeys(user) {
		got, err := s.o.ReadUserFile(t, d, path)
		if err != nil || !bytes.Equal(got, user[path]) {
			t.Errorf("user's %s after deletes: %q, %v; want %q", path, got, err, user[path])
		}
	}
}

func (s *suite) testAbort(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	for range 2 {
		p, err := d.Begin(ctx, "aborted", owner)
		if err != nil {
			t.Fatal(err)
		}
		put(t, ctx, p, "a/b.txt", []byte("x"))
		if err := p.Abort(ctx); err != nil {
			t.Fatalf("Abort: %v", err)
		}
		if err := p.Abort(ctx); err != nil {
			t.Errorf("second Abort: %v, want nil", err)
		}
		if l, v := leftoverNames(t, d), versionNames(t, d); len(l)+len(v) != 0 {
			t.Errorf("after Abort: leftovers %q, versions %q; want none", l, v)
		}
	}
}

func (s *suite) testCopy(t *testing.T) {
	d := s.open(t)
	ctx := context.Background()
	src := files(file{"a/file.bin", content(6, 100000)}, file{"large.bin", content(7, s.o.largeSize())}, file{"empty", nil})
	commit(t, d, "src", src)
	p, err := d.Begin(ctx, "dst", owner)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := p.(storage.Copier)
	if !ok {
		p.Abort(ctx)
		t.Skip("no server-side copy")
	}
	dst := files(file{"moved/file.bin", src["a/file.bin"]}, file{"large.bin", src["large.bin"]}, file{"empty", nil}, file{"new.txt", []byte("new")})
	for from, to := range map[string]string{"a/file.bin": "moved/file.bin", "large.bin": "large.bin", "empty": "empty"} {
		res, err := c.CopyFrom(ctx, "src", from, to, int64(len(src[from])))
		if err != nil {
			t.Fatalf("CopyFrom(%q): %v", from, err)
		}
		if res.Size != int64(len(src[from])) {
			t.Errorf("CopyFrom(%q) size = %d", from, res.Size)
		}
		checkHash(t, to, res.Hash, src[from])
	}
	_, err = c.CopyFrom(ctx, "src", "missing", "x", 1)
	wantErr(t, "CopyFrom of a missing file", err, storage.ErrNotFound)
	_, err = c.CopyFrom(ctx, "src", "a/file.bin", "y", 5)
	wantErr(t, "CopyFrom with the wrong size", err, storage.ErrInvalid)
	put(t, ctx, p, "new.txt", []byte("new"))
	if err := p.Commit(ctx, manifestFor("dst"), info("dst", dst)); err != nil {
		t.Fatal(err)
	}
	if err := d.DeleteVersion(ctx, "src"); err != nil {
		t.Fatal(err)
	}
	readBack(t, d, "dst", dst)
}

// cancelReader cancels a context once it has given out after bytes, and
// goes on giving bytes, as a file does.
type cancelReader struct {
	r      io.Reader
	after  int64
	read   int64
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += int64(n)
	if c.read >= c.after {
		c.cancel()
	}
	return n, err
}

func (s *suite) testCancel(t *testing.T) {
	d := s.open(t)
	p, err := d.Begin(context.Background(), "cancelled", owner)
	if err != nil {
		t.Fatal(err)
	}
	put(t, context.Background(), p, "done.txt", []byte("finished before the cancel"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	data := content(8, s.o.largeSize())
	r := &cancelReader{r: bytes.NewReader(data), after: max(s.o.PartSize, 1<<20) + 1, cancel: cancel}
	_, err = p.Put(ctx, "big.bin", struct{ io.Reader }{r}, int64(len(data)), nil)
	wantErr(t, "Put cancelled midway", err, context.Canceled)
	if got := versionNames(t, d); len(got) != 0 {
		t.Errorf("after cancel: ListVersions = %q, want none", got)
	}
	if got := leftoverNames(t, d); !slices.Equal(got, []string{"cancelled"}) {
		t.Fatalf("after cancel: ListLeftovers = %q, want [cancelled]", got)
	}
	if err := d.DeleteLeftover(context.Background(), "cancelled"); err != nil {
		t.Fatal(err)
	}
	if got := leftoverNames(t, d); len(got) != 0 {
		t.Errorf("after DeleteLeftover: ListLeftovers = %q", got)
	}
}
