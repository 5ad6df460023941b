// Command bench measures Avault's backup engine against rclone on a real
// S3 server (versitygw over HTTPS on 127.0.0.1), with the same number of
// parallel transfers, on three generated datasets: many small files, a
// few large files, and a mixed tree. For each it times a first backup, a
// new version with nothing changed (rclone: --copy-dest), and a new
// version with 1 % of the files changed, on a plain loopback link and
// behind a bandwidth-limited proxy; plus `cp -r` and `sync` on the same
// disk as the physical limit. Every byte to the server goes through a
// counting proxy. Each Avault run is a child process, so that its peak
// memory is measured alone.
//
// Then it compares Avault's two layouts, full copies and current +
// history, with rclone sync --backup-dir and restic over a first backup,
// seven versions with 1 % changed and one with nothing changed, counting
// each run's requests in the access log of a second S3 server and the
// bytes each keeps (layout.go); prices the example from those
// counts (cost.go); and times a current + history run on a fake Google
// Drive that lets the account create 3 items a second (drive.go).
//
// scripts/bench.sh builds rclone, restic and versitygw into .cache/bin and
// runs it.
// It is not a test: it prints a table.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/avault/avault/backend/storage/s3/s3test"
)

type config struct {
	scale     float64
	work      string
	serverDir string
	rclone    string
	versitygw string
	transfers int
	repeat    int
	limitMbit float64
	datasets  map[string]bool
	limited   map[string]bool
	keep      bool
	profile   string
	// proxyLoopback sends loopback runs through the proxy; by default
	// they talk to the server directly, and only the limited link's runs
	// pass through the proxy.
	proxyLoopback bool
	s3            s3Tuning
	// The comparison of the layouts: the datasets it runs on, the
	// anchors beside Avault's two layouts, and how many versions with
	// 1 % changed follow the first backup.
	layouts  map[string]bool
	anchors  map[string]bool
	versions int
	restic   string
	// requestLogs keeps each run's lines of the access log there.
	requestLogs string
	// The Drive scenario: files of the small dataset's kind (0 skips it)
	// and the fake's limit of creations a second.
	driveFiles int
	driveRate  float64
	// The million-file dataset: how many files (times scale; 0 skips it)
	// and where to ("local folder", "loopback").
	millionFiles int
	millionLinks map[string]bool
	// crypt lists the datasets whose first backup is measured encrypted,
	// against rclone through a crypt remote.
	crypt map[string]bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		os.Exit(runChild())
	}
	cfg := parseFlags()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags() config {
	var cfg config
	var datasets, limited, layouts, anchors string
	flag.Float64Var(&cfg.scale, "scale", 1, "dataset size factor: 1 is 10,000 small files, 4 × 256 MiB, 50,000 mixed; 0.1 for a quick run")
	flag.StringVar(&cfg.work, "work", "", "folder for datasets and the server's data (default: a new temporary folder)")
	flag.StringVar(&cfg.serverDir, "server-dir", "", "folder for the S3 server's objects (default: a new folder in /dev/shm when it is a tmpfs, else in -work)")
	flag.StringVar(&cfg.rclone, "rclone", "", "rclone binary (default: .cache/bin/rclone, then $PATH)")
	flag.StringVar(&cfg.versitygw, "versitygw", "", "versitygw binary (default: as the S3 tests find it)")
	flag.IntVar(&cfg.transfers, "transfers", 4, "parallel transfers for both tools")
	flag.IntVar(&cfg.repeat, "repeat", 3, "rounds of each tool's first backup of the small and large datasets on loopback, whose median is reported (the server's CPU time varies from run to run)")
	flag.Float64Var(&cfg.limitMbit, "limit-mbit", 50, "bandwidth of the limited link, Mbit/s each way; 0 skips the limited runs")
	flag.StringVar(&datasets, "datasets", "small,large,mixed", "datasets to run")
	flag.StringVar(&limited, "limited", "small,large", "datasets to run on the limited link too")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the work folder")
	flag.BoolVar(&cfg.proxyLoopback, "proxy-loopback", false, "experiment: loopback runs go through the byte-counting proxy too (it makes the server's work dearer)")
	flag.StringVar(&cfg.profile, "cpuprofile", "", "folder for a CPU profile of every Avault run")
	flag.IntVar(&cfg.s3.PartMiB, "s3-part-mib", 0, "experiment: S3 part size in MiB (0: Avault's default)")
	flag.IntVar(&cfg.s3.MemoryMiB, "s3-memory-mib", 0, "experiment: S3 upload buffer limit in MiB (0: Avault's default)")
	flag.IntVar(&cfg.s3.Concurrency, "s3-concurrency", 0, "experiment: S3 parts of one file sent at once (0: Avault's default)")
	flag.BoolVar(&cfg.s3.MD5Pass, "s3-md5-pass", false, "experiment: the S3 md5Pass option (files over 1 MiB read twice, first for their MD5)")
	flag.StringVar(&layouts, "layouts", "small,mixed", "datasets on which to compare Avault's full copies and current + history with the anchors, counting requests and bytes stored ('' skips)")
	flag.StringVar(&anchors, "anchors", "rclone,restic", "anchors of the layout comparison: rclone (sync --backup-dir), restic")
	flag.IntVar(&cfg.versions, "versions", 7, "versions with 1 % changed after the first backup in the layout comparison")
	flag.StringVar(&cfg.restic, "restic", "", "restic binary (default: .cache/bin/restic, then $PATH)")
	flag.StringVar(&cfg.requestLogs, "request-logs", "", "experiment: folder to keep each layout run's lines of the S3 server's access log in")
	flag.IntVar(&cfg.driveFiles, "drive-files", 10000, "files of 4 KiB in the Google Drive scenario, times -scale (0 skips it)")
	flag.Float64Var(&cfg.driveRate, "drive-rate", 3, "items the fake Drive lets the account create a second in the Drive scenario")
	flag.IntVar(&cfg.millionFiles, "million", 1000000, "files of a few bytes in the big-tree dataset, times -scale (0 skips it): peak memory, scan against find, first backup and new version")
	var millionTo string
	flag.StringVar(&millionTo, "million-to", "local,s3", "where the big-tree dataset is backed up: local (a folder on the same disk), s3 (the S3 server on loopback)")
	var cryptSets string
	flag.StringVar(&cryptSets, "crypt", "small,large", "datasets whose first backup is measured encrypted (rclone's crypt format), against rclone through a crypt remote ('' skips)")
	flag.Parse()
	cfg.crypt = set(cryptSets)
	cfg.millionLinks = map[string]bool{}
	for to := range set(millionTo) {
		switch to {
		case "local":
			cfg.millionLinks["local folder"] = true
		case "s3":
			cfg.millionLinks["loopback"] = true
		default:
			fmt.Fprintf(os.Stderr, "bench: -million-to %q: want local or s3\n", to)
			os.Exit(2)
		}
	}
	cfg.datasets, cfg.limited = set(datasets), set(limited)
	cfg.layouts, cfg.anchors = set(layouts), set(anchors)
	return cfg
}

