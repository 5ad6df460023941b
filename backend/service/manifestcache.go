package service

import (
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// Browsing a version in the restore view lists one folder per click, and
// each listing needs the version's manifest. On S3 and Google Drive that
// was a download of the whole manifest per click (about 45 MB for a million
// files). A committed version's manifest never changes, so the last few
// are kept in memory for a while after their last use. The version is
// still looked up at the destination on every click (a version that
// retention deleted is not listed from memory), and saving or deleting any
// job or destination empties the cache, since either can change where a
// version's name points.
const (
	manifestCacheBytes = 128 << 20       // at most this much held in all (a million files' manifest is 45 to 65 MB)
	manifestCacheIdle  = 5 * time.Minute // an entry unused this long is dropped
)

type manifestKey struct{ dest, job, version string }

type manifestEntry struct {
	data []byte
	used time.Time
	// levels are folders already listed from data (the whole manifest is
	// decompressed for each, about 1 s for a million files), so going back
	// to one is instant; size is data's bytes plus theirs.
	levels map[string][]TreeEntry
	size   int
}

// maxLevels is how many listed folders one manifest keeps.
const maxLevels = 256

// levelSize estimates what a folder's listing holds in memory.
func levelSize(entries []TreeEntry) int {
	n := 64
	for _, e := range entries {
		n += 96 + len(e.Name) + len(e.Path)
	}
	return n
}

type manifestCache struct {
	mu      sync.Mutex
	entries map[manifestKey]*manifestEntry
	bytes   int
	limit   int
	idle    time.Duration
	now     func() time.Time
	timer   *time.Timer // drops idle entries, so the tray process gives the memory back
	hits    int         // for tests
}

func newManifestCache(now func() time.Time) *manifestCache {
	if now == nil {
		now = time.Now
	}
	return &manifestCache{entries: map[manifestKey]*manifestEntry{}, limit: manifestCacheBytes, idle: manifestCacheIdle, now: now}
}

// liveLocked returns k's entry unless it is missing or idle too long.
func (c *manifestCache) liveLocked(k manifestKey) *manifestEntry {
	c.expireLocked()
	return c.entries[k]
}

// get returns the manifest of k when it is held.
func (c *manifestCache) get(k manifestKey) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.liveLocked(k)
	if e == nil {
		return nil, false
	}
	e.used = c.now()
	c.hits++
	return e.data, true
}

// put keeps data as k's manifest, dropping the least recently used entries
// to stay within the limit; a manifest larger than the limit is not kept.
func (c *manifestCache) put(k manifestKey, data []byte) {
	if len(data) > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[k]; old != nil {
		c.bytes -= old.size
		delete(c.entries, k)
	}
	c.makeRoomLocked(len(data))
	c.entries[k] = &manifestEntry{data: data, used: c.now(), size: len(data)}
	c.bytes += len(data)
	if c.timer == nil {
		c.timer = time.AfterFunc(c.idle, c.sweep)
	}
}

// makeRoomLocked drops the least recently used entries until n more bytes
// fit.
func (c *manifestCache) makeRoomLocked(n int) {
	for len(c.entries) > 0 && c.bytes+n > c.limit {
		var oldest manifestKey
		var at time.Time
		first := true
		for key, e := range c.entries {
			if first || e.used.Before(at) {
				oldest, at, first = key, e.used, false
			}
		}
		c.bytes -= c.entries[oldest].size
		delete(c.entries, oldest)
	}
}

// level returns the listing of dir kept with k's manifest.
func (c *manifestCache) level(k manifestKey, dir string) ([]TreeEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.liveLocked(k)
	if e == nil {
		return nil, false
	}
	l, ok := e.levels[dir]
	if !ok {
		return nil, false
	}
	e.used = c.now()
	c.hits++
	return slices.Clone(l), true
}

// putLevel keeps the listing of dir with k's manifest, when that is held
// and has room for another folder.
func (c *manifestCache) putLevel(k manifestKey, dir string, entries []TreeEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[k]
	if e == nil || len(e.levels) >= maxLevels {
		return
	}
	if _, ok := e.levels[dir]; ok {
		return
	}
	n := levelSize(entries)
	if e.size+n > c.limit {
		return
	}
	delete(c.entries, k) // not a candidate for the room it makes
	c.bytes -= e.size
	c.makeRoomLocked(e.size + n)
	if e.levels == nil {
		e.levels = map[string][]TreeEntry{}
	}
	e.levels[dir] = slices.Clone(entries)
	e.size += n
	c.entries[k] = e
	c.bytes += e.size
}

// sweep drops idle entries and runs again while any are left; what it
// dropped goes back to the system at once, so the tray process returns to
// its idle size.
func (c *manifestCache) sweep() {
	c.mu.Lock()
	before := c.bytes
	c.expireLocked()
	c.timer = nil
	if len(c.entries) > 0 {
		c.timer = time.AfterFunc(c.idle, c.sweep)
	}
	freed := c.bytes < before
	c.mu.Unlock()
	if freed {
		debug.FreeOSMemory()
	}
}

func (c *manifestCache) expireLocked() {
	now := c.now()
	for k, e := range c.entries {
		if now.Sub(e.used) >= c.idle {
			c.bytes -= e.size
			delete(c.entries, k)
		}
	}
}

// clear drops everything.
func (c *manifestCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = map[manifestKey]*manifestEntry{}
	c.bytes = 0
}

// stop ends the sweeping timer.
func (c *manifestCache) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.entries = map[manifestKey]*manifestEntry{}
	c.bytes = 0
}
