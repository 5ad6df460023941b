package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The restore browser reads a version's manifest once, then lists further
// folders from memory; the version is still looked up each time, and
// saving a job empties the cache.
func TestBrowsingAVersionReadsItsManifestOnce(t *testing.T) {
	s, nas := newTestService(t)
	ctx := context.Background()
	files := map[string]string{"sub/inner.txt": "inner"}
	for i := range 12 {
		files[fmt.Sprintf("f%02d.txt", i)] = "data"
	}
	j, done := backedUp(t, s, nas, files)
	dest, err := s.store.GetDestination(j.DestinationID)
	if err != nil {
		t.Fatal(err)
	}
	disk := dest.RemoteID
	version := done.RemotePath

	top, err := s.ListVersionFiles(ctx, j.ID, version, "")
	if err != nil {
		t.Fatal(err)
	}
	if s.manifests.hits != 0 {
		t.Fatalf("the first listing was served from memory (%d hits)", s.manifests.hits)
	}
	if len(top) != 13 || top[0].Name != "sub" || top[0].Type != "directory" {
		t.Fatalf("top folder: %+v, want sub and 12 files", top)
	}
	again, err := s.ListVersionFiles(ctx, j.ID, version, "")
	if err != nil || !reflect.DeepEqual(again, top) {
		t.Fatalf("second listing %+v (%v), want %+v", again, err, top)
	}
	sub, err := s.ListVersionFiles(ctx, j.ID, version, "sub")
	if err != nil || len(sub) != 1 || sub[0].Name != "inner.txt" || sub[0].Size != 5 {
		t.Fatalf("sub: %+v (%v)", sub, err)
	}
	if s.manifests.hits != 2 {
		t.Fatalf("%d listings served from memory, want 2", s.manifests.hits)
	}
	// A folder listed before comes back as it was, without decoding again.
	if again, err := s.ListVersionFiles(ctx, j.ID, version, "/sub/"); err != nil || !reflect.DeepEqual(again, sub) || s.manifests.hits != 3 {
		t.Fatalf("sub again: %+v (%v), %d hits", again, err, s.manifests.hits)
	}
	again[0].Name = "changed by the caller"
	if kept, _ := s.ListVersionFiles(ctx, j.ID, version, "sub"); kept[0].Name != "inner.txt" {
		t.Fatalf("a caller's change reached the kept listing: %+v", kept)
	}
	hits := s.manifests.hits

	// Saving the job empties the cache: the next listing reads again.
	if _, err := s.UpdateJob(j); err != nil {
		t.Fatal(err)
	}
	if n := len(s.manifests.entries); n != 0 {
		t.Fatalf("%d manifests held after the job was saved", n)
	}
	if _, err := s.ListVersionFiles(ctx, j.ID, version, ""); err != nil || s.manifests.hits != hits || len(s.manifests.entries) != 1 {
		t.Fatalf("after the save: %v, %d hits, %d held", err, s.manifests.hits, len(s.manifests.entries))
	}

	// A version gone from the destination is not listed from memory.
	if err := os.RemoveAll(filepath.Join(disk, version)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListVersionFiles(ctx, j.ID, version, ""); err == nil || !strings.Contains(err.Error(), "is not a version of this job") {
		t.Fatalf("a deleted version listed: %v", err)
	}
}

func TestManifestCacheLimitAndIdle(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := newManifestCache(clock)
	defer c.stop()
	c.limit = 100
	key := func(i int) manifestKey { return manifestKey{dest: "d", job: "j", version: fmt.Sprint(i)} }
	c.put(key(1), make([]byte, 40))
	advance(time.Second)
	c.put(key(2), make([]byte, 40))
	advance(time.Second)
	if _, ok := c.get(key(1)); !ok { // 1 is now the most recently used
		t.Fatal("1 missing")
	}
	c.put(key(3), make([]byte, 40)) // over 100: the least recently used (2) goes
	if _, ok := c.get(key(2)); ok {
		t.Error("2 kept past the limit")
	}
	for _, k := range []int{1, 3} {
		if _, ok := c.get(key(k)); !ok {
			t.Errorf("%d dropped", k)
		}
	}
	if c.bytes != 80 {
		t.Errorf("bytes = %d, want 80", c.bytes)
	}
	c.put(key(4), make([]byte, 101)) // larger than the whole cache: not kept
	if _, ok := c.get(key(4)); ok || c.bytes != 80 {
		t.Errorf("an oversized manifest was kept (bytes %d)", c.bytes)
	}
	// Listed folders count with their manifest, and go with it.
	level := []TreeEntry{{Name: "a.txt", Path: "x/a.txt", Type: "file"}}
	c.putLevel(key(1), "x", level) // larger than the whole cache with its manifest: not kept
	if _, ok := c.level(key(1), "x"); ok {
		t.Error("a level over the limit was kept")
	}
	c.limit = 1000
	c.putLevel(key(1), "x", level)
	if got, ok := c.level(key(1), "x"); !ok || !reflect.DeepEqual(got, level) || c.bytes != 80+levelSize(level) {
		t.Errorf("level x: %v %v, bytes %d", got, ok, c.bytes)
	}
	c.putLevel(key(9), "x", level) // no manifest held: not kept
	if _, ok := c.level(key(9), "x"); ok {
		t.Error("a level kept without its manifest")
	}
	advance(manifestCacheIdle)
	if _, ok := c.get(key(1)); ok || c.bytes != 0 || len(c.entries) != 0 {
		t.Errorf("idle entries kept: %d bytes, %d entries", c.bytes, len(c.entries))
	}
}

// The sweeping timer drops idle entries without any further call.
func TestManifestCacheSweepsIdleEntries(t *testing.T) {
	c := newManifestCache(nil)
	defer c.stop()
	c.idle = 20 * time.Millisecond
	c.put(manifestKey{version: "v"}, make([]byte, 1<<20))
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		n, bytes := len(c.entries), c.bytes
		c.mu.Unlock()
		if n == 0 && bytes == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d entries (%d bytes) still held long after they went idle", n, bytes)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
