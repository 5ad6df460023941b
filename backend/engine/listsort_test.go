package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/storage"
)

// The sorter gives the listing in manifest order, equal paths in the order
// they were added, whether it fits in one run or needs many on disk.
func TestListingSorterMergesRunsInManifestOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"a", "a.txt", "a/b", "a/b/c", "b", "B", "ä", "z/\n", "a b", "a-b/x"}
	var in []storage.FileInfo
	for i := range 1000 {
		p := names[rng.IntN(len(names))] + fmt.Sprint(rng.IntN(40))
		if rng.IntN(3) == 0 {
			p = names[rng.IntN(len(names))] + "/" + p
		}
		in = append(in, storage.FileInfo{Path: p, Size: int64(i) - 3, Hash: storage.Hash{Algo: "md5", Value: fmt.Sprint(i)}})
	}
	want := slices.Clone(in)
	slices.SortStableFunc(want, func(a, b storage.FileInfo) int { return manifest.Compare(a.Path, b.Path) })
	for _, run := range []int{0, 1, 7, 999, 1000, 1001} {
		dir := t.TempDir()
		s := &listingSorter{dir: dir, run: run}
		for _, f := range in {
			if err := s.add(f); err != nil {
				t.Fatal(err)
			}
		}
		if run > 0 && run <= len(in) && len(s.runs) == 0 {
			t.Fatalf("run %d: nothing went to disk", run)
		}
		next, err := s.sorted()
		if err != nil {
			t.Fatal(err)
		}
		var got []storage.FileInfo
		for {
			f, ok, err := next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				break
			}
			got = append(got, f)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("run %d: the merged listing differs from a stable sort of it", run)
		}
		s.close()
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("run %d: temporary files left: %v", run, left)
		}
	}
}

func TestListingSorterSaysWhereItCannotSpill(t *testing.T) {
	s := &listingSorter{dir: "/nonexistent/avault-test", run: 1}
	defer s.close()
	err := s.add(storage.FileInfo{Path: "a"})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/avault-test") || !strings.Contains(err.Error(), "$TMPDIR") {
		t.Fatalf("err = %v", err)
	}
}
