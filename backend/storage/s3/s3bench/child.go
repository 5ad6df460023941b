package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/s3"
)

// runChild uploads the data set as one version, as a backup run does: each
// file opened and handed to Put, Transfers at once, then a commit.
func runChild(raw string) {
	var cfg config
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		fail(err)
	}
	d, err := open(cfg)
	if err != nil {
		fail(err)
	}
	stopHeap := watchHeap()
	start := time.Now()
	files, bytes, err := upload(context.Background(), d, cfg)
	if err != nil {
		fail(err)
	}
	r := result{Files: files, Bytes: bytes, Seconds: time.Since(start).Seconds(), PeakRSS: vmHWM(), PeakHeap: stopHeap()}
	json.NewEncoder(os.Stdout).Encode(r)
}

func open(cfg config) (*s3.Dest, error) {
	o := s3.Options{
		Bucket: cfg.Bucket, Prefix: "bench", Endpoint: cfg.Endpoint, PathStyle: true,
		AccessKeyID: cfg.AccessKey, SecretAccessKey: cfg.SecretKey,
		PartSize: cfg.PartSizeMiB << 20, MD5Pass: cfg.MD5Pass,
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		o.CAPEM = pem
	}
	return s3.New(context.Background(), o)
}

// upload puts every file under cfg.Dir into a new version and commits it;
// with cfg.Manager the files go through the SDK's transfer manager instead,
// for comparison.
func upload(ctx context.Context, d *s3.Dest, cfg config) (int, int64, error) {
	p, err := d.Begin(ctx, "v-"+strconv.FormatInt(time.Now().UnixNano(), 36), storage.Owner{JobID: "bench", RunID: "1"})
	if err != nil {
		return 0, 0, err
	}
	var up *manager.Uploader
	if cfg.Manager {
		up = manager.NewUploader(d.Client())
	}
	var files, total atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cfg.Transfers)
	err = filepath.WalkDir(cfg.Dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(cfg.Dir, path)
		g.Go(func() error {
			size, err := putFile(gctx, p, up, cfg.Bucket, path, filepath.ToSlash(rel))
			files.Add(1)
			total.Add(size)
			return err
		})
		return gctx.Err()
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	if err != nil {
		return 0, 0, err
	}
	info := storage.VersionInfo{Owner: storage.Owner{JobID: "bench"}, Created: time.Now(), Files: files.Load(), Bytes: total.Load()}
	return int(files.Load()), total.Load(), p.Commit(ctx, []byte("manifest"), info)
}

// putFile uploads one file with Put, or with the transfer manager up when
// it is not nil.
func putFile(ctx context.Context, p storage.Pending, up *manager.Uploader, bucket, path, rel string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if up != nil {
		_, err = up.Upload(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("baseline/" + rel), Body: f})
	} else {
		_, err = p.Put(ctx, rel, f, fi.Size(), nil)
	}
	return fi.Size(), err
}

// vmHWM returns the process's peak resident memory from /proc (Linux), or
// 0 where there is none.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// watchHeap samples the Go heap every 10 ms; the returned function stops
// and gives the highest sample.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return peak.Load() }
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "s3bench child:", err)
	os.Exit(1)
}
