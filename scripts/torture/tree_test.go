//go:build torture

package torture

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// treeSpec says how big a source tree is.
type treeSpec struct {
	Small    int   // files of 1-32 KiB
	Medium   int   // files of 128 KiB - 1 MiB
	BigBytes int64 // one file of this size (0: none)
	Full     bool  // the same size with -short
}

func (s treeSpec) scaled() treeSpec {
	if !testingShort() || s.Full {
		return s
	}
	return treeSpec{Small: max(s.Small/4, min(s.Small, 10)), Medium: max(s.Medium/4, min(s.Medium, 1)), BigBytes: s.BigBytes / 4}
}

// orShort returns short with -short, else s.
func (s treeSpec) orShort(short treeSpec) treeSpec {
	if testingShort() {
		return short
	}
	return s
}

// Names that stress destinations: spaces, quotes, non-ASCII, a hash sign.
var oddNames = []string{"Fotos 2024/été #1.jpg", "docs/it's a 'quoted' name.txt", "日本語/ファイル.txt",
	"deep/a/b/c/d/e/f/leaf.dat", "percent %20 and+plus.bin", "emoji 🎉.txt"}

// source is a folder on the NAS that the campaign changes between runs.
type source struct {
	dir  string
	rnd  *rand.Rand
	next int // counter for new file names
}

func newSource(dir string, rnd *rand.Rand, spec treeSpec) *source {
	s := &source{dir: dir, rnd: rnd}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		panic(err)
	}
	spec = spec.scaled()
	for i := 0; i < spec.Small; i++ {
		s.write(s.newName(), 1<<10+rnd.Int64N(31<<10))
	}
	for i := 0; i < spec.Medium; i++ {
		s.write(fmt.Sprintf("media/clip-%03d.mov", i), 128<<10+rnd.Int64N(896<<10))
	}
	if spec.BigBytes > 0 {
		s.write("archive/big.tar", spec.BigBytes)
	}
	for _, n := range oddNames {
		s.write(n, 1+rnd.Int64N(8<<10))
	}
	return s
}

func (s *source) newName() string {
	s.next++
	i := s.next
	return fmt.Sprintf("d%02d/s%02d/file-%05d.bin", i%13, (i/13)%7, i)
}

// write makes path hold size random bytes, with an mtime that differs
// from any earlier one (so an incremental run sees the change).
func (s *source) write(rel string, size int64) {
	p := filepath.Join(s.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		panic(err)
	}
	f, err := os.Create(p)
	if err != nil {
		panic(err)
	}
	rng := rand.NewChaCha8([32]byte(seedBytes(s.rnd)))
	if _, err := io.CopyN(f, rng, size); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	mt := time.Now().Add(time.Duration(s.rnd.IntN(1000)) * time.Millisecond)
	os.Chtimes(p, mt, mt)
}

func seedBytes(r *rand.Rand) []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// mutate changes a share of the files, deletes a few and adds a few, as a
// day on a NAS would.
func (s *source) mutate(share float64) {
	files := s.files()
	for _, f := range files {
		if s.rnd.Float64() < share {
			s.write(f, 1+s.rnd.Int64N(48<<10))
		}
	}
	for i := 0; i < 3 && len(files) > 40; i++ {
		os.Remove(filepath.Join(s.dir, filepath.FromSlash(files[s.rnd.IntN(len(files))])))
	}
	for i := 0; i < 5; i++ {
		s.write(s.newName(), 1+s.rnd.Int64N(32<<10))
	}
}

// grow adds n bytes of new files of about 256 KiB each.
func (s *source) grow(n int64) {
	for n > 0 {
		size := min(n, 256<<10)
		s.write(fmt.Sprintf("growth/part-%05d.bin", s.next), size)
		s.next++
		n -= size
	}
}

func (s *source) files() []string {
	var out []string
	filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(s.dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// snapshot is what a tree held: path → size and SHA-256.
type snapshot map[string]string

func (s *source) snapshot() snapshot { return snapshotOf(s.dir) }

func snapshotOf(dir string) snapshot {
	snap := snapshot{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		rel, _ := filepath.Rel(dir, p)
		snap[filepath.ToSlash(rel)], _ = sumReader(f)
		return nil
	})
	return snap
}

// sumReader returns "size:sha256" of what r holds.
func sumReader(r io.Reader) (string, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return fmt.Sprintf("%d:%s", n, hex.EncodeToString(h.Sum(nil))), err
}

func (s snapshot) bytes() int64 {
	var n int64
	for _, v := range s {
		var size int64
		fmt.Sscanf(v, "%d:", &size)
		n += size
	}
	return n
}

// diff lists the differences between what was expected and what is there,
// at most a few.
func (s snapshot) diff(got snapshot) []string {
	var out []string
	for p, want := range s {
		g, ok := got[p]
		switch {
		case !ok:
			out = append(out, "missing "+p)
		case g != want:
			out = append(out, "different "+p)
		}
	}
	for p := range got {
		if _, ok := s[p]; !ok {
			out = append(out, "extra "+p)
		}
	}
	slices.Sort(out)
	if len(out) > 8 {
		out = append(out[:8], fmt.Sprintf("… %d more", len(out)-8))
	}
	return out
}

func (s snapshot) String() string {
	return fmt.Sprintf("%d files, %d bytes", len(s), s.bytes())
}

// hasPrefix reports whether any key starts with p.
func hasPrefix(keys []string, p string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}
