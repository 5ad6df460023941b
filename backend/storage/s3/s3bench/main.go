// Command s3bench measures S3 uploads against a local versitygw: the
// throughput of one large file and of many small files with parallel
// transfers, and the uploading process's peak memory.
//
// It starts the server itself (see package s3test for where the binary is
// found), writes the data sets into a temporary folder, and runs each upload
// in a child process of its own so that the child's peak resident memory
// (VmHWM) belongs to that upload alone.
//
//	go run ./backend/storage/s3/s3bench                 # both data sets, HTTPS, 4 transfers
//	go run ./backend/storage/s3/s3bench -sets small -files 2000 -baseline
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/avault/avault/backend/storage/s3/s3test"
)

// config is what the parent hands each child, as JSON in an environment
// variable.
type config struct {
	Endpoint, AccessKey, SecretKey, Bucket, CAFile string
	Dir                                            string // the data set's folder
	Transfers                                      int
	PartSizeMiB                                    int64
	MD5Pass                                        bool
	Manager                                        bool // upload with feature/s3/manager instead
}

// result is what a child reports.
type result struct {
	Files    int     `json:"files"`
	Bytes    int64   `json:"bytes"`
	Seconds  float64 `json:"seconds"`
	PeakRSS  int64   `json:"peakRssBytes"`
	PeakHeap uint64  `json:"peakHeapBytes"`
}

const childEnv = "AVAULT_S3BENCH_CHILD"

func main() {
	if c := os.Getenv(childEnv); c != "" {
		runChild(c)
		return
	}
	sets := flag.String("sets", "large,small", "data sets to run: large (one file), small (many files)")
	size := flag.Int64("large-mib", 1024, "size of the large file in MiB")
	files := flag.Int("files", 10000, "number of small files")
	fileSize := flag.Int("file-size", 4096, "size of each small file in bytes")
	transfers := flag.Int("transfers", 4, "files uploaded at once")
	partMiB := flag.Int64("part-mib", 0, "multipart part size in MiB (0: the default)")
	noTLS := flag.Bool("http", false, "use plain HTTP instead of HTTPS")
	md5Pass := flag.Bool("md5-pass", false, "read files over 1 MiB twice, first for their MD5 (the md5Pass option)")
	baseline := flag.Bool("baseline", false, "also upload each data set with the SDK's transfer manager (defaults), for comparison")
	flag.Parse()
	cfg := config{Transfers: *transfers, PartSizeMiB: *partMiB, MD5Pass: *md5Pass}
	if err := run(*sets, *size<<20, *files, *fileSize, cfg, !*noTLS, *baseline); err != nil {
		fmt.Fprintln(os.Stderr, "s3bench:", err)
		os.Exit(1)
	}
}

func run(sets string, largeSize int64, files, fileSize int, cfg config, useTLS, baseline bool) error {
	work, err := os.MkdirTemp("", "s3bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin, err := s3test.Binary()
	if err != nil {
		return err
	}
	srv, err := s3test.StartServer(bin, work, s3test.Options{TLS: useTLS})
	if err != nil {
		return err
	}
	defer srv.Stop()
	cfg.Endpoint, cfg.AccessKey, cfg.SecretKey, cfg.Bucket = srv.Endpoint, srv.AccessKey, srv.SecretKey, srv.Bucket
	if srv.Cert != nil {
		cfg.CAFile = srv.Cert.CertFile
	}
	fmt.Printf("versitygw at %s, %d parallel transfers\n", srv.Endpoint, cfg.Transfers)
	for _, set := range strings.Split(sets, ",") {
		cfg.Dir = filepath.Join(work, "data-"+set)
		label, err := writeSet(set, cfg.Dir, largeSize, files, fileSize)
		if err != nil {
			return err
		}
		if err := measure("avault "+label, cfg); err != nil {
			return err
		}
		if baseline {
			base := cfg
			base.Manager = true
			if err := measure("manager "+label, base); err != nil {
				return err
			}
		}
		os.RemoveAll(cfg.Dir)
	}
	return nil
}

// writeSet writes the data set called set into dir and returns its label.
func writeSet(set, dir string, largeSize int64, files, fileSize int) (string, error) {
	switch set {
	case "large":
		return fmt.Sprintf("1 × %d MiB", largeSize>>20), writeFiles(dir, 1, largeSize)
	case "small":
		return fmt.Sprintf("%d × %d B", files, fileSize), writeFiles(dir, files, int64(fileSize))
	}
	return "", fmt.Errorf("unknown data set %q", set)
}

// writeFiles writes n files of size random bytes into dir, spread over
// sub-folders of 500.
func writeFiles(dir string, n int, size int64) error {
	rnd := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, min(size, 8<<20))
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("d%03d", i/500))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(sub, fmt.Sprintf("f%05d.bin", i)))
		if err != nil {
			return err
		}
		for left := size; left > 0; left -= int64(len(buf)) {
			for j := range buf {
				buf[j] = byte(rnd.Uint32())
			}
			if _, err := f.Write(buf[:min(left, int64(len(buf)))]); err != nil {
				f.Close()
				return err
			}
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// measure runs one upload in a child process and prints its figures.
func measure(label string, cfg config) error {
	b, _ := json.Marshal(cfg)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+string(b))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	var r result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return fmt.Errorf("%s: child said %q", label, out.String())
	}
	mib := float64(r.Bytes) / (1 << 20)
	fmt.Printf("%-24s %8.2f s  %8.1f MiB/s  %8.0f files/s  peak RSS %6.1f MiB  peak Go heap %6.1f MiB\n",
		label, r.Seconds, mib/r.Seconds, float64(r.Files)/r.Seconds, float64(r.PeakRSS)/(1<<20), float64(r.PeakHeap)/(1<<20))
	return nil
}