func set(list string) map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			m[s] = true
		}
	}
	return m
}

// run prepares the tools, the server and the proxy, then measures every
// dataset and prints the tables.
func run(cfg config) error {
	if err := findTools(&cfg); err != nil {
		return err
	}
	if cfg.work == "" {
		dir, err := os.MkdirTemp("", "avault-bench-")
		if err != nil {
			return err
		}
		cfg.work = dir
	}
	if !cfg.keep {
		defer os.RemoveAll(cfg.work)
	}
	serverDir, err := serverFolder(cfg)
	if err != nil {
		return err
	}
	if !cfg.keep {
		defer os.RemoveAll(serverDir)
	}
	srv, err := s3test.StartServer(cfg.versitygw, serverDir, s3test.Options{TLS: true})
	if err != nil {
		return err
	}
	defer srv.Stop()
	px, err := startProxy(strings.TrimPrefix(srv.Endpoint, "https://"))
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, srv: srv, px: px, endpoint: "https://" + px.addr(), started: time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)}
	fmt.Printf("Avault vs rclone %s, %d transfers, versitygw over HTTPS on 127.0.0.1 keeping objects in %s, scale %.2f, work %s\n\n",
		rcloneVersion(cfg.rclone), cfg.transfers, serverDir, cfg.scale, cfg.work)
	if cfg.s3 != (s3Tuning{}) {
		fmt.Printf("Experiment: S3 destination tuned %+v\n\n", cfg.s3)
	}
	if len(cfg.datasets) > 0 {
		header(os.Stdout)
		for _, s := range specs(cfg.scale) {
			if cfg.datasets[s.name] {
				if err := b.dataset(s); err != nil {
					return err
				}
			}
		}
		b.summary(os.Stdout)
	}
	if err := b.encryption(); err != nil {
		return err
	}
	if err := b.million(); err != nil {
		return err
	}
	if err := b.layouts(); err != nil {
		return err
	}
	return b.drive()
}

// serverFolder returns where the S3 server keeps its objects. A real
// server's disk is not the client's cost, and on the bench's own disk
// (ext4 with online discard here) every round of tens of thousands of
// small objects made the next one slower for both tools; a tmpfs keeps
// the rounds comparable.
func serverFolder(cfg config) (string, error) {
	if cfg.serverDir != "" {
		return cfg.serverDir, os.MkdirAll(cfg.serverDir, 0o700)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs("/dev/shm", &st); err == nil && st.Type == 0x01021994 { // TMPFS_MAGIC
		return os.MkdirTemp("/dev/shm", "avault-bench-s3-")
	}
	return cfg.work, nil
}

func findTools(cfg *config) error {
	if cfg.rclone == "" {
		if root, err := repoRoot(); err == nil {
			if p := filepath.Join(root, ".cache", "bin", "rclone"); fileExists(p) {
				cfg.rclone = p
			}
		}
	}
	if cfg.rclone == "" {
		p, err := exec.LookPath("rclone")
		if err != nil {
			return fmt.Errorf("rclone not found: run scripts/bench.sh, which builds it into .cache/bin")
		}
		cfg.rclone = p
	}
	if cfg.restic == "" && cfg.anchors["restic"] && len(cfg.layouts) > 0 {
		if root, err := repoRoot(); err == nil {
			if p := filepath.Join(root, ".cache", "bin", "restic"); fileExists(p) {
				cfg.restic = p
			}
		}
		if cfg.restic == "" {
			p, err := exec.LookPath("restic")
			if err != nil {
				return fmt.Errorf("restic not found: run scripts/bench.sh, which builds it into .cache/bin, or leave it out of -anchors")
			}
			cfg.restic = p
		}
	}
	if cfg.versitygw == "" {
		p, err := s3test.Binary()
		if err != nil {
			return err
		}
		cfg.versitygw = p
	}
	return nil
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for !fileExists(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
	return dir, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func rcloneVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "(unknown version)"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}
