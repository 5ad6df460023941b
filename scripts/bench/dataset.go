package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// dataset is a generated source folder.
type dataset struct {
	name  string
	dir   string
	files []string // relative paths
	bytes int64
	spec  spec
	n     int // the number of files when files is not kept (the million-file dataset)
}

// count returns the number of files.
func (d *dataset) count() int {
	if d.files == nil {
		return d.n
	}
	return len(d.files)
}

// spec says how to build a dataset: count files whose sizes size picks.
type spec struct {
	name  string
	count int
	size  func(r *rand.Rand) int64
	path  func(r *rand.Rand, i int) string
	// rounds says that the first backup on loopback has a speed target:
	// it is measured -repeat times and the median reported.
	rounds bool
}

// specs returns the three datasets, scaled: 10,000 × 4 KiB, 4 × 256 MiB,
// and a mixed tree of about 50,000 files in deep folders.
func specs(scale float64) []spec {
	n := func(base int) int { return max(1, int(float64(base)*scale)) }
	return []spec{
		{name: "small", count: n(10000), rounds: true,
			size: func(*rand.Rand) int64 { return 4 << 10 },
			path: func(_ *rand.Rand, i int) string { return fmt.Sprintf("d%03d/f%05d.bin", i/100, i) }},
		{name: "large", count: 4, rounds: true,
			size: func(*rand.Rand) int64 { return int64(max(16, int(256*scale))) << 20 },
			path: func(_ *rand.Rand, i int) string { return fmt.Sprintf("big%d.bin", i) }},
		{name: "mixed", count: n(50000), size: mixedSize, path: deepPath},
	}
}

// mixedSize draws a size: mostly small files, some medium, a few large.
func mixedSize(r *rand.Rand) int64 {
	switch p := r.Float64(); {
	case p < 0.80:
		return 512 + r.Int64N(16<<10)
	case p < 0.98:
		return 16<<10 + r.Int64N(112<<10)
	case p < 0.9998:
		return 128<<10 + r.Int64N(896<<10)
	}
	return 8<<20 + r.Int64N(8<<20)
}

// deepPath puts file i 1 to 8 folders deep, in a tree with a few
// thousand folders.
func deepPath(r *rand.Rand, i int) string {
	depth := 1 + r.IntN(8)
	parts := make([]string, 0, depth+1)
	for d := range depth {
		parts = append(parts, fmt.Sprintf("L%d-%02d", d, r.IntN(4+d)))
	}
	parts = append(parts, fmt.Sprintf("file-%06d.dat", i))
	return strings.Join(parts, "/")
}

// generate writes the dataset under root/name with random (incompressible)
// content.
func generate(root string, s spec) (*dataset, error) {
	d := &dataset{name: s.name, spec: s, dir: filepath.Join(root, "src-"+s.name)}
	r := rand.New(rand.NewPCG(uint64(len(s.name)), 42))
	buf := make([]byte, 1<<20)
	for i := range s.count {
		p := s.path(r, i)
		size := s.size(r)
		if err := writeRandom(filepath.Join(d.dir, filepath.FromSlash(p)), size, r, buf); err != nil {
			return nil, err
		}
		d.files = append(d.files, p)
		d.bytes += size
	}
	return d, nil
}

func writeRandom(p string, size int64, r *rand.Rand, buf []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	for left := size; left > 0; {
		chunk := buf[:min(int64(len(buf)), left)]
		fill(r, chunk)
		if _, err := f.Write(chunk); err != nil {
			f.Close()
			return err
		}
		left -= int64(len(chunk))
	}
	return f.Close()
}

func fill(r *rand.Rand, b []byte) {
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		for k := range 8 {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	for i := len(b) &^ 7; i < len(b); i++ {
		b[i] = byte(r.Uint32())
	}
}

// change rewrites 1 % of the files (at least one) with new content of the
// same size and a new modification time, and returns how many and their
// bytes. Seeds that differ modulo 100 change different files.
func (d *dataset) change(seed uint64) (n int, bytes int64, err error) {
	r := rand.New(rand.NewPCG(seed, 7))
	buf := make([]byte, 1<<20)
	step := 100
	if len(d.files) < step {
		step = len(d.files)
	}
	for i := int(seed) % step; i < len(d.files); i += step {
		p := filepath.Join(d.dir, filepath.FromSlash(d.files[i]))
		fi, err := os.Stat(p)
		if err != nil {
			return n, bytes, err
		}
		if err := writeRandom(p, fi.Size(), r, buf); err != nil {
			return n, bytes, err
		}
		later := time.Now().Add(time.Duration(seed) * time.Minute)
		if err := os.Chtimes(p, later, later); err != nil {
			return n, bytes, err
		}
		n++
		bytes += fi.Size()
	}
	return n, bytes, nil
}
