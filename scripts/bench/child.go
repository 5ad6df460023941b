package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/local"
	"github.com/avault/avault/backend/storage/s3"
)

// childConfig is one Avault run, handed to a child process on stdin so
// that its peak memory is its own.
type childConfig struct {
	Endpoint  string    `json:"endpoint"`
	Bucket    string    `json:"bucket"`
	Prefix    string    `json:"prefix"`
	Region    string    `json:"region"`
	AccessKey string    `json:"accessKey"`
	SecretKey string    `json:"secretKey"`
	CAPEM     []byte    `json:"caPem"`
	Source    string    `json:"source"`
	JobID     string    `json:"jobId"`
	Started   time.Time `json:"started"`
	Transfers int       `json:"transfers"`
	S3        s3Tuning  `json:"s3"`
	// Layout is how the job keeps its versions ("" is full copies);
	// Folder is its folder at the destination, for current + history.
	Layout job.Layout `json:"layout,omitempty"`
	Folder string     `json:"folder,omitempty"`
	// LocalDir, when set, is a local folder the backup goes to instead of
	// the S3 server.
	LocalDir string `json:"localDir,omitempty"`
	// PlanOnly makes the child walk the source as a preview does (the
	// scan of a run, without a destination) instead of backing it up.
	PlanOnly bool `json:"planOnly,omitempty"`
	// Password, when set, encrypts the backup (rclone's crypt format)
	// with it and Salt.
	Password string `json:"password,omitempty"`
	Salt     string `json:"salt,omitempty"`
}

// s3Tuning overrides the S3 destination's defaults, for experiments; the
// zero value keeps them.
type s3Tuning struct {
	PartMiB     int  `json:"partMiB"`
	MemoryMiB   int  `json:"memoryMiB"`
	Concurrency int  `json:"concurrency"`
	MD5Pass     bool `json:"md5Pass"`
}

// childReport is what the child prints on stdout.
type childReport struct {
	Result   engine.Result `json:"result"`
	PeakKiB  int64         `json:"peakKiB"` // VmHWM
	Wrote    int64         `json:"wrote"`   // bytes written (wchar), before this report
	Folders  int64         `json:"folders"` // folders a PlanOnly walk found
	ErrorMsg string        `json:"error,omitempty"`
}

// runChild runs one backup as configured on stdin and prints a childReport.
func runChild() int {
	var cfg childConfig
	if err := json.NewDecoder(os.Stdin).Decode(&cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench child:", err)
		return 2
	}
	if p := os.Getenv("AVAULT_BENCH_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil {
			pprof.StartCPUProfile(f)
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	rep := childReport{}
	var res engine.Result
	var err error
	if cfg.PlanOnly {
		res, rep.Folders, err = plan(cfg)
	} else {
		res, err = backup(cfg)
	}
	rep.Result = res
	if err != nil {
		rep.ErrorMsg = err.Error()
	}
	rep.PeakKiB = vmHWM()
	rep.Wrote, _ = processWrote(os.Getpid())
	json.NewEncoder(os.Stdout).Encode(rep)
	return 0
}

func backup(cfg childConfig) (engine.Result, error) {
	ctx := context.Background()
	j := job.NewJob()
	j.ID, j.Name = cfg.JobID, "bench"
	j.RetentionCount = 100
	j.Layout, j.Folder = cfg.Layout, cfg.Folder
	opts := engine.Options{Transfers: cfg.Transfers}
	if p := os.Getenv("AVAULT_BENCH_HEAPPROFILE"); p != "" {
		// At the commit the run holds the most: the new manifest whole,
		// and the previous one.
		opts.OnCommitted = func(engine.Result) {
			if f, err := os.Create(p); err == nil {
				runtime.GC()
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}
	if cfg.LocalDir != "" {
		d, err := local.New(cfg.LocalDir)
		if err != nil {
			return engine.Result{}, err
		}
		inner, err := encrypted(cfg, d)
		if err != nil {
			return engine.Result{}, err
		}
		req := engine.Request{Job: j, RunID: cfg.Started.Format("150405"), Source: cfg.Source,
			Dest: storage.WithRetry(inner, storage.RetryOptions{}), Started: cfg.Started}
		return engine.Run(ctx, req, opts), nil
	}
	d, err := s3.New(ctx, s3.Options{
		Bucket: cfg.Bucket, Prefix: cfg.Prefix, Endpoint: cfg.Endpoint, Region: cfg.Region, PathStyle: true,
		AccessKeyID: cfg.AccessKey, SecretAccessKey: cfg.SecretKey, CAPEM: cfg.CAPEM,
		PartSize: int64(cfg.S3.PartMiB) << 20, MemoryLimit: int64(cfg.S3.MemoryMiB) << 20,
		Concurrency: cfg.S3.Concurrency, MD5Pass: cfg.S3.MD5Pass,
	})
	if err != nil {
		return engine.Result{}, err
	}
	defer d.Close()
	inner, err := encrypted(cfg, d)
	if err != nil {
		return engine.Result{}, err
	}
	var dest storage.Destination = storage.WithRetry(inner, storage.RetryOptions{})
	if cfg.Folder != "" {
		dest = engine.JobDestination(dest, j, nil)
	}
	req := engine.Request{Job: j, RunID: cfg.Started.Format("150405"), Source: cfg.Source,
		Dest: dest, Started: cfg.Started}
	return engine.Run(ctx, req, opts), nil
}

// plan walks the source as a preview does and reports the files found and
// the time taken as the result's scan.
func plan(cfg childConfig) (engine.Result, int64, error) {
	j := job.NewJob()
	j.ID, j.Name = cfg.JobID, "bench"
	start := time.Now()
	d, err := engine.Plan(context.Background(), j, cfg.Source, engine.PlanOptions{})
	res := engine.Result{FilesScanned: d.Files, BytesScanned: d.Bytes}
	res.Timings.Scan = time.Since(start)
	return res, d.Folders, err
}

// vmHWM returns this process's peak resident set size in KiB.
func vmHWM() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}
