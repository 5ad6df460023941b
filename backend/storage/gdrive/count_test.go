package gdrive_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

// backup writes n small files into four folders with 8 Puts at a time, or
// copies them from version from when it is not "".
func backup(tb testing.TB, d storage.Destination, name, from string, n int) {
	ctx := context.Background()
	p, err := d.Begin(ctx, name, owner)
	if err != nil {
		tb.Fatal(err)
	}
	data := bytes.Repeat([]byte("x"), 1024)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range n {
		path := fmt.Sprintf("dir%d/file-%04d.txt", i%4, i)
		g.Go(func() error {
			if from != "" {
				_, err := p.(storage.Copier).CopyFrom(gctx, from, path, path, int64(len(data)))
				return err
			}
			_, err := p.Put(gctx, path, bytes.NewReader(data), int64(len(data)), nil)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		tb.Fatal(err)
	}
	info := storage.VersionInfo{Name: name, Owner: owner, Created: time.Now(), Files: int64(n), Bytes: int64(n * len(data))}
	if err := p.Commit(ctx, []byte("manifest"), info); err != nil {
		tb.Fatal(err)
	}
}

// breakdown formats the fake's per-method request counts.
func breakdown(fake *drivefake.Server) string {
	var parts []string
	for _, m := range []string{"files.list", "files.get", "files.create", "files.create.upload", "upload.chunk", "files.update", "files.copy", "files.delete"} {
		if n := fake.Calls(m); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", m, n))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// TestAPICallsPer1000Files counts the requests of a backup of 1,000 small
// files in four folders (Begin, 1,000 Puts, Commit), then of the next backup
// copying them all server-side.
func TestAPICallsPer1000Files(t *testing.T) {
	e := newEnv(t, drivefake.Options{}, func(o *gdrive.Options) { o.PageSize = 0 }) // 1000, as in use
	start := e.dest.Calls()
	backup(t, e.dest, "v1", "", 1000)
	first := e.dest.Calls() - start
	t.Logf("first backup of 1,000 files: %d requests (%s)", first, breakdown(e.fake))
	if first > 1012 {
		t.Errorf("%d requests for 1,000 files, want at most 1,012", first)
	}

	o := testOptions(e.fake.URL(), e.rootID)
	o.PageSize = 0
	fresh, err := gdrive.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	backup(t, fresh, "v2", "v1", 1000)
	t.Logf("second backup, 1,000 server-side copies: %d requests", fresh.Calls())
	if fresh.Calls() > 1020 {
		t.Errorf("%d requests to copy 1,000 files, want at most 1,020", fresh.Calls())
	}
}

// BenchmarkUpload measures upload throughput through the fake: small files
// (one multipart request each, 8 at a time) and one large file (resumable,
// 8 MiB chunks).
func BenchmarkUpload(b *testing.B) {
	b.Run("small-4KiB", func(b *testing.B) {
		e := newEnv(b, drivefake.Options{}, nil)
		p, err := e.dest.Begin(context.Background(), "bench", owner)
		if err != nil {
			b.Fatal(err)
		}
		data := bytes.Repeat([]byte("s"), 4<<10)
		b.SetBytes(int64(len(data)))
		b.ResetTimer()
		g := errgroup.Group{}
		g.SetLimit(8)
		for i := range b.N {
			g.Go(func() error {
				_, err := p.Put(context.Background(), fmt.Sprintf("d%d/f%d", i%8, i), bytes.NewReader(data), int64(len(data)), nil)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
	})
	b.Run("large-64MiB", func(b *testing.B) {
		e := newEnv(b, drivefake.Options{}, func(o *gdrive.Options) { o.ChunkSize = 0 })
		p, err := e.dest.Begin(context.Background(), "bench", owner)
		if err != nil {
			b.Fatal(err)
		}
		data := bytes.Repeat([]byte("L"), 64<<20)
		b.SetBytes(int64(len(data)))
		b.ResetTimer()
		for range b.N {
			if _, err := p.Put(context.Background(), "big.bin", bytes.NewReader(data), int64(len(data)), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
